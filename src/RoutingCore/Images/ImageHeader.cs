using System.Buffers.Binary;

namespace RoutingCore.Images;

/// <summary>What an image header says.</summary>
internal struct ImageHeaderInfo
{
    public ImageFormat Format;
    public int Width;
    public int Height;
    public bool Animated;
    public bool DimensionsKnown;
}

/// <summary>
/// Reads format, dimensions and animation from image headers by walking their structure (chunks, segments, blocks),
/// never by searching for magic bytes inside data, and never decoding pixels.
/// </summary>
/// <remarks>Every walk advances by at least one byte per step and stops at the payload's end, so the cost is
/// linear in the walked structure and bounded by the payload length.</remarks>
internal static class ImageHeader
{
    /// <summary>Sniffs and reads the header. Returns false when the bytes claim a known format but its header is unreadable.</summary>
    public static bool TryRead(in Base64Payload data, out ImageHeaderInfo info)
    {
        info = default;
        Span<byte> head = stackalloc byte[32];
        int n = data.ReadAt(0, head);
        head = head[..n];
        info.Format = Sniff(head);
        switch (info.Format)
        {
            case ImageFormat.Png: return ReadPng(data, head, ref info);
            case ImageFormat.Jpeg: return ReadJpeg(data, ref info);
            case ImageFormat.Gif: return ReadGif(data, head, ref info);
            case ImageFormat.WebP: return ReadWebP(head, ref info);
            case ImageFormat.Bmp:
                if (n < 26) return false;
                info.Width = BinaryPrimitives.ReadInt32LittleEndian(head[18..]);
                int h = BinaryPrimitives.ReadInt32LittleEndian(head[22..]);
                info.Height = h == int.MinValue ? 0 : Math.Abs(h);
                return info.Width > 0 && info.Height > 0 && SetKnown(ref info);
            case ImageFormat.Heic or ImageFormat.Heif or ImageFormat.Avif:
                ReadIsoBmff(data, ref info);
                return true; // recognised even when no size is found (then assumed downstream)
            default:
                // TIFF, SVG and ICO are recognised by name; their sizes are not read (assumed downstream).
                return n > 0;
        }
    }

