namespace RoutingCore;

/// <summary>
/// A JSON path such as <c>messages[0].content[1].image_url.url</c>, kept as parts so that recording it costs no
/// allocation; <see cref="ToString"/> writes it out.
/// </summary>
public readonly struct JsonParam : IEquatable<JsonParam>
{
    private readonly string? _root;
    private readonly int _index0;
    private readonly string? _middle;
    private readonly int _index1;
    private readonly string? _leaf;
    private readonly string? _leaf2;

    internal JsonParam(string? root, int index0 = -1, string? middle = null, int index1 = -1, string? leaf = null, string? leaf2 = null)
    {
        _root = root; _index0 = index0; _middle = middle; _index1 = index1; _leaf = leaf; _leaf2 = leaf2;
    }

    /// <summary>True when no path is recorded (the error concerns the body as a whole).</summary>
    public bool IsEmpty => _root is null;

    /// <summary>Appends a key. Two keys are stored without concatenating, so building paths on the hot path allocates nothing.</summary>
    internal JsonParam WithLeaf(string leaf) => _leaf is null ? new(_root, _index0, _middle, _index1, leaf)
        : _leaf2 is null ? new(_root, _index0, _middle, _index1, _leaf, leaf)
        : new(_root, _index0, _middle, _index1, _leaf, _leaf2 + "." + leaf);

    /// <summary>The path, or <c>null</c> when empty.</summary>
    public override string ToString()
    {
        if (_root is null) return "";
        var s = _root;
        if (_index0 >= 0) s += "[" + _index0 + "]";
        if (_middle is not null) s += "." + _middle;
        if (_index1 >= 0) s += "[" + _index1 + "]";
        if (_leaf is not null) s += "." + _leaf;
        if (_leaf2 is not null) s += "." + _leaf2;
        return s;
    }

    /// <inheritdoc/>
    public bool Equals(JsonParam other) => ToString() == other.ToString();
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is JsonParam p && Equals(p);
    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
    /// <summary>Equality.</summary>
    public static bool operator ==(JsonParam left, JsonParam right) => left.Equals(right);
    /// <summary>Inequality.</summary>
    public static bool operator !=(JsonParam left, JsonParam right) => !left.Equals(right);
}
