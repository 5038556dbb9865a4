namespace RoutingCore.ReverseProxy;

/// <summary>
/// The request body YARP sends upstream: the decision's segments over the client's own buffer (R-FWD-6), read in
/// order. Nothing is copied until the forwarder reads into its send buffer. Reset per attempt (one per request).
/// </summary>
internal sealed class UpstreamBodyStream : Stream
{
    private readonly ReadOnlyMemory<byte>[] _segments = new ReadOnlyMemory<byte>[RouteDecision.MaxUpstreamSegments];
    private int _count, _index, _offset;
    private long _length, _position;

    public void Reset(in RouteDecision decision, ReadOnlyMemory<byte> body, ModelEntry model)
    {
        _count = decision.GetUpstreamSegments(body, _segments, model);
        _index = _offset = 0;
        _position = 0;
        _length = 0;
        for (int i = 0; i < _count; i++) _length += _segments[i].Length;
    }

    public override int Read(Span<byte> buffer)
    {
        int written = 0;
        while (written < buffer.Length && _index < _count)
        {
            var segment = _segments[_index].Span[_offset..];
            int n = Math.Min(segment.Length, buffer.Length - written);
            segment[..n].CopyTo(buffer[written..]);
            written += n;
            _offset += n;
            if (_offset == _segments[_index].Length) { _index++; _offset = 0; }
        }
        _position += written;
        return written;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
