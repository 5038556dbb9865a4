using RoutingCore.Images;

namespace RoutingCore.Tests.Parsing;

/// <summary>Image facts from real encoder output (Pillow; see TestData/make-images.py), read through the scanner.</summary>
public class ImageHeaderTests
{
    [Theory]
    [InlineData("one-by-one.png", ImageFormat.Png, 1, 1, false)]
    [InlineData("photo-640x480.png", ImageFormat.Png, 640, 480, false)]
    [InlineData("animated-64x48.png", ImageFormat.Png, 64, 48, true)]
    [InlineData("photo-1024x768.jpg", ImageFormat.Jpeg, 1024, 768, false)]
    [InlineData("progressive-800x600.jpg", ImageFormat.Jpeg, 800, 600, false)]
    [InlineData("progressive-icc-1200x900.jpg", ImageFormat.Jpeg, 1200, 900, false)]
    [InlineData("cmyk-300x200.jpg", ImageFormat.Jpeg, 300, 200, false)]
    [InlineData("still-320x240.gif", ImageFormat.Gif, 320, 240, false)]
    [InlineData("animated-120x90.gif", ImageFormat.Gif, 120, 90, true)]
    [InlineData("lossy-500x300.webp", ImageFormat.WebP, 500, 300, false)]
    [InlineData("lossless-301x201.webp", ImageFormat.WebP, 301, 201, false)]
    [InlineData("alpha-257x129.webp", ImageFormat.WebP, 257, 129, false)]
    [InlineData("animated-64x48.webp", ImageFormat.WebP, 64, 48, true)]
    [InlineData("tiny-lossless-1x1.webp", ImageFormat.WebP, 1, 1, false)]
    [InlineData("bitmap-40x30.bmp", ImageFormat.Bmp, 40, 30, false)]
    [InlineData("bomb-100000x100000.png", ImageFormat.Png, 100000, 100000, false)]
    public void Scan_RealImage_ReportsFormatSizeAndAnimation(string file, ImageFormat format, int width, int height, bool animated)
    {
        var bytes = TestKit.Image(file);
        var facts = TestKit.Scan(TestKit.ChatImage("gpt-5", file));
        Assert.Equal(RouteErrorCode.None, facts.Error);
        var image = Assert.Single(facts.ImageSpan.ToArray());
        Assert.Equal(format, image.Format);
        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        Assert.Equal(animated, image.Animated);
        Assert.True(image.DimensionsKnown);
        Assert.Equal(bytes.Length, image.Bytes);
        Assert.Equal(ImageSourceKind.Data, image.Source);
        Assert.Equal("messages[0].content[1]", image.Param);
    }

