using System.Runtime.CompilerServices;

namespace NetDetect.Core.Simulation;

/// <summary>
/// Small, fast, seedable generator (xoshiro256**) whose streams are keyed by (seed, stream, index), so every
/// partition of the simulation draws the same numbers whatever thread runs it.
/// </summary>
internal struct SimRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SimRandom(ulong seed, ulong stream, ulong index)
    {
        ulong x = Hash.Mix(seed, stream, index);
        _s0 = Hash.SplitMix(ref x);
        _s1 = Hash.SplitMix(ref x);
        _s2 = Hash.SplitMix(ref x);
        _s3 = Hash.SplitMix(ref x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextULong()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Next(int n) => (int)((NextULong() >> 32) * (ulong)n >> 32);

    public bool Chance(double p) => NextDouble() < p;

    public double Exponential(double mean) => -mean * Math.Log(1 - NextDouble());

    public double Normal()
    {
        double u1 = 1 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Normal());

    /// <summary>Poisson draw (inversion below 30, normal approximation above: exact shape matters little there).</summary>
    public int Poisson(double lambda)
    {
        if (lambda <= 0) return 0;
        if (lambda > 30) return Math.Max(0, (int)Math.Round(lambda + Math.Sqrt(lambda) * Normal()));
        double l = Math.Exp(-lambda), p = 1;
        int k = 0;
        do
        {
            k++;
            p *= NextDouble();
        } while (p > l);
        return k - 1;
    }

    /// <summary>Draw from a distribution given by quantiles at 0, 5, ..., 100 %, interpolating log(1 + x) between them.</summary>
    public double FromQuantiles(double[] q)
    {
        double u = NextDouble() * (q.Length - 1);
        int i = Math.Min((int)u, q.Length - 2);
        double f = u - i;
        double a = Math.Log(1 + q[i]), b = Math.Log(1 + q[i + 1]);
        return Math.Exp(a + (b - a) * f) - 1;
    }

    /// <summary>Index drawn from cumulative weights (last element = total).</summary>
    public int FromCumulative(double[] cumulative, int count)
    {
        double x = NextDouble() * cumulative[count - 1];
        int lo = 0, hi = count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (cumulative[mid] > x) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }
}

/// <summary>Stateless hashing used for ids and per-item decisions.</summary>
internal static class Hash
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Mix(ulong a, ulong b, ulong c)
    {
        ulong x = a;
        ulong h = SplitMix(ref x);
        x = h ^ b;
        h = SplitMix(ref x);
        x = h ^ c;
        return SplitMix(ref x);
    }

    private const ulong Mask63 = (1UL << 63) - 1;

    /// <summary>
    /// A keyed bijection on 63-bit numbers: distinct keys give distinct ids that look like Twitter's numeric ids and
    /// carry no trace of which part of the simulation made them.
    /// </summary>
    public static ulong Permute63(ulong key, ulong value)
    {
        ulong x = (value ^ (key & Mask63)) & Mask63;
        x = (x * 0x9E3779B97F4A7C15UL) & Mask63;
        x ^= x >> 29;
        x = (x * 0xBF58476D1CE4E5B9UL) & Mask63;
        x ^= x >> 32;
        x = (x * 0x94D049BB133111EBUL) & Mask63;
        x ^= x >> 29;
        return x;
    }
}
