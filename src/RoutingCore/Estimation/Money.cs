namespace RoutingCore.Estimation;

/// <summary>
/// Costs are computed in whole pico-dollars (10⁻¹² USD) with 64/128-bit integers: exact for every price with up to
/// six decimals per million tokens or twelve per image, an order of magnitude cheaper than <see cref="decimal"/>
/// arithmetic per candidate, and converted to <see cref="decimal"/> USD only where a caller reads it.
/// </summary>
internal static class Money
{
    public const decimal PicoPerUsd = 1_000_000_000_000m;

    /// <summary>Largest price accepted (USD per image, or USD per million tokens), so products stay far inside 128 bits.</summary>
    public const decimal MaxPrice = 1_000_000m;

    /// <summary>Converts an exact amount; false when it has finer precision than <paramref name="scale"/> allows or is out of range.</summary>
    public static bool TryToPico(decimal usd, decimal scale, out long pico)
    {
        pico = 0;
        if (usd < 0 || usd > MaxPrice) return false;
        decimal p = usd * scale;
        if (p != decimal.Truncate(p)) return false;
        pico = (long)p;
        return true;
    }

    public static decimal ToUsd(long pico) => pico / PicoPerUsd;

    /// <summary>Product of two non-negative amounts, saturating at <see cref="long.MaxValue"/> (never wraps).</summary>
    public static long Multiply(long a, long b)
    {
        long high = Math.BigMul(a, b, out long low);
        return high != 0 || low < 0 ? long.MaxValue : low;
    }

    /// <summary>Sum of two non-negative amounts, saturating at <see cref="long.MaxValue"/>.</summary>
    public static long Add(long a, long b)
    {
        long sum = unchecked(a + b);
        return sum < 0 ? long.MaxValue : sum;
    }
}