    [Fact]
    public void Jpeg_FrameHeaderBehindMoreThan64KBOfIccAndExif_IsFoundBySegmentWalk()
    {
        var bytes = TestKit.Image("progressive-icc-1200x900.jpg");
        int sof = IndexOfSof(bytes);
        Assert.True(sof > 64 * 1024, $"test image's frame header is at {sof}");
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(bytes), out var info));
        Assert.Equal((1200, 900), (info.Width, info.Height));
    }

    private static int IndexOfSof(byte[] b)
    {
        int pos = 2;
        while (b[pos + 1] != 0xC2 && b[pos + 1] != 0xC0) pos += 2 + (b[pos + 2] << 8 | b[pos + 3]);
        return pos;
    }

    [Theory]
    [InlineData("scan-50x40.tiff", ImageFormat.Tiff)]
    [InlineData("vector.svg", ImageFormat.Svg)]
    public void Scan_OtherFormats_AreNamedWithoutDimensions(string file, ImageFormat format)
    {
        var image = TestKit.Scan(TestKit.ChatImage("gpt-5", file)).ImageSpan[0];
        Assert.Equal(format, image.Format);
        Assert.False(image.DimensionsKnown);
    }

    [Fact]
    public void Heic_IsRecognisedByBrand()
    {
        byte[] heic = [0, 0, 0, 24, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c', 0, 0, 0, 0, (byte)'m', (byte)'i', (byte)'f', (byte)'1', 0, 0, 0, 0];
        var image = TestKit.Scan(TestKit.Chat("gemini-2.5-pro", TestKit.DataUri("image/heic", heic))).ImageSpan[0];
        Assert.Equal(ImageFormat.Heic, image.Format);
    }

    /// <summary>A HEIF box tree as encoders write it: ftyp, then meta (a full box) → iprp → ipco with a thumbnail
    /// ispe and the primary image's ispe; the larger one is the image.</summary>
    internal static byte[] HeifWithExtents(string brand, params (int W, int H)[] extents)
    {
        static byte[] Box(string type, params byte[][] parts)
        {
            var body = parts.SelectMany(p => p).ToArray();
            var box = new byte[8 + body.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
            System.Text.Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
            body.CopyTo(box, 8);
            return box;
        }
        static byte[] U32(int v) { var b = new byte[4]; System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b, (uint)v); return b; }
        var ispes = extents.Select(e => Box("ispe", U32(0), U32(e.W), U32(e.H))).ToArray();
        var ftyp = Box("ftyp", System.Text.Encoding.ASCII.GetBytes(brand), U32(0), System.Text.Encoding.ASCII.GetBytes("mif1"));
        var hdlr = Box("hdlr", U32(0), U32(0), System.Text.Encoding.ASCII.GetBytes("pict"), new byte[13]);
        var meta = Box("meta", U32(0), hdlr, Box("iprp", Box("ipco", ispes)));
        return [.. ftyp, .. meta, .. Box("mdat", new byte[64])];
    }

    [Theory]
    [InlineData("heic", ImageFormat.Heic)]
    [InlineData("mif1", ImageFormat.Heif)]
    [InlineData("avif", ImageFormat.Avif)]
    public void Heif_PrimaryImageExtent_IsReadFromTheBoxTree(string brand, ImageFormat format)
    {
        var bytes = HeifWithExtents(brand, (320, 240), (4032, 3024), (512, 512));
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(bytes), out var info));
        Assert.Equal((format, 4032, 3024, true), (info.Format, info.Width, info.Height, info.DimensionsKnown));
        var (d, details) = TestKit.Route(TestKit.Chat("gemini-2.5-pro", TestKit.DataUri("image/heic", bytes)));
        Assert.Equal((4032, 3024), (details.Images[0].Width, details.Images[0].Height));
        if (format == ImageFormat.Avif)
        {
            Assert.Equal("unsupported_image_format", d.ErrorCode); // Gemini's published formats include HEIC/HEIF, not AVIF
            return;
        }
        Assert.True(d.Succeeded, d.Error.ToString());
        Assert.False(d.Warnings.HasFlag(RouteWarnings.AssumedImageDimensions));
    }

    [Fact]
    public void Heif_WithoutExtents_IsRecognised_WithAssumedSize()
    {
        var bytes = HeifWithExtents("heic");
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(bytes), out var info));
        Assert.Equal((ImageFormat.Heic, false), (info.Format, info.DimensionsKnown));
    }

    [Fact]
    public void WebP_Vp8lShorterThan30Bytes_IsStillParsed()
    {
        var bytes = TestKit.Image("tiny-lossless-1x1.webp")[..26];
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(bytes), out var info));
        Assert.Equal((ImageFormat.WebP, 1, 1), (info.Format, info.Width, info.Height));
    }

    [Fact]
    public void Jpeg_MarkerLikeBytesInsideExifAndFillBytes_AreWalkedNotScanned()
    {
        // APP1 whose payload contains FF C0 (a fake frame header claiming 1x1), then fill bytes, then SOF1 (C1).
        byte[] jpeg =
        [
            0xFF, 0xD8,
            0xFF, 0xE1, 0x00, 0x0B, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x01, 0x00, 0x01,
            0xFF, 0xFF, 0xFF,
            0xFF, 0xC1, 0x00, 0x11, 0x08, 0x01, 0x2C, 0x01, 0x90, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(jpeg), out var info));
        Assert.Equal((400, 300), (info.Width, info.Height));
    }

    [Theory]
    [InlineData(0xC4)]
    [InlineData(0xC8)]
    [InlineData(0xCC)]
    public void Jpeg_NonFrameMarkersInSofRange_AreSkipped(byte marker)
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, marker, 0x00, 0x07, 0x08, 0x00, 0x05, 0x00, 0x05, 0xFF, 0xC3, 0x00, 0x0B, 0x08, 0x00, 0x20, 0x00, 0x40, 0x01, 0, 0, 0];
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(jpeg), out var info));
        Assert.Equal((64, 32), (info.Width, info.Height));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 1, 2, 3, 4, 5, 6 })]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 })]
    public void Jpeg_ScanDataOrEoiBeforeFrameHeader_IsInvalidImageData(byte[] jpeg)
    {
        var facts = TestKit.Scan(TestKit.Chat("gpt-5", TestKit.DataUri("image/jpeg", jpeg)));
        Assert.Equal(RouteErrorCode.InvalidImageData, facts.Error);
        Assert.Equal("messages[0].content[1].image_url.url", facts.ErrorParam.ToString());
    }

    [Fact]
    public void Gif_ByteCountOfImageSeparators_DoesNotMakeAStillGifAnimated()
    {
        // Pillow's still GIF has 0x2C bytes inside its LZW data; walking the blocks finds one frame.
        var bytes = TestKit.Image("still-320x240.gif");
        Assert.True(bytes.Count(b => b == 0x2C) > 1);
        Assert.True(ImageHeader.TryRead(Base64Payload.FromRaw(bytes), out var info));
        Assert.False(info.Animated);
    }

    [Fact]
    public void Base64Payload_ReadAt_MatchesFullDecodeAtEveryOffset()
    {
        var raw = TestKit.Image("photo-640x480.png");
        var chars = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(raw));
        Assert.True(Base64Payload.Validate(chars, out var payload));
        Assert.Equal(raw.Length, payload.Length);
        Span<byte> buf = stackalloc byte[7];
        for (int offset = 0; offset < raw.Length; offset += 3 + offset % 5)
        {
            int n = payload.ReadAt(offset, buf);
            Assert.Equal(Math.Min(7, raw.Length - offset), n);
            Assert.True(buf[..n].SequenceEqual(raw.AsSpan(offset, n)));
        }
    }
}
