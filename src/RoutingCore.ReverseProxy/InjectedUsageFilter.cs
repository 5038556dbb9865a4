using System.Buffers;
using System.Text.Json;

namespace RoutingCore.ReverseProxy;

/// <summary>
/// Removes, from an OpenAI chat stream, the usage-only chunk (<c>"choices":[]</c> with a <c>usage</c> object) that the
/// gateway itself asked for by adding <c>stream_options.include_usage</c> (spec R-GW-14): a client that did not ask for
/// it never sees it — OpenAI's own streaming loop reads <c>choices[0]</c> and fails on it — while the meter, fed the
/// upstream's bytes, still reads it. Events are passed on whole, as soon as their blank line arrives; nothing else
/// changes. One partial event is kept (it grows with the event). Not thread-safe; one per stream.
/// </summary>
internal sealed class InjectedUsageFilter : IDisposable
{
    private byte[] _pending = ArrayPool<byte>.Shared.Rent(4096);
    private int _length;

    /// <summary>Appends to <paramref name="output"/> the complete events of <paramref name="chunk"/> (with what was pending) that the client should see.</summary>
    public void Process(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        Append(chunk);
        int start = 0;
        while (true)
        {
            var rest = _pending.AsSpan(start, _length - start);
            int end = EventEnd(rest);
            if (end < 0) break;
            var ev = rest[..end];
            if (!IsUsageOnly(ev)) output.Write(ev);
            start += end;
        }
        _pending.AsSpan(start, _length - start).CopyTo(_pending);
        _length -= start;
    }

    /// <summary>Appends whatever is left (a stream that ended without a final blank line).</summary>
    public void Flush(IBufferWriter<byte> output)
    {
        if (_length > 0 && !IsUsageOnly(_pending.AsSpan(0, _length))) output.Write(_pending.AsSpan(0, _length));
        _length = 0;
    }

    /// <summary>The length of the first complete event including its blank line (LF LF or CR LF CR LF), or -1.</summary>
    private static int EventEnd(ReadOnlySpan<byte> s)
    {
        int lf = s.IndexOf("\n\n"u8), crlf = s.IndexOf("\r\n\r\n"u8);
        if (lf < 0 && crlf < 0) return -1;
        if (crlf < 0 || (lf >= 0 && lf < crlf)) return lf + 2;
        return crlf + 4;
    }

    /// <summary>A single <c>data:</c> line whose JSON object has an empty <c>choices</c> array and a <c>usage</c> object.</summary>
    internal static bool IsUsageOnly(ReadOnlySpan<byte> ev)
    {
        var line = ev.TrimEnd("\r\n"u8);
        if (!line.StartsWith("data:"u8) || line.IndexOf((byte)'\n') >= 0) return false;
        var json = line[5..].TrimStart((byte)' ');
        if (json.IndexOf("\"usage\""u8) < 0) return false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            bool emptyChoices = false, usage = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isChoices = reader.ValueTextEquals("choices"u8), isUsage = reader.ValueTextEquals("usage"u8);
                reader.Read();
                if (isChoices) emptyChoices = reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType == JsonTokenType.EndArray;
                else if (isUsage) usage = reader.TokenType == JsonTokenType.StartObject;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }
            return emptyChoices && usage;
        }
        catch (JsonException)
        {
            return false; // not JSON the gateway understands: pass it on as it came
        }
    }

    private void Append(ReadOnlySpan<byte> chunk)
    {
        if (_length + chunk.Length > _pending.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_pending.Length * 2, _length + chunk.Length));
            _pending.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = bigger;
        }
        chunk.CopyTo(_pending.AsSpan(_length));
        _length += chunk.Length;
    }

    public void Dispose()
    {
        if (_pending.Length > 0) ArrayPool<byte>.Shared.Return(_pending);
        _pending = [];
    }
}
