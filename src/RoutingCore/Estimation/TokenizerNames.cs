namespace RoutingCore;

/// <summary>The public encodings a catalog entry's <c>Tokenizer</c> may name.</summary>
public static class TokenizerNames
{
    /// <summary><c>o200k_base</c>: GPT-4o, GPT-4.1, GPT-5 and the o-series.</summary>
    public const string O200kBase = "o200k_base";

    /// <summary><c>cl100k_base</c>: GPT-4, GPT-3.5.</summary>
    public const string Cl100kBase = "cl100k_base";

    /// <summary>Every known encoding, in index order.</summary>
    public static IReadOnlyList<string> All { get; } = [O200kBase, Cl100kBase];

    internal const int Count = 2;

    internal static int IndexOf(string? name) => name switch { O200kBase => 0, Cl100kBase => 1, _ => -1 };
}
