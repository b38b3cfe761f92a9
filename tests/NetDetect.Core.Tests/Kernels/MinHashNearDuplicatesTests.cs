using NetDetect.Core.Kernels;

namespace NetDetect.Core.Tests.Kernels;

public class MinHashNearDuplicatesTests
{
    private static readonly string[] Vocabulary = Enumerable.Range(0, 400).Select(i => "w" + i.ToString("x")).ToArray();

    /// <summary>Families of near-duplicates (a template with a few words replaced, case and punctuation noise),
    /// exact copies, unrelated texts, texts shorter than a shingle and texts without words.</summary>
    private static List<string> Texts(int families, int perFamily, int seed)
    {
        var rng = new Random(seed);
        var texts = new List<string>();
        for (int f = 0; f < families; f++)
        {
            var template = Enumerable.Range(0, rng.Next(25, 45)).Select(_ => Vocabulary[rng.Next(Vocabulary.Length)]).ToArray();
            for (int c = 0; c < perFamily; c++)
            {
                var words = (string[])template.Clone();
                int edits = rng.Next(0, 3);
                for (int e = 0; e < edits; e++) words[rng.Next(words.Length)] = Vocabulary[rng.Next(Vocabulary.Length)];
                string t = string.Join(rng.Next(2) == 0 ? " " : ",  ", words);
                texts.Add(rng.Next(3) == 0 ? t.ToUpperInvariant() + "!" : t);
            }
            texts.Add(string.Join(' ', Enumerable.Range(0, 20).Select(_ => Vocabulary[rng.Next(Vocabulary.Length)])));
        }
        texts.Add("");
        texts.Add("!!! ... ???");
        texts.Add("w1 w2");
        texts.Add("W1, w2.");
        texts.Add("w2 w1");
        return texts;
    }

    /// <summary>The reference: string shingles from an independent tokeniser, Jaccard over every pair.</summary>
    private static HashSet<string> StringShingles(string text, int w)
    {
        var words = new List<string>();
        var cur = new System.Text.StringBuilder();
        foreach (char ch in text + " ")
        {
            if (char.IsLetterOrDigit(ch)) cur.Append(char.ToLowerInvariant(ch));
            else if (cur.Length > 0) { words.Add(cur.ToString()); cur.Clear(); }
        }
        var set = new HashSet<string>();
        if (words.Count == 0) return set;
        for (int i = 0; i <= Math.Max(0, words.Count - w); i++) set.Add(string.Join(' ', words.Skip(i).Take(w)));
        return set;
    }

    private static List<(int I, int J, double S)> ReferencePairs(List<string> texts, int w, double threshold)
    {
        var sets = texts.Select(t => StringShingles(t, w)).ToArray();
        var r = new List<(int, int, double)>();
        for (int i = 0; i < sets.Length; i++)
            for (int j = i + 1; j < sets.Length; j++)
            {
                if (sets[i].Count == 0 || sets[j].Count == 0) continue;
                int inter = sets[i].Count(sets[j].Contains);
                double jac = (double)inter / (sets[i].Count + sets[j].Count - inter);
                if (jac >= threshold) r.Add((i, j, jac));
            }
        return r;
    }

    [Theory]
    [InlineData(3, 0.8, 20, 6)]
    [InlineData(2, 0.6, 32, 3)]
    [InlineData(1, 0.9, 20, 6)]
    public void Find_ReportsOnlyTruePairs_WithExactJaccard_AndFindsTheClearOnes(int w, double threshold, int bands, int rows)
    {
        var texts = Texts(families: 25, perFamily: 8, seed: w);
        var opts = new MinHashOptions { ShingleWords = w, Threshold = threshold, Bands = bands, RowsPerBand = rows };
        var got = MinHashNearDuplicates.Find(texts, opts).ExpandPairs();
        var want = ReferencePairs(texts, w, threshold).ToDictionary(p => (p.I, p.J), p => p.S);
        Assert.True(want.Count > 50, $"only {want.Count} true pairs");
        for (int p = 0; p < got.Count; p++)
        {
            Assert.True(want.TryGetValue((got.Left[p], got.Right[p]), out double s), $"({got.Left[p]},{got.Right[p]}) is not a true pair");
            Assert.Equal((float)s, got.Score[p]);
        }
        // LSH can miss a pair near the threshold; the banding makes a miss at Jaccard ≥ 0.9 less likely than 1e-6
        var found = Enumerable.Range(0, got.Count).Select(p => (got.Left[p], got.Right[p])).ToHashSet();
        foreach (var ((i, j), s) in want)
            if (s >= 0.9) Assert.Contains((i, j), found);
        Assert.True(found.Count >= 0.95 * want.Count, $"recall {found.Count}/{want.Count}");
    }

