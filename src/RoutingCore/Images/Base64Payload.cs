using System.Buffers;
using System.Buffers.Text;

namespace RoutingCore.Images;

/// <summary>
/// Random access to the decoded bytes of a base64 payload without decoding all of it: byte <c>k</c> lives in the
/// 4-character quantum <c>k / 3</c>, so any small range is decoded from the few quanta that hold it.
/// </summary>
/// <remarks>The payload must have passed <see cref="Validate"/>; then every quantum decodes.</remarks>
internal readonly ref struct Base64Payload
{
    private static readonly SearchValues<byte> s_alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8);

    private readonly ReadOnlySpan<byte> _chars;
    private readonly bool _raw;

    /// <summary>Decoded length in bytes.</summary>
    public long Length { get; }

    private Base64Payload(ReadOnlySpan<byte> chars, long length, bool raw)
    {
        _chars = chars; Length = length; _raw = raw;
    }

    /// <summary>Wraps already-decoded bytes (used by tests and by hosts that hold raw image bytes).</summary>
    public static Base64Payload FromRaw(ReadOnlySpan<byte> bytes) => new(bytes, bytes.Length, raw: true);

    /// <summary>
    /// Validates a whole standard-alphabet, padded base64 payload in one vectorised pass.
    /// Whitespace, the URL-safe alphabet, missing or misplaced padding are rejected.
    /// </summary>
    public static bool Validate(ReadOnlySpan<byte> chars, out Base64Payload payload)
    {
        payload = default;
        int n = chars.Length;
        if (n == 0 || (n & 3) != 0) return false;
        int pad = chars[n - 1] == (byte)'=' ? (chars[n - 2] == (byte)'=' ? 2 : 1) : 0;
        if (chars[..(n - pad)].IndexOfAnyExcept(s_alphabet) >= 0) return false;
        payload = new Base64Payload(chars, (long)(n / 4) * 3 - pad, raw: false);
        return true;
    }

    /// <summary>Copies up to <paramref name="destination"/>.Length decoded bytes starting at <paramref name="offset"/>; returns how many.</summary>
    public int ReadAt(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset >= Length || destination.IsEmpty) return 0;
        long end = Math.Min(Length, offset + destination.Length);
        int count = (int)(end - offset);
        if (_raw)
        {
            _chars.Slice((int)offset, count).CopyTo(destination);
            return count;
        }
        long firstQuantum = offset / 3;
        long lastQuantum = (end + 2) / 3;
        var source = _chars.Slice((int)(firstQuantum * 4), (int)((lastQuantum - firstQuantum) * 4));
        Span<byte> scratch = stackalloc byte[StackLimit];
        if (source.Length / 4 * 3 > scratch.Length) return 0;
        if (Base64.DecodeFromUtf8(source, scratch, out _, out int written) != OperationStatus.Done) return 0;
        int skip = (int)(offset - firstQuantum * 3);
        int available = Math.Min(count, written - skip);
        scratch.Slice(skip, available).CopyTo(destination);
        return available;
    }

    /// <summary>Largest single read; callers read headers in small pieces.</summary>
    public const int MaxRead = 256;
    private const int StackLimit = MaxRead + 6;

    /// <summary>Reads one byte, or -1 past the end.</summary>
    public int ByteAt(long offset)
    {
        Span<byte> one = stackalloc byte[1];
        return ReadAt(offset, one) == 1 ? one[0] : -1;
    }
}
