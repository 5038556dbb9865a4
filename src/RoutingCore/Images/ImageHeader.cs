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
        if (h.StartsWith("II+\0"u8) || h.StartsWith("MM\0+"u8)) return ImageFormat.Tiff; // BigTIFF
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
        // libpng and browsers show an acTL that declares one frame (or an invalid count: 0, or more than 2^31) as a
        // still image, and so do providers' decoders: only num_frames > 1 is animation.
        Span<byte> chunk = stackalloc byte[12];
        long pos = 8;
        while (pos + 8 <= data.Length)
        {
            int got = data.ReadAt(pos, chunk);
            if (got < 8) break;
            long length = BinaryPrimitives.ReadUInt32BigEndian(chunk);
            var type = chunk[4..8];
            if (type.SequenceEqual("acTL"u8))
            {
                uint frames = got >= 12 && length >= 8 ? BinaryPrimitives.ReadUInt32BigEndian(chunk[8..]) : 0;
                info.Animated = frames is > 1 and <= int.MaxValue;
                break;
            }
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
            if (got < 2) return false;
            if (seg[0] != 0xFF || seg[1] == 0x00)
            {
                // Stray bytes where a marker should be (Photoshop and other writers leave them between segments):
                // libjpeg skips to the next 0xFF not followed by a stuffed 0x00, with a warning, and so do we.
                pos = NextMarker(data, seg[0] == 0xFF ? pos + 2 : pos);
                if (pos < 0) return false;
                continue;
            }
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

    /// <summary>The position of the next <c>0xFF</c> that starts a marker (not a stuffed <c>FF 00</c>), or -1.</summary>
    private static long NextMarker(in Base64Payload data, long pos)
    {
        Span<byte> window = stackalloc byte[256];
        while (pos < data.Length)
        {
            int got = data.ReadAt(pos, window);
            if (got <= 0) return -1;
            int at = window[..got].IndexOf((byte)0xFF);
            if (at < 0) { pos += got; continue; }
            pos += at;
            if (pos + 1 >= data.Length) return -1;
            int next = data.ByteAt(pos + 1);
            if (next != 0x00) return pos;
            pos += 2;
        }
        return -1;
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
                // Decoders (giflib, Pillow, browsers) show a first frame that extends past the logical screen at its
                // full extent, so the billed size is never smaller than left + width by top + height.
                int right = BinaryPrimitives.ReadUInt16LittleEndian(desc[1..]) + BinaryPrimitives.ReadUInt16LittleEndian(desc[5..]);
                int bottom = BinaryPrimitives.ReadUInt16LittleEndian(desc[3..]) + BinaryPrimitives.ReadUInt16LittleEndian(desc[7..]);
                info.Width = Math.Max(info.Width, right);
                info.Height = Math.Max(info.Height, bottom);
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
    /// HEIF/HEIC/AVIF: walk the box tree <c>meta → pitm, iprp → ipco, ipma</c> to the primary item's properties and
    /// report what a decoder shows: its <c>ispe</c> (image spatial extent) cropped by its <c>clap</c> (clean aperture)
    /// where present. Encoders pad odd sizes to whole chroma blocks (123 px is coded as 124) and record the visible
    /// size in <c>clap</c>. Without a readable <c>pitm</c>/<c>ipma</c>, the largest <c>ispe</c> stands (the primary image
    /// or its grid rather than a thumbnail or a tile).
    /// </summary>
    private static void ReadIsoBmff(in Base64Payload data, ref ImageHeaderInfo info)
    {
        var heif = new HeifBoxes();
        heif.PrimaryId = -1;
        Span<byte> header = stackalloc byte[16];
        if (FindChild(data, 0, data.Length, "meta"u8, header, out long metaBody, out long metaEnd))
        {
            WalkMeta(data, metaBody + 4, metaEnd, ref heif); // meta is a full box: skip version and flags
        }
        if (heif.PrimaryId >= 0 && heif.IpmaEnd > 0) ReadIpma(data, ref heif);
        if (heif.PrimaryIspe > 0)
        {
            int p = heif.PrimaryIspe;
            info.Width = heif.Width[p]; info.Height = heif.Height[p];
            if (heif.PrimaryClap > 0)
            {
                int c = heif.PrimaryClap;
                info.Width = Math.Min(info.Width, heif.Width[c]);
                info.Height = Math.Min(info.Height, heif.Height[c]);
            }
        }
        else if (heif.BestArea > 0)
        {
            info.Width = heif.BestWidth; info.Height = heif.BestHeight;
        }
        info.DimensionsKnown = info.Width > 0 && info.Height > 0;
    }

    [System.Runtime.CompilerServices.InlineArray(HeifBoxes.MaxProperties)]
    private struct PropertyInts
    {
        private int _first;
    }

    /// <summary>What the walk collected: the first <see cref="MaxProperties"/> properties of <c>ipco</c> by 1-based index.</summary>
    private struct HeifBoxes
    {
        public const int MaxProperties = 64;
        public PropertyInts Width, Height, Kind; // Kind: 1 ispe, 2 clap
        public long PrimaryId;
        public long IpmaBody, IpmaEnd;
        public int PrimaryIspe, PrimaryClap;
        public long BestArea;
        public int BestWidth, BestHeight;
    }

    private static bool FindChild(in Base64Payload data, long pos, long end, ReadOnlySpan<byte> wanted, Span<byte> header, out long body, out long boxEnd)
    {
        body = boxEnd = 0;
        int boxes = 0;
        while (NextBox(data, ref pos, end, header, out var type, out long b, out long e) && boxes++ < 4096)
        {
            if (type.SequenceEqual(wanted)) { body = b; boxEnd = e; return true; }
        }
        return false;
    }

    /// <summary>Reads the box at <paramref name="pos"/> and advances past it; false at the end or on a damaged box.</summary>
    private static bool NextBox(in Base64Payload data, ref long pos, long end, Span<byte> header, out ReadOnlySpan<byte> type, out long body, out long boxEnd)
    {
        type = default; body = boxEnd = 0;
        if (pos + 8 > end || data.ReadAt(pos, header) < 8) return false;
        long size = BinaryPrimitives.ReadUInt32BigEndian(header);
        int headerLength = 8;
        if (size == 1)
        {
            if (data.ReadAt(pos, header) < 16) return false;
            size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(header[8..]), (ulong)long.MaxValue);
            headerLength = 16;
        }
        else if (size == 0)
        {
            size = end - pos;
        }
        if (size < headerLength || size > end - pos) return false;
        type = header[4..8];
        body = pos + headerLength;
        boxEnd = pos + size;
        pos = boxEnd;
        return true;
    }

    private static void WalkMeta(in Base64Payload data, long pos, long end, ref HeifBoxes heif)
    {
        Span<byte> header = stackalloc byte[16];
        Span<byte> field = stackalloc byte[6];
        Span<byte> inner = stackalloc byte[16];
        int boxes = 0;
        while (NextBox(data, ref pos, end, header, out var type, out long body, out long boxEnd) && boxes++ < 4096)
        {
            if (type.SequenceEqual("pitm"u8))
            {
                int got = data.ReadAt(body, field);
                if (got >= 6 && field[0] != 0) heif.PrimaryId = BinaryPrimitives.ReadUInt32BigEndian(field[4..]);
                else if (got >= 6 && field[0] == 0) heif.PrimaryId = BinaryPrimitives.ReadUInt16BigEndian(field[4..]);
            }
            else if (type.SequenceEqual("iprp"u8))
            {
                long p = body;
                int children = 0;
                while (NextBox(data, ref p, boxEnd, inner, out var child, out long cb, out long ce) && children++ < 4096)
                {
                    if (child.SequenceEqual("ipco"u8)) ReadIpco(data, cb, ce, ref heif);
                    else if (child.SequenceEqual("ipma"u8) && heif.IpmaEnd == 0) { heif.IpmaBody = cb; heif.IpmaEnd = ce; }
                }
            }
        }
    }

    private static void ReadIpco(in Base64Payload data, long pos, long end, ref HeifBoxes heif)
    {
        Span<byte> header = stackalloc byte[16];
        Span<byte> values = stackalloc byte[24];
        int index = 0;
        while (NextBox(data, ref pos, end, header, out var type, out long body, out long boxEnd) && ++index < 4096)
        {
            bool ispe = type.SequenceEqual("ispe"u8), clap = type.SequenceEqual("clap"u8);
            if (!ispe && !clap) continue;
            int w = 0, h = 0;
            if (ispe && boxEnd - body >= 12 && data.ReadAt(body, values[..12]) == 12)
            {
                uint uw = BinaryPrimitives.ReadUInt32BigEndian(values[4..]), uh = BinaryPrimitives.ReadUInt32BigEndian(values[8..]);
                if (uw is > 0 and <= int.MaxValue && uh is > 0 and <= int.MaxValue)
                {
                    w = (int)uw; h = (int)uh;
                    if ((long)w * h > heif.BestArea) { heif.BestArea = (long)w * h; heif.BestWidth = w; heif.BestHeight = h; }
                }
            }
            else if (clap && boxEnd - body >= 16 && data.ReadAt(body, values[..16]) == 16)
            {
                w = Ratio(BinaryPrimitives.ReadUInt32BigEndian(values), BinaryPrimitives.ReadUInt32BigEndian(values[4..]));
                h = Ratio(BinaryPrimitives.ReadUInt32BigEndian(values[8..]), BinaryPrimitives.ReadUInt32BigEndian(values[12..]));
            }
            if (index < HeifBoxes.MaxProperties && w > 0 && h > 0)
            {
                heif.Width[index] = w; heif.Height[index] = h; heif.Kind[index] = ispe ? 1 : 2;
            }
        }

        // clap sizes are fractions; decoders round them to whole pixels (half up).
        static int Ratio(uint n, uint d) => d == 0 ? 0 : (int)Math.Min(int.MaxValue, ((ulong)n * 2 + d) / (2UL * d));
    }

    /// <summary>Finds the primary item's entry in <c>ipma</c> and picks its <c>ispe</c> and <c>clap</c> properties.</summary>
    private static void ReadIpma(in Base64Payload data, ref HeifBoxes heif)
    {
        Span<byte> buf = stackalloc byte[8];
        long pos = heif.IpmaBody, end = heif.IpmaEnd;
        if (data.ReadAt(pos, buf) < 8) return;
        int version = buf[0];
        bool wide = (buf[3] & 1) != 0;
        long entries = BinaryPrimitives.ReadUInt32BigEndian(buf[4..]);
        pos += 8;
        for (long e = 0; e < entries && pos < end; e++)
        {
            int idLength = version < 1 ? 2 : 4;
            if (data.ReadAt(pos, buf[..(idLength + 1)]) < idLength + 1) return;
            long id = idLength == 2 ? BinaryPrimitives.ReadUInt16BigEndian(buf) : BinaryPrimitives.ReadUInt32BigEndian(buf);
            int count = buf[idLength];
            pos += idLength + 1;
            if (id != heif.PrimaryId) { pos += count * (wide ? 2 : 1); continue; }
            for (int a = 0; a < count; a++)
            {
                int index;
                if (wide) { if (data.ReadAt(pos, buf[..2]) < 2) return; index = BinaryPrimitives.ReadUInt16BigEndian(buf) & 0x7FFF; pos += 2; }
                else { int b = data.ByteAt(pos); if (b < 0) return; index = b & 0x7F; pos += 1; }
                if (index <= 0 || index >= HeifBoxes.MaxProperties) continue;
                if (heif.Kind[index] == 1 && heif.PrimaryIspe == 0) heif.PrimaryIspe = index;
                else if (heif.Kind[index] == 2 && heif.PrimaryClap == 0) heif.PrimaryClap = index;
            }
            return;
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
