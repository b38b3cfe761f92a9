using NetDetect.Core.Data;

namespace NetDetect.Core.Kernels;

/// <summary>The cycle a temporal profile folds time onto.</summary>
public enum ProfilePeriod
{
    Day,
    /// <summary>A week starting Monday 00:00 local time.</summary>
    Week,
}

/// <summary>How posting times become profile bins: a period, a bin width, and the UTC offset of the local clock
/// (an operation's office hours show in its own time zone).</summary>
public sealed record TemporalBinning
{
    public ProfilePeriod Period { get; init; } = ProfilePeriod.Week;
    public int BinMinutes { get; init; } = 60;
    /// <summary>Local time = UTC + this many minutes (e.g. 180 for UTC+3).</summary>
    public int UtcOffsetMinutes { get; init; }

    /// <summary>168 hour-of-week bins.</summary>
    public static TemporalBinning HourOfWeek(int utcOffsetMinutes = 0) => new() { Period = ProfilePeriod.Week, BinMinutes = 60, UtcOffsetMinutes = utcOffsetMinutes };

    /// <summary>48 half-hour-of-day bins.</summary>
    public static TemporalBinning HalfHourOfDay(int utcOffsetMinutes = 0) => new() { Period = ProfilePeriod.Day, BinMinutes = 30, UtcOffsetMinutes = utcOffsetMinutes };

    public int PeriodMinutes => Period == ProfilePeriod.Week ? 7 * 1440 : 1440;
    public int Bins => PeriodMinutes / BinMinutes;

    /// <summary>Throws unless the bin width divides the period and the offset is a real one (within ±18 h).</summary>
    public void Validate()
    {
        if (BinMinutes < 1 || PeriodMinutes % BinMinutes != 0)
            throw new ArgumentException($"Bin width {BinMinutes} min does not divide the {Period} ({PeriodMinutes} min).");
        if (Math.Abs(UtcOffsetMinutes) > 18 * 60)
            throw new ArgumentException($"UTC offset {UtcOffsetMinutes} min is outside ±18 h.");
    }

    /// <summary>The bin of a timestamp (µs since the Unix epoch, any sign).</summary>
    public int BinOf(long timeMicros)
    {
        long minutes = Math.DivRem(timeMicros, Time.MicrosPerMinute, out long rem);
        if (rem < 0) minutes--; // floor, so times before 1970 fall in the right minute
        minutes += UtcOffsetMinutes;
        // 1970-01-01 was a Thursday: with Monday as day 0 the epoch is 3 days into its week
        long inPeriod = Period == ProfilePeriod.Week ? minutes + 3 * 1440 : minutes;
        long m = inPeriod % PeriodMinutes;
        if (m < 0) m += PeriodMinutes;
        return (int)(m / BinMinutes);
    }
}

/// <summary>Per-account timing statistics for the classifier; NaN where a statistic is undefined (too few posts).</summary>
public sealed class TemporalStatistics
{
    public required int[] PostCount { get; init; }
    /// <summary>(σ − μ)/(σ + μ) of inter-event times (Goh and Barabási 2008): −1 clockwork, 0 Poisson, → 1 bursty.
    /// Needs two intervals and a non-zero σ + μ.</summary>
    public required float[] Burstiness { get; init; }
    /// <summary>Correlation of consecutive inter-event times (the memory coefficient); needs three intervals.</summary>
    public required float[] Memory { get; init; }
    /// <summary>σ/μ of inter-event times; needs two intervals and μ &gt; 0.</summary>
    public required float[] IntervalCv { get; init; }
    public required float[] MedianIntervalSeconds { get; init; }
    /// <summary>Share of intervals equal (to the second) to the most common one: scheduled posting.</summary>
    public required float[] TopIntervalShare { get; init; }
    /// <summary>Shannon entropy of the intervals' log2-second classes over ln 40: low for a fixed rhythm.</summary>
    public required float[] IntervalEntropy { get; init; }
    /// <summary>Shannon entropy of the account's profile bins over ln(bins): 0 all in one bin, 1 uniform.</summary>
    public required float[] BinEntropy { get; init; }
    /// <summary>Fraction of profile bins with at least one post.</summary>
    public required float[] ActiveBinFraction { get; init; }
}

