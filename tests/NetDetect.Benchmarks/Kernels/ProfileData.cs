namespace NetDetect.Benchmarks.Kernels;

/// <summary>Synthetic activity profiles: each account follows one of a few daily rhythms shifted by its time zone,
/// with Poisson-like noise; every 50th account starts a group of 20 that share one schedule (a planted operation).</summary>
public static class ProfileData
{
    public static float[] HourOfWeek(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var v = new float[(long)n * d];
        var shape = new float[d];
        var group = new float[d];
        for (int i = 0; i < n; i++)
        {
            var row = v.AsSpan(i * d, d);
            if (i % 1000 < 20)
            {
                if (i % 1000 == 0)
                    for (int b = 0; b < d; b++) group[b] = rng.NextSingle() < 0.3f ? 5 + 10 * rng.NextSingle() : 0;
                for (int b = 0; b < d; b++) row[b] = group[b] + (rng.NextSingle() < 0.05f ? 1 : 0);
                continue;
            }
            int shift = rng.Next(24);
            float activity = 0.5f + 5 * rng.NextSingle();
            bool office = rng.Next(2) == 0;
            for (int b = 0; b < d; b++)
            {
                int hour = (b + shift) % 24;
                shape[b] = office ? (hour is >= 9 and < 18 ? 1f : 0.1f) : (hour is >= 18 || hour < 1 ? 1f : 0.2f);
            }
            for (int b = 0; b < d; b++)
            {
                float lambda = shape[b] * activity;
                // cheap Poisson-like draw: the mean plus uniform noise of matching scale, floored at zero
                float x = lambda + (rng.NextSingle() - 0.5f) * 2 * MathF.Sqrt(lambda) * 1.7f;
                row[b] = MathF.Max(0, MathF.Round(x));
            }
        }
        return v;
    }
}
