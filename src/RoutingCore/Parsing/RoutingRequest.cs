using System.Buffers;
using System.Text;
using RoutingCore.Images;
using RoutingCore.Parsing;

namespace RoutingCore;

/// <summary>
/// The second front end (spec R-OBJ-*): a request built from objects rather than JSON bytes, for hosts that hold
/// messages as objects (the <c>Microsoft.Extensions.AI</c> adapter). It produces the same request facts the scanner
/// would for the equivalent OpenAI chat body — text is counted over its JSON-string form (only <c>"</c>, <c>\</c> and
/// control characters escaped), images go through the same header reader and URL guard — so
/// <see cref="IRoutingEngine.Route(RoutingRequest, in RouteContext)"/> gives the same decision and estimate.
/// Reusable: <see cref="Reset"/> starts a new request without freeing buffers. Not thread-safe.
/// </summary>
public sealed class RoutingRequest
{
    internal readonly RequestFacts Facts = new();
    private readonly ITokenCounter _counter;
    private byte[] _scratch = [];
    private int _message = -1;
    private int _part;
    private int _firstImageOfMessage;
    private int _firstTextOfMessage = -1;
    private int _httpImages;
    private MessageRole _role;

    /// <summary>Creates a request builder counting text with <paramref name="counter"/> (default: <see cref="HeuristicTokenCounter"/>; use the engine's counter for identical estimates).</summary>
    public RoutingRequest(ITokenCounter? counter = null)
    {
        _counter = counter ?? HeuristicTokenCounter.Instance;
        Reset("");
    }

    /// <summary>Starts a new chat request for <paramref name="model"/> (an alias or a model id).</summary>
    public RoutingRequest Reset(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var f = Facts;
        f.Reset();
        _message = -1;
        _part = 0;
        _firstTextOfMessage = -1;
        _httpImages = 0;
        _role = MessageRole.User;
        f.HasMessages = true;
        f.Endpoint = RequestEndpoint.ChatCompletions;
        f.TextTokens = RequestScanner.TokensPerRequest;
        f.TokenOverhead = RequestScanner.TokensPerRequest;
        _textLength = 0;
        if (model.Length > 0)
        {
            f.HasModel = true;
            int bytes = Encoding.UTF8.GetByteCount(model);
            if (bytes > RequestFacts.MaxModelIdBytes) f.ModelTooLong = true;
            else f.ModelLength = Encoding.UTF8.GetBytes(model, f.ModelBuffer);
        }
        return this;
    }

    /// <summary>Starts the next message, of unknown role (read as a user message). Its role is not priced; OpenAI's per-message overhead is.</summary>
    public RoutingRequest AddMessage() => AddMessage("user");

    /// <summary>
    /// Starts the next message with its role (<c>user</c>, <c>assistant</c>, <c>system</c>, <c>developer</c>, <c>tool</c>, …):
    /// the role tells the difficulty estimate which text is the last user turn and which is instructions.
    /// </summary>
    public RoutingRequest AddMessage(string role)
    {
        ArgumentNullException.ThrowIfNull(role);
        CloseMessage();
        if (_message >= 0) Facts.CommitMessage(_role);
        _role = role == "user" ? MessageRole.User : role is "system" or "developer" ? MessageRole.System : MessageRole.Other;
        _message++;
        _part = 0;
        _firstImageOfMessage = Facts.ImageCount;
        _firstTextOfMessage = -1;
        Facts.MessageCount = _message + 1;
        Facts.TextTokens += RequestScanner.TokensPerMessage;
        Facts.TokenOverhead += RequestScanner.TokensPerMessage;
        return this;
    }

