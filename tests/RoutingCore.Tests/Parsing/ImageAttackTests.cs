namespace RoutingCore.Tests.Parsing;

/// <summary>ATTACKS.md, the Images table: one named test per row.</summary>
public class ImageAttackTests
{
    private static RouteDecision Route(byte[] body) => TestKit.Engine.Route(body);

    [Theory]
    [InlineData("data:image/png,iVBORw0KGgo=")]
    [InlineData("data:image/png;base64,iVBORw0K$$$=")]
    [InlineData("data:image/png;base64,iVBORw0KGgo")]
    [InlineData("data:image/png;base64,iVBO=w0KGgo=")]
    [InlineData("data:image/png;base64,")]
    [InlineData("data:image/png;base64,iVBO Rw0K")]
    [InlineData("data:image/png;base64,iVBORw0K-_go=")]
    [InlineData("data:image/png;base64")]
    public void DataUri_WithoutBase64_BadCharacters_BadPadding_OrCutShort_IsInvalidImageData(string uri)
    {
        var d = Route(TestKit.Chat("flux-auto", uri));
        Assert.Equal("invalid_image_data", d.ErrorCode);
        Assert.Equal("messages[0].content[1].image_url.url", d.Error.Param.ToString());
    }

    [Fact]
    public void DataUri_TruncatedImage_IsInvalidImageData()
    {
        var png = TestKit.Image("photo-640x480.png")[..20];
        Assert.Equal("invalid_image_data", Route(TestKit.Chat("flux-auto", TestKit.DataUri("image/png", png))).ErrorCode);
    }

    [Fact]
    public void DeclaredPng_BytesJpeg_SniffedFormatWins_WithWarning()
    {
        var (d, details) = TestKit.Route(TestKit.ChatImage("gpt-5", "photo-1024x768.jpg", "image/png"));
        Assert.True(d.Succeeded);
        Assert.Equal(ImageFormat.Jpeg, details.Images[0].Format);
        Assert.Equal(ImageFormat.Png, details.Images[0].DeclaredFormat);
        Assert.True(d.Warnings.HasFlag(RouteWarnings.ImageMediaTypeMismatch));
    }

    [Fact]
    public void DeclaredPng_BytesJpeg_OnStrictModel_IsRejected()
    {
        var d = Route(TestKit.ChatImage("claude-sonnet-4-5", "photo-1024x768.jpg", "image/png"));
        Assert.Equal("invalid_image_data", d.ErrorCode);
        Assert.Equal("messages[0].content[1]", d.Error.Param.ToString());
    }

    [Fact]
    public void PngClaiming100000Squared_ReportsDimensions_AndIsTooLargeForABoundedModel()
    {
        var (d, details) = TestKit.Route(TestKit.ChatImage("gpt-5", "bomb-100000x100000.png"));
        Assert.Equal("image_too_large", d.ErrorCode);
        Assert.Equal((100000, 100000), (details.Images[0].Width, details.Images[0].Height));
    }

    [Fact]
    public void PngClaiming100000Squared_OnAnUnboundedModel_EstimatesWithoutOverflow()
    {
        var (d, _) = TestKit.Route(TestKit.ChatImage("gemini-2.5-pro", "bomb-100000x100000.png"));
        Assert.True(d.Succeeded);
        Assert.Equal(4 * 258, d.Estimate.ImageTokens);
    }

    [Fact]
    public void JpegBehind100KBOfExifAndIcc_IsSized()
    {
        var (d, details) = TestKit.Route(TestKit.ChatImage("gpt-5", "progressive-icc-1200x900.jpg"));
        Assert.True(d.Succeeded);
        Assert.Equal((1200, 900), (details.Images[0].Width, details.Images[0].Height));
    }

    [Fact]
    public void AnimatedGif_OnModelWithoutAnimation_IsAnimatedImageUnsupported()
    {
        Assert.Equal("animated_image_unsupported", Route(TestKit.ChatImage("gpt-5", "animated-120x90.gif")).ErrorCode);
    }

    [Fact]
    public void Apng_IsAnimated_AndRejectedByStillOnlyModel()
    {
        Assert.Equal("animated_image_unsupported", Route(TestKit.ChatImage("gpt-4o", "animated-64x48.png")).ErrorCode);
    }

    [Fact]
    public void AnimatedGif_OnAnthropic_IsAccepted()
    {
        Assert.True(Route(TestKit.ChatImage("claude-sonnet-4-5", "animated-120x90.gif")).Succeeded);
    }