    [Fact]
    public void Representatives_GroupExactDuplicates_IgnoringCaseAndPunctuation_AndSkipEmptyTexts()
    {
        var texts = new List<string> { "the quick brown fox", "", "The QUICK, brown fox!", "a b c d e", "...", "the quick brown fox" };
        var r = MinHashNearDuplicates.Find(texts);
        Assert.Equal([0, -1, 0, 3, -1, 0], r.Representative);
        Assert.Equal(0, r.Pairs.Count);
        var all = r.ExpandPairs();
        Assert.Equal([(0, 2), (0, 5), (2, 5)], Enumerable.Range(0, all.Count).Select(p => (all.Left[p], all.Right[p])));
        Assert.All(all.Score, s => Assert.Equal(1f, s));
    }

    [Fact]
    public void Signatures_AreIdenticalOnEveryPath()
    {
        var rng = new Random(4);
        var (a, b) = MinHashNearDuplicates.Permutations(42, 128);
        var want = new ulong[128];
        var got = new ulong[128];
        for (int trial = 0; trial < 50; trial++)
        {
            var set = Enumerable.Range(0, rng.Next(1, 60)).Select(_ => (ulong)rng.NextInt64()).Distinct().Order().ToArray();
            MinHashNearDuplicates.SignatureOf(set, a, b, want, KernelPath.Scalar);
            foreach (var path in new[] { KernelPath.Vector256, KernelPath.Vector512 })
            {
                if (!KernelPaths.IsSupported(path)) continue;
                MinHashNearDuplicates.SignatureOf(set, a, b, got, path);
                Assert.Equal(want, got);
            }
            // and each entry is the minimum of its permutation over the set
            for (int t = 0; t < 128; t++) Assert.Equal(set.Min(x => (a[t] * x + b[t]) >> 32), want[t]);
        }
    }

    [Theory]
    [InlineData(KernelPath.Scalar)]
    [InlineData(KernelPath.Vector256)]
    [InlineData(KernelPath.Vector512)]
    public void Find_IsDeterministic_AcrossPathsAndThreads(KernelPath path)
    {
        if (!KernelPaths.IsSupported(path))
        {
            Assert.Throws<NotSupportedException>(() => MinHashNearDuplicates.Find(["a b c"], new MinHashOptions { Path = path }));
            return;
        }
        var texts = Texts(families: 30, perFamily: 6, seed: 77);
        var baseline = MinHashNearDuplicates.Find(texts, new MinHashOptions { Path = KernelPath.Scalar, MaxDegreeOfParallelism = 1 });
        var other = MinHashNearDuplicates.Find(texts, new MinHashOptions { Path = path, MaxDegreeOfParallelism = 2 });
        Assert.Equal(baseline.Representative, other.Representative);
        Assert.Equal(baseline.Candidates, other.Candidates);
        Assert.Equal(baseline.Pairs.Left, other.Pairs.Left);
        Assert.Equal(baseline.Pairs.Right, other.Pairs.Right);
        Assert.Equal(baseline.Pairs.Score, other.Pairs.Score);
        // a different seed changes the permutations but not the verified truth for clear pairs
        var reseeded = MinHashNearDuplicates.Find(texts, new MinHashOptions { Seed = 12345 });
        Assert.NotEqual(baseline.Candidates, reseeded.Candidates);
    }

    [Fact]
    public void Jaccard_OfSortedSets()
    {
        Assert.Equal(0.5, MinHashNearDuplicates.Jaccard([1, 2, 3], [2, 3, 4]));
        Assert.Equal(1.0, MinHashNearDuplicates.Jaccard([7], [7]));
        Assert.Equal(0.0, MinHashNearDuplicates.Jaccard([], []));
    }
}
