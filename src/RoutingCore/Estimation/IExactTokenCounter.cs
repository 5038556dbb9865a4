using System.Buffers;
using RoutingCore.Parsing;

namespace RoutingCore;

/// <summary>
/// Counts tokens exactly with a public encoding (spec R-EST-12): what <c>RoutingCore.Tokenizers</c> provides over
/// Microsoft.ML.Tokenizers. The engine calls it only when a decision depends on the count
/// (<see cref="ExactTokensMode.WhenNeeded"/>) or always (<see cref="ExactTokensMode.Always"/>); it may allocate.
/// </summary>
public interface IExactTokenCounter
{
    /// <summary>Whether <paramref name="encoding"/> (<c>o200k_base</c>, <c>cl100k_base</c>) is counted exactly.</summary>
    bool Supports(string encoding);

    /// <summary>The exact number of tokens of <paramref name="utf8Text"/> (decoded UTF-8 text, not JSON) in <paramref name="encoding"/>.</summary>
    long CountTokens(string encoding, ReadOnlySpan<byte> utf8Text);
}

/// <summary>The exact count of a scanned request's text (R-EST-12): the same spans the heuristic priced, decoded.</summary>
internal static class ExactText
{
    /// <summary>Fills <see cref="RequestFacts.ExactText"/> for every encoding in <paramref name="mask"/> not counted yet.</summary>
    public static void Count(ReadOnlySpan<byte> source, RequestFacts facts, IExactTokenCounter counter, int mask)
    {
        for (int e = 0; e < TokenizerNames.Count; e++)
        {
            if ((mask & (1 << e)) == 0 || facts.ExactText[e] >= 0) continue;
            string encoding = TokenizerNames.All[e];
            if (!counter.Supports(encoding)) continue;
            long total = facts.TokenOverhead;
            for (int i = 0; i < facts.SpanCount; i++)
            {
                var span = facts.Spans[i];
                var bytes = source.Slice(span.Start, span.Length);
                if (span.Kind == TextSpanKind.Escaped)
                {
                    byte[] rented = ArrayPool<byte>.Shared.Rent(bytes.Length);
                    int n = JsonUnescape.Decode(bytes, rented);
                    total += counter.CountTokens(encoding, rented.AsSpan(0, n));
                    ArrayPool<byte>.Shared.Return(rented);
                }
                else
                {
                    total += counter.CountTokens(encoding, bytes);
                }
            }
            facts.ExactText[e] = total;
        }
    }
}

/// <summary>Undoes JSON string escapes (the scanner has already validated them): <c>\n</c>, <c>\"</c>, <c>\uXXXX</c> with surrogate pairs, ….</summary>
internal static class JsonUnescape
{
    /// <summary>Decodes <paramref name="escaped"/> (a string token's bytes without quotes) into <paramref name="destination"/> (at least as long); returns the length.</summary>
    public static int Decode(ReadOnlySpan<byte> escaped, Span<byte> destination)
    {
        int at = 0, i = 0;
        while (i < escaped.Length)
        {
            int next = escaped[i..].IndexOf((byte)'\\');
            if (next < 0)
            {
                escaped[i..].CopyTo(destination[at..]);
                return at + escaped.Length - i;
            }
            escaped.Slice(i, next).CopyTo(destination[at..]);
            at += next;
            i += next;
            if (i + 1 >= escaped.Length) { destination[at++] = escaped[i++]; break; }
            byte c = escaped[i + 1];
            if (c != (byte)'u' || i + 6 > escaped.Length)
            {
                destination[at++] = c switch { (byte)'n' => (byte)'\n', (byte)'t' => (byte)'\t', (byte)'r' => (byte)'\r', (byte)'b' => 8, (byte)'f' => 12, _ => c };
                i += 2;
                continue;
            }
            int cp = Hex(escaped.Slice(i + 2, 4));
            i += 6;
            if (cp is >= 0xD800 and <= 0xDBFF && i + 6 <= escaped.Length && escaped[i] == (byte)'\\' && escaped[i + 1] == (byte)'u')
            {
                int low = Hex(escaped.Slice(i + 2, 4));
                if (low is >= 0xDC00 and <= 0xDFFF)
                {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
            }
            if (cp < 0 || cp is >= 0xD800 and <= 0xDFFF) cp = 0xFFFD; // cannot happen after the scanner's check
            at += new Rune(cp).EncodeToUtf8(destination[at..]);
        }
        return at;
    }

    private static int Hex(ReadOnlySpan<byte> s)
    {
        int v = 0;
        foreach (byte b in s)
        {
            int d = b is >= (byte)'0' and <= (byte)'9' ? b - '0' : (b | 0x20) is >= 'a' and <= 'f' ? (b | 0x20) - 'a' + 10 : -1;
            if (d < 0) return -1;
            v = v << 4 | d;
        }
        return v;
    }
}

/// <summary>
/// Counts output text read from a response (JSON-escaped, as <see cref="ITokenCounter"/> sees it) exactly with the
/// served model's encoding (R-EST-12). Streams arrive in token-sized deltas, so counting each delta exactly adds up to
/// the count of the whole text except where a delta boundary splits what the tokenizer would merge.
/// </summary>
internal sealed class ExactOutputCounter(IExactTokenCounter counter, string encoding) : ITokenCounter
{

    /// <summary>The exact counter for the model that served, or <c>null</c> when none applies.</summary>
    public static ITokenCounter? For(in RouteDecision decision, ModelEntry? servedBy)
    {
        var model = servedBy ?? decision.Model;
        return model is null ? null : decision.Catalog?.ExactOutputCounter(model.TokenizerIndex);
    }

    public long CountTokens(ReadOnlySpan<byte> utf8Text)
    {
        if (utf8Text.IndexOf((byte)'\\') < 0) return counter.CountTokens(encoding, utf8Text);
        byte[] rented = ArrayPool<byte>.Shared.Rent(utf8Text.Length);
        int n = JsonUnescape.Decode(utf8Text, rented);
        long tokens = counter.CountTokens(encoding, rented.AsSpan(0, n));
        ArrayPool<byte>.Shared.Return(rented);
        return tokens;
    }
}
