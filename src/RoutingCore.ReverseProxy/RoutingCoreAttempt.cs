using System.Buffers;
using System.Net.Http.Headers;

namespace RoutingCore.ReverseProxy;

/// <summary>
/// One request's state across its attempts, kept as a feature of the <see cref="HttpContext"/> so the transformer,
/// the passive health policy and the response stream see the attempt in flight.
/// </summary>
internal sealed class RoutingCoreAttempt
{
    public required RouteDecision Decision { get; init; }
    public required RequestEndpoint Endpoint { get; init; }
    public required RoutingCoreProxyOptions Options { get; init; }
    /// <summary>The client's telemetry name (<see cref="RoutingCoreClient.Name"/>, else its ledger id).</summary>
    public string ClientName { get; init; } = "";
    public ModelEntry Model { get; private set; } = null!;
    public string? ApiKey { get; private set; }
    public string DestinationAddress { get; private set; } = "";

    /// <summary>The upstream answered with a status the client gets (its body is streamed through).</summary>
    public bool Served { get; set; }
    public bool Sse { get; set; }

    /// <summary>The upstream's status of this attempt (0 when it gave none).</summary>
    public int UpstreamStatus { get; set; }

    /// <summary>The last upstream answer that failed (429, 5xx): what the client gets when every model fails.</summary>
    public FailedAnswer? LastFailure { get; set; }

    public void Begin(ModelEntry model, string destinationAddress, string? apiKey)
    {
        Model = model;
        DestinationAddress = destinationAddress;
        ApiKey = apiKey;
        Served = false;
        Sse = false;
        UpstreamStatus = 0;
    }
}

/// <summary>An upstream failure kept to give the client if no other model serves.</summary>
internal sealed record FailedAnswer(int Status, string? ContentType, List<KeyValuePair<string, string>> Headers, byte[] Body, TimeSpan? RetryAfter);

/// <summary>
/// The client's response body while an attempt is served: every byte is metered before it is written (what reached
/// the wire is billed), the usage chunk the proxy asked for is kept from a client that did not ask for it, and SSE is
/// flushed per write.
/// </summary>
internal sealed class MeteringResponseStream(Stream inner, RoutingCoreAttempt attempt) : Stream
{
    private const int WholeCap = 64 * 1024 * 1024;
    private StreamingUsageMeter? _meter;
    private InjectedUsageFilter? _filter;
    private ArrayBufferWriter<byte>? _filtered;
    private byte[] _whole = [];
    private int _wholeLength;
    private bool _overCap;

    public Stream Inner => inner;

    /// <summary>Called when an attempt is served, before the first body byte.</summary>
    public void Start()
    {
        if (attempt.Sse)
        {
            _meter = new StreamingUsageMeter();
            _meter.Start(attempt.Decision, attempt.Model);
            if (attempt.Decision.InsertsStreamUsage)
            {
                _filter = new InjectedUsageFilter();
                _filtered = new ArrayBufferWriter<byte>(16 * 1024);
            }
        }
        else
        {
            _whole = ArrayPool<byte>.Shared.Rent(64 * 1024);
        }
    }

    public bool Incomplete => _overCap;

    /// <summary>The usage of what was served (complete or not).</summary>
    public UsageRecord Usage() =>
        _meter is not null ? _meter.Complete() : UsageMeter.Meter(attempt.Decision, _whole.AsSpan(0, _wholeLength), attempt.Model);

    /// <summary>Writes what the usage filter still holds (the end of a stream).</summary>
    public async Task FinishAsync(CancellationToken cancel)
    {
        if (_filter is null) return;
        _filtered!.ResetWrittenCount();
        _filter.Flush(_filtered);
        if (_filtered.WrittenCount > 0)
        {
            await inner.WriteAsync(_filtered.WrittenMemory, cancel);
            await inner.FlushAsync(cancel);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!attempt.Served) { await inner.WriteAsync(buffer, cancellationToken); return; }
        if (_meter is not null)
        {
            _meter.Feed(buffer.Span); // metered before it is sent
            if (_filter is not null)
            {
                _filtered!.ResetWrittenCount();
                _filter.Process(buffer.Span, _filtered);
                if (_filtered.WrittenCount > 0) await inner.WriteAsync(_filtered.WrittenMemory, cancellationToken);
            }
            else
            {
                await inner.WriteAsync(buffer, cancellationToken);
            }
            await inner.FlushAsync(cancellationToken);
            return;
        }
        Keep(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (_overCap) return;
        if (_wholeLength + bytes.Length > _whole.Length)
        {
            if (_wholeLength + bytes.Length > WholeCap) { _overCap = true; return; }
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_whole.Length * 2, _wholeLength + bytes.Length));
            _whole.AsSpan(0, _wholeLength).CopyTo(bigger);
            if (_whole.Length > 0) ArrayPool<byte>.Shared.Return(_whole);
            _whole = bigger;
        }
        bytes.CopyTo(_whole.AsSpan(_wholeLength));
        _wholeLength += bytes.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _meter?.Dispose();
            _filter?.Dispose();
            if (_whole.Length > 0) ArrayPool<byte>.Shared.Return(_whole);
            _whole = [];
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
