using System.Text;
using BenchmarkDotNet.Attributes;

namespace RoutingCore.Benchmarks;

/// <summary>
/// The default text counter per 1 KB of JSON-escaped text (what the scanner hands it): before (the previous rule,
/// bytes / 4 with a byte-class count for non-ASCII, kept here as the baseline) and after (R-EST-11), in one run.
/// </summary>
[MemoryDiagnoser]
public class TokenCounterBenchmarks
{
    private byte[] _text = [];

    [Params("ascii-prose", "code", "cjk")]
    public string Text { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        string unit = Text switch
        {
            "ascii-prose" => "The gateway routes every request to the model that fits it, and it never fetches an image to size it. ",
            "code" => "    def fibonacci(n: int) -> list[int]:\\n        seq = [0, 1]\\n        while len(seq) < n:\\n            seq.append(seq[-1] + seq[-2])\\n",
            _ => "東京で一番おいしいラーメン屋さんを教えてください。予算は千円くらいです。",
        };
        var sb = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(sb.ToString()) < 1024) sb.Append(unit);
        _text = Encoding.UTF8.GetBytes(sb.ToString()); // whole units: 1,024 to about 1,150 bytes
    }

    [Benchmark(Baseline = true)]
    public long Before() => PreviousRule(_text);

    [Benchmark]
    public long After() => HeuristicTokenCounter.Instance.CountTokens(_text);

    /// <summary>The rule before R-EST-11: ⌈ASCII/4⌉ + ⌈two-byte/2⌉ + three-byte + 2 × four-byte.</summary>
    private static long PreviousRule(ReadOnlySpan<byte> utf8Text)
    {
        if (utf8Text.IsEmpty) return 0;
        int firstNonAscii = utf8Text.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
        if (firstNonAscii < 0) return (utf8Text.Length + 3) / 4;
        long ascii = firstNonAscii, two = 0, three = 0, four = 0;
        for (int i = firstNonAscii; i < utf8Text.Length; i++)
        {
            byte b = utf8Text[i];
            if (b < 0x80) ascii++;
            else if (b >= 0xF0) four++;
            else if (b >= 0xE0) three++;
            else if (b >= 0xC0) two++;
        }
        return (ascii + 3) / 4 + (two + 1) / 2 + three + 2 * four;
    }
}
