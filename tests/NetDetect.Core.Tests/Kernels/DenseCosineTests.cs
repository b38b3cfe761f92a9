using NetDetect.Core.Kernels;

namespace NetDetect.Core.Tests.Kernels;

public class DenseCosineTests
{
    public static TheoryData<KernelPath> Paths => new() { KernelPath.Scalar, KernelPath.Vector256, KernelPath.Vector512, KernelPath.Auto };

    /// <summary>The plain scalar reference: the shared normalisation, then the sequential fma chain per pair.</summary>
    private static float[][] Units(float[] values, int n, int d)
    {
        var u = new float[n][];
        for (int i = 0; i < n; i++)
        {
            u[i] = new float[d];
            DenseCosine.Normalize(values.AsSpan(i * d, d), u[i]);
        }
        return u;
    }

    private static float RefDot(float[] x, float[] y)
    {
        float s = 0;
        for (int k = 0; k < x.Length; k++) s = MathF.FusedMultiplyAdd(x[k], y[k], s);
        return s;
    }

    /// <summary>Cosine in double from the raw values: the mathematical value the kernel must approximate.</summary>
    private static double ExactCosine(float[] v, int d, int i, int j)
    {
        double dot = 0, ni = 0, nj = 0;
        for (int k = 0; k < d; k++)
        {
            dot += (double)v[i * d + k] * v[j * d + k];
            ni += (double)v[i * d + k] * v[i * d + k];
            nj += (double)v[j * d + k] * v[j * d + k];
        }
        return ni == 0 || nj == 0 ? 0 : dot / Math.Sqrt(ni * nj);
    }

    private static List<(int I, int J, float S)> RefPairs(float[][] u, float threshold)
    {
        var r = new List<(int, int, float)>();
        for (int i = 0; i < u.Length; i++)
            for (int j = i + 1; j < u.Length; j++)
            {
                float s = RefDot(u[i], u[j]);
                if (s >= threshold) r.Add((i, j, s));
            }
        return r;
    }

    /// <summary>Random non-negative profiles plus the adversarial rows: zero rows, exact copies, scaled copies,
    /// a one-hot row and a row with negative values.</summary>
    private static float[] Data(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var v = new float[n * d];
        for (int i = 0; i < n; i++)
        {
            int kind = i % 11;
            var row = v.AsSpan(i * d, d);
            if (kind == 3) continue; // zero row
            if (kind == 5 && i >= 5) { v.AsSpan((i - 5) * d, d).CopyTo(row); continue; } // identical to an earlier row
            if (kind == 7 && i >= 7) { for (int k = 0; k < d; k++) row[k] = 3 * v[(i - 7) * d + k]; continue; } // scaled copy
            if (kind == 9) { row[rng.Next(d)] = 2; continue; } // one-hot
            for (int k = 0; k < d; k++) row[k] = rng.Next(4) == 0 ? 0 : rng.Next(1, 6);
            if (kind == 10) row[rng.Next(d)] = -4; // cosine is defined for any sign
        }
        return v;
    }

