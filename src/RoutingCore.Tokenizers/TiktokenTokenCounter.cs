using System.Buffers;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace RoutingCore.Tokenizers;

/// <summary>
/// Exact token counts for the public OpenAI encodings <c>o200k_base</c> and <c>cl100k_base</c> through
/// Microsoft.ML.Tokenizers (spec R-EST-12). Each encoding's tokenizer loads on first use (about 0.2 s and 40 MiB for
/// <c>o200k_base</c>) and is then shared; counting is thread-safe.
/// </summary>
public sealed class TiktokenTokenCounter : IExactTokenCounter
{
    private readonly Lazy<Tokenizer> _o200k = new(() => TiktokenTokenizer.CreateForEncoding(TokenizerNames.O200kBase));
    private readonly Lazy<Tokenizer> _cl100k = new(() => TiktokenTokenizer.CreateForEncoding(TokenizerNames.Cl100kBase));

    /// <summary>The shared instance.</summary>
    public static TiktokenTokenCounter Instance { get; } = new();

    /// <inheritdoc/>
    public bool Supports(string encoding) => encoding is TokenizerNames.O200kBase or TokenizerNames.Cl100kBase;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="encoding"/> is not supported.</exception>
    public long CountTokens(string encoding, ReadOnlySpan<byte> utf8Text)
    {
        var tokenizer = encoding switch
        {
            TokenizerNames.O200kBase => _o200k.Value,
            TokenizerNames.Cl100kBase => _cl100k.Value,
            _ => throw new ArgumentException($"'{encoding}' is not a supported encoding (o200k_base, cl100k_base).", nameof(encoding)),
        };
        if (utf8Text.IsEmpty) return 0;
        char[] rented = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8Text.Length));
        try
        {
            int chars = Encoding.UTF8.GetChars(utf8Text, rented);
            // Special-token text ("<|endoftext|>") in user content is ordinary text to the provider: count it as such.
            return tokenizer.CountTokens(rented.AsSpan(0, chars), considerPreTokenization: true, considerNormalization: true);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>The exact count of text given as a string (for tools and tests).</summary>
    public long CountTokens(string encoding, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return CountTokens(encoding, Encoding.UTF8.GetBytes(text));
    }
}
