using RoutingCore.Difficulty;

namespace RoutingCore.Parsing;

/// <summary>What forwarding needs from the scan: positions in the body as received, never copies of it.</summary>
internal struct ForwardingFacts
{
    public int BodyLength;
    public int ModelStart;      // the opening quote of the model string token
    public int ModelLength;     // through the closing quote
    public uint ModelHash;      // FNV-1a of the token's bytes, to detect a different body at rewrite time
    public int RootEnd;         // the root object's closing brace
    public bool Stream;         // "stream": true
    public bool HasStreamOptions;
    // What metering needs to price generated images after the call (the served model may be a fallback).
    public int OutputWidth;
    public int OutputHeight;
    public ImageQuality OutputQuality;
    public long MaxTokens;      // the request's max_tokens / max_completion_tokens; -1 when absent
}

/// <summary>
/// Everything the scanner extracts from one request body: the first stage of the one-way data flow
/// (bytes → facts → requirements → candidates → scores → decision). Reused across requests; <see cref="Reset"/>
/// clears it without freeing its buffers, so steady-state scanning allocates nothing.
/// </summary>
internal sealed class RequestFacts
{
    public const int MaxModelIdBytes = 256;

    public readonly byte[] ModelBuffer = new byte[MaxModelIdBytes];
    public int ModelLength;
    public bool HasModel;
    public bool ModelTooLong;
    public ReadOnlySpan<byte> Model => ModelBuffer.AsSpan(0, ModelLength);

    /// <summary>Where the <c>model</c> string token sits (opening quote to closing quote) and a hash of its raw bytes (R-FWD-*).</summary>
    public ForwardingFacts Forward;

    public RequestEndpoint Endpoint;
    public bool HasMessages;
    public bool HasPrompt;
    public bool HasInput;           // Responses: "input"
    public bool PreviousResponse;   // Responses: "previous_response_id"
    public bool ImageGenerationTool; // Responses: a tool of type image_generation
    public bool FunctionTools;      // a tool that is not image_generation
    public bool AnthropicHints;

    public int MessageCount;
    /// <summary>Text tokens by the heuristic counter: the upper bound every model is priced with unless an exact count is known.</summary>
    public long TextTokens;

    // Exact counts (R-EST-12): where the priced text lies (in the body, or in a RoutingRequest's own buffer), the
    // tokens that are not text (per-message overhead, unknown parts priced by size), and the exact total per
    // encoding once computed (-1 until then). ExactWanted: encodings whose exact count could change the decision,
    // as the router found them.
    public TextSpan[] Spans = new TextSpan[16];
    public int SpanCount;
    public long TokenOverhead;
    public readonly long[] ExactText = [-1, -1];
    public int ExactWanted;

    public void AddSpan(int start, int length, TextSpanKind kind)
    {
        if (SpanCount == Spans.Length) Array.Resize(ref Spans, Spans.Length * 2);
        Spans[SpanCount++] = new TextSpan(start, length, kind);
    }

    /// <summary>The text tokens <paramref name="model"/> is priced with: its encoding's exact count when known, else the heuristic's.</summary>
    public long TextTokensFor(ModelEntry model, out bool exact)
    {
        int e = model.TokenizerIndex;
        exact = e >= 0 && ExactText[e] >= 0;
        return exact ? ExactText[e] : TextTokens;
    }
    public int OtherParts;

    public long MaxTokens = -1;
    public int N = -1;
    public bool HasTools;
    public bool JsonSchema;
    public bool Reasoning;

    public bool ImageOutputRequested;
    public int NumImages = -1;
    public int OutputWidth;
    public int OutputHeight;
    public bool OutputSizeAuto;
    public ImageQuality OutputQuality;
    public int AspectWidth;
    public int AspectHeight;
    public const int MaxResolutionBytes = 16;
    public readonly byte[] ResolutionBuffer = new byte[MaxResolutionBytes];
    public int ResolutionLength;
    public ReadOnlySpan<byte> Resolution => ResolutionBuffer.AsSpan(0, ResolutionLength);

    public ImageFact[] Images = new ImageFact[8];
    public int ImageCount;
    public bool AnyImageBeforeText;

    // Difficulty signals (spec R-DIFF-2): decoded text of the whole thread, of the last user message, of the message
    // being read (committed when it ends, once its role is known whatever the key order) and of system instructions.
    public byte[] Scratch = new byte[4096]; // unescaped text of long strings, for the difficulty tally
    public TextTally ThreadText;
    public TextTally LastUserText;
    public TextTally MessageText;
    public long SystemChars;
    public int UserTurns;

