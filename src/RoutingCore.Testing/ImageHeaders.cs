using System.Buffers.Binary;
using System.Text;

namespace RoutingCore.Testing;

/// <summary>Minimal, structurally valid image headers of a given size (what the scanner reads; no pixels).</summary>
public static class ImageHeaders
{
    /// <summary>Bytes whose header declares <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static byte[] Create(ImageFormat format, int width, int height)
    {
        switch (format)
        {
            case ImageFormat.Png:
            {
                var b = new byte[33 + 12];
                new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(b, 0);
                BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), 13);
                "IHDR"u8.CopyTo(b.AsSpan(12));
                BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(16), (uint)width);
                BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(20), (uint)height);
                b[24] = 8; b[25] = 2;
                "IEND"u8.CopyTo(b.AsSpan(37));
                return b;
            }
            case ImageFormat.Jpeg:
            {
                var ms = new MemoryStream();
                ms.Write([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]);
                ms.Write("JFIF\0"u8);
                ms.Write(new byte[9]);
                ms.Write([0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03]);
                ms.Write(new byte[9]);
                ms.Write([0xFF, 0xD9]);
                return ms.ToArray();
            }
            case ImageFormat.Gif:
            {
                var b = new byte[14];
                "GIF89a"u8.CopyTo(b);
                BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), (ushort)width);
                BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), (ushort)height);
                b[13] = 0x3B;
                return b;
            }
            case ImageFormat.WebP:
            {
                var b = new byte[30];
                "RIFF"u8.CopyTo(b);
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 22);
                "WEBPVP8X"u8.CopyTo(b.AsSpan(8));
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), 10);
                int w1 = width - 1, h1 = height - 1;
                b[24] = (byte)w1; b[25] = (byte)(w1 >> 8); b[26] = (byte)(w1 >> 16);
                b[27] = (byte)h1; b[28] = (byte)(h1 >> 8); b[29] = (byte)(h1 >> 16);
                return b;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Only PNG, JPEG, GIF and WebP headers are generated.");
        }
    }

    internal static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
