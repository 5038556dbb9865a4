using System.Text.Json;

namespace RoutingCore.Metering;

/// <summary>
/// Everything read from a response (or from the events of a streamed one). Counts are -1 until seen; a later value
/// of the same field replaces an earlier one, which is how cumulative stream counts work (the last one wins).
/// </summary>
internal struct UsageCounts
{
    public long PromptTokens, CompletionTokens, InputTokens, OutputTokens, CachedTokens, CacheRead, CacheCreation,
        ReasoningTokens, TextTokens, ImageTokens, ComputePoints;
    public int Images;             // data[] (images endpoint) or message.images[] (RouteLLM)
    public long CountedOutput;     // streamed or returned text through the token counter, for the fallback
    public bool HasUsage, SawData, SawRouteLlm, Malformed, Invalid, Done, SawMessageStart;
    public string? ErrorType;

    public static UsageCounts Create() => new()
    {
        PromptTokens = -1, CompletionTokens = -1, InputTokens = -1, OutputTokens = -1, CachedTokens = -1, CacheRead = -1,
        CacheCreation = -1, ReasoningTokens = -1, TextTokens = -1, ImageTokens = -1, ComputePoints = -1,
    };

    /// <summary>True when the response reported token counts (not only RouteLLM's compute points).</summary>
    public readonly bool HasTokenCounts => PromptTokens >= 0 || InputTokens >= 0 || CompletionTokens >= 0 || OutputTokens >= 0;
}

