using System.Buffers;
using RoutingCore.Metering;

namespace RoutingCore
{
    /// <summary>
    /// Meters a streamed (SSE) response incrementally as its bytes pass through to the client (spec R-METER-5..7):
    /// OpenAI <c>data:</c> chunks with the final usage chunk and <c>[DONE]</c>, Anthropic <c>message_start</c> /
    /// cumulative <c>message_delta</c> / <c>message_stop</c> events. Chunk boundaries may fall anywhere (mid-line,
    /// mid-UTF-8, between CR and LF). Only one partial line is kept, up to <see cref="MaxLineBytes"/>; a longer line is
    /// skipped and the record marked incomplete. Reuse one instance per stream (<see cref="Start"/>); steady-state
    /// feeding allocates nothing. Not thread-safe.
    /// </summary>
    public sealed class StreamingUsageMeter : IDisposable
    {
        /// <summary>The default cap on one partial line: 1 MiB.</summary>
        public const int DefaultMaxLineBytes = 1 << 20;

        private readonly ITokenCounter _heuristic;
        private ITokenCounter _counter;
        private byte[] _line;
        private int _lineLength;
        private bool _skipping;
        private bool _pendingCr;
        private bool _overlong;
        private bool _started;
        private RouteDecision _decision;
        private ModelEntry? _servedBy;
        private UsageCounts _counts = UsageCounts.Create();

        /// <summary>Creates a meter.</summary>
        /// <param name="counter">Counts streamed text when no usage arrives; default <see cref="HeuristicTokenCounter"/>.</param>
        /// <param name="maxLineBytes">The partial-line cap; default 1 MiB.</param>
        public StreamingUsageMeter(ITokenCounter? counter = null, int maxLineBytes = DefaultMaxLineBytes)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 64);
            _heuristic = _counter = counter ?? HeuristicTokenCounter.Instance;
            MaxLineBytes = maxLineBytes;
            _line = ArrayPool<byte>.Shared.Rent(Math.Min(4096, maxLineBytes));
        }

        /// <summary>The partial-line cap in bytes.</summary>
        public int MaxLineBytes { get; }

        /// <summary>Starts metering a new stream for <paramref name="decision"/> (served by <paramref name="servedBy"/> when a fallback serves).</summary>
        public void Start(in RouteDecision decision, ModelEntry? servedBy = null)
        {
            _decision = decision;
            _servedBy = servedBy;
            _counter = ExactOutputCounter.For(decision, servedBy) ?? _heuristic; // R-EST-12: exact where a tokenizer applies
            _counts = UsageCounts.Create();
            _lineLength = 0;
            _skipping = _pendingCr = _overlong = false;
            _started = true;
        }

        /// <summary>Feeds the next bytes of the stream, exactly as they arrived.</summary>
        public void Feed(ReadOnlySpan<byte> chunk)
        {
            if (!_started) throw new InvalidOperationException("Call Start before Feed.");
            if (_pendingCr && !chunk.IsEmpty)
            {
                if (chunk[0] == (byte)'\n') chunk = chunk[1..];
                _pendingCr = false;
            }
            while (!chunk.IsEmpty)
            {
                int eol = chunk.IndexOfAny((byte)'\r', (byte)'\n');
                if (eol < 0)
                {
                    Append(chunk);
                    return;
                }
                var piece = chunk[..eol];
                if (_lineLength == 0 && !_skipping)
                {
                    SseLines.ProcessLine(piece, ref _counts, _counter); // the whole line is in this chunk: no copy
                }
                else
                {
                    Append(piece);
                    if (!_skipping) SseLines.ProcessLine(_line.AsSpan(0, _lineLength), ref _counts, _counter);
                }
                _lineLength = 0;
                _skipping = false;
                bool cr = chunk[eol] == (byte)'\r';
                chunk = chunk[(eol + 1)..];
                if (cr)
                {
                    if (chunk.IsEmpty) { _pendingCr = true; return; }
                    if (chunk[0] == (byte)'\n') chunk = chunk[1..];
                }
            }
        }

        /// <summary>Ends the stream (normally or cut) and returns what was read. A last line without its line end is still read.</summary>
        public UsageRecord Complete()
        {
            if (!_started) throw new InvalidOperationException("Call Start before Complete.");
            if (_lineLength > 0 && !_skipping) SseLines.ProcessLine(_line.AsSpan(0, _lineLength), ref _counts, _counter);
            if (_skipping || _overlong) _counts.Invalid = true;
            _lineLength = 0;
            _started = false;
            return UsageMeter.Build(_decision, _servedBy, ref _counts, stream: true);
        }

        private void Append(ReadOnlySpan<byte> bytes)
        {
            if (_skipping) return;
            if (_lineLength + bytes.Length > MaxLineBytes)
            {
                _skipping = true; // an over-long line: drop it, keep reading, mark the record incomplete
                _overlong = true;
                _lineLength = 0;
                return;
            }
            if (_lineLength + bytes.Length > _line.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxLineBytes, Math.Max(_line.Length * 2, _lineLength + bytes.Length)));
                _line.AsSpan(0, _lineLength).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_line);
                _line = bigger;
            }
            bytes.CopyTo(_line.AsSpan(_lineLength));
            _lineLength += bytes.Length;
        }

        /// <summary>Returns the line buffer to the pool.</summary>
        public void Dispose()
        {
            var line = _line;
            _line = [];
            if (line.Length > 0) ArrayPool<byte>.Shared.Return(line);
        }
    }
}

namespace RoutingCore.Metering
{
    /// <summary>SSE line handling (WHATWG: CR, LF and CRLF all end a line); only <c>data:</c> fields are read.</summary>
    internal static class SseLines
    {
        public static void ProcessLine(ReadOnlySpan<byte> line, ref UsageCounts counts, ITokenCounter counter)
        {
            if (!line.StartsWith("data:"u8)) return; // event:, id:, retry:, comments and blank lines carry no usage
            var data = line[5..];
            if (!data.IsEmpty && data[0] == (byte)' ') data = data[1..];
            if (data.SequenceEqual("[DONE]"u8)) { counts.Done = true; return; }
            ResponseReader.Read(data, ref counts, counter);
        }

        /// <summary>A whole stream held in memory: lines are complete, so nothing is buffered.</summary>
        public static void ProcessAll(ReadOnlySpan<byte> body, ref UsageCounts counts, ITokenCounter counter, out bool overlong)
        {
            overlong = false;
            while (!body.IsEmpty)
            {
                int eol = body.IndexOfAny((byte)'\r', (byte)'\n');
                var line = eol < 0 ? body : body[..eol];
                if (line.Length > StreamingUsageMeter.DefaultMaxLineBytes) overlong = true;
                else ProcessLine(line, ref counts, counter);
                if (eol < 0) break;
                int next = eol + 1;
                if (body[eol] == (byte)'\r' && next < body.Length && body[next] == (byte)'\n') next++;
                body = body[next..];
            }
        }
    }
}