    /// <summary>A text part of the current message.</summary>
    public RoutingRequest AddText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        EnsureMessage();
        Facts.TextTokens += CountJsonString(text);
        Facts.MessageText.Accumulate(Keep(text));
        if (_firstTextOfMessage < 0) _firstTextOfMessage = _part;
        _part++;
        return this;
    }

    /// <summary>Text the model reads that is not a message part (function calls and results, names): priced, not a text part.</summary>
    public RoutingRequest AddPricedText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Facts.TextTokens += CountJsonString(text);
        Keep(text);
        return this;
    }

    /// <summary>
    /// An image given as bytes (already decoded): format sniffed and size read from the header, never decoded; the
    /// declared media type is compared with the bytes. An unreadable header is <c>invalid_image_data</c>.
    /// </summary>
    public RoutingRequest AddImage(ReadOnlySpan<byte> imageBytes, string? mediaType, ImageDetail detail = ImageDetail.Unspecified)
    {
        EnsureMessage();
        var image = NewImage(detail);
        image.Source = ImageSourceKind.Data;
        if (mediaType is { Length: > 0 and <= 64 })
        {
            Span<byte> media = stackalloc byte[64];
            int n = Encoding.UTF8.GetBytes(mediaType, media);
            image.DeclaredFormat = ImageFormats.FromMediaType(media[..n]);
        }
        image.Bytes = imageBytes.Length;
        if (imageBytes.IsEmpty || !ImageHeader.TryRead(Base64Payload.FromRaw(imageBytes), out var header))
        {
            Facts.Fail(RouteErrorCode.InvalidImageData, ImageParam(), "The image header is truncated or unreadable.");
        }
        else
        {
            image.Format = header.Format;
            image.Width = header.Width;
            image.Height = header.Height;
            image.DimensionsKnown = header.DimensionsKnown;
            image.Animated = header.Animated;
        }
        Facts.AddImage() = image;
        _part++;
        return this;
    }

    /// <summary>An image by URL: checked by the same guard as JSON requests (never fetched); its size is assumed.</summary>
    public RoutingRequest AddImageUrl(string url, ImageDetail detail = ImageDetail.Unspecified)
    {
        ArgumentNullException.ThrowIfNull(url);
        EnsureMessage();
        var image = NewImage(detail);
        image.Source = ImageSourceKind.Url;
        var verdict = UrlGuard.Check(Encoding.UTF8.GetBytes(url));
        switch (verdict)
        {
            case UrlVerdict.Https:
                break;
            case UrlVerdict.Http:
                image.InsecureUrl = true;
                _httpImages++; // allowed or not by the catalog's AllowHttpImageUrls, decided when routed
                break;
            case UrlVerdict.SchemeNotAllowed:
                Facts.Fail(RouteErrorCode.ImageUrlNotAllowed, ImageParam(), "Only https image URLs (or data: URIs) are allowed.");
                break;
            default:
                Facts.Fail(RouteErrorCode.ImageUrlNotAllowed, ImageParam(), "The image URL names a loopback, private, link-local or internal host.");
                break;
        }
        image.UrlLength = -1; // not in a body: the URL metadata cache is not consulted
        Facts.AddImage() = image;
        _part++;
        return this;
    }

    /// <summary>A content part of another kind (audio, files, …): counted, and priced as <paramref name="approximateTokens"/> of text (never free).</summary>
    public RoutingRequest AddOtherPart(long approximateTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(approximateTokens);
        EnsureMessage();
        Facts.OtherParts++;
        Facts.TextTokens += approximateTokens;
        Facts.TokenOverhead += approximateTokens;
        _part++;
        return this;
    }

    /// <summary>Tool declarations as the JSON array the model reads (<c>[{"type":"function","function":{…}}]</c>): priced as text; non-empty means the request needs <c>tools</c>.</summary>
    public RoutingRequest SetTools(ReadOnlySpan<byte> toolsJson, bool any)
    {
        Facts.HasTools = any;
        Facts.TextTokens += _counter.CountTokens(toolsJson);
        Keep(toolsJson);
        return this;
    }

    /// <summary>Structured output against a JSON schema (requires <c>json_schema</c>).</summary>
    public RoutingRequest SetJsonSchema(bool jsonSchema)
    {
        Facts.JsonSchema = jsonSchema;
        return this;
    }

    /// <summary>Reasoning asked for (requires <c>reasoning</c>).</summary>
    public RoutingRequest SetReasoning(bool reasoning)
    {
        Facts.Reasoning = reasoning;
        return this;
    }

    /// <summary>The requested output limit (<c>max_tokens</c>); <c>null</c> for the model's default.</summary>
    public RoutingRequest SetMaxOutputTokens(long? maxOutputTokens)
    {
        if (maxOutputTokens is < 1 or > int.MaxValue)
        {
            Facts.Fail(RouteErrorCode.InvalidParameter, new JsonParam("max_tokens"), "is out of range.");
        }
        else
        {
            Facts.MaxTokens = maxOutputTokens ?? -1;
        }
        return this;
    }

    /// <summary>Applies what depends on the live catalog and closes the request; called by the engine.</summary>
    internal RequestFacts Finish(bool allowHttpImageUrls)
    {
        CloseMessage();
        if (_message >= 0) Facts.CommitMessage(_role);
        _message = -1; // committed once, even if routed twice
        Facts.Forward.MaxTokens = Facts.MaxTokens;
        var f = Facts;
        if (!f.HasModel) f.Fail(RouteErrorCode.MissingModel, new JsonParam("model"), "The request has no model.");
        if (_httpImages > 0 && !allowHttpImageUrls)
        {
            for (int i = 0; i < f.ImageCount; i++)
            {
                if (f.Images[i].InsecureUrl)
                {
                    f.Fail(RouteErrorCode.ImageUrlNotAllowed, new JsonParam("messages", f.Images[i].MessageIndex, "content", f.Images[i].PartIndex).WithLeaf("image_url"),
                        "http image URLs are not allowed; use https.");
                    break;
                }
            }
        }
        return f;
    }

    private void EnsureMessage()
    {
        if (_message < 0) AddMessage();
    }

    private void CloseMessage()
    {
        if (_message < 0 || _firstTextOfMessage < 0) return;
        var images = Facts.Images;
        for (int i = _firstImageOfMessage; i < Facts.ImageCount; i++)
        {
            if (images[i].PartIndex < _firstTextOfMessage)
            {
                images[i].BeforeText = true;
                Facts.AnyImageBeforeText = true;
            }
        }
        _firstTextOfMessage = -1;
        _firstImageOfMessage = Facts.ImageCount;
    }

    private ImageFact NewImage(ImageDetail detail) => new()
    {
        MessageIndex = _message,
        PartIndex = _part,
        Shape = ImagePartShape.OpenAIImageUrl,
        Detail = detail,
    };

    private JsonParam ImageParam() => new JsonParam("messages", _message, "content", _part).WithLeaf("image_url");

    /// <summary>Every priced text of the request, as UTF-8, for an exact count (R-EST-12) and the difficulty counts (R-DIFF-2).</summary>
    internal ReadOnlySpan<byte> Text => _text.AsSpan(0, _textLength);

    private byte[] _text = [];
    private int _textLength;

    /// <summary>Appends <paramref name="text"/> to <see cref="Text"/> as a priced span; returns its UTF-8.</summary>
    private ReadOnlySpan<byte> Keep(string text) => Keep(text.AsSpan());

    private ReadOnlySpan<byte> Keep(ReadOnlySpan<char> text)
    {
        Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
        int n = Encoding.UTF8.GetBytes(text, _text.AsSpan(_textLength));
        return Commit(n);
    }

    private ReadOnlySpan<byte> Keep(ReadOnlySpan<byte> utf8)
    {
        Reserve(utf8.Length);
        utf8.CopyTo(_text.AsSpan(_textLength));
        return Commit(utf8.Length);
    }

    private void Reserve(int bytes)
    {
        if (_text.Length - _textLength >= bytes) return;
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_text.Length * 2, _textLength + bytes));
        _text.AsSpan(0, _textLength).CopyTo(next);
        if (_text.Length > 0) ArrayPool<byte>.Shared.Return(_text);
        _text = next;
    }

    private ReadOnlySpan<byte> Commit(int n)
    {
        Facts.AddSpan(_textLength, n, TextSpanKind.Raw);
        var kept = _text.AsSpan(_textLength, n);
        _textLength += n;
        return kept;
    }

    /// <summary>Tokens of <paramref name="text"/> as it appears inside a JSON string (what the scanner counts).</summary>
    private long CountJsonString(string text)
    {
        int max = text.Length * 6 + 16; // at most six bytes per UTF-16 unit (an escape), three as UTF-8
        if (_scratch.Length < max)
        {
            if (_scratch.Length > 0) ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = ArrayPool<byte>.Shared.Rent(max);
        }
        int n = JsonStringText.Write(text, _scratch);
        return _counter.CountTokens(_scratch.AsSpan(0, n));
    }
}

/// <summary>
/// The UTF-8 text of a JSON string with minimal escaping (<c>"</c>, <c>\</c>, control characters; everything else as
/// is, as <c>JavaScriptEncoder.UnsafeRelaxedJsonEscaping</c> writes it).
/// </summary>
internal static class JsonStringText
{
    public static int Write(string text, Span<byte> destination)
    {
        int at = 0;
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c >= 0x20 && c != '"' && c != '\\' && !char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            at += Encoding.UTF8.GetBytes(text.AsSpan(start, i - start), destination[at..]);
            string escape = c switch
            {
                '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", '\b' => "\\b", '\f' => "\\f",
                _ => $"\\u{(int)c:x4}",
            };
            at += Encoding.ASCII.GetBytes(escape, destination[at..]);
            start = i + 1;
        }
        at += Encoding.UTF8.GetBytes(text.AsSpan(start), destination[at..]);
        return at;
    }
}