    public DifficultySignals Signals => new()
    {
        LastTurnChars = LastUserText.Chars,
        EarlierChars = ThreadText.Chars - LastUserText.Chars,
        Digits = ThreadText.Digits,
        Operators = ThreadText.Operators,
        CodeMarks = ThreadText.CodeMarks,
        MathMarks = ThreadText.MathMarks,
        Questions = ThreadText.Questions,
        LineBreaks = ThreadText.LineBreaks,
        Steps = ThreadText.Steps,
        NonAsciiChars = ThreadText.NonAscii,
        LastTurnWideChars = LastUserText.Wide,
        WideChars = ThreadText.Wide,
        DemandCues = ThreadText.DemandCues,
        LightCues = ThreadText.LightCues,
        ConstraintCues = ThreadText.ConstraintCues,
        UserTurns = UserTurns,
        SystemChars = SystemChars,
        Tools = HasTools,
        JsonSchema = JsonSchema,
        Reasoning = Reasoning,
    };

    /// <summary>Ends a message: its text joins the thread; a user message becomes the last turn, instructions count as the system prompt.</summary>
    public void CommitMessage(MessageRole role)
    {
        ThreadText.Add(MessageText);
        if (role == MessageRole.User)
        {
            LastUserText = MessageText;
            UserTurns++;
        }
        else if (role == MessageRole.System)
        {
            SystemChars += MessageText.Chars;
        }
        MessageText = default;
    }

    /// <summary>Instructions outside the messages (Anthropic's <c>system</c>).</summary>
    public void AddSystem(in TextTally text)
    {
        ThreadText.Add(text);
        SystemChars += text.Chars;
    }

    public RouteErrorCode Error;
    public JsonParam ErrorParam;
    public string? ErrorDetail;

    public ReadOnlySpan<ImageFact> ImageSpan => Images.AsSpan(0, ImageCount);

    public void Reset()
    {
        ModelLength = 0; HasModel = false; ModelTooLong = false; Forward = default;
        Endpoint = RequestEndpoint.Auto; HasMessages = false; HasPrompt = false; AnthropicHints = false;
        HasInput = false; PreviousResponse = false; ImageGenerationTool = false; FunctionTools = false;
        MessageCount = 0; TextTokens = 0; OtherParts = 0;
        SpanCount = 0; TokenOverhead = 0; ExactText[0] = ExactText[1] = -1; ExactWanted = 0;
        MaxTokens = -1; N = -1; HasTools = false; JsonSchema = false; Reasoning = false;
        ImageOutputRequested = false; NumImages = -1; OutputWidth = 0; OutputHeight = 0; OutputSizeAuto = false;
        OutputQuality = ImageQuality.Unspecified; AspectWidth = 0; AspectHeight = 0; ResolutionLength = 0;
        ImageCount = 0; AnyImageBeforeText = false;
        ThreadText = default; LastUserText = default; MessageText = default; SystemChars = 0; UserTurns = 0;
        Error = RouteErrorCode.None; ErrorParam = default; ErrorDetail = null;
    }

    public ref ImageFact AddImage()
    {
        if (ImageCount == Images.Length) Array.Resize(ref Images, Images.Length * 2);
        ref var fact = ref Images[ImageCount++];
        fact = default;
        return ref fact;
    }

    /// <summary>Records the first error; later ones are ignored so the report names the first problem in the body.</summary>
    public bool Fail(RouteErrorCode code, JsonParam param, string? detail = null)
    {
        if (Error == RouteErrorCode.None)
        {
            Error = code; ErrorParam = param; ErrorDetail = detail;
        }
        return false;
    }

    /// <summary>Number of generated images requested: <c>n</c> on the images endpoint, else <c>image_config.num_images</c>, default 1.</summary>
    public int OutputImageCount => !ImageOutputRequested ? 0
        : Endpoint == RequestEndpoint.ImageGenerations ? (N > 0 ? N : NumImages > 0 ? NumImages : 1)
        : (NumImages > 0 ? NumImages : 1);

    /// <summary>Completions requested (chat <c>n</c>), which multiplies output tokens.</summary>
    public int Completions => Endpoint == RequestEndpoint.ImageGenerations || N <= 0 ? 1 : N;
}

/// <summary>What a message's role means for difficulty: the user's turn, instructions, or the rest of the thread.</summary>
internal enum MessageRole : byte { Other, User, System }

/// <summary>How a priced span of text is stored: a JSON string's bytes as they are (no escapes), with escapes, or raw JSON / already decoded text priced as it stands.</summary>
internal enum TextSpanKind : byte { Plain, Escaped, Raw }

/// <summary>A priced span of text: where it lies and how it is stored.</summary>
internal readonly record struct TextSpan(int Start, int Length, TextSpanKind Kind);
