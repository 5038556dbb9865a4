namespace RoutingCore;

/// <summary>
/// What the scanner learned about one image input, without fetching or decoding it.
/// </summary>
/// <remarks>Width and height come from the image header; for URL images they are unknown (0) unless a host-supplied
/// metadata cache knew them.</remarks>
public struct ImageFact
{
    /// <summary>Index of the message holding the image (<c>messages[i]</c>).</summary>
    public int MessageIndex { get; set; }
    /// <summary>Index of the part inside the message content (<c>content[j]</c>).</summary>
    public int PartIndex { get; set; }
    /// <summary>The part's JSON shape.</summary>
    public ImagePartShape Shape { get; set; }
    /// <summary>URL or inline data.</summary>
    public ImageSourceKind Source { get; set; }
    /// <summary>The media type the request declared (data URI or <c>media_type</c>), mapped to a format.</summary>
    public ImageFormat DeclaredFormat { get; set; }
    /// <summary>The format sniffed from the magic bytes (the one that counts).</summary>
    public ImageFormat Format { get; set; }
    /// <summary>Width in pixels from the header; 0 when unknown.</summary>
    public int Width { get; set; }
    /// <summary>Height in pixels from the header; 0 when unknown.</summary>
    public int Height { get; set; }
    /// <summary>Decoded byte size of inline data; 0 for URLs.</summary>
    public long Bytes { get; set; }
    /// <summary>More than one frame (GIF, APNG, animated WebP).</summary>
    public bool Animated { get; set; }
    /// <summary>The requested detail.</summary>
    public ImageDetail Detail { get; set; }
    /// <summary>True when <see cref="Width"/> and <see cref="Height"/> are known exactly.</summary>
    public bool DimensionsKnown { get; set; }
    /// <summary>True when the image came before any text of its message.</summary>
    public bool BeforeText { get; set; }
    /// <summary>True for an <c>http:</c> URL (allowed only by option).</summary>
    public bool InsecureUrl { get; set; }
    internal int UrlStart;
    internal int UrlLength;
    internal bool UrlEscaped;

    /// <summary>True when the declared media type names a different format than the bytes.</summary>
    public readonly bool MediaTypeMismatch => Source == ImageSourceKind.Data && DeclaredFormat != Format;

    /// <summary>The JSON path of the image part, such as <c>messages[0].content[1]</c>.</summary>
    public readonly string Param => $"{(InInput ? "input" : "messages")}[{MessageIndex}].content[{PartIndex}]";

    /// <summary>The image is in a Responses request's <c>input</c> items rather than in <c>messages</c>.</summary>
    public bool InInput { get; set; }
}
