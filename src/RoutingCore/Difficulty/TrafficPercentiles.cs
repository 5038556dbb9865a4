namespace RoutingCore.Difficulty;

/// <summary>
/// A bounded, allocation-free, thread-safe sketch of the last <see cref="Window"/> difficulties an alias saw
/// (spec R-DIFF-8): 256 bins over [0, 1] and a ring of the bins of the latest requests, so a percentile costs one pass
/// over the bins and no request ever allocates. Concurrent updates are counted with interlocked operations; a request
/// racing another may read a count one off, never a torn or out-of-range one.
/// </summary>
internal sealed class TrafficPercentiles
{
    internal const int Window = 1024, Bins = 256;

    /// <summary>Below this many requests the reference percentile serves unchanged (too few to rank against).</summary>
    internal const int WarmUp = 32;

    private readonly int[] _counts = new int[Bins];
    private readonly byte[] _ring = new byte[Window];
    private long _seen;

    /// <summary>Records <paramref name="reference"/> (a reference percentile in [0, 1]) and returns its percentile among the recent requests, itself included.</summary>
    public double Record(double reference)
    {
        double scaled = Math.Clamp(reference, 0, 1) * Bins;
        int bin = Math.Min(Bins - 1, (int)scaled);
        long n = Interlocked.Increment(ref _seen);
        int slot = (int)((n - 1) % Window);
        if (n > Window) Interlocked.Decrement(ref _counts[Volatile.Read(ref _ring[slot])]);
        Volatile.Write(ref _ring[slot], (byte)bin);
        Interlocked.Increment(ref _counts[bin]);
        if (n < WarmUp) return reference;

        long below = 0, total = 0;
        for (int i = 0; i < Bins; i++)
        {
            int c = Math.Max(0, Volatile.Read(ref _counts[i]));
            if (i < bin) below += c;
            total += c;
        }
        if (total <= 0) return reference;
        // Within the request's own bin, its place is interpolated (the bin's requests spread evenly over it).
        double within = Math.Max(0, Volatile.Read(ref _counts[bin])) * (scaled - bin);
        return Math.Clamp((below + within) / total, 0, 1);
    }
}
