using NetDetect.Core.Kernels;

namespace NetDetect.Core.Tests.Kernels;

public class SparseTfIdfCosineTests
{
    /// <summary>Random shares with skewed object popularity (a few objects almost everybody shares), repeats,
    /// accounts with no shares, and groups of accounts with identical rows.</summary>
    private static (int Accounts, int Objects, int[] Account, int[] Object) Shares(int accounts, int objects, int seed)
    {
        var rng = new Random(seed);
        var acc = new List<int>();
        var obj = new List<int>();
        for (int a = 0; a < accounts; a++)
        {
            if (a % 13 == 4) continue; // no shares at all
            if (a % 17 == 9 && a > 0)
            {
                // identical to the previous account's shares
                int last = acc.Count;
                for (int p = 0; p < last; p++) if (acc[p] == a - 1) { acc.Add(a); obj.Add(obj[p]); }
                continue;
            }
            int m = rng.Next(1, 25);
            for (int s = 0; s < m; s++)
            {
                double u = rng.NextDouble();
                int o = (int)(objects * u * u * u); // cubic skew: low ids are popular
                acc.Add(a);
                obj.Add(Math.Min(objects - 1, o));
                if (rng.Next(5) == 0) { acc.Add(a); obj.Add(Math.Min(objects - 1, o)); } // repeat share
            }
            if (a % 3 == 0) { acc.Add(a); obj.Add(0); } // object 0: shared by a third of everyone
        }
        return (accounts, objects, [.. acc], [.. obj]);
    }

    /// <summary>An independent plain implementation: dictionaries of counts, the textbook weights, merge-join cosine.</summary>
    private sealed class Reference
    {
        public readonly SortedDictionary<int, float>[] Rows;

        public Reference(int accounts, int objects, int[] account, int[] obj, TfIdfOptions o)
        {
            var counts = new SortedDictionary<int, double>[accounts];
            for (int a = 0; a < accounts; a++) counts[a] = [];
            for (int p = 0; p < account.Length; p++)
                counts[account[p]][obj[p]] = counts[account[p]].GetValueOrDefault(obj[p]) + 1;
            var df = new int[objects];
            foreach (var row in counts) foreach (int ob in row.Keys) df[ob]++;
            Rows = new SortedDictionary<int, float>[accounts];
            for (int a = 0; a < accounts; a++)
            {
                double sum = 0;
                var x = new SortedDictionary<int, double>();
                foreach (var (ob, c) in counts[a])
                {
                    if (df[ob] < o.MinDocumentFrequency) continue;
                    double idf = o.Idf == IdfKind.Smooth ? Math.Log((1.0 + accounts) / (1.0 + df[ob])) + 1.0 : Math.Log((double)accounts / df[ob]);
                    double tf = o.SublinearTf ? 1 + Math.Log(c) : c;
                    x[ob] = tf * idf;
                    sum += tf * idf * (tf * idf);
                }
                Rows[a] = [];
                foreach (var (ob, val) in x)
                    if (val > 0) Rows[a][ob] = (float)(val * (1.0 / Math.Sqrt(sum)));
            }
        }

        public (bool Shares, float Score) Cosine(int a, int b)
        {
            double s = 0;
            bool shares = false;
            foreach (var (ob, w) in Rows[a])
                if (Rows[b].TryGetValue(ob, out float w2)) { s += (double)w * w2; shares = true; }
            return (shares, (float)s);
        }
    }

