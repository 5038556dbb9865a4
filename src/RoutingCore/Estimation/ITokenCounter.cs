using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RoutingCore;

/// <summary>Estimates the number of text tokens in a piece of UTF-8 text. Called on the hot path: must not allocate.</summary>
/// <remarks>The scanner calls it once per string value that the model will read (message text, system prompt,
/// tool definitions, unknown content parts), passing the JSON-escaped bytes as they appear in the body.</remarks>
public interface ITokenCounter
{
    /// <summary>Estimated tokens in <paramref name="utf8Text"/>.</summary>
    long CountTokens(ReadOnlySpan<byte> utf8Text);
}
