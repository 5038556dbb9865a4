using System.Buffers;
using RoutingCore.Forwarding;

namespace RoutingCore
{
    public readonly partial struct RouteDecision
    {
        /// <summary>
        /// The exact length of the body to forward to <paramref name="model"/> (default: the chosen model): the routed
        /// body with its <c>model</c> string replaced by the model's <see cref="ModelEntry.UpstreamModel"/>, plus
        /// <c>stream_options</c> when <see cref="RoutingOptions.IncludeStreamUsage"/> asks for it (spec R-FWD-*).
        /// </summary>
        /// <param name="body">The body this decision was routed from, unchanged.</param>
        /// <param name="model">The chosen model or one of its fallbacks; <see langword="null"/> for the chosen model.</param>
        /// <exception cref="InvalidOperationException">The decision was rejected.</exception>
        /// <exception cref="ArgumentException">The body is not the one routed, or the model is neither the chosen one nor a fallback.</exception>
        public int GetUpstreamBodyLength(ReadOnlySpan<byte> body, ModelEntry? model = null)
        {
            var target = UpstreamTarget(body, model);
            return UpstreamBody.Length(_forward, target, InsertsStreamUsage);
        }

        /// <summary>
        /// Writes the forwardable body into <paramref name="destination"/> and returns the bytes written (the length
        /// <see cref="GetUpstreamBodyLength"/> gives). Every byte except the <c>model</c> value is the client's own.
        /// </summary>
        /// <exception cref="InvalidOperationException">The decision was rejected.</exception>
        /// <exception cref="ArgumentException">The body is not the one routed, the model is not the chosen one or a fallback, or the destination is too short.</exception>
        public int WriteUpstreamBody(ReadOnlySpan<byte> body, Span<byte> destination, ModelEntry? model = null)
        {
            var target = UpstreamTarget(body, model);
            int length = UpstreamBody.Length(_forward, target, InsertsStreamUsage);
            if (destination.Length < length)
            {
                throw new ArgumentException($"The destination holds {destination.Length} bytes; the upstream body needs {length}.", nameof(destination));
            }
            UpstreamBody.Write(body, _forward, target, InsertsStreamUsage, destination);
            return length;
        }

        /// <summary>
        /// Writes the forwardable body into <paramref name="writer"/> (in pieces of at most 64 KiB, so a pipe's
        /// segments are used as they come). Allocation-free with a pooled or reused writer.
        /// </summary>
        /// <exception cref="InvalidOperationException">The decision was rejected.</exception>
        /// <exception cref="ArgumentException">The body is not the one routed, or the model is not the chosen one or a fallback.</exception>
        public void WriteUpstreamBody(ReadOnlySpan<byte> body, IBufferWriter<byte> writer, ModelEntry? model = null)
        {
            ArgumentNullException.ThrowIfNull(writer);
            var target = UpstreamTarget(body, model);
            UpstreamBody.Write(body, _forward, target, InsertsStreamUsage, writer);
        }

        /// <summary>The most segments <see cref="GetUpstreamSegments"/> writes.</summary>
        public const int MaxUpstreamSegments = 5;

        /// <summary>
        /// The forwardable body as segments without copying it (R-FWD-6): slices of <paramref name="body"/> around the
        /// <c>model</c> value, the target's upstream id and, when <see cref="InsertsStreamUsage"/>, the inserted
        /// <c>stream_options</c>. Written in order they are byte for byte what <see cref="WriteUpstreamBody(ReadOnlySpan{byte}, Span{byte}, ModelEntry)"/>
        /// writes; a proxy sends them as the request body so the client's buffer is the only copy.
        /// </summary>
        /// <param name="body">The body this decision was routed from, unchanged, for as long as the segments are used.</param>
        /// <param name="segments">At least <see cref="MaxUpstreamSegments"/> entries.</param>
        /// <param name="model">The chosen model or one of its fallbacks; <see langword="null"/> for the chosen model.</param>
        /// <returns>How many segments were written (empty segments are left out).</returns>
        /// <exception cref="InvalidOperationException">The decision was rejected.</exception>
        /// <exception cref="ArgumentException">The body is not the one routed, the model is not the chosen one or a fallback, or <paramref name="segments"/> is too short.</exception>
        public int GetUpstreamSegments(ReadOnlyMemory<byte> body, Span<ReadOnlyMemory<byte>> segments, ModelEntry? model = null)
        {
            var target = UpstreamTarget(body.Span, model);
            if (segments.Length < MaxUpstreamSegments)
            {
                throw new ArgumentException($"The segments span holds {segments.Length} entries; up to {MaxUpstreamSegments} are written.", nameof(segments));
            }
            return UpstreamBody.Segments(body, _forward, target, InsertsStreamUsage, segments);
        }

        /// <summary>Whether the forwarded body gets <c>stream_options.include_usage</c> (R-FWD-3).</summary>
        public bool InsertsStreamUsage =>
            Catalog is { IncludeStreamUsage: true } && Endpoint == RequestEndpoint.ChatCompletions && _forward.Stream && !_forward.HasStreamOptions;

        private ModelEntry UpstreamTarget(ReadOnlySpan<byte> body, ModelEntry? model)
        {
            if (!Succeeded || Model is null)
            {
                throw new InvalidOperationException($"The decision was rejected ({ErrorCode ?? "no model"}); there is no body to forward.");
            }
            if (body.Length != _forward.BodyLength || UpstreamBody.Hash(body.Slice(_forward.ModelStart, _forward.ModelLength)) != _forward.ModelHash)
            {
                throw new ArgumentException("The body is not the one this decision was routed from (its length or its model value differs).", nameof(body));
            }
            if (model is null || ReferenceEquals(model, Model)) return Model;
            for (int i = 0; i < FallbackCount; i++)
            {
                if (ReferenceEquals(_fallbacks[i], model)) return model;
            }
            throw new ArgumentException($"Model '{model.Id}' is neither the chosen model nor one of its fallbacks.", nameof(model));
        }
    }
}