    public static TheoryData<bool, IdfKind, int> Variants => new()
    {
        { true, IdfKind.Smooth, 2 }, { false, IdfKind.Smooth, 1 }, { true, IdfKind.Plain, 1 }, { false, IdfKind.Plain, 3 },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void AllPairs_EqualsMergeJoinReference_AtEveryThreshold(bool sublinear, IdfKind idf, int minDf)
    {
        var (n, m, acc, obj) = Shares(260, 300, seed: minDf * 7 + (sublinear ? 1 : 0));
        var o = new TfIdfOptions { SublinearTf = sublinear, Idf = idf, MinDocumentFrequency = minDf, MaxDegreeOfParallelism = 2 };
        var fast = SparseTfIdfCosine.FromOccurrences(n, m, acc, obj, o);
        var reference = new Reference(n, m, acc, obj, o);
        var all = new List<(int A, int B, float S)>();
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
            {
                var (shares, s) = reference.Cosine(a, b);
                if (shares) all.Add((a, b, s));
            }
        Assert.True(all.Count > 1000);
        // thresholds include exact ties with actual scores, the identical-row score and "everything"
        var ties = all.Select(p => p.S).OrderBy(s => s).ToArray();
        foreach (float t in new[] { -1f, 0.05f, 0.3f, 0.9f, ties[ties.Length / 2], ties[^1], ties[ties.Length * 9 / 10] })
        {
            var got = fast.AllPairs(t);
            var want = all.Where(p => p.S >= t).ToArray();
            Assert.Equal(want.Length, got.Count);
            for (int p = 0; p < want.Length; p++)
            {
                Assert.Equal(want[p].A, got.Left[p]);
                Assert.Equal(want[p].B, got.Right[p]);
                Assert.Equal(want[p].S, got.Score[p]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TopK_EqualsReference(bool sublinear, IdfKind idf, int minDf)
    {
        var (n, m, acc, obj) = Shares(240, 500, seed: 100 + minDf);
        var o = new TfIdfOptions { SublinearTf = sublinear, Idf = idf, MinDocumentFrequency = minDf };
        var fast = SparseTfIdfCosine.FromOccurrences(n, m, acc, obj, o);
        var reference = new Reference(n, m, acc, obj, o);
        // each account's candidates best first, once: (score descending, account ascending)
        var ranked = new (int B, float S)[n][];
        for (int a = 0; a < n; a++)
        {
            var list = new List<(int B, float S)>();
            for (int b = 0; b < n; b++)
            {
                if (b == a) continue;
                var (shares, score) = reference.Cosine(a, b);
                if (shares && score > 0) list.Add((b, score));
            }
            ranked[a] = [.. list.OrderByDescending(x => x.S).ThenBy(x => x.B)];
        }
        foreach (var (k, min) in new[] { (1, 0f), (10, 0f), (3, 0.2f), (50, 0f) })
        {
            var got = fast.TopK(k, min);
            for (int a = 0; a < n; a++)
            {
                var want = ranked[a].Where(x => x.S >= min).Take(k).ToArray();
                Assert.Equal(want.Select(x => x.B), got.NeighborsOf(a).ToArray());
                Assert.Equal(want.Select(x => x.S), got.ScoresOf(a).ToArray());
            }
        }
    }

    [Fact]
    public void Weights_FollowTheDefinition()
    {
        // 4 accounts; object 0 shared by all (Plain idf 0: dropped), object 1 by two, object 2 by one (below min df 2)
        int[] acc = [0, 1, 2, 3, 0, 0, 1, 0];
        int[] obj = [0, 0, 0, 0, 1, 1, 1, 2];
        var s = SparseTfIdfCosine.FromOccurrences(4, 3, acc, obj, new TfIdfOptions { Idf = IdfKind.Plain, MinDocumentFrequency = 2 });
        Assert.Equal([1], s.ObjectsOf(0).ToArray());
        Assert.Equal(1f, s.WeightsOf(0)[0]); // a single kept object normalises to 1
        Assert.Equal(1f, s.Similarity(0, 1));
        Assert.Equal(0, s.ObjectsOf(2).Length);
        Assert.Equal(2, s.NonZeros);
        var pairs = s.AllPairs(0f);
        Assert.Equal(1, pairs.Count);
        Assert.Equal((0, 1), (pairs.Left[0], pairs.Right[0]));
        // Smooth idf keeps object 0 and the sublinear tf of two shares is 1 + ln 2
        var smooth = SparseTfIdfCosine.FromOccurrences(4, 3, acc, obj, new TfIdfOptions { MinDocumentFrequency = 1 });
        double w0 = 1.0 * (Math.Log(5.0 / 5.0) + 1), w1 = (1 + Math.Log(2)) * (Math.Log(5.0 / 3.0) + 1), w2 = Math.Log(5.0 / 2.0) + 1;
        double norm = Math.Sqrt(w0 * w0 + w1 * w1 + w2 * w2);
        Assert.Equal(new[] { (float)(w0 / norm), (float)(w1 / norm), (float)(w2 / norm) }, smooth.WeightsOf(0).ToArray());
    }

    [Fact]
    public void Results_AreIdenticalForOneAndTwoThreads()
    {
        var (n, m, acc, obj) = Shares(1500, 2000, seed: 3);
        var one = SparseTfIdfCosine.FromOccurrences(n, m, acc, obj, new TfIdfOptions { MaxDegreeOfParallelism = 1 });
        var two = SparseTfIdfCosine.FromOccurrences(n, m, acc, obj, new TfIdfOptions { MaxDegreeOfParallelism = 2 });
        var p1 = one.AllPairs(0.2f);
        var p2 = two.AllPairs(0.2f);
        Assert.True(p1.Count > 100);
        Assert.Equal(p1.Left, p2.Left);
        Assert.Equal(p1.Right, p2.Right);
        Assert.Equal(p1.Score, p2.Score);
        var t1 = one.TopK(10);
        var t2 = two.TopK(10);
        Assert.Equal(t1.Offsets, t2.Offsets);
        Assert.Equal(t1.Neighbor, t2.Neighbor);
        Assert.Equal(t1.Score, t2.Score);
    }

    [Fact]
    public void Rejects_BadInput()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseTfIdfCosine.FromOccurrences(2, 2, [0, 1], [0, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseTfIdfCosine.FromOccurrences(2, 2, [0, 2], [0, 1]));
        Assert.Throws<ArgumentException>(() => new SparseTfIdfCosine(1, 2, [0, 1], [0], [-1f]));
    }

    /// <summary>More accounts than one accumulator span (8,192 for all-pairs; top-k's is lowered to 4,096), so rows meet
    /// their neighbours in several spans, with popular objects (dense read-back) and rare ones (list walk): top-k and
    /// all-pairs equal a reference that scores every pair sharing an object, on every instruction-set path (forced) and
    /// thread count.</summary>
    [Fact]
    public void TopK_AndAllPairs_AcrossAccumulatorSpans_EqualReference_OnEveryPath()
    {
        const int n = 10_000, m = 30_000, k = 10;
        var rng = new Random(42);
        var acc = new List<int>();
        var obj = new List<int>();
        for (int a = 0; a < n; a++)
        {
            int shares = a % 500 == 7 ? 40 : rng.Next(1, 6);
            for (int s = 0; s < shares; s++)
            {
                double u = rng.NextDouble();
                acc.Add(a);
                obj.Add(Math.Min(m - 1, (int)(m * u * u * u))); // cubic skew: a few objects reach hundreds of accounts
            }
            if (a % 1000 < 5) { acc.Add(a); obj.Add(m - 1 - a / 1000); } // pairs far apart in the account order
        }
        var reference = new Reference(n, m, [.. acc], [.. obj], new TfIdfOptions());
        var holders = new List<int>[m];
        for (int x = 0; x < m; x++) holders[x] = [];
        for (int a = 0; a < n; a++) foreach (int x in reference.Rows[a].Keys) holders[x].Add(a);
        var wantTop = new (int B, float S)[n][];
        var wantPairs = new List<(int A, int B, float S)>();
        var seen = new HashSet<int>();
        for (int a = 0; a < n; a++)
        {
            seen.Clear();
            var cand = new List<(int B, float S)>();
            foreach (int x in reference.Rows[a].Keys)
                foreach (int b in holders[x])
                    if (b != a && seen.Add(b)) cand.Add((b, reference.Cosine(a, b).Score));
            wantTop[a] = [.. cand.Where(c => c.S > 0).OrderByDescending(c => c.S).ThenBy(c => c.B).Take(k)];
            foreach (var c in cand) if (c.B > a && c.S >= 0.3f) wantPairs.Add((a, c.B, c.S));
        }
        wantPairs.Sort();
        Assert.True(wantPairs.Count > 1000);
        foreach (var path in new[] { KernelPath.Scalar, KernelPath.Vector256, KernelPath.Vector512 })
        {
            var o = new TfIdfOptions { Path = path, MaxDegreeOfParallelism = path == KernelPath.Scalar ? 1 : 2, AccumulatorSpan = 4096 };
            if (!KernelPaths.IsSupported(path))
            {
                Assert.Throws<NotSupportedException>(() => SparseTfIdfCosine.FromOccurrences(n, m, [.. acc], [.. obj], o));
                continue;
            }
            var fast = SparseTfIdfCosine.FromOccurrences(n, m, [.. acc], [.. obj], o);
            var top = fast.TopK(k);
            for (int a = 0; a < n; a++)
            {
                Assert.Equal(wantTop[a].Select(c => c.B), top.NeighborsOf(a).ToArray());
                Assert.Equal(wantTop[a].Select(c => c.S), top.ScoresOf(a).ToArray());
            }
            var pairs = fast.AllPairs(0.3f);
            Assert.Equal(wantPairs.Count, pairs.Count);
            for (int p = 0; p < wantPairs.Count; p++)
                Assert.Equal(wantPairs[p], (pairs.Left[p], pairs.Right[p], pairs.Score[p]));
        }
    }

    /// <summary>Each account's best k by brute force over every other account: the canonical score
    /// (<see cref="SparseTfIdfCosine.Similarity"/>) of every pair sharing a kept object, score ≥ the floor, score
    /// descending then account ascending.</summary>
    private static (int B, float S)[][] BruteTopK(SparseTfIdfCosine m, int k, float minScore)
    {
        float floor = MathF.Max(minScore, float.Epsilon);
        var objects = new HashSet<int>[m.Accounts];
        for (int a = 0; a < m.Accounts; a++) objects[a] = [.. m.ObjectsOf(a).ToArray()];
        var want = new (int B, float S)[m.Accounts][];
        for (int a = 0; a < m.Accounts; a++)
        {
            var cand = new List<(int B, float S)>();
            for (int b = 0; b < m.Accounts; b++)
            {
                if (b == a || !objects[a].Overlaps(objects[b])) continue;
                float s = m.Similarity(a, b);
                if (s >= floor) cand.Add((b, s));
            }
            want[a] = [.. cand.OrderByDescending(c => c.S).ThenBy(c => c.B).Take(k)];
        }
        return want;
    }

    private static void AssertTopK((int B, float S)[][] want, NeighborLists got)
    {
        Assert.Equal(want.Length, got.RowCount);
        for (int a = 0; a < want.Length; a++)
        {
            Assert.Equal(want[a].Select(c => c.B), got.NeighborsOf(a).ToArray());
            Assert.Equal(want[a].Select(c => c.S), got.ScoresOf(a).ToArray());
        }
    }

    /// <summary>Power-law data as the benchmark makes it, small: log-normal activity (a few accounts with hundreds of
    /// objects), Zipf popularity (objects reaching most accounts), planted groups sharing the same objects, repeated
    /// shares (entries with tf ≠ 1 in the index), and clones (exact score ties at every list boundary).</summary>
    private static (int[] Account, int[] Object) PowerLaw(int accounts, int objects, int seed)
    {
        var rng = new Random(seed);
        var acc = new List<int>();
        var obj = new List<int>();
        int[] group = new int[12];
        for (int a = 0; a < accounts; a++)
        {
            if (a % 97 == 50)
            {
                // a clone of the previous account: the same shares, so the same scores against everyone
                int last = acc.Count;
                for (int p = 0; p < last; p++) if (acc[p] == a - 1) { acc.Add(a); obj.Add(obj[p]); }
                continue;
            }
            if (a % 150 < 8)
            {
                if (a % 150 == 0) for (int g = 0; g < group.Length; g++) group[g] = rng.Next(objects);
                foreach (int o in group) if (rng.Next(5) != 0) { acc.Add(a); obj.Add(o); }
            }
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            int m = Math.Max(1, (int)(12 * Math.Exp(1.2 * z - 0.7)));
            for (int s = 0; s < m; s++)
            {
                int o = (int)(20 * Math.Exp(rng.NextDouble() * Math.Log((objects + 20) / 20.0)) - 20);
                acc.Add(a);
                obj.Add(Math.Min(objects - 1, o));
                if (rng.Next(8) == 0) { acc.Add(a); obj.Add(Math.Min(objects - 1, o)); }
            }
        }
        return ([.. acc], [.. obj]);
    }

    [Theory]
    [InlineData(true, IdfKind.Smooth, 2, 10, 0f)]
    [InlineData(false, IdfKind.Smooth, 1, 3, 0f)]
    [InlineData(true, IdfKind.Plain, 1, 25, 0.05f)]
    [InlineData(false, IdfKind.Plain, 2, 1, 0f)]
    public void TopK_OnPowerLawData_EqualsBruteForce_ForAnyThreadCount(bool sublinear, IdfKind idf, int minDf, int k, float minScore)
    {
        var (acc, obj) = PowerLaw(700, 900, seed: k * 31 + minDf);
        var o = new TfIdfOptions { SublinearTf = sublinear, Idf = idf, MinDocumentFrequency = minDf, MaxDegreeOfParallelism = 1 };
        var one = SparseTfIdfCosine.FromOccurrences(700, 900, acc, obj, o);
        Assert.True(one.DefersRescoring);
        var want = BruteTopK(one, k, minScore);
        Assert.Contains(want, w => w.Length == k); // lists are full, so the admission levels rise and prune
        AssertTopK(want, one.TopK(k, minScore));
        foreach (int threads in new[] { 2, 3, 5 })
        {
            // with 5 threads also in spans of 256 accounts, so candidates meet in several spans
            var many = SparseTfIdfCosine.FromOccurrences(700, 900, acc, obj,
                o with { MaxDegreeOfParallelism = threads, AccumulatorSpan = threads == 5 ? 256 : 1 << 17 });
            AssertTopK(want, many.TopK(k, minScore));
        }
    }

    /// <summary>Clones tie exactly at every list boundary, and a pair's screened score differs from its canonical one
    /// by less than the slack, so the lists must keep the near ties aside (spill) and settle them exactly: the lowest
    /// account numbers win every tie.</summary>
    [Fact]
    public void TopK_BreaksExactTiesByAccount_AmongManyClones()
    {
        // accounts 0..59 are clones of each other (objects 0..4) and 60..119 hold the same objects and one more each
        var acc = new List<int>();
        var obj = new List<int>();
        for (int a = 0; a < 120; a++)
        {
            for (int x = 0; x < 5; x++) { acc.Add(a); obj.Add(x); }
            if (a >= 60) { acc.Add(a); obj.Add(5 + (a - 60) / 2); }
        }
        var m = SparseTfIdfCosine.FromOccurrences(120, 40, [.. acc], [.. obj], new TfIdfOptions { MinDocumentFrequency = 1, MaxDegreeOfParallelism = 2 });
        var got = m.TopK(7);
        AssertTopK(BruteTopK(m, 7, 0f), got);
        Assert.Equal([0, 1, 2, 3, 4, 6, 7], got.NeighborsOf(5).ToArray()); // score 1 with every other clone
    }

    /// <summary>Fractional counts below 1/e make a sublinear tf negative, hence negative weights and cosines; huge raw
    /// counts push the screened terms out of the range where they bound the score from below. Both switch top-k to
    /// rescoring every admitted candidate at once; the result still equals brute force, on every path.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TopK_WithNegativeWeightsOrExtremeCounts_EqualsBruteForce_OnEveryPath(bool negative)
    {
        const int n = 400, objects = 300;
        var rng = new Random(negative ? 5 : 6);
        var offsets = new List<int> { 0 };
        var columns = new List<int>();
        var counts = new List<float>();
        for (int a = 0; a < n; a++)
        {
            int m = rng.Next(1, 12);
            for (int s = 0; s < m; s++)
            {
                double u = rng.NextDouble();
                columns.Add((int)(objects * u * u));
                counts.Add(negative
                    ? (rng.Next(4) == 0 ? 0.1f + 0.2f * (float)rng.NextDouble() : rng.Next(1, 4))
                    : (rng.Next(6) == 0 ? 1e25f : rng.Next(1, 3)));
            }
            offsets.Add(columns.Count);
        }
        foreach (var path in new[] { KernelPath.Scalar, KernelPath.Vector256, KernelPath.Vector512 })
        {
            if (!KernelPaths.IsSupported(path)) continue;
            var o = new TfIdfOptions { SublinearTf = negative, MinDocumentFrequency = 1, Path = path, MaxDegreeOfParallelism = 2 };
            var m = new SparseTfIdfCosine(n, objects, [.. offsets], [.. columns], [.. counts], o);
            Assert.False(m.DefersRescoring);
            if (negative) Assert.Contains(Enumerable.Range(0, n), a => m.WeightsOf(a).ToArray().Any(w => w < 0));
            AssertTopK(BruteTopK(m, 6, 0f), m.TopK(6));
            AssertTopK(BruteTopK(m, 3, 0.2f), m.TopK(3, 0.2f));
        }
    }

    /// <summary>A near tie that the screened bounds cannot order: account 1 holds only object 0, which accounts 0 and 2
    /// also hold. Account 0 has 2,000 more objects and account 2 one heavy one, weighted so that account 0 scores a
    /// hair (1e-5) above account 2. Pair (0, 1) is screened by row 0, whose 2,001 objects widen its bounds far more
    /// than that, so account 1's list ranks account 2 first by lower bound; the exact answer (account 0) must come back
    /// from the spill, whichever pair arrives first.</summary>
    [Fact]
    public void TopK_SettlesNearTiesThatTheBoundsCannotOrder()
    {
        int[] offsets = [0, 2001, 2002, 2004];
        var columns = new List<int> { 0 };
        var counts = new List<float> { 1 };
        for (int x = 1; x <= 2000; x++) { columns.Add(x); counts.Add(1); }
        columns.Add(0); counts.Add(1);
        columns.Add(0); counts.Add(1);
        columns.Add(2001); counts.Add((float)(Math.Sqrt(2000) * (1 + 1e-5)));
        foreach (int threads in new[] { 1, 2 })
        {
            var m = new SparseTfIdfCosine(3, 2002, offsets, [.. columns], [.. counts],
                new TfIdfOptions { SublinearTf = false, MinDocumentFrequency = 1, MaxDegreeOfParallelism = threads });
            Assert.True(m.DefersRescoring);
            float s0 = m.Similarity(1, 0), s2 = m.Similarity(1, 2);
            Assert.True(s0 > s2 && s0 < s2 * 1.0001f);
            var top = m.TopK(1);
            Assert.Equal([0], top.NeighborsOf(1).ToArray());
            Assert.Equal([s0], top.ScoresOf(1).ToArray());
            AssertTopK(BruteTopK(m, 1, 0f), top);
        }
    }

    /// <summary>Large enough (≥ 65,536 entries) that the weights and the index are built in one chunk per thread: the
    /// matrix, the threshold pairs and the top-k lists are identical for 1, 2 and 3 threads.</summary>
    [Fact]
    public void Build_InChunksPerThread_IsIdenticalForAnyThreadCount()
    {
        var (acc, obj) = PowerLaw(6000, 9000, seed: 77);
        Assert.True(acc.Length > 70_000);
        var one = SparseTfIdfCosine.FromOccurrences(6000, 9000, acc, obj, new TfIdfOptions { MaxDegreeOfParallelism = 1 });
        var top1 = one.TopK(10);
        var pairs1 = one.AllPairs(0.4f);
        Assert.True(pairs1.Count > 100);
        foreach (int threads in new[] { 2, 3 })
        {
            var many = SparseTfIdfCosine.FromOccurrences(6000, 9000, acc, obj, new TfIdfOptions { MaxDegreeOfParallelism = threads });
            Assert.Equal(one.NonZeros, many.NonZeros);
            for (int a = 0; a < 6000; a++)
            {
                Assert.Equal(one.ObjectsOf(a).ToArray(), many.ObjectsOf(a).ToArray());
                Assert.Equal(one.WeightsOf(a).ToArray(), many.WeightsOf(a).ToArray());
            }
            var top = many.TopK(10);
            Assert.Equal(top1.Offsets, top.Offsets);
            Assert.Equal(top1.Neighbor, top.Neighbor);
            Assert.Equal(top1.Score, top.Score);
            var pairs = many.AllPairs(0.4f);
            Assert.Equal(pairs1.Left, pairs.Left);
            Assert.Equal(pairs1.Right, pairs.Right);
            Assert.Equal(pairs1.Score, pairs.Score);
        }
    }

    /// <summary>No accounts, accounts without kept objects, a floor above every score and k above every candidate
    /// count: empty or short lists, never an error.</summary>
    [Fact]
    public void TopK_HandlesEmptyAndDegenerateInputs()
    {
        var none = SparseTfIdfCosine.FromOccurrences(0, 5, [], []);
        Assert.Equal(0, none.TopK(3).RowCount);
        // object 1 is held once (below min df 2), so accounts 2 and 3 keep nothing
        var m = SparseTfIdfCosine.FromOccurrences(5, 3, [0, 1, 2, 0, 1, 4], [0, 0, 1, 2, 2, 0], new TfIdfOptions { MaxDegreeOfParallelism = 3 });
        var top = m.TopK(10);
        Assert.Equal([1, 4], top.NeighborsOf(0).ToArray());
        Assert.True(top.NeighborsOf(2).IsEmpty);
        Assert.True(top.NeighborsOf(3).IsEmpty);
        AssertTopK(BruteTopK(m, 10, 0f), top);
        Assert.Empty(m.TopK(2, minScore: 1.5f).Neighbor);
    }
}