    private static void AssertSupportedOrThrows(KernelPath path, Action run)
    {
        if (KernelPaths.IsSupported(path)) run();
        else Assert.Throws<NotSupportedException>(run);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void AllPairs_EqualsScalarReference_OnRandomAndAdversarialRows(KernelPath path)
    {
        foreach (var (n, d) in new[] { (1, 3), (2, 1), (37, 5), (131, 168), (70, 48), (203, 17) })
        {
            var v = Data(n, d, seed: n * 31 + d);
            var u = Units(v, n, d);
            var cos = new DenseCosine(v, n, d);
            foreach (float t in new[] { -1f, 0f, 0.5f, 0.8f, 0.99f, 1f })
            {
                AssertSupportedOrThrows(path, () =>
                {
                    var got = cos.AllPairs(t, new DenseCosineOptions { Path = path });
                    var want = RefPairs(u, t);
                    Assert.Equal(want.Count, got.Count);
                    for (int p = 0; p < want.Count; p++)
                    {
                        Assert.Equal(want[p].I, got.Left[p]);
                        Assert.Equal(want[p].J, got.Right[p]);
                        Assert.Equal(want[p].S, got.Score[p]); // bit-identical: same fma chain on every path
                        Assert.True(Math.Abs(got.Score[p] - ExactCosine(v, d, got.Left[p], got.Right[p])) < 1e-5);
                    }
                });
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void AllPairs_TiesAtTheThresholdAreIncluded_AndOneUlpAboveExcluded(KernelPath path)
    {
        const int n = 97, d = 168;
        var v = Data(n, d, seed: 5);
        var u = Units(v, n, d);
        var cos = new DenseCosine(v, n, d);
        // thresholds equal to actual scores, including the identical-row score (≈ 1) and a zero-row score (0)
        var all = RefPairs(u, float.NegativeInfinity);
        var ties = new[] { all[all.Count / 3].S, all.Max(p => p.S), all.Where(p => p.S > 0.3f).Min(p => p.S) };
        foreach (float t in ties)
        {
            AssertSupportedOrThrows(path, () =>
            {
                var at = cos.AllPairs(t, new DenseCosineOptions { Path = path });
                Assert.Equal(all.Count(p => p.S >= t), at.Count);
                Assert.Contains(t, at.Score);
                var above = cos.AllPairs(MathF.BitIncrement(t), new DenseCosineOptions { Path = path });
                Assert.Equal(all.Count(p => p.S > t), above.Count);
                Assert.DoesNotContain(t, above.Score);
            });
        }
    }

    [Fact]
    public void AllPairs_IdenticalRows_ScoreOne_ZeroRows_ScoreZero()
    {
        const int d = 10;
        var v = new float[5 * d];
        for (int k = 0; k < d; k++) { v[k] = k + 1; v[d + k] = k + 1; v[3 * d + k] = 2 * (k + 1); v[4 * d + k] = d - k; }
        var cos = new DenseCosine(v, 5, d);
        var r = cos.AllPairs(0.999f);
        Assert.Equal([(0, 1), (0, 3), (1, 3)], Enumerable.Range(0, r.Count).Select(p => (r.Left[p], r.Right[p])));
        Assert.All(r.Score, s => Assert.Equal(1f, s, 1e-6f));
        var withZero = cos.AllPairs(-0.5f);
        for (int p = 0; p < withZero.Count; p++)
            if (withZero.Left[p] == 2 || withZero.Right[p] == 2) Assert.Equal(0f, withZero.Score[p]);
        Assert.Equal(10, withZero.Count); // all pairs: zero row scores 0 ≥ -0.5
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TopK_EqualsReference(KernelPath path)
    {
        foreach (var (n, d, k) in new[] { (53, 168, 5), (131, 24, 10), (9, 7, 20), (66, 48, 1) })
        {
            var v = Data(n, d, seed: n + d + k);
            var u = Units(v, n, d);
            var cos = new DenseCosine(v, n, d);
            foreach (float min in new[] { float.NegativeInfinity, 0.7f })
            {
                AssertSupportedOrThrows(path, () =>
                {
                    var got = cos.TopK(k, min, new DenseCosineOptions { Path = path });
                    for (int i = 0; i < n; i++)
                    {
                        var want = Enumerable.Range(0, n).Where(j => j != i)
                            .Select(j => (J: j, S: RefDot(u[i], u[j]))).Where(x => x.S >= min)
                            .OrderByDescending(x => x.S).ThenBy(x => x.J).Take(k).ToArray();
                        Assert.Equal(want.Select(x => x.J), got.NeighborsOf(i).ToArray());
                        Assert.Equal(want.Select(x => x.S), got.ScoresOf(i).ToArray());
                    }
                });
            }
        }
    }

    [Fact]
    public void Results_AreIdenticalForOneAndTwoThreads()
    {
        const int n = 700, d = 168;
        var v = Data(n, d, seed: 9);
        var cos = new DenseCosine(v, n, d);
        var one = cos.AllPairs(0.6f, new DenseCosineOptions { MaxDegreeOfParallelism = 1 });
        var two = cos.AllPairs(0.6f, new DenseCosineOptions { MaxDegreeOfParallelism = 2 });
        Assert.True(one.Count > 100);
        Assert.Equal(one.Left, two.Left);
        Assert.Equal(one.Right, two.Right);
        Assert.Equal(one.Score, two.Score);
        var t1 = cos.TopK(7, options: new DenseCosineOptions { MaxDegreeOfParallelism = 1 });
        var t2 = cos.TopK(7, options: new DenseCosineOptions { MaxDegreeOfParallelism = 3 });
        Assert.Equal(t1.Neighbor, t2.Neighbor);
        Assert.Equal(t1.Score, t2.Score);
    }

    [Fact]
    public void Query_UsesTensorPrimitives_WithinTolerance_AndTopKMatchesScores()
    {
        const int n = 200, d = 168;
        var v = Data(n, d, seed: 11);
        var u = Units(v, n, d);
        var cos = new DenseCosine(v, n, d);
        var query = v.AsSpan(17 * d, d).ToArray();
        var scores = new float[n];
        cos.Query(query, scores);
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(scores[i] - RefDot(u[17], u[i])) < 1e-5, $"row {i}");
        var (rows, top) = cos.QueryTopK(query, 4);
        Assert.Equal(17, rows[0]); // itself first (ties with its copies broken by index only if equal scores)
        Assert.Equal(4, rows.Length);
        Assert.True(top[0] >= top[1] && top[1] >= top[2] && top[2] >= top[3]);
    }

    [Fact]
    public void Rejects_NonFiniteValues_AndWrongShapes()
    {
        Assert.Throws<ArgumentException>(() => new DenseCosine(new[] { 1f, float.NaN }, 1, 2));
        Assert.Throws<ArgumentException>(() => new DenseCosine(new[] { 1f, 2f, 3f }, 2, 2));
        Assert.Empty(new DenseCosine([], 0, 4).AllPairs(0.5f).Left);
    }

    /// <summary>Activity-like profiles for the pruning tests: a few shifted daily rhythms with noise, planted groups
    /// of near-identical rows (the pairs a high threshold finds), and the adversarial rows of <see cref="Data"/>
    /// (zero rows, exact and scaled copies, one-hot rows, negative values) mixed in.</summary>
    private static float[] Profiles(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var v = Data(n, d, seed + 1);
        var group = new float[d];
        for (int i = 0; i < n; i++)
        {
            if (i % 11 is 3 or 5 or 7 or 9 or 10) continue; // keep Data's adversarial rows
            var row = v.AsSpan(i * d, d);
            if (i % 50 < 8)
            {
                if (i % 50 == 0) for (int b = 0; b < d; b++) group[b] = rng.Next(3) == 0 ? rng.Next(5, 15) : 0;
                for (int b = 0; b < d; b++) row[b] = group[b] + (rng.Next(20) == 0 ? 1 : 0);
                continue;
            }
            int shift = rng.Next(24);
            float level = 0.5f + 5 * rng.NextSingle();
            for (int b = 0; b < d; b++)
            {
                int hour = (b + shift) % 24;
                float lambda = (hour is >= 9 and < 18 ? 1f : 0.1f) * level;
                row[b] = MathF.Max(0, MathF.Round(lambda + (rng.NextSingle() - 0.5f) * 2 * MathF.Sqrt(lambda)));
            }
        }
        return v;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void AllPairs_WithPruning_EqualsScalarReference_IncludingTiesAtTheThreshold(KernelPath path)
    {
        foreach (var (n, d) in new[] { (800, 168), (600, 48), (333, 5), (64, 1) })
        {
            var v = Profiles(n, d, seed: n + d);
            var u = Units(v, n, d);
            var cos = new DenseCosine(v, n, d);
            var all = RefPairs(u, float.NegativeInfinity);
            var sorted = all.Select(p => p.S).Where(s => s >= 0.5f).OrderBy(s => s).ToArray();
            Assert.True(sorted.Length > 20);
            // fixed levels, and thresholds equal to actual scores: the largest (identical rows), the 0.99 region,
            // and a low tie, each also one ulp above
            var thresholds = new List<float> { 0.5f, 0.9f, 0.95f, 0.99f, 1f, sorted[^1], sorted[sorted.Length * 99 / 100], sorted[sorted.Length / 2], sorted[0] };
            foreach (float t in thresholds.ToArray()) thresholds.Add(MathF.BitIncrement(t));
            foreach (float t in thresholds)
            {
                AssertSupportedOrThrows(path, () =>
                {
                    var got = cos.AllPairs(t, new DenseCosineOptions { Path = path, Pruning = DensePruning.On });
                    var want = all.Where(p => p.S >= t).ToList();
                    Assert.Equal(want.Count, got.Count);
                    for (int p = 0; p < want.Count; p++)
                    {
                        Assert.Equal(want[p].I, got.Left[p]);
                        Assert.Equal(want[p].J, got.Right[p]);
                        Assert.Equal(want[p].S, got.Score[p]);
                    }
                });
            }
        }
    }

    [Fact]
    public void AllPairs_WithPruning_IsIdenticalToUnpruned_ForAnyThreadCount_AndSkipsMostTiles()
    {
        const int n = 3000, d = 168;
        var v = Profiles(n, d, seed: 77);
        var cos = new DenseCosine(v, n, d);
        var off = cos.AllPairs(0.9f, new DenseCosineOptions { Pruning = DensePruning.Off });
        Assert.True(off.Count > 100);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var on = cos.AllPairs(0.9f, new DenseCosineOptions { Pruning = DensePruning.On, MaxDegreeOfParallelism = threads });
            Assert.Equal(off.Left, on.Left);
            Assert.Equal(off.Right, on.Right);
            Assert.Equal(off.Score, on.Score);
        }
        // the bound must actually prune on clustered profiles: most tiles never reach the full kernel
        var pruned = cos.PrunedPacks(DenseCosine.TileShape.For(KernelPaths.Best));
        Assert.Equal(n, pruned.Perm.Distinct().Count());
        Assert.InRange(pruned.Margin, 1e-6, 1e-4);
        Assert.True(pruned.LastExactTiles > 0 && pruned.LastExactTiles * 2 < pruned.LastBoundTiles,
            $"{pruned.LastExactTiles} of {pruned.LastBoundTiles} tiles ran the full kernel");
    }

    [Fact]
    public void PruningBound_IsAnUpperBound_OfEveryScore()
    {
        const int n = 500, d = 48;
        var v = Profiles(n, d, seed: 5);
        var u = Units(v, n, d);
        var cos = new DenseCosine(v, n, d);
        var (proj, kp) = cos.AugmentedProjections(second: true);
        var (proj1, kp1) = cos.AugmentedProjections(second: false);
        double margin = cos.PrunedPacks(DenseCosine.TileShape.For(KernelPath.Scalar)).Margin;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                float s = RefDot(u[i], u[j]);
                float b2 = RefDot(proj[i], proj[j]);
                float b1 = RefDot(proj1[i], proj1[j]);
                Assert.True(b2 >= s - margin, $"({i},{j}) level-2 bound {b2} < score {s}");
                Assert.True(b1 >= s - margin, $"({i},{j}) level-1 bound {b1} < score {s}");
                Assert.True(b2 <= b1 + margin, $"({i},{j}) the 32-dimension bound {b2} is looser than the 8-dimension one {b1}");
            }
        Assert.Equal(9, kp1);
        Assert.Equal(33, kp);
    }
}