namespace RoutingCore.Forwarding
{
    using RoutingCore.Parsing;

    /// <summary>
    /// The zero-copy rewrite (spec R-FWD-1..3): the body in at most five plain copies — before the model value, the
    /// upstream id, up to the root's closing brace, the optional <c>stream_options</c>, the rest. Nothing is parsed
    /// again; the positions come from the scan.
    /// </summary>
    internal static class UpstreamBody
    {
        private static readonly byte[] s_streamUsage = ",\"stream_options\":{\"include_usage\":true}"u8.ToArray();
        private static ReadOnlySpan<byte> StreamUsage => s_streamUsage;
        private const int Piece = 64 * 1024;

        public static int Length(in ForwardingFacts f, ModelEntry target, bool streamUsage) =>
            f.BodyLength - f.ModelLength + target.UpstreamModelJson.Length + (streamUsage ? StreamUsage.Length : 0);

        public static void Write(ReadOnlySpan<byte> body, in ForwardingFacts f, ModelEntry target, bool streamUsage, Span<byte> destination)
        {
            int modelEnd = f.ModelStart + f.ModelLength;
            body[..f.ModelStart].CopyTo(destination);
            var upstream = target.UpstreamModelJson;
            upstream.CopyTo(destination[f.ModelStart..]);
            int at = f.ModelStart + upstream.Length;
            if (!streamUsage)
            {
                body[modelEnd..].CopyTo(destination[at..]);
                return;
            }
            body[modelEnd..f.RootEnd].CopyTo(destination[at..]);
            at += f.RootEnd - modelEnd;
            StreamUsage.CopyTo(destination[at..]);
            body[f.RootEnd..].CopyTo(destination[(at + StreamUsage.Length)..]);
        }

        public static int Segments(ReadOnlyMemory<byte> body, in ForwardingFacts f, ModelEntry target, bool streamUsage, Span<ReadOnlyMemory<byte>> segments)
        {
            int modelEnd = f.ModelStart + f.ModelLength, n = 0;
            Add(body[..f.ModelStart], segments, ref n);
            Add(target.UpstreamModelJson, segments, ref n);
            if (!streamUsage)
            {
                Add(body[modelEnd..], segments, ref n);
                return n;
            }
            Add(body[modelEnd..f.RootEnd], segments, ref n);
            Add(s_streamUsage, segments, ref n);
            Add(body[f.RootEnd..], segments, ref n);
            return n;
        }

        private static void Add(ReadOnlyMemory<byte> piece, Span<ReadOnlyMemory<byte>> segments, ref int n)
        {
            if (!piece.IsEmpty) segments[n++] = piece;
        }

        public static void Write(ReadOnlySpan<byte> body, in ForwardingFacts f, ModelEntry target, bool streamUsage, IBufferWriter<byte> writer)
        {
            int modelEnd = f.ModelStart + f.ModelLength;
            Copy(body[..f.ModelStart], writer);
            Copy(target.UpstreamModelJson, writer);
            if (!streamUsage)
            {
                Copy(body[modelEnd..], writer);
                return;
            }
            Copy(body[modelEnd..f.RootEnd], writer);
            Copy(StreamUsage, writer);
            Copy(body[f.RootEnd..], writer);
        }

        private static void Copy(ReadOnlySpan<byte> source, IBufferWriter<byte> writer)
        {
            while (!source.IsEmpty)
            {
                var span = writer.GetSpan(Math.Min(source.Length, Piece));
                int n = Math.Min(span.Length, source.Length);
                source[..n].CopyTo(span);
                writer.Advance(n);
                source = source[n..];
            }
        }

        /// <summary>FNV-1a over the model token: a cheap check that a rewrite is given the body that was routed.</summary>
        public static uint Hash(ReadOnlySpan<byte> bytes)
        {
            uint h = 2166136261;
            foreach (byte b in bytes) h = (h ^ b) * 16777619;
            return h;
        }
    }
}