/// <summary>Activity profiles (per-account histograms over hour-of-week or similar bins) and timing statistics,
/// the input of the `sync` modality and features of the classifier.</summary>
public static class TemporalProfiles
{
    /// <summary>Counts of posts per account and bin, row-major <c>accountCount x binning.Bins</c>. Posts with a
    /// null time (<see cref="Time.Null"/>) are skipped.</summary>
    public static float[] Histograms(ReadOnlySpan<int> account, ReadOnlySpan<long> timeMicros, int accountCount, TemporalBinning binning)
    {
        binning.Validate();
        if (account.Length != timeMicros.Length) throw new ArgumentException("account and timeMicros must have equal length.");
        int bins = binning.Bins;
        var h = new float[(long)accountCount * bins];
        for (int p = 0; p < account.Length; p++)
        {
            if (timeMicros[p] == Time.Null) continue;
            int a = account[p];
            if ((uint)a >= (uint)accountCount) throw new ArgumentOutOfRangeException(nameof(account), $"Post {p} has account {a}, outside 0..{accountCount - 1}.");
            h[(long)a * bins + binning.BinOf(timeMicros[p])]++;
        }
        return h;
    }

    /// <summary>Profiles of a dataset's posts.</summary>
    public static float[] Histograms(Dataset dataset, TemporalBinning binning)
        => Histograms(dataset.Posts.Account, dataset.Posts.CreatedAt, dataset.Accounts.Count, binning);

