namespace RoutingCore.Catalog;

/// <summary>
/// An immutable open-addressing map from ids (as lower-case ASCII/UTF-8 bytes) to an integer, looked up with the
/// request's bytes directly: no string, no allocation. ASCII letters compare case-insensitively.
/// </summary>
internal sealed class Utf8IdMap
{
    private readonly byte[][] _keys;
    private readonly int[] _values;
    private readonly int _mask;

    public Utf8IdMap(IReadOnlyList<(byte[] Key, int Value)> entries)
    {
        int size = 16;
        while (size < entries.Count * 2) size <<= 1;
        _keys = new byte[size][];
        _values = new int[size];
        _mask = size - 1;
        foreach (var (key, value) in entries)
        {
            int slot = (int)Hash(key) & _mask;
            while (_keys[slot] is not null) slot = (slot + 1) & _mask;
            _keys[slot] = key;
            _values[slot] = value;
        }
    }

    public bool TryGetValue(ReadOnlySpan<byte> key, out int value)
    {
        int slot = (int)Hash(key) & _mask;
        while (true)
        {
            var candidate = _keys[slot];
            if (candidate is null) { value = -1; return false; }
            if (Ascii.EqualsIgnoreCase(candidate, key) || candidate.AsSpan().SequenceEqual(key)) { value = _values[slot]; return true; }
            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>FNV-1a over ASCII-lower-cased bytes.</summary>
    private static uint Hash(ReadOnlySpan<byte> key)
    {
        uint h = 2166136261;
        foreach (byte b in key)
        {
            byte c = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
            h = (h ^ c) * 16777619;
        }
        return h;
    }
}