    private static bool SetKnown(ref ImageHeaderInfo info)
    {
        info.DimensionsKnown = true;
        return true;
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> IcoSignature => [0, 0, 1, 0];
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    internal static ImageFormat Sniff(ReadOnlySpan<byte> h)
    {
        if (h.StartsWith(PngSignature)) return ImageFormat.Png;
        if (h.Length >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return ImageFormat.Jpeg;
        if (h.StartsWith("GIF87a"u8) || h.StartsWith("GIF89a"u8)) return ImageFormat.Gif;
        if (h.Length >= 12 && h.StartsWith("RIFF"u8) && h[8..12].SequenceEqual("WEBP"u8)) return ImageFormat.WebP;
        if (h.Length >= 12 && h[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = h[8..12];
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8)) return ImageFormat.Avif;
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("hevc"u8) || brand.SequenceEqual("hevx"u8)
                || brand.SequenceEqual("heim"u8) || brand.SequenceEqual("heis"u8)) return ImageFormat.Heic;
            if (brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8) || brand.SequenceEqual("heif"u8)) return ImageFormat.Heif;
            return ImageFormat.Unknown;
        }
        if (h.StartsWith("BM"u8) && h.Length >= 26) return ImageFormat.Bmp;
        if (h.StartsWith("II*\0"u8) || h.StartsWith("MM\0*"u8)) return ImageFormat.Tiff;
        if (h.StartsWith(IcoSignature)) return ImageFormat.Ico;
        var t = h;
        if (t.StartsWith(Utf8Bom)) t = t[3..];
        t = t.TrimStart(" \t\r\n"u8);
        if (t.StartsWith("<svg"u8) || t.StartsWith("<?xml"u8)) return ImageFormat.Svg;
        return ImageFormat.Unknown;
    }

    private static bool ReadPng(in Base64Payload data, ReadOnlySpan<byte> head, ref ImageHeaderInfo info)
    {
        // Signature (8), then IHDR: length (4) = 13, type (4), width (4), height (4).
        if (head.Length < 24 || !head[12..16].SequenceEqual("IHDR"u8)) return false;
        uint w = BinaryPrimitives.ReadUInt32BigEndian(head[16..]);
        uint h = BinaryPrimitives.ReadUInt32BigEndian(head[20..]);
        if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue) return false;
        info.Width = (int)w; info.Height = (int)h; info.DimensionsKnown = true;

        // APNG: an acTL chunk before the first IDAT. Walk chunk boundaries, never search bytes.
        Span<byte> chunk = stackalloc byte[8];
        long pos = 8;
        while (pos + 8 <= data.Length)
        {
            if (data.ReadAt(pos, chunk) < 8) break;
            long length = BinaryPrimitives.ReadUInt32BigEndian(chunk);
            var type = chunk[4..8];
            if (type.SequenceEqual("acTL"u8)) { info.Animated = true; break; }
            if (type.SequenceEqual("IDAT"u8) || type.SequenceEqual("IEND"u8)) break;
            pos += 12 + length;
        }
        return true;
    }

    private static bool ReadJpeg(in Base64Payload data, ref ImageHeaderInfo info)
    {
        Span<byte> seg = stackalloc byte[9];
        long pos = 2;
        while (pos < data.Length)
        {
            int got = data.ReadAt(pos, seg);
            if (got < 2 || seg[0] != 0xFF) return false;
            byte marker = seg[1];
            if (marker == 0xFF) { pos++; continue; }                 // fill byte
            if (marker is >= 0xD0 and <= 0xD7 || marker == 0x01 || marker == 0xD8) { pos += 2; continue; } // no length
            if (marker is 0xD9 or 0xDA) return false;                // EOI or scan data before any frame header
            if (got < 4) return false;
            int length = BinaryPrimitives.ReadUInt16BigEndian(seg[2..]);
            if (length < 2) return false;
            bool isFrame = marker is >= 0xC0 and <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (isFrame)
            {
                if (got < 9) return false;
                int h = BinaryPrimitives.ReadUInt16BigEndian(seg[5..]);
                int w = BinaryPrimitives.ReadUInt16BigEndian(seg[7..]);
                if (w == 0 || h == 0) return false; // height 0 (DNL) is legal but unsizable; treat as unreadable
                info.Width = w; info.Height = h; info.DimensionsKnown = true;
                return true;
            }
            pos += 2 + length;
        }
        return false;
    }

    private static bool ReadGif(in Base64Payload data, ReadOnlySpan<byte> head, ref ImageHeaderInfo info)
    {
        if (head.Length < 13) return false;
        int w = BinaryPrimitives.ReadUInt16LittleEndian(head[6..]);
        int h = BinaryPrimitives.ReadUInt16LittleEndian(head[8..]);
        if (w == 0 || h == 0) return false;
        info.Width = w; info.Height = h; info.DimensionsKnown = true;
        byte flags = head[10];
        long pos = 13 + ((flags & 0x80) != 0 ? 3L * (2 << (flags & 7)) : 0);
        int frames = 0;
        Span<byte> desc = stackalloc byte[10];
        while (pos < data.Length)
        {
            int b = data.ByteAt(pos);
            if (b == 0x21)
            {
                pos = SkipSubBlocks(data, pos + 2);
            }
            else if (b == 0x2C)
            {
                if (++frames > 1) { info.Animated = true; break; }
                if (data.ReadAt(pos, desc) < 10) break;
                byte lf = desc[9];
                pos += 10 + ((lf & 0x80) != 0 ? 3L * (2 << (lf & 7)) : 0);
                pos = SkipSubBlocks(data, pos + 1); // LZW minimum code size, then image data sub-blocks
            }
            else
            {
                break; // trailer (0x3B) or damage: the frames seen so far stand
            }
        }
        return true;
    }

    private static long SkipSubBlocks(in Base64Payload data, long pos)
    {
        while (pos < data.Length)
        {
            int size = data.ByteAt(pos);
            if (size <= 0) return pos + 1;
            pos += 1 + size;
        }
        return pos;
    }

    /// <summary>
    /// HEIF/HEIC/AVIF: walk the box tree <c>meta → iprp → ipco</c> to the <c>ispe</c> (image spatial extent)
    /// properties and take the largest, which is the primary image (or its grid) rather than a thumbnail or a tile.
    /// </summary>
    private static void ReadIsoBmff(in Base64Payload data, ref ImageHeaderInfo info)
    {
        long best = 0;
        WalkBoxes(data, 0, data.Length, depth: 0, ref info, ref best);
        info.DimensionsKnown = best > 0;
    }

    private static void WalkBoxes(in Base64Payload data, long pos, long end, int depth, ref ImageHeaderInfo info, ref long best)
    {
        Span<byte> header = stackalloc byte[16];
        Span<byte> extent = stackalloc byte[12];
        int boxes = 0;
        while (pos + 8 <= end && boxes++ < 4096)
        {
            if (data.ReadAt(pos, header) < 8) return;
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = header[4..8];
            int headerLength = 8;
            if (size == 1)
            {
                if (data.ReadAt(pos, header) < 16) return;
                size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(header[8..]), (ulong)long.MaxValue);
                headerLength = 16;
            }
            else if (size == 0)
            {
                size = end - pos;
            }
            if (size < headerLength || size > end - pos) return;
            long body = pos + headerLength;
            if (type.SequenceEqual("meta"u8) && depth == 0) WalkBoxes(data, body + 4, pos + size, depth + 1, ref info, ref best); // full box
            else if ((type.SequenceEqual("iprp"u8) && depth == 1) || (type.SequenceEqual("ipco"u8) && depth == 2))
                WalkBoxes(data, body, pos + size, depth + 1, ref info, ref best);
            else if (type.SequenceEqual("ispe"u8) && depth == 3 && size >= headerLength + 12)
            {
                if (data.ReadAt(body, extent) == 12)
                {
                    uint w = BinaryPrimitives.ReadUInt32BigEndian(extent[4..]);
                    uint h = BinaryPrimitives.ReadUInt32BigEndian(extent[8..]);
                    if (w is > 0 and <= int.MaxValue && h is > 0 and <= int.MaxValue && (long)w * h > best)
                    {
                        best = (long)w * h;
                        info.Width = (int)w;
                        info.Height = (int)h;
                    }
                }
            }
            pos += size;
        }
    }

    private static bool ReadWebP(ReadOnlySpan<byte> head, ref ImageHeaderInfo info)
    {
        if (head.Length < 25) return false;
        var fourcc = head[12..16];
        if (fourcc.SequenceEqual("VP8 "u8))
        {
            if (head.Length < 30 || head[23] != 0x9D || head[24] != 0x01 || head[25] != 0x2A) return false;
            info.Width = BinaryPrimitives.ReadUInt16LittleEndian(head[26..]) & 0x3FFF;
            info.Height = BinaryPrimitives.ReadUInt16LittleEndian(head[28..]) & 0x3FFF;
        }
        else if (fourcc.SequenceEqual("VP8L"u8))
        {
            if (head[20] != 0x2F) return false;
            info.Width = 1 + (((head[22] & 0x3F) << 8) | head[21]);
            info.Height = 1 + (((head[24] & 0x0F) << 10) | (head[23] << 2) | ((head[22] & 0xC0) >> 6));
        }
        else if (fourcc.SequenceEqual("VP8X"u8))
        {
            if (head.Length < 30) return false;
            info.Animated = (head[20] & 0x02) != 0;
            info.Width = 1 + (head[24] | (head[25] << 8) | (head[26] << 16));
            info.Height = 1 + (head[27] | (head[28] << 8) | (head[29] << 16));
        }
        else
        {
            return false;
        }
        if (info.Width == 0 || info.Height == 0) return false;
        info.DimensionsKnown = true;
        return true;
    }
}
