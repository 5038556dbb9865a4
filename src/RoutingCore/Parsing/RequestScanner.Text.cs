using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using RoutingCore.Difficulty;

namespace RoutingCore.Parsing;

/// <summary>The scanner's JSON-text helpers in one place (spec R-SCAN-*, R-DIFF-2): well-formedness of strings (UTF-8 and
/// surrogate escapes), hex digits, skipping values, counting and tallying a string's decoded text, unescaping.</summary>
internal ref partial struct RequestScanner
{
    private readonly bool Invalid(JsonParam param, string message) => _facts.Fail(RouteErrorCode.InvalidParameter, param, message);

    /// <summary>Validates the current string or property-name token (UTF-8 and surrogate escapes).</summary>
    private readonly bool CheckString()
    {
        if (IsWellFormed(_reader.ValueSpan, _reader.ValueIsEscaped)) return true;
        return _facts.Fail(RouteErrorCode.InvalidJson, default, "A string is not valid UTF-8 or contains a lone surrogate escape.");
    }

    internal static bool IsWellFormed(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (!Utf8.IsValid(raw)) return false;
        // Only \uXXXX escapes can encode surrogates; most escaped text has just \n or \" (one vectorised search).
        if (!escaped || raw.IndexOf("\\u"u8) < 0) return true;
        int i = raw.IndexOf((byte)'\\');
        while (i >= 0 && i + 1 < raw.Length)
        {
            if (raw[i + 1] == (byte)'u')
            {
                int cp = Hex4(raw, i + 2);
                if (cp is >= 0xD800 and <= 0xDBFF)
                {
                    if (i + 11 >= raw.Length || raw[i + 6] != (byte)'\\' || raw[i + 7] != (byte)'u') return false;
                    int low = Hex4(raw, i + 8);
                    if (low is < 0xDC00 or > 0xDFFF) return false;
                    i += 12;
                }
                else if (cp is >= 0xDC00 and <= 0xDFFF || cp < 0)
                {
                    return false;
                }
                else
                {
                    i += 6;
                }
            }
            else
            {
                i += 2;
            }
            if (i >= raw.Length) break;
            int next = raw[i..].IndexOf((byte)'\\');
            if (next < 0) break;
            i += next;
        }
        return true;
    }

    private static int Hex4(ReadOnlySpan<byte> s, int at)
    {
        if (at + 4 > s.Length) return -1;
        int v = 0;
        for (int k = 0; k < 4; k++)
        {
            int c = s[at + k];
            int d = c is >= '0' and <= '9' ? c - '0' : (c | 0x20) is >= 'a' and <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
            if (d < 0) return -1;
            v = (v << 4) | d;
        }
        return v;
    }

    /// <summary>Skips the current value, validating its strings; optionally prices its string values as text.</summary>
    private bool SkipValue(bool countText)
    {
        var type = _reader.TokenType;
        if (type == JsonTokenType.String)
        {
            if (!CheckString()) return false;
            if (countText) _facts.TextTokens += CountString();
            return true;
        }
        if (type is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return true;
        int depth = _reader.CurrentDepth;
        while (_reader.Read())
        {
            var t = _reader.TokenType;
            if (t is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                if (!CheckString()) return false;
                if (countText && t == JsonTokenType.String) _facts.TextTokens += CountString();
            }
            else if (t is JsonTokenType.EndObject or JsonTokenType.EndArray && _reader.CurrentDepth == depth)
            {
                return true;
            }
        }
        return true;
    }

    /// <summary>Prices the current string token with the heuristic counter and records where it lies for an exact count (R-EST-12).</summary>
    private readonly long CountString()
    {
        var raw = _reader.ValueSpan;
        _facts.AddSpan(_offset + (int)_reader.TokenStartIndex + 1, raw.Length, _reader.ValueIsEscaped ? TextSpanKind.Escaped : TextSpanKind.Plain);
        return _counter.CountTokens(raw);
    }

    /// <summary>Prices raw JSON (tool definitions, parts of unknown types) as text, recording it for an exact count.</summary>
    private readonly long CountRaw(int start, int end)
    {
        _facts.AddSpan(_offset + start, end - start, TextSpanKind.Raw);
        return _counter.CountTokens(_body[start..end]);
    }

    /// <summary>
    /// Adds the current string token's decoded text to <paramref name="tally"/> (spec R-DIFF-2). Escaped strings are
    /// unescaped first — on the stack up to 1 KiB, else into the facts' reusable buffer — so every spelling counts the same.
    /// </summary>
    private readonly void Tally(ref TextTally tally)
    {
        if (!_reader.ValueIsEscaped)
        {
            tally.Accumulate(_reader.ValueSpan);
            return;
        }
        int length = _reader.ValueSpan.Length; // unescaping never lengthens
        if (length <= 1024)
        {
            Span<byte> scratch = stackalloc byte[1024];
            int written = _reader.CopyString(scratch);
            tally.Accumulate(scratch[..written]);
            return;
        }
        // The facts' own buffer, grown once and reused (the pool may drop arrays under memory pressure; this does not).
        if (_facts.Scratch.Length < length) _facts.Scratch = new byte[Math.Max(length, _facts.Scratch.Length * 2)];
        int n = _reader.CopyString(_facts.Scratch);
        tally.Accumulate(_facts.Scratch.AsSpan(0, n));
    }

    /// <summary>The unescaped value of the current string token; escaped values are copied into a pooled array the caller returns.</summary>
    private readonly ReadOnlySpan<byte> UnescapedValue(ref byte[]? rented)
    {
        if (!_reader.ValueIsEscaped) return _reader.ValueSpan;
        rented = ArrayPool<byte>.Shared.Rent(_reader.ValueSpan.Length);
        int written = _reader.CopyString(rented);
        return rented.AsSpan(0, written);
    }
}