    /// <summary>Timing statistics per account; <paramref name="binning"/> defines the bins of the entropy and
    /// active-bin statistics (hour of week when null).</summary>
    public static TemporalStatistics Statistics(ReadOnlySpan<int> account, ReadOnlySpan<long> timeMicros, int accountCount,
        TemporalBinning? binning = null, int maxDegreeOfParallelism = 0)
    {
        binning ??= TemporalBinning.HourOfWeek();
        binning.Validate();
        if (account.Length != timeMicros.Length) throw new ArgumentException("account and timeMicros must have equal length.");
        // group times by account (counting sort), then sort each account's times
        var start = new int[accountCount + 1];
        for (int p = 0; p < account.Length; p++)
        {
            if (timeMicros[p] == Time.Null) continue;
            if ((uint)account[p] >= (uint)accountCount) throw new ArgumentOutOfRangeException(nameof(account), $"Post {p} has account {account[p]}, outside 0..{accountCount - 1}.");
            start[account[p] + 1]++;
        }
        for (int a = 0; a < accountCount; a++) start[a + 1] += start[a];
        var times = new long[start[accountCount]];
        var fill = start[..accountCount];
        for (int p = 0; p < account.Length; p++)
            if (timeMicros[p] != Time.Null) times[fill[account[p]]++] = timeMicros[p];

        var s = new TemporalStatistics
        {
            PostCount = new int[accountCount],
            Burstiness = new float[accountCount],
            Memory = new float[accountCount],
            IntervalCv = new float[accountCount],
            MedianIntervalSeconds = new float[accountCount],
            TopIntervalShare = new float[accountCount],
            IntervalEntropy = new float[accountCount],
            BinEntropy = new float[accountCount],
            ActiveBinFraction = new float[accountCount],
        };
        const int block = 1024;
        int blocks = (accountCount + block - 1) / block;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = KernelPaths.Threads(maxDegreeOfParallelism) }, bi =>
        {
            var gaps = new double[64];
            var counts = new int[binning.Bins];
            for (int a = bi * block, end = Math.Min(accountCount, a + block); a < end; a++)
            {
                var t = times.AsSpan(start[a], start[a + 1] - start[a]);
                t.Sort();
                Account(a, t, binning, s, ref gaps, counts);
            }
        });
        return s;
    }

    /// <summary>Statistics of a dataset's posts.</summary>
    public static TemporalStatistics Statistics(Dataset dataset, TemporalBinning? binning = null, int maxDegreeOfParallelism = 0)
        => Statistics(dataset.Posts.Account, dataset.Posts.CreatedAt, dataset.Accounts.Count, binning, maxDegreeOfParallelism);

    private static void Account(int a, ReadOnlySpan<long> t, TemporalBinning binning, TemporalStatistics s, ref double[] gapBuffer, int[] counts)
    {
        int n = t.Length;
        s.PostCount[a] = n;
        int g = Math.Max(0, n - 1);
        if (gapBuffer.Length < g) gapBuffer = new double[Math.Max(g, 2 * gapBuffer.Length)];
        var gaps = gapBuffer.AsSpan(0, g);
        for (int i = 1; i < n; i++) gaps[i - 1] = (t[i] - t[i - 1]) / (double)Time.MicrosPerSecond;

        double mean = 0, var = 0;
        for (int i = 0; i < g; i++) mean += gaps[i];
        if (g > 0) mean /= g;
        for (int i = 0; i < g; i++) var += (gaps[i] - mean) * (gaps[i] - mean);
        double sd = g > 0 ? Math.Sqrt(var / g) : 0;
        s.Burstiness[a] = g >= 2 && sd + mean > 0 ? (float)((sd - mean) / (sd + mean)) : float.NaN;
        s.IntervalCv[a] = g >= 2 && mean > 0 ? (float)(sd / mean) : float.NaN;
        s.Memory[a] = g >= 3 ? (float)MemoryCoefficient(gaps) : float.NaN;

        if (g > 0)
        {
            // the memory coefficient above needed time order; from here on sorted order will do
            var sorted = gaps;
            sorted.Sort();
            s.MedianIntervalSeconds[a] = (float)(g % 2 == 1 ? sorted[g / 2] : (sorted[g / 2 - 1] + sorted[g / 2]) / 2);
            // most common whole-second interval: runs in the sorted array
            int best = 0, run = 0;
            for (int i = 0; i < g; i++)
            {
                run = i > 0 && Math.Floor(sorted[i]) == Math.Floor(sorted[i - 1]) ? run + 1 : 1;
                best = Math.Max(best, run);
            }
            s.TopIntervalShare[a] = (float)best / g;
            Span<int> classes = stackalloc int[40];
            classes.Clear();
            foreach (double x in sorted) classes[Math.Min(39, (int)Math.Log2(x + 1))]++;
            s.IntervalEntropy[a] = (float)(Entropy(classes, g) / Math.Log(40));
        }
        else
        {
            s.MedianIntervalSeconds[a] = s.TopIntervalShare[a] = s.IntervalEntropy[a] = float.NaN;
        }

        if (n > 0)
        {
            Array.Clear(counts);
            foreach (long x in t) counts[binning.BinOf(x)]++;
            int active = 0;
            foreach (int c in counts) if (c > 0) active++;
            s.ActiveBinFraction[a] = (float)active / counts.Length;
            s.BinEntropy[a] = (float)(Entropy(counts, n) / Math.Log(counts.Length));
        }
        else
        {
            s.ActiveBinFraction[a] = 0;
            s.BinEntropy[a] = float.NaN;
        }
    }

    private static double Entropy(ReadOnlySpan<int> counts, int total)
    {
        double h = 0;
        foreach (int c in counts)
            if (c > 0)
            {
                double p = (double)c / total;
                h -= p * Math.Log(p);
            }
        return Math.Max(0, h);
    }

    /// <summary>Pearson correlation of (gap_i, gap_i+1); NaN when either side is constant.</summary>
    private static double MemoryCoefficient(ReadOnlySpan<double> gaps)
    {
        int m = gaps.Length - 1;
        double m1 = 0, m2 = 0;
        for (int i = 0; i < m; i++) { m1 += gaps[i]; m2 += gaps[i + 1]; }
        m1 /= m; m2 /= m;
        double c = 0, v1 = 0, v2 = 0;
        for (int i = 0; i < m; i++)
        {
            double x = gaps[i] - m1, y = gaps[i + 1] - m2;
            c += x * y; v1 += x * x; v2 += y * y;
        }
        return v1 > 0 && v2 > 0 ? c / Math.Sqrt(v1 * v2) : double.NaN;
    }
}