    [Theory]
    [InlineData("bitmap-40x30.bmp")]
    [InlineData("scan-50x40.tiff")]
    [InlineData("vector.svg")]
    public void BmpTiffSvg_AreUnsupportedImageFormat(string file)
    {
        var d = Route(TestKit.ChatImage("gpt-5", file));
        Assert.Equal("unsupported_image_format", d.ErrorCode);
        Assert.Equal("messages[0].content[1]", d.Error.Param.ToString());
    }

    [Fact]
    public void Ico_IsNamedAndUnsupported()
    {
        byte[] ico = [0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0, 0, 0, 0, 22, 0, 0, 0];
        var (d, details) = TestKit.Route(TestKit.Chat("gpt-5", TestKit.DataUri("image/x-icon", ico)));
        Assert.Equal(ImageFormat.Ico, details.Images[0].Format);
        Assert.Equal("unsupported_image_format", d.ErrorCode);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("https://localhost/x.png")]
    [InlineData("https://10.0.0.5/x.png")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://127.1/x.png")]
    [InlineData("https://2130706433/x.png")]
    [InlineData("https://0x7f.0.0.1/x.png")]
    [InlineData("https://[::1]/x.png")]
    [InlineData("https://[::ffff:169.254.169.254]/x.png")]
    [InlineData("https://[fe80::1]/x.png")]
    [InlineData("https://192.168.1.10:8443/x.png")]
    [InlineData("https://172.16.0.1/x.png")]
    [InlineData("https://user@127.0.0.1/x.png")]
    [InlineData("https://metadata.google.internal/x.png")]
    [InlineData("https://printer.local/x.png")]
    [InlineData("https://evil.example%2f@127.0.0.1/x.png")]
    [InlineData("ftp://example.com/x.png")]
    [InlineData("https:///x.png")]
    [InlineData("https://0/x.png")]
    public void DangerousUrls_AreImageUrlNotAllowed(string url)
    {
        var d = Route(TestKit.Chat("flux-auto", url));
        Assert.Equal("image_url_not_allowed", d.ErrorCode);
        Assert.Equal("messages[0].content[1].image_url.url", d.Error.Param.ToString());
    }

    [Fact]
    public void HttpUrl_IsRejectedUnlessAllowed()
    {
        Assert.Equal("image_url_not_allowed", Route(TestKit.Chat("gpt-5", "http://images.example.com/cat.png")).ErrorCode);
        var options = DefaultCatalog.LoadOptions();
        options.AllowHttpImageUrls = true;
        var engine = new RoutingEngine(options);
        Assert.True(engine.Route(TestKit.Chat("gpt-5", "http://images.example.com/cat.png")).Succeeded);
    }

    [Theory]
    [InlineData("https://images.example.com/cat.jpg")]
    [InlineData("https://8.8.8.8/cat.jpg")]
    [InlineData("https://[2606:4700::1111]/cat.jpg")]
    [InlineData("HTTPS://Example.COM:443/a?b#c")]
    public void PublicHttpsUrls_AreAllowed_WithAssumedDimensions(string url)
    {
        var d = Route(TestKit.Chat("gpt-4o", url));
        Assert.True(d.Succeeded, d.Error.ToString());
        Assert.True(d.Warnings.HasFlag(RouteWarnings.AssumedImageDimensions));
        Assert.Equal(85 + 8 * 170, d.Estimate.ImageTokens);
        Assert.True(d.Estimate.ImageSizesAssumed);
    }

    [Fact]
    public void EscapedSlashesInUrlAndDataUri_AreUnescapedBeforeChecks()
    {
        var b64 = Convert.ToBase64String(TestKit.Image("photo-640x480.png")).Replace("/", "\\/");
        var body = TestKit.Utf8($$"""{"model":"gpt-5","messages":[{"role":"user","content":[{"type":"text","text":"x"},{"type":"image_url","image_url":{"url":"data:image\/png;base64,{{b64}}"} },{"type":"image_url","image_url":{"url":"https:\/\/127.0.0.1\/a.png"} }]}]}""");
        var (d, details) = TestKit.Route(body);
        Assert.Equal("image_url_not_allowed", d.ErrorCode);
        Assert.Equal("messages[0].content[2].image_url.url", d.Error.Param.ToString());
        Assert.Equal((640, 480), (details.Images[0].Width, details.Images[0].Height));
    }
}
