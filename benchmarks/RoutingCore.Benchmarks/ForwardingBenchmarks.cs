using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace RoutingCore.Benchmarks;

/// <summary>
/// The forwardable body (spec R-FWD-4) against a plain copy of the same bytes into the same kind of destination, in
/// one run: rewriting costs the copy plus the model id.
/// </summary>
[MemoryDiagnoser]
public class ForwardingBenchmarks
{
    private byte[] _body = [];
    private byte[] _destination = [];
    private ArrayBufferWriter<byte> _writer = null!;
    private RouteDecision _decision;

    [Params("text-1kb", "data-4mb")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var engine = RoutingEngine.CreateDefault();
        _body = Corpus.Build(Shape);
        _decision = engine.Route(_body);
        if (!_decision.Succeeded) throw new InvalidOperationException($"{Shape}: {_decision.Error}");
        _destination = new byte[_decision.GetUpstreamBodyLength(_body) + 64];
        _writer = new ArrayBufferWriter<byte>(_destination.Length);
    }

    [Benchmark(Baseline = true)]
    public int Copy()
    {
        _body.AsSpan().CopyTo(_destination);
        return _body.Length;
    }

    [Benchmark]
    public int RewriteToSpan() => _decision.WriteUpstreamBody(_body, _destination);

    [Benchmark]
    public int RewriteToWriter()
    {
        _writer.ResetWrittenCount();
        _decision.WriteUpstreamBody(_body, _writer);
        return _writer.WrittenCount;
    }
}