/// <summary>
/// One <see cref="Utf8JsonReader"/> pass over one JSON document of any response shape of spec R-METER-2: a whole response
/// body, or one SSE <c>data:</c> payload. Reads usage, generated-image counts, error types and (for the counted
/// fallback) the output text; skips everything else. Never throws: malformed JSON marks the counts malformed.
/// </summary>
internal ref struct ResponseReader
{
    private const long MaxCount = 1_000_000_000_000; // a trillion tokens: anything larger is nonsense, not a bill

    private Utf8JsonReader _reader;
    private readonly ITokenCounter? _counter;

    private ResponseReader(ReadOnlySpan<byte> json, ITokenCounter? counter)
    {
        _reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        _counter = counter;
    }

    public static void Read(ReadOnlySpan<byte> json, ref UsageCounts counts, ITokenCounter? counter)
    {
        var r = new ResponseReader(json, counter);
        try
        {
            r.ReadRoot(ref counts);
        }
        catch (JsonException)
        {
            counts.Malformed = true;
        }
        catch (InvalidOperationException)
        {
            counts.Malformed = true;
        }
    }

    private void ReadRoot(ref UsageCounts c)
    {
        if (!_reader.Read() || _reader.TokenType != JsonTokenType.StartObject)
        {
            c.Malformed = true;
            return;
        }
        bool seenUsage = false, seenType = false;
        bool errorEvent = false;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_reader.ValueTextEquals("usage"u8))
            {
                if (seenUsage) c.Invalid = true; // parsers differ on which copy wins: never bill either silently
                seenUsage = true;
                _reader.Read();
                ReadUsage(ref c);
            }
            else if (_reader.ValueTextEquals("choices"u8))
            {
                _reader.Read();
                ReadChoices(ref c);
            }
            else if (_reader.ValueTextEquals("data"u8))
            {
                _reader.Read();
                if (_reader.TokenType == JsonTokenType.StartArray) { c.Images = CountItems(); c.SawData = true; }
                else Skip();
            }
            else if (_reader.ValueTextEquals("error"u8))
            {
                _reader.Read();
                ReadError(ref c);
            }
            else if (_reader.ValueTextEquals("type"u8))
            {
                _reader.Read();
                if (_reader.TokenType != JsonTokenType.String) { Skip(); continue; }
                if (seenType) c.Invalid = true;
                seenType = true;
                if (_reader.ValueTextEquals("message_start"u8)) c.SawMessageStart = true;
                else if (_reader.ValueTextEquals("message_stop"u8) || _reader.ValueTextEquals("response.completed"u8)) c.Done = true;
                else if (_reader.ValueTextEquals("response.failed"u8) || _reader.ValueTextEquals("response.incomplete"u8)) c.Done = true;
                else if (_reader.ValueTextEquals("error"u8)) errorEvent = true;
                else if (_reader.ValueTextEquals("message"u8)) c.SawMessageStart = true; // a whole Anthropic message
            }
            else if (_reader.ValueTextEquals("message"u8))
            {
                _reader.Read();
                ReadNested(ref c); // Anthropic message_start: { "message": { …, "usage": {…} } }
            }
            else if (_reader.ValueTextEquals("delta"u8))
            {
                _reader.Read();
                if (_reader.TokenType == JsonTokenType.String) CountText(ref c); // Responses response.output_text.delta
                else ReadNested(ref c); // Anthropic content_block_delta text, message_delta
            }
            else if (_reader.ValueTextEquals("response"u8))
            {
                _reader.Read();
                ReadNested(ref c); // Responses stream events: { "response": { …, "usage": {…} } }
            }
            else if (_reader.ValueTextEquals("output"u8))
            {
                _reader.Read();
                ReadOutput(ref c); // a whole Responses body's output items
            }
            else if (_reader.ValueTextEquals("content"u8))
            {
                _reader.Read();
                ReadContent(ref c); // a whole Anthropic message's content blocks
            }
            else
            {
                _reader.Read();
                Skip();
            }
        }
        while (_reader.Read()) { } // trailing content throws (malformed)
        if (errorEvent && c.ErrorType is null) c.ErrorType = "error";
    }

    /// <summary>An object whose <c>usage</c> and text are read (Anthropic <c>message</c> and <c>delta</c>).</summary>
    private void ReadNested(ref UsageCounts c)
    {
        if (_reader.TokenType != JsonTokenType.StartObject) { Skip(); return; }
        bool seenUsage = false;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_reader.ValueTextEquals("usage"u8))
            {
                if (seenUsage) c.Invalid = true;
                seenUsage = true;
                _reader.Read();
                ReadUsage(ref c);
            }
            else if (_reader.ValueTextEquals("text"u8) || _reader.ValueTextEquals("thinking"u8))
            {
                _reader.Read();
                CountText(ref c);
            }
            else if (_reader.ValueTextEquals("content"u8))
            {
                _reader.Read();
                ReadContent(ref c);
            }
            else
            {
                _reader.Read();
                Skip();
            }
        }
    }

    /// <summary>Responses <c>output</c>: items whose <c>content</c> parts carry the text (counted only when no usage came).</summary>
    private void ReadOutput(ref UsageCounts c)
    {
        if (_reader.TokenType != JsonTokenType.StartArray) { Skip(); return; }
        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            if (_reader.TokenType != JsonTokenType.StartObject) { Skip(); continue; }
            while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
            {
                bool content = _reader.ValueTextEquals("content"u8);
                _reader.Read();
                if (content) ReadContent(ref c);
                else Skip();
            }
        }
    }

    private void ReadContent(ref UsageCounts c)
    {
        if (_reader.TokenType == JsonTokenType.String) { CountText(ref c); return; }
        if (_reader.TokenType != JsonTokenType.StartArray) { Skip(); return; }
        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            if (_reader.TokenType != JsonTokenType.StartObject) { Skip(); continue; }
            while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
            {
                bool text = _reader.ValueTextEquals("text"u8) || _reader.ValueTextEquals("thinking"u8);
                _reader.Read();
                if (text) CountText(ref c);
                else Skip();
            }
        }
    }

    private void ReadChoices(ref UsageCounts c)
    {
        if (_reader.TokenType != JsonTokenType.StartArray) { Skip(); return; }
        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            if (_reader.TokenType != JsonTokenType.StartObject) { Skip(); continue; }
            while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
            {
                bool message = _reader.ValueTextEquals("message"u8) || _reader.ValueTextEquals("delta"u8);
                _reader.Read();
                if (message && _reader.TokenType == JsonTokenType.StartObject) ReadMessage(ref c);
                else Skip();
            }
        }
    }

    private void ReadMessage(ref UsageCounts c)
    {
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_reader.ValueTextEquals("images"u8))
            {
                _reader.Read();
                if (_reader.TokenType == JsonTokenType.StartArray)
                {
                    c.Images = (int)Math.Min(int.MaxValue, (long)c.Images + CountItems());
                    c.SawRouteLlm = true;
                }
                else Skip();
            }
            else if (_reader.ValueTextEquals("content"u8) || _reader.ValueTextEquals("reasoning_content"u8) || _reader.ValueTextEquals("refusal"u8))
            {
                _reader.Read();
                ReadContent(ref c);
            }
            else
            {
                _reader.Read();
                Skip();
            }
        }
    }

    private void ReadError(ref UsageCounts c)
    {
        if (_reader.TokenType == JsonTokenType.Null) return;
        if (_reader.TokenType == JsonTokenType.String) { c.ErrorType ??= "error"; return; }
        if (_reader.TokenType != JsonTokenType.StartObject) { Skip(); return; }
        string? type = null, code = null;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isType = _reader.ValueTextEquals("type"u8), isCode = _reader.ValueTextEquals("code"u8);
            _reader.Read();
            if (_reader.TokenType == JsonTokenType.String && (isType || isCode))
            {
                if (isType) type = ErrorTypes.Name(ref _reader);
                else code = ErrorTypes.Name(ref _reader);
            }
            else Skip();
        }
        c.ErrorType = type ?? code ?? "error";
    }

    private void ReadUsage(ref UsageCounts c)
    {
        if (_reader.TokenType == JsonTokenType.Null) return;
        if (_reader.TokenType != JsonTokenType.StartObject) { c.Invalid = true; Skip(); return; }
        c.HasUsage = true;
        int seen = 0;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            int key = UsageKey();
            if (key >= 0)
            {
                if ((seen & (1 << key)) != 0) c.Invalid = true;
                seen |= 1 << key;
            }
            _reader.Read();
            switch (key)
            {
                case 0: Count(ref c.PromptTokens, ref c); break;
                case 1: Count(ref c.CompletionTokens, ref c); break;
                case 2: Count(ref c.InputTokens, ref c); break;
                case 3: Count(ref c.OutputTokens, ref c); break;
                case 4: Count(ref c.CacheRead, ref c); break;
                case 5: Count(ref c.CacheCreation, ref c); break;
                case 6: Count(ref c.ComputePoints, ref c); c.SawRouteLlm = true; break;
                case 7: case 8: ReadDetails(ref c); break; // prompt_tokens_details, input_tokens_details
                case 9: ReadDetails(ref c); break;          // completion_tokens_details / output_tokens_details
                default: Skip(); break;
            }
        }
    }

    private int UsageKey()
    {
        if (_reader.ValueTextEquals("prompt_tokens"u8)) return 0;
        if (_reader.ValueTextEquals("completion_tokens"u8)) return 1;
        if (_reader.ValueTextEquals("input_tokens"u8)) return 2;
        if (_reader.ValueTextEquals("output_tokens"u8)) return 3;
        if (_reader.ValueTextEquals("cache_read_input_tokens"u8)) return 4;
        if (_reader.ValueTextEquals("cache_creation_input_tokens"u8)) return 5;
        if (_reader.ValueTextEquals("compute_points_used"u8)) return 6;
        if (_reader.ValueTextEquals("prompt_tokens_details"u8)) return 7;
        if (_reader.ValueTextEquals("input_tokens_details"u8)) return 8;
        if (_reader.ValueTextEquals("completion_tokens_details"u8) || _reader.ValueTextEquals("output_tokens_details"u8)) return 9;
        return -1;
    }

    private void ReadDetails(ref UsageCounts c)
    {
        if (_reader.TokenType == JsonTokenType.Null) return;
        if (_reader.TokenType != JsonTokenType.StartObject) { c.Invalid = true; Skip(); return; }
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_reader.ValueTextEquals("cached_tokens"u8)) { _reader.Read(); Count(ref c.CachedTokens, ref c); }
            else if (_reader.ValueTextEquals("reasoning_tokens"u8)) { _reader.Read(); Count(ref c.ReasoningTokens, ref c); }
            else if (_reader.ValueTextEquals("text_tokens"u8)) { _reader.Read(); Count(ref c.TextTokens, ref c); }
            else if (_reader.ValueTextEquals("image_tokens"u8)) { _reader.Read(); Count(ref c.ImageTokens, ref c); }
            else { _reader.Read(); Skip(); }
        }
    }

    /// <summary>A count: a non-negative integer below a trillion. Anything else marks the usage invalid and is not used.</summary>
    private void Count(ref long field, ref UsageCounts c)
    {
        if (_reader.TokenType == JsonTokenType.Null) return;
        if (_reader.TokenType != JsonTokenType.Number || !_reader.TryGetInt64(out long v) || v < 0 || v > MaxCount)
        {
            c.Invalid = true;
            Skip();
            return;
        }
        field = v;
    }

    private void CountText(ref UsageCounts c)
    {
        if (_reader.TokenType == JsonTokenType.String)
        {
            if (_counter is not null) c.CountedOutput += _counter.CountTokens(_reader.ValueSpan);
        }
        else
        {
            Skip();
        }
    }

    private int CountItems()
    {
        int n = 0;
        int depth = _reader.CurrentDepth;
        while (_reader.Read() && !(_reader.TokenType == JsonTokenType.EndArray && _reader.CurrentDepth == depth))
        {
            n++;
            Skip();
        }
        return n;
    }

    private void Skip()
    {
        if (_reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) _reader.Skip();
    }
}

/// <summary>Provider error types as shared strings, so metering an error body allocates only for a type never seen before.</summary>
internal static class ErrorTypes
{
    private static readonly string[] s_known =
    [
        "invalid_request_error", "authentication_error", "permission_error", "not_found_error", "rate_limit_error",
        "api_error", "overloaded_error", "request_too_large", "server_error", "insufficient_quota", "timeout_error",
        "billing_error", "model_not_found", "context_length_exceeded", "invalid_api_key", "tokens",
    ];

    private static readonly byte[][] s_bytes = [.. s_known.Select(System.Text.Encoding.UTF8.GetBytes)];

    public static string Name(ref Utf8JsonReader reader)
    {
        for (int i = 0; i < s_bytes.Length; i++)
        {
            if (reader.ValueTextEquals(s_bytes[i])) return s_known[i];
        }
        var value = reader.GetString() ?? "error";
        return value.Length > 64 ? value[..64] : value;
    }
}
