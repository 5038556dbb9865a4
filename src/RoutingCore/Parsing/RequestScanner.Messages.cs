using System.Buffers;
using System.Text.Json;
using RoutingCore.Difficulty;
using RoutingCore.Images;

namespace RoutingCore.Parsing;

internal ref partial struct RequestScanner
{
    /// <summary>Per-message overhead in tokens (role markers and separators), as OpenAI's chat format adds.</summary>
    internal const int TokensPerMessage = 4;
    /// <summary>Tokens that prime the assistant's reply.</summary>
    internal const int TokensPerRequest = 3;

    private bool ReadMessages()
    {
        if (_reader.TokenType != JsonTokenType.StartArray) return Invalid(new JsonParam("messages"), "messages must be an array.");
        _facts.HasMessages = true;
        return ReadMessageList("A message must be an object.");
    }

    /// <summary>The conversation's list (<c>messages</c>, or a Responses <c>input</c>), the reader on its opening bracket; paths under <see cref="_list"/>.</summary>
    private bool ReadMessageList(string notAnObject)
    {
        var f = _facts;
        f.TextTokens += TokensPerRequest;
        f.TokenOverhead += TokensPerRequest;
        int index = 0;
        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            if (_reader.TokenType != JsonTokenType.StartObject) return Invalid(new JsonParam(_list, index), notAnObject);
            if (!ReadMessage(index)) return false;
            index++;
        }
        f.MessageCount = index;
        f.TextTokens += (long)TokensPerMessage * index;
        f.TokenOverhead += (long)TokensPerMessage * index;
        return true;
    }

    private bool ReadMessage(int index)
    {
        bool seenRole = false, seenContent = false;
        var role = MessageRole.Other;
        _facts.MessageText = default;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_reader.ValueTextEquals("role"u8))
            {
                if (seenRole) return Duplicate(new JsonParam(_list, index, "role"));
                seenRole = true;
                _reader.Read();
                if (_reader.TokenType != JsonTokenType.String) return Invalid(new JsonParam(_list, index, "role"), "role must be a string.");
                if (!CheckString()) return false;
                role = _reader.ValueTextEquals("user"u8) ? MessageRole.User
                    : _reader.ValueTextEquals("system"u8) || _reader.ValueTextEquals("developer"u8) ? MessageRole.System
                    : MessageRole.Other;
            }
            else if (_reader.ValueTextEquals("content"u8))
            {
                if (seenContent) return Duplicate(new JsonParam(_list, index, "content"));
                seenContent = true;
                _reader.Read();
                if (!ReadContent(index)) return false;
            }
            else
            {
                // tool_calls, name, tool_call_id, …: the model reads them, so their strings are priced as text.
                if (!CheckString()) return false; // known keys are ASCII by construction
                _reader.Read();
                if (!SkipValue(countText: true)) return false;
            }
        }
        _facts.CommitMessage(role);
        return true;
    }

    private bool ReadContent(int message)
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.String:
                if (!CheckString()) return false;
                _facts.TextTokens += CountString();
                Tally(ref _facts.MessageText);
                return true;
            case JsonTokenType.StartArray:
                break;
            default:
                return Invalid(new JsonParam(_list, message, "content"), "content must be a string or an array of parts.");
        }
        int part = 0;
        int firstImage = _facts.ImageCount;
        int firstText = -1;
        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            if (_reader.TokenType != JsonTokenType.StartObject) return Invalid(new JsonParam(_list, message, "content", part), "A content part must be an object.");
            if (!ReadPart(message, part, ref firstText)) return false;
            part++;
        }
        if (firstText >= 0)
        {
            var images = _facts.Images;
            for (int i = firstImage; i < _facts.ImageCount; i++)
            {
                if (images[i].PartIndex < firstText)
                {
                    images[i].BeforeText = true;
                    _facts.AnyImageBeforeText = true;
                }
            }
        }
        return true;
    }

    private enum PartType : byte { Missing, Text, ImageUrl, Image, TextLike, Other }

    private bool ReadPart(int message, int part, ref int firstText)
    {
        var param = new JsonParam(_list, message, "content", part);
        int start = (int)_reader.TokenStartIndex;
        var type = PartType.Missing;
        bool seenType = false, seenText = false, seenImageUrl = false, seenSource = false;
        long textTokens = 0;
        TextTally text = default;
        TextSpan textSpan = default;
        ImageFact image = default;
        image.MessageIndex = message;
        image.PartIndex = part;
        image.InInput = _list == "input";
        bool seenDetail = false, seenFileId = false;
        var detail = ImageDetail.Unspecified;
        bool haveImage = false;
        int sourceStart = -1, sourceEnd = -1;

        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_reader.ValueTextEquals("type"u8))
            {
                if (seenType) return Duplicate(param.WithLeaf("type"));
                seenType = true;
                _reader.Read();
                if (_reader.TokenType != JsonTokenType.String) return Invalid(param.WithLeaf("type"), "type must be a string.");
                if (!CheckString()) return false;
                type = _reader.ValueTextEquals("text"u8) || _reader.ValueTextEquals("input_text"u8) || _reader.ValueTextEquals("output_text"u8) ? PartType.Text
                    : _reader.ValueTextEquals("image_url"u8) || _reader.ValueTextEquals("input_image"u8) ? PartType.ImageUrl
                    : _reader.ValueTextEquals("image"u8) ? PartType.Image
                    : _reader.ValueTextEquals("tool_use"u8) || _reader.ValueTextEquals("tool_result"u8)
                      || _reader.ValueTextEquals("thinking"u8) || _reader.ValueTextEquals("redacted_thinking"u8) ? PartType.TextLike
                    : PartType.Other;
            }
            else if (_reader.ValueTextEquals("text"u8))
            {
                if (seenText) return Duplicate(param.WithLeaf("text"));
                seenText = true;
                _reader.Read();
                if (_reader.TokenType != JsonTokenType.String) return Invalid(param.WithLeaf("text"), "text must be a string.");
                if (!CheckString()) return false;
                textTokens = _counter.CountTokens(_reader.ValueSpan);
                textSpan = new TextSpan(_offset + (int)_reader.TokenStartIndex + 1, _reader.ValueSpan.Length, _reader.ValueIsEscaped ? TextSpanKind.Escaped : TextSpanKind.Plain);
                Tally(ref text);
            }
            else if (_reader.ValueTextEquals("image_url"u8))
            {
                if (seenImageUrl) return Duplicate(param.WithLeaf("image_url"));
                seenImageUrl = true;
                _reader.Read();
                if (!ReadImageUrl(param, ref image)) return false;
                haveImage = true;
            }
            else if (_reader.ValueTextEquals("detail"u8))
            {
                // Responses input_image: detail beside image_url (chat puts it inside image_url).
                if (seenDetail) return Duplicate(param.WithLeaf("detail"));
                seenDetail = true;
                _reader.Read();
                if (!ReadDetail(param.WithLeaf("detail"), ref detail)) return false;
            }
            else if (_reader.ValueTextEquals("file_id"u8))
            {
                if (seenFileId) return Duplicate(param.WithLeaf("file_id"));
                seenFileId = true;
                _reader.Read();
                if (_reader.TokenType != JsonTokenType.String) return Invalid(param.WithLeaf("file_id"), "file_id must be a string.");
                if (!CheckString()) return false;
            }
            else if (_reader.ValueTextEquals("source"u8))
            {
                if (seenSource) return Duplicate(param.WithLeaf("source"));
                seenSource = true;
                _facts.AnthropicHints = true;
                _reader.Read();
                if (type == PartType.Image)
                {
                    if (!ReadSource(param, ref image)) return false;
                    haveImage = true;
                }
                else
                {
                    // Documents and other blocks have sources too. When the type comes after the source (rare; SDKs
                    // write it first), the source is re-read from its own bytes once the type says it is an image.
                    sourceStart = (int)_reader.TokenStartIndex;
                    if (!SkipValue(countText: false)) return false;
                    sourceEnd = (int)_reader.BytesConsumed;
                }
            }
            else
            {
                if (!CheckString()) return false; // known keys are ASCII by construction
                _reader.Read();
                if (!SkipValue(countText: false)) return false;
            }
        }

        switch (type)
        {
            case PartType.Missing:
                return Invalid(param.WithLeaf("type"), "A content part needs a type.");
            case PartType.Text:
                if (!seenText) return Invalid(param.WithLeaf("text"), "A text part needs text.");
                if (firstText < 0) firstText = part;
                _facts.TextTokens += textTokens;
                _facts.AddSpan(textSpan.Start, textSpan.Length, textSpan.Kind);
                _facts.MessageText.Add(text);
                return true;
            case PartType.ImageUrl:
                if (!seenImageUrl && seenFileId)
                {
                    // An uploaded file: nothing to read here, so priced as an image of unknown size (the formula's worst case).
                    image.Source = ImageSourceKind.Url;
                    image.UrlLength = -1;
                    haveImage = true;
                }
                else if (!seenImageUrl)
                {
                    return Invalid(param.WithLeaf("image_url"), "An image part needs image_url (or file_id).");
                }
                if (seenDetail && image.Detail == ImageDetail.Unspecified) image.Detail = detail;
                return Commit(ref image, haveImage);
            case PartType.Image:
                if (!seenSource) return Invalid(param.WithLeaf("source"), "An image block needs a source.");
                if (!haveImage)
                {
                    var inner = new RequestScanner(_body[sourceStart..sourceEnd], _facts, new ScanSettings(RequestEndpoint.Auto, _allowHttp, _counter), _offset + sourceStart);
                    inner._reader.Read();
                    if (!inner.ReadSource(param, ref image)) return false;
                    haveImage = true;
                }
                return Commit(ref image, haveImage);
            default:
                // Tool results, thinking and unknown part types (audio, files, documents, future ones) are never free:
                // their whole JSON is priced as text, and unknown ones are counted.
                if (type == PartType.Other) _facts.OtherParts++;
                _facts.TextTokens += CountRaw(start, (int)_reader.BytesConsumed);
                return true;
        }
    }

    private readonly bool Commit(ref ImageFact image, bool haveImage)
    {
        if (!haveImage) return true;
        _facts.AddImage() = image;
        return true;
    }

    /// <summary>An image's <c>detail</c>: <c>low</c>, <c>high</c> or <c>auto</c> (null leaves it unset).</summary>
    private bool ReadDetail(JsonParam param, ref ImageDetail detail)
    {
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.String) return Invalid(param, "detail must be low, high or auto.");
        if (!CheckString()) return false;
        detail = _reader.ValueTextEquals("low"u8) ? ImageDetail.Low : _reader.ValueTextEquals("high"u8) ? ImageDetail.High
            : _reader.ValueTextEquals("auto"u8) ? ImageDetail.Auto : ImageDetail.Unspecified;
        return detail != ImageDetail.Unspecified || Invalid(param, "detail must be low, high or auto.");
    }

    private readonly bool Duplicate(JsonParam param) => _facts.Fail(RouteErrorCode.DuplicateKey, param, "The key appears twice.");

    /// <summary>OpenAI <c>image_url</c>: an object <c>{url, detail}</c> or a bare URL string.</summary>
    private bool ReadImageUrl(JsonParam part, ref ImageFact image)
    {
        var param = part.WithLeaf("image_url");
        if (_reader.TokenType == JsonTokenType.String)
        {
            image.Shape = ImagePartShape.OpenAIImageUrlString;
            return AnalyzeUrlValue(param, ref image);
        }
        if (_reader.TokenType != JsonTokenType.StartObject) return Invalid(param, "image_url must be an object with a url, or a URL string.");
        image.Shape = ImagePartShape.OpenAIImageUrl;
        bool seenUrl = false, seenDetail = false;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_reader.ValueTextEquals("url"u8))
            {
                if (seenUrl) return Duplicate(param.WithLeaf("url"));
                seenUrl = true;
                _reader.Read();
                if (_reader.TokenType != JsonTokenType.String) return Invalid(param.WithLeaf("url"), "url must be a string.");
                if (!AnalyzeUrlValue(param.WithLeaf("url"), ref image)) return false;
            }
            else if (_reader.ValueTextEquals("detail"u8))
            {
                if (seenDetail) return Duplicate(param.WithLeaf("detail"));
                seenDetail = true;
                _reader.Read();
                var detail = ImageDetail.Unspecified;
                if (!ReadDetail(param.WithLeaf("detail"), ref detail)) return false;
                image.Detail = detail;
            }
            else
            {
                if (!CheckString()) return false; // known keys are ASCII by construction
                _reader.Read();
                if (!SkipValue(countText: false)) return false;
            }
        }
        if (!seenUrl) return Invalid(param.WithLeaf("url"), "image_url needs a url.");
        return true;
    }

    /// <summary>Anthropic <c>source</c>: <c>{type: base64, media_type, data}</c> or <c>{type: url, url}</c>.</summary>
    private bool ReadSource(JsonParam part, ref ImageFact image)
    {
        var param = part.WithLeaf("source");
        image.Shape = ImagePartShape.AnthropicImage;
        if (_reader.TokenType != JsonTokenType.StartObject) return Invalid(param, "source must be an object.");
        bool seenType = false, seenMedia = false, seenData = false, seenUrl = false, isBase64 = false, isUrl = false;
        var declared = ImageFormat.Unknown;
        Span<byte> mediaBuffer = stackalloc byte[64];
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_reader.ValueTextEquals("type"u8))
            {
                if (seenType) return Duplicate(param.WithLeaf("type"));
                seenType = true;
                _reader.Read();
                if (_reader.TokenType != JsonTokenType.String) return Invalid(param.WithLeaf("type"), "type must be base64 or url.");
                if (!CheckString()) return false;
                isBase64 = _reader.ValueTextEquals("base64"u8);
                isUrl = _reader.ValueTextEquals("url"u8);
                if (!isBase64 && !isUrl) return Invalid(param.WithLeaf("type"), "type must be base64 or url.");
            }
            else if (_reader.ValueTextEquals("media_type"u8))
            {
                if (seenMedia) return Duplicate(param.WithLeaf("media_type"));
                seenMedia = true;
                _reader.Read();
                if (_reader.TokenType != JsonTokenType.String) return Invalid(param.WithLeaf("media_type"), "media_type must be a string.");
                if (!CheckString()) return false;
                var raw = _reader.ValueSpan;
                if (!_reader.ValueIsEscaped) declared = ImageFormats.FromMediaType(raw);
                else if (raw.Length <= 64) declared = ImageFormats.FromMediaType(mediaBuffer[.._reader.CopyString(mediaBuffer)]);
            }
            else if (_reader.ValueTextEquals("data"u8))
            {
                if (seenData) return Duplicate(param.WithLeaf("data"));
                seenData = true;
                _reader.Read();
                if (_reader.TokenType != JsonTokenType.String) return Invalid(param.WithLeaf("data"), "data must be a base64 string.");
                image.Source = ImageSourceKind.Data;
                byte[]? rented = null;
                try
                {
                    if (_reader.ValueIsEscaped && !CheckString()) return false;
                    var value = UnescapedValue(ref rented);
                    if (!AnalyzeBase64(value, param.WithLeaf("data"), ref image)) return false;
                }
                finally
                {
                    if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
                }
            }
            else if (_reader.ValueTextEquals("url"u8))
            {
                if (seenUrl) return Duplicate(param.WithLeaf("url"));
                seenUrl = true;
                _reader.Read();
                if (_reader.TokenType != JsonTokenType.String) return Invalid(param.WithLeaf("url"), "url must be a string.");
                if (!AnalyzeUrlValue(param.WithLeaf("url"), ref image)) return false;
            }
            else
            {
                if (!CheckString()) return false; // known keys are ASCII by construction
                _reader.Read();
                if (!SkipValue(countText: false)) return false;
            }
        }
        if (!seenType) return Invalid(param.WithLeaf("type"), "source needs a type.");
        if (isBase64)
        {
            if (!seenData) return Invalid(param.WithLeaf("data"), "A base64 source needs data.");
            if (!seenMedia) return Invalid(param.WithLeaf("media_type"), "A base64 source needs a media_type.");
            image.DeclaredFormat = declared;
        }
        else if (!seenUrl)
        {
            return Invalid(param.WithLeaf("url"), "A url source needs a url.");
        }
        else if (image.Source != ImageSourceKind.Url)
        {
            return Invalid(param.WithLeaf("url"), "A url source must name an https URL.");
        }
        return true;
    }

    /// <summary>A URL string: an https/http URL (checked, never fetched) or a <c>data:</c> URI (validated and sniffed).</summary>
    private bool AnalyzeUrlValue(JsonParam param, ref ImageFact image)
    {
        byte[]? rented = null;
        try
        {
            var raw = _reader.ValueSpan;
            bool isData = raw.Length >= 5 && Ascii.EqualsIgnoreCase(raw[..5], "data:"u8);
            // Strings other than base64 payloads get the UTF-8/escape check; a data URI's payload is checked by its alphabet.
            if ((!isData || _reader.ValueIsEscaped) && !CheckString()) return false;
            var value = UnescapedValue(ref rented);
            if (value.Length >= 5 && Ascii.EqualsIgnoreCase(value[..5], "data:"u8))
            {
                image.Source = ImageSourceKind.Data;
                return AnalyzeDataUri(value, param, ref image);
            }
            image.Source = ImageSourceKind.Url;
            var verdict = UrlGuard.Check(value);
            switch (verdict)
            {
                case UrlVerdict.Https:
                    break;
                case UrlVerdict.Http when _allowHttp:
                    image.InsecureUrl = true;
                    break;
                case UrlVerdict.Http:
                    return _facts.Fail(RouteErrorCode.ImageUrlNotAllowed, param, "http image URLs are not allowed; use https.");
                case UrlVerdict.SchemeNotAllowed:
                    return _facts.Fail(RouteErrorCode.ImageUrlNotAllowed, param, "Only https image URLs (or data: URIs) are allowed.");
                default:
                    return _facts.Fail(RouteErrorCode.ImageUrlNotAllowed, param, "The image URL names a loopback, private, link-local or internal host.");
            }
            image.UrlEscaped = _reader.ValueIsEscaped;
            image.UrlStart = _offset + (int)_reader.TokenStartIndex + 1;
            image.UrlLength = raw.Length;
            return true;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary><c>data:image/&lt;fmt&gt;[;param…];base64,&lt;payload&gt;</c>.</summary>
    private readonly bool AnalyzeDataUri(ReadOnlySpan<byte> value, JsonParam param, ref ImageFact image)
    {
        int comma = value.IndexOf((byte)',');
        if (comma < 0) return _facts.Fail(RouteErrorCode.InvalidImageData, param, "A data URI needs a comma before its payload.");
        var header = value[5..comma];
        // The payload's alphabet check proves it ASCII; the header is checked here since it skipped CheckString.
        if (!System.Text.Unicode.Utf8.IsValid(header))
            return _facts.Fail(RouteErrorCode.InvalidJson, default, "A string is not valid UTF-8 or contains a lone surrogate escape.");
        if (header.Length < 7 || !Ascii.EqualsIgnoreCase(header[^7..], ";base64"u8))
            return _facts.Fail(RouteErrorCode.InvalidImageData, param, "A data URI image must be base64 (\";base64,\").");
        var mediaType = header[..^7];
        int semicolon = mediaType.IndexOf((byte)';');
        if (semicolon >= 0) mediaType = mediaType[..semicolon];
        image.DeclaredFormat = ImageFormats.FromMediaType(mediaType);
        return AnalyzeBase64(value[(comma + 1)..], param, ref image);
    }

    private readonly bool AnalyzeBase64(ReadOnlySpan<byte> payloadChars, JsonParam param, ref ImageFact image)
    {
        if (!Base64Payload.Validate(payloadChars, out var payload))
            return _facts.Fail(RouteErrorCode.InvalidImageData, param, "The image data is not valid padded base64.");
        image.Bytes = payload.Length;
        if (!ImageHeader.TryRead(payload, out var header))
            return _facts.Fail(RouteErrorCode.InvalidImageData, param, "The image header is truncated or unreadable.");
        image.Format = header.Format;
        image.Width = header.Width;
        image.Height = header.Height;
        image.DimensionsKnown = header.DimensionsKnown;
        image.Animated = header.Animated;
        return true;
    }

    private bool ReadSystem()
    {
        _facts.AnthropicHints = true;
        switch (_reader.TokenType)
        {
            case JsonTokenType.Null: return true;
            case JsonTokenType.String:
                return ReadSystemText();
            case JsonTokenType.StartArray:
                return ReadSystemBlocks();
            default:
                return Invalid(new JsonParam("system"), "system must be a string or an array of text blocks.");
        }
    }

    /// <summary>Anthropic's <c>system</c> as text blocks: every string is priced as before; the blocks' <c>text</c> is the system prompt.</summary>
    private bool ReadSystemBlocks()
    {
        TextTally text = default;
        int depth = _reader.CurrentDepth;
        while (_reader.Read() && !(_reader.TokenType == JsonTokenType.EndArray && _reader.CurrentDepth == depth))
        {
            if (_reader.TokenType != JsonTokenType.StartObject)
            {
                if (!SkipValue(countText: true)) return false;
                continue;
            }
            while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isText = _reader.ValueTextEquals("text"u8);
                if (!isText && !CheckString()) return false;
                _reader.Read();
                if (isText && _reader.TokenType == JsonTokenType.String)
                {
                    if (!CheckString()) return false;
                    _facts.TextTokens += CountString();
                    Tally(ref text);
                }
                else if (!SkipValue(countText: true))
                {
                    return false;
                }
            }
        }
        _facts.AddSystem(text);
        return true;
    }
}
