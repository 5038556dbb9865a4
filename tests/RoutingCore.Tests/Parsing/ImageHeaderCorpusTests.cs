using RoutingCore.Images;

namespace RoutingCore.Tests.Parsing;

/// <summary>
/// The header walker against a corpus made by several real encoders with many options (TestData/make-corpus.py:
/// Pillow, ImageMagick, libjpeg-turbo, libwebp, gifsicle, apngasm, libheif) and a reference decoder's answer for each
/// file (corpus.tsv), read through the scanner as data URIs, as a request carries them (spec R-IMG-9).
/// </summary>
public class ImageHeaderCorpusTests
{
    private static readonly string s_dir = Path.Combine(AppContext.BaseDirectory, "TestData");

    public static IEnumerable<object[]> Corpus() =>
        File.ReadLines(Path.Combine(s_dir, "corpus.tsv")).Where(l => !l.StartsWith('#')).Select(l => l.Split('\t'))
            .Select(c => new object[] { c[0], c[1], int.Parse(c[2]), int.Parse(c[3]), c[4] == "true" });

    [Fact]
    public void Corpus_IsLargeAndVaried()
    {
        var rows = Corpus().ToList();
        Assert.True(rows.Count >= 250, $"{rows.Count} files");
        var prefixes = rows.Select(r => ((string)r[0]).Split('-')[0]).Distinct().ToList();
        Assert.Superset(new HashSet<string> { "pil", "im", "cjpeg", "cwebp", "img2webp", "gifsicle", "apngasm", "heifenc", "stray", "crafted" }, prefixes.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Walker_AgreesWithReferenceDecoder(string file, string format, int width, int height, bool animated)
    {
        var bytes = File.ReadAllBytes(Path.Combine(s_dir, "corpus", file));
        Assert.True(ImageFormats.TryParseName(format, out var expectedFormat));
        var body = TestKit.Chat("gpt-5", TestKit.DataUri("image/" + format, bytes));
        var facts = TestKit.Scan(body);
        Assert.Equal(RouteErrorCode.None, facts.Error);
        var image = Assert.Single(facts.ImageSpan.ToArray());
        Assert.Equal(expectedFormat, image.Format);
        if (width == 0)
        {
            Assert.False(image.DimensionsKnown); // named, size not read (TIFF)
            return;
        }
        Assert.True(image.DimensionsKnown);
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.Equal(animated, image.Animated);
    }

    [Theory]
    [InlineData("stray-320x240-zeros.jpg", 320, 240)]
    [InlineData("stray-640x480-text.jpg", 640, 480)]
    [InlineData("stray-123x77-stuffed.jpg", 123, 77)]
    public void Jpeg_StrayBytesBetweenSegments_AreSkippedAsLibjpegDoes(string file, int width, int height)
    {
        var bytes = File.ReadAllBytes(Path.Combine(s_dir, "corpus", file));
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(bytes), out var info));
        Assert.Equal((width, height), (info.Width, info.Height));
    }

    [Fact]
    public void Jpeg_OnlyGarbageAfterSoi_IsStillInvalid()
    {
        byte[] bytes = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78];
        Assert.False(ImageHeader.TryRead(Base64Payload.FromRaw(bytes), out _));
    }

    [Fact]
    public void Apng_WithOneDeclaredFrame_IsStill_AndThreeFramesAreAnimated()
    {
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(File.ReadAllBytes(Path.Combine(s_dir, "corpus", "pil-320x240-one-frame.png"))), out var one));
        Assert.False(one.Animated);
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(File.ReadAllBytes(Path.Combine(s_dir, "corpus", "apngasm-320x240-anim.png"))), out var three));
        Assert.True(three.Animated);
    }

    [Fact]
    public void Apng_WithZeroFrameCount_IsStill()
    {
        var bytes = File.ReadAllBytes(Path.Combine(s_dir, "corpus", "pil-63x65-one-frame.png"));
        int at = IndexOf(bytes, "acTL"u8) + 4;
        bytes[at] = bytes[at + 1] = bytes[at + 2] = bytes[at + 3] = 0;
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(bytes), out var info));
        Assert.False(info.Animated);
    }

    [Fact]
    public void Gif_FirstFrameBeyondTinyScreen_ReportsTheFrameExtent()
    {
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(File.ReadAllBytes(Path.Combine(s_dir, "corpus", "crafted-screen32-frame65535x66601.gif"))), out var info));
        Assert.Equal((65535, 66601), (info.Width, info.Height));
        // Priced at what a decoder shows, the image is too large for an 8000-px model rather than a cheap 32x32.
        var body = TestKit.Chat("gpt-5", TestKit.DataUri("image/gif", File.ReadAllBytes(Path.Combine(s_dir, "corpus", "crafted-screen32-frame65535x66601.gif"))));
        Assert.Equal("image_too_large", TestKit.Engine.Route(body).ErrorCode);
    }

    [Fact]
    public void Heif_CleanAperture_CropsThePrimaryItemsExtent()
    {
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(File.ReadAllBytes(Path.Combine(s_dir, "corpus", "crafted-clap-123x77.heic"))), out var info));
        Assert.Equal(ImageFormat.Heic, info.Format);
        Assert.Equal((123, 77), (info.Width, info.Height));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'I', (byte)'I', 0x2B, 0x00, 0x08, 0x00, 0x00, 0x00 })]
    [InlineData(new byte[] { (byte)'M', (byte)'M', 0x00, 0x2B, 0x00, 0x08, 0x00, 0x00 })]
    public void BigTiff_IsNamedTiff(byte[] head)
    {
        Assert.Equal(ImageFormat.Tiff, ImageHeader.Sniff(head));
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
