using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using RoutingCore.Difficulty;
using RoutingCore.Images;

namespace RoutingCore.Parsing;

/// <summary>Settings the scanner needs from the catalog snapshot and the host.</summary>
internal readonly struct ScanSettings(RequestEndpoint endpoint, bool allowHttpImageUrls, ITokenCounter counter)
{
    public RequestEndpoint Endpoint { get; } = endpoint;
    public bool AllowHttpImageUrls { get; } = allowHttpImageUrls;
    public ITokenCounter Counter { get; } = counter;
}

/// <summary>
/// One forward pass of <see cref="Utf8JsonReader"/> over a request body of any of the three endpoint shapes,
/// reading only what routing and estimation need and validating (not materialising) everything else.
/// </summary>
/// <remarks>
/// <para>Keys are compared with <c>ValueTextEquals</c>, so escaped spellings (<c>"mo\u0064el"</c>) are the same key;
/// a key the scanner reads that appears twice in one object is <c>duplicate_key</c>.</para>
/// <para><see cref="Utf8JsonReader"/> does not validate UTF-8 or surrogate pairs inside strings, so every string
/// token is checked here (<see cref="IsWellFormed"/>), except base64 image payloads, whose alphabet check already
/// implies ASCII.</para>
/// <para>Every method returns false after recording the first error in <see cref="RequestFacts"/>; the first
/// problem in document order is the one reported.</para>
/// </remarks>
internal ref partial struct RequestScanner
{
    private static readonly JsonReaderOptions s_readerOptions = new()
    {
        MaxDepth = 64,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private Utf8JsonReader _reader;
    private readonly RequestFacts _facts;
    private readonly ReadOnlySpan<byte> _body;
    private readonly ITokenCounter _counter;
    private readonly bool _allowHttp;
    private readonly int _offset;
    private string _list = "messages"; // the conversation's key in JSON paths: "messages", or "input" (Responses)

    private RequestScanner(ReadOnlySpan<byte> body, RequestFacts facts, in ScanSettings settings, int offset = 0)
    {
        _offset = offset;
        _reader = new Utf8JsonReader(body, s_readerOptions);
        _facts = facts;
        _body = body;
        _counter = settings.Counter;
        _allowHttp = settings.AllowHttpImageUrls;
    }

    /// <summary>Scans <paramref name="body"/> into <paramref name="facts"/>. Never throws for any input bytes.</summary>
    public static bool Scan(ReadOnlySpan<byte> body, in ScanSettings settings, RequestFacts facts)
    {
        facts.Reset();
        var scanner = new RequestScanner(body, facts, settings);
        try
        {
            if (!scanner.ScanRoot()) return false;
        }
        catch (JsonException)
        {
            return facts.Fail(RouteErrorCode.InvalidJson, default, "The body is not well-formed JSON (malformed, truncated, or nested deeper than 64).");
        }
        catch (InvalidOperationException)
        {
            return facts.Fail(RouteErrorCode.InvalidJson, default, "The body contains a string that is not valid UTF-8 or UTF-16.");
        }
        return scanner.Finish(settings.Endpoint);
    }

    private bool Finish(RequestEndpoint requested)
    {
        var f = _facts;
        f.Endpoint = requested != RequestEndpoint.Auto ? requested
            : f.HasInput && !f.HasMessages ? RequestEndpoint.Responses
            : f.HasPrompt && !f.HasMessages ? RequestEndpoint.ImageGenerations
            : f.AnthropicHints ? RequestEndpoint.Messages
            : RequestEndpoint.ChatCompletions;
        if (!f.HasModel) return f.Fail(RouteErrorCode.MissingModel, new JsonParam("model"), "The request has no model.");
        if (f.Endpoint == RequestEndpoint.Responses)
        {
            if (!f.HasInput) return f.Fail(RouteErrorCode.InvalidParameter, new JsonParam("input"), "A responses request needs input.");
            // A tool of type image_generation asks for image output; only function-like tools need the tools capability.
            f.HasTools = f.FunctionTools;
            f.ImageOutputRequested |= f.ImageGenerationTool;
            return true;
        }
        if (f.Endpoint == RequestEndpoint.ImageGenerations)
        {
            if (!f.HasPrompt) return f.Fail(RouteErrorCode.InvalidParameter, new JsonParam("prompt"), "An images request needs a prompt.");
            f.ImageOutputRequested = true;
        }
        else if (!f.HasMessages)
        {
            return f.Fail(RouteErrorCode.InvalidParameter, new JsonParam("messages"), "The request has no messages.");
        }
        return true;
    }

    private bool ScanRoot()
    {
        _reader.Read();
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            _reader.Skip();
            while (_reader.Read()) { }
            return _facts.Fail(RouteErrorCode.InvalidParameter, default, "The request body must be a JSON object.");
        }
        uint seen = 0;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            int key = RootKey();
            if (key < 0 && !CheckString()) return false; // known keys are ASCII by construction
            if (key >= 0)
            {
                if ((seen & (1u << key)) != 0) return _facts.Fail(RouteErrorCode.DuplicateKey, new JsonParam(s_rootKeys[key]), "The key appears twice.");
                seen |= 1u << key;
            }
            _reader.Read();
            bool ok = key switch
            {
                0 => ReadModel(),
                1 => ReadMessages(),
                2 => ReadSystem(),
                3 => ReadPrompt(),
                4 or 5 => ReadMaxTokens(s_rootKeys[key]),
                6 or 7 => ReadTools(s_rootKeys[key]),
                8 => ReadResponseFormat(),
                9 => ReadBool("stream", out _facts.Forward.Stream), // streaming does not change the route; forwarding may add usage
                18 => SkipValue(countText: false) && (_facts.Forward.HasStreamOptions = true),
                19 => ReadInput(),
                20 => ReadInstructions(),
                21 => ReadTextOptions(),
                22 => ReadMaxTokens("max_output_tokens"),
                23 => ReadPreviousResponse(),
                10 => ReadN(),
                11 => ReadReasoningEffort(),
                12 or 13 => ReadReasoningObject(thinking: key == 13),
                14 => ReadModalities(),
                15 => ReadImageConfig(),
                16 => ReadOutputSize(new JsonParam("size")),
                17 => ReadOutputQuality(new JsonParam("quality")),
                _ => SkipValue(countText: false),
            };
            if (!ok) return false;
        }
        _facts.Forward.RootEnd = (int)_reader.TokenStartIndex;
        _facts.Forward.OutputWidth = _facts.OutputWidth;
        _facts.Forward.OutputHeight = _facts.OutputHeight;
        _facts.Forward.OutputQuality = _facts.OutputQuality;
        _facts.Forward.BodyLength = _body.Length;
        _facts.Forward.MaxTokens = _facts.MaxTokens;
        // The reader throws on trailing content after the root object.
        while (_reader.Read()) { }
        return true;
    }

    private static readonly string[] s_rootKeys =
    [
        "model", "messages", "system", "prompt", "max_tokens", "max_completion_tokens", "tools", "functions",
        "response_format", "stream", "n", "reasoning_effort", "reasoning", "thinking", "modalities", "image_config",
        "size", "quality", "stream_options", "input", "instructions", "text", "max_output_tokens", "previous_response_id",
    ];

    private static readonly byte[][] s_rootKeyBytes = [.. s_rootKeys.Select(Encoding.UTF8.GetBytes)];

    private readonly int RootKey() => MatchKey(s_rootKeyBytes);

    /// <summary>
    /// The index of the current property name in <paramref name="keys"/>, or -1. Unescaped names (the norm) are
    /// compared by length, then bytes; escaped names go through <c>ValueTextEquals</c>, which unescapes.
    /// </summary>
    private readonly int MatchKey(byte[][] keys)
    {
        if (!_reader.ValueIsEscaped)
        {
            var name = _reader.ValueSpan;
            for (int i = 0; i < keys.Length; i++)
            {
                var key = keys[i];
                if (key.Length == name.Length && name.SequenceEqual(key)) return i;
            }
            return -1;
        }
        for (int i = 0; i < keys.Length; i++)
        {
            if (_reader.ValueTextEquals(keys[i])) return i;
        }
        return -1;
    }

    // ---- scalar fields -------------------------------------------------------------------------------------

    private bool ReadModel()
    {
        var f = _facts;
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.String) return Invalid(new JsonParam("model"), "model must be a string.");
        if (!CheckString()) return false;
        f.HasModel = true;
        var raw = _reader.ValueSpan;
        int start = (int)_reader.TokenStartIndex;
        f.Forward.ModelStart = start;
        f.Forward.ModelLength = raw.Length + 2;
        f.Forward.ModelHash = Forwarding.UpstreamBody.Hash(_body.Slice(start, raw.Length + 2));
        if (!_reader.ValueIsEscaped)
        {
            if (raw.Length > RequestFacts.MaxModelIdBytes) { f.ModelTooLong = true; return true; }
            raw.CopyTo(f.ModelBuffer);
            f.ModelLength = raw.Length;
            return true;
        }
        if (raw.Length > 6 * RequestFacts.MaxModelIdBytes) { f.ModelTooLong = true; return true; }
        Span<byte> scratch = stackalloc byte[6 * RequestFacts.MaxModelIdBytes];
        int written = _reader.CopyString(scratch);
        if (written > RequestFacts.MaxModelIdBytes) { f.ModelTooLong = true; return true; }
        scratch[..written].CopyTo(f.ModelBuffer);
        f.ModelLength = written;
        return true;
    }

    private bool ReadPrompt()
    {
        if (_reader.TokenType != JsonTokenType.String) return Invalid(new JsonParam("prompt"), "prompt must be a string.");
        if (!CheckString()) return false;
        _facts.HasPrompt = true;
        _facts.TextTokens += CountString();
        _facts.MessageText = default;
        Tally(ref _facts.MessageText);
        _facts.CommitMessage(MessageRole.User);
        return true;
    }

    private bool ReadMaxTokens(string name)
    {
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (!ReadCount(new JsonParam(name), int.MaxValue, out long value)) return false;
        // max_completion_tokens is the newer name; when both are given it is the one OpenAI honours.
        if (name is "max_completion_tokens" or "max_output_tokens" || _facts.MaxTokens < 0) _facts.MaxTokens = value;
        return true;
    }

    private bool ReadN()
    {
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (!ReadCount(new JsonParam("n"), 128, out long value)) return false;
        _facts.N = (int)value;
        return true;
    }

    /// <summary>A positive integer: never clamped, rounded or wrapped.</summary>
    private bool ReadCount(JsonParam param, long max, out long value)
    {
        value = 0;
        if (_reader.TokenType != JsonTokenType.Number) return Invalid(param, "must be a positive integer.");
        if (!_reader.TryGetInt64(out value)) return Invalid(param, "must be a positive integer that fits in 64 bits (no fraction or exponent).");
        if (value < 1 || value > max) return Invalid(param, "is out of range.");
        return true;
    }

    private bool ReadBool(string name, out bool value)
    {
        value = false;
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType is not (JsonTokenType.True or JsonTokenType.False)) return Invalid(new JsonParam(name), "must be a boolean.");
        value = _reader.TokenType == JsonTokenType.True;
        return true;
    }

    private bool ReadTools(string name)
    {
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.StartArray) return Invalid(new JsonParam(name), "must be an array.");
        int start = (int)_reader.TokenStartIndex;
        int depth = _reader.CurrentDepth;
        bool any = false;
        while (_reader.Read() && !(_reader.TokenType == JsonTokenType.EndArray && _reader.CurrentDepth == depth))
        {
            any = true;
            if (!ReadTool()) return false;
        }
        _facts.HasTools |= any;
        // Tool definitions are sent to the model as text: price their JSON.
        _facts.TextTokens += CountRaw(start, (int)_reader.BytesConsumed);
        return true;
    }

    /// <summary>One tool definition, validated; <c>{"type":"image_generation"}</c> (Responses) is told apart from function-like tools.</summary>
    private bool ReadTool()
    {
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            _facts.FunctionTools = true;
            return SkipValue(countText: false);
        }
        bool image = false;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isType = _reader.ValueTextEquals("type"u8);
            if (!isType && !CheckString()) return false;
            _reader.Read();
            if (isType && _reader.TokenType == JsonTokenType.String)
            {
                if (!CheckString()) return false;
                image = _reader.ValueTextEquals("image_generation"u8);
            }
            else if (!SkipValue(countText: false))
            {
                return false;
            }
        }
        if (image) _facts.ImageGenerationTool = true;
        else _facts.FunctionTools = true;
        return true;
    }

    // ---- the Responses API (R-SCAN-RESP) ------------------------------------------------------------------

    /// <summary><c>input</c>: a string (one user turn) or a list of items with the message rules, paths under <c>input[…]</c>.</summary>
    private bool ReadInput()
    {
        var f = _facts;
        switch (_reader.TokenType)
        {
            case JsonTokenType.String:
                if (!CheckString()) return false;
                f.HasInput = true;
                f.TextTokens += RequestScanner.TokensPerRequest + RequestScanner.TokensPerMessage;
                f.TokenOverhead += RequestScanner.TokensPerRequest + RequestScanner.TokensPerMessage;
                f.MessageCount = 1;
                f.TextTokens += CountString();
                f.MessageText = default;
                Tally(ref f.MessageText);
                f.CommitMessage(MessageRole.User);
                return true;
            case JsonTokenType.StartArray:
                break;
            default:
                return Invalid(new JsonParam("input"), "input must be a string or an array of input items.");
        }
        f.HasInput = true;
        _list = "input";
        return ReadMessageList("An input item must be an object.");
    }

    /// <summary><c>instructions</c>: the system prompt of a Responses request.</summary>
    private bool ReadInstructions()
    {
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.String) return Invalid(new JsonParam("instructions"), "instructions must be a string.");
        return ReadSystemText();
    }

    /// <summary>The current string token as system instructions: validated, priced and tallied (Anthropic <c>system</c>, Responses <c>instructions</c>).</summary>
    private bool ReadSystemText()
    {
        if (!CheckString()) return false;
        _facts.TextTokens += CountString();
        TextTally text = default;
        Tally(ref text);
        _facts.AddSystem(text);
        return true;
    }

    /// <summary><c>text</c>: <c>{"format":{"type":"json_schema",…}}</c> asks for structured output.</summary>
    private bool ReadTextOptions()
    {
        var param = new JsonParam("text");
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.StartObject) return Invalid(param, "text must be an object.");
        bool seenFormat = false;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!_reader.ValueTextEquals("format"u8))
            {
                if (!CheckString()) return false;
                _reader.Read();
                if (!SkipValue(countText: false)) return false;
                continue;
            }
            if (seenFormat) return _facts.Fail(RouteErrorCode.DuplicateKey, param.WithLeaf("format"), "The key appears twice.");
            seenFormat = true;
            _reader.Read();
            if (_reader.TokenType == JsonTokenType.Null) continue;
            if (_reader.TokenType != JsonTokenType.StartObject) return Invalid(param.WithLeaf("format"), "text.format must be an object.");
            bool seenType = false;
            while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isType = _reader.ValueTextEquals("type"u8);
                if (!isType && !CheckString()) return false;
                if (isType && seenType) return _facts.Fail(RouteErrorCode.DuplicateKey, param.WithLeaf("format").WithLeaf("type"), "The key appears twice.");
                _reader.Read();
                if (isType)
                {
                    seenType = true;
                    if (_reader.TokenType != JsonTokenType.String) return Invalid(param.WithLeaf("format").WithLeaf("type"), "must be a string.");
                    if (!CheckString()) return false;
                    _facts.JsonSchema = _reader.ValueTextEquals("json_schema"u8);
                }
                else if (!SkipValue(countText: false))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary><c>previous_response_id</c>: earlier turns live at the provider; routed with a warning that they are not in the estimate.</summary>
    private bool ReadPreviousResponse()
    {
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.String) return Invalid(new JsonParam("previous_response_id"), "previous_response_id must be a string.");
        if (!CheckString()) return false;
        _facts.PreviousResponse = true;
        return true;
    }

    private bool ReadResponseFormat()
    {
        var param = new JsonParam("response_format");
        switch (_reader.TokenType)
        {
            case JsonTokenType.Null: return true;
            case JsonTokenType.String: return CheckString(); // images endpoint: "url" or "b64_json"
            case JsonTokenType.StartObject: break;
            default: return Invalid(param, "must be an object.");
        }
        bool seenType = false;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_reader.ValueTextEquals("type"u8))
            {
                if (seenType) return _facts.Fail(RouteErrorCode.DuplicateKey, param.WithLeaf("type"), "The key appears twice.");
                seenType = true;
                _reader.Read();
                if (_reader.TokenType != JsonTokenType.String) return Invalid(param.WithLeaf("type"), "must be a string.");
                if (!CheckString()) return false;
                _facts.JsonSchema = _reader.ValueTextEquals("json_schema"u8);
                continue;
            }
            if (!CheckString()) return false;
            _reader.Read();
            if (!SkipValue(countText: false)) return false;
        }
        return true;
    }

    /// <summary><c>reasoning_effort</c>: any value but <c>"none"</c> asks for reasoning.</summary>
    private bool ReadReasoningEffort()
    {
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.String) return Invalid(new JsonParam("reasoning_effort"), "reasoning_effort must be a string.");
        if (!CheckString()) return false;
        _facts.Reasoning |= !_reader.ValueTextEquals("none"u8);
        return true;
    }

    /// <summary>
    /// <c>reasoning</c> (OpenAI/OpenRouter) or <c>thinking</c> (Anthropic): present asks for reasoning, unless it
    /// says it is off — <c>{"type":"disabled"}</c>, <c>{"effort":"none"}</c> or <c>{"enabled":false}</c> — so a
    /// request that turns thinking off is not refused by a model without it.
    /// </summary>
    private bool ReadReasoningObject(bool thinking)
    {
        if (thinking) _facts.AnthropicHints = true;
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            _facts.Reasoning = true;
            return SkipValue(countText: false);
        }
        bool off = false;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            bool type = _reader.ValueTextEquals("type"u8), effort = _reader.ValueTextEquals("effort"u8), enabled = _reader.ValueTextEquals("enabled"u8);
            if (!type && !effort && !enabled && !CheckString()) return false;
            _reader.Read();
            if (type && _reader.TokenType == JsonTokenType.String) off |= _reader.ValueTextEquals("disabled"u8);
            else if (effort && _reader.TokenType == JsonTokenType.String) off |= _reader.ValueTextEquals("none"u8);
            else if (enabled) off |= _reader.TokenType == JsonTokenType.False;
            if (!SkipValue(countText: false)) return false;
        }
        _facts.Reasoning |= !off;
        return true;
    }

    private bool ReadModalities()
    {
        var param = new JsonParam("modalities");
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.StartArray) return Invalid(param, "must be an array of strings.");
        int i = 0;
        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            if (_reader.TokenType != JsonTokenType.String) return Invalid(new JsonParam("modalities", i), "must be a string.");
            if (!CheckString()) return false;
            if (_reader.ValueTextEquals("image"u8)) _facts.ImageOutputRequested = true;
            i++;
        }
        return true;
    }

    private bool ReadImageConfig()
    {
        var param = new JsonParam("image_config");
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.StartObject) return Invalid(param, "must be an object.");
        uint seen = 0;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            int key = MatchKey(s_imageConfigKeyBytes);
            if (key < 0 && !CheckString()) return false;
            string? name = key >= 0 ? s_imageConfigKeys[key] : null;
            if (key >= 0)
            {
                if ((seen & (1u << key)) != 0) return _facts.Fail(RouteErrorCode.DuplicateKey, param.WithLeaf(name!), "The key appears twice.");
                seen |= 1u << key;
            }
            _reader.Read();
            bool ok = key switch
            {
                0 => ReadNumImages(param.WithLeaf("num_images")),
                1 or 2 => ReadOutputSize(param.WithLeaf(name!)),
                3 => ReadOutputQuality(param.WithLeaf("quality")),
                4 => ReadAspectRatio(param.WithLeaf("aspect_ratio")),
                5 => ReadResolution(param.WithLeaf("resolution")),
                6 => _reader.TokenType is JsonTokenType.Number or JsonTokenType.Null || Invalid(param.WithLeaf("seed"), "must be an integer."),
                7 => ReadBool("image_config.rewrite_prompt", out _),
                _ => SkipValue(countText: false),
            };
            if (!ok) return false;
        }
        return true;
    }
}
