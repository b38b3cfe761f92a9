using NetDetect.Core.Data;
using NetDetect.Core.Network;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Network;

public class CooRTweetModeTests
{
    // ../shared/data/README.md: time window 60 s, min_participation 2 on russian_coord_tweets.csv.
    [Fact]
    public void Russian_coord_tweets_match_CooRTweet()
    {
        var shares = PeerShares.CooRTweet(SharedData.File("coortweet", "russian_coord_tweets.csv"));
        Assert.Equal(35_125, shares.Count);
        var r = CooRTweetMode.Run([shares], new CooRTweetOptions { WindowMicros = 60 * Time.MicrosPerSecond, MinParticipation = 2, EdgeWeightQuantile = 0.5 });
        Assert.Equal(3_791, r.Pairs);
        Assert.Equal(2_110, r.Accounts);
        Assert.Equal(3_721, r.Edges);
        Assert.Equal(94, r.FlaggedAccounts);
        Assert.Equal(60, r.FlaggedEdges);
        var flagged = NetworkProjection.Project(r.Network, r.Flagged, EdgeWeight.Pairs);
        NetworkProjection.Components(flagged, out int components);
        Assert.Equal(34, components);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(11)]
    public void Agrees_with_a_literal_reimplementation_on_generated_shares(int seed)
    {
        var rng = new Random(seed);
        for (int round = 0; round < 20; round++)
        {
            var g = CooRTweetGenerator.Generate(rng);
            var r = CooRTweetMode.Run([g.Shares], new CooRTweetOptions { WindowMicros = g.WindowSeconds * Time.MicrosPerSecond, MinParticipation = g.MinParticipation, EdgeWeightQuantile = g.Quantile });
            var expected = CooRTweetReference.Run([g.Rows], g.WindowSeconds, g.MinParticipation, g.Quantile);
            AssertSame(expected, r, g.Shares);
        }
    }

    [Fact]
    public void Generator_cases_behave_as_designed()
    {
        // Hand-built: A and B at Δ = w (kept), A and C at Δ = w + 1 (dropped), A twice (self-pair, dropped),
        // a duplicated row of B (two pairs), and D above min_participation only because of its own rows.
        var rows = new List<CooRTweetReference.Row>
        {
            new("o1", "A", "a1", 100), new("o1", "B", "b1", 110), new("o1", "B", "b1", 110), new("o1", "C", "c1", 111),
            new("o1", "A", "a2", 105),
            new("o2", "A", "a3", 500), new("o2", "B", "b2", 500),
            new("o3", "C", "c2", 900), new("o3", "D", "d1", 2000), new("o4", "D", "d2", 3000),
        };
        var b = new PeerShares.Builder();
        foreach (var x in rows) b.Add(x.Object, x.Account, x.Content, x.Time * Time.MicrosPerSecond);
        var shares = b.Build(Modality.Repost, Time.MicrosPerSecond);
        var r = CooRTweetMode.Run([shares], new CooRTweetOptions { WindowMicros = 10 * Time.MicrosPerSecond, MinParticipation = 2 });
        // o1: a1–b1 (Δ10) twice (duplicate row), a1–c1 (Δ11) no, a2–b1 ×2 (Δ5), a2–c1 (Δ6), b1–c1 ×2 (Δ1); o2: a3–b2 (Δ0)
        var expected = CooRTweetReference.Run([rows], 10, 2, 0.5);
        AssertSame(expected, r, shares);
        Assert.Equal(2 + 2 + 1 + 2 + 1, r.Pairs);
    }

    [Fact]
    public void Multimodal_recipe_stacks_each_modalitys_refined_pairs()
    {
        var rng = new Random(42);
        for (int round = 0; round < 10; round++)
        {
            var g1 = CooRTweetGenerator.Generate(rng, accounts: 12);
            var g2 = CooRTweetGenerator.Generate(rng, accounts: 12, window: g1.WindowSeconds, minParticipation: g1.MinParticipation);
            // same account names in both layers: rebuild both with one account dictionary
            var (s1, s2) = CooRTweetGenerator.SharedAccounts(g1.Rows, g2.Rows);
            var r = CooRTweetMode.Run([s1, s2], new CooRTweetOptions { WindowMicros = g1.WindowSeconds * Time.MicrosPerSecond, MinParticipation = g1.MinParticipation, EdgeWeightQuantile = 0.5 });
            var expected = CooRTweetReference.Run([g1.Rows, g2.Rows], g1.WindowSeconds, g1.MinParticipation, 0.5);
            AssertSame(expected, r, s1);
        }
    }

    private static void AssertSame(CooRTweetReference.Result expected, CooRTweetResult actual, ShareTable names)
    {
        var got = new Dictionary<(string, string), (long W, double D, bool F)>();
        for (int e = 0; e < actual.Edges; e++)
        {
            string a = names.AccountName(actual.Network.AccountA[e]), b = names.AccountName(actual.Network.AccountB[e]);
            var key = string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
            got[key] = (actual.Weight[e], actual.AvgTimeDeltaSeconds[e], actual.Flagged[e]);
        }
        Assert.Equal(expected.Pairs, actual.Pairs);
        Assert.Equal(expected.Edges.Count, got.Count);
        foreach (var (key, value) in expected.Edges)
        {
            Assert.True(got.TryGetValue(key, out var g), $"missing edge {key}");
            Assert.Equal(value.Weight, g.W);
            Assert.Equal(value.AvgDelta, g.D, 9);
            Assert.Equal(value.Flagged, g.F);
        }
    }
}

/// <summary>Random CooRTweet share tables full of the awkward cases: Δ exactly w and w + 1, self-pairs, duplicate rows, low-participation accounts.</summary>
internal static class CooRTweetGenerator
{
    public sealed record Case(List<CooRTweetReference.Row> Rows, ShareTable Shares, int WindowSeconds, int MinParticipation, double Quantile);

    public static Case Generate(Random rng, int accounts = 15, int? window = null, int? minParticipation = null)
    {
        int w = window ?? rng.Next(0, 30);
        int mp = minParticipation ?? rng.Next(1, 4);
        var rows = new List<CooRTweetReference.Row>();
        int objects = rng.Next(3, 12);
        int content = 0;
        for (int o = 0; o < objects; o++)
        {
            long t0 = rng.Next(0, 10_000);
            int n = rng.Next(1, 9);
            for (int k = 0; k < n; k++)
            {
                // times on a grid of w, w+1 and small offsets so the boundaries are hit often
                long t = t0 + rng.Next(4) switch { 0 => 0, 1 => w, 2 => w + 1, _ => rng.Next(0, 3 * w + 3) } * (rng.Next(2) == 0 ? 1 : -1);
                var row = new CooRTweetReference.Row($"obj{o}", $"acc{rng.Next(accounts)}", $"c{content++}", t);
                rows.Add(row);
                if (rng.Next(8) == 0) rows.Add(row);                                          // duplicate row
                if (rng.Next(8) == 0) rows.Add(row with { Content = $"c{content++}", Time = t + rng.Next(0, w + 2) }); // same account again
            }
        }
        // a content id on two rows with different objects (as in russian_coord_tweets.csv)
        if (rows.Count > 0 && rng.Next(2) == 0)
        {
            var r0 = rows[rng.Next(rows.Count)];
            rows.Add(r0 with { Object = $"obj{rng.Next(objects)}" });
        }
        var b = new PeerShares.Builder();
        foreach (var r in rows) b.Add(r.Object, r.Account, r.Content, r.Time * Time.MicrosPerSecond);
        double q = new[] { 0.0, 0.25, 0.5, 0.9, 1.0 }[rng.Next(5)];
        return new Case(rows, b.Build(Modality.Repost, Time.MicrosPerSecond), w, mp, q);
    }

    /// <summary>Two modalities' rows as share tables over one account dictionary.</summary>
    public static (ShareTable, ShareTable) SharedAccounts(List<CooRTweetReference.Row> a, List<CooRTweetReference.Row> b)
    {
        var accounts = a.Concat(b).Select(r => r.Account).Distinct().ToList();
        ShareTable Make(List<CooRTweetReference.Row> rows, Modality m)
        {
            var objects = rows.Select(r => r.Object).Distinct().ToList();
            var posts = rows.Select(r => r.Content).Distinct().ToList();
            var postAccount = posts.Select(p => accounts.IndexOf(rows.First(r => r.Content == p).Account)).ToArray();
            return ShareTable.FromColumns(m, rows.Select(r => objects.IndexOf(r.Object)).ToArray(), rows.Select(r => accounts.IndexOf(r.Account)).ToArray(),
                rows.Select(r => r.Time * Time.MicrosPerSecond).ToArray(), rows.Select(r => posts.IndexOf(r.Content)).ToArray(), objects.Count, accounts.Count,
                postAccount, i => objects[i], i => accounts[i], i => posts[i], Time.MicrosPerSecond);
        }
        return (Make(a, Modality.Repost), Make(b, Modality.Hashtag));
    }
}

/// <summary>
/// CooRTweet 2.1.3's algorithm written out literally over rows (all row pairs per object, then its filters), the
/// brute-force reference the fast mode must equal.
/// </summary>
internal static class CooRTweetReference
{
    public sealed record Row(string Object, string Account, string Content, long Time);

    public sealed record Result(long Pairs, Dictionary<(string, string), (long Weight, double AvgDelta, bool Flagged)> Edges);

    public static Result Run(IEnumerable<List<Row>> modalities, long window, int minParticipation, double quantile)
    {
        var stacked = new List<(string A, string B, long Delta)>();
        foreach (var input in modalities)
        {
            // 1. pre-filter on rows
            var rowsPerAccount = input.GroupBy(r => r.Account).ToDictionary(g => g.Key, g => g.Count());
            var x = input.Where(r => rowsPerAccount[r.Account] >= minParticipation).ToList();
            // 2. all row pairs i < j of one object within the window, loops removed
            var result = new List<(Row L, Row R)>();
            foreach (var g in x.GroupBy(r => r.Object))
            {
                var list = g.ToList();
                for (int i = 0; i < list.Count; i++)
                    for (int j = i + 1; j < list.Count; j++)
                        if (Math.Abs(list[i].Time - list[j].Time) <= window && list[i].Content != list[j].Content && list[i].Account != list[j].Account)
                            result.Add((list[i], list[j]));
            }
            // 3. refinement
            if (minParticipation >= 1)
            {
                var c = result.SelectMany(p => new[] { p.L.Content, p.R.Content }).ToHashSet();
                var filt = x.Where(r => c.Contains(r.Content)).GroupBy(r => r.Account).Where(g => g.Count() >= minParticipation)
                    .SelectMany(g => g.Select(r => r.Content)).ToHashSet();
                result = result.Where(p => filt.Contains(p.L.Content) || filt.Contains(p.R.Content)).ToList();
            }
            stacked.AddRange(result.Select(p => (p.L.Account, p.R.Account, Math.Abs(p.L.Time - p.R.Time))));
        }
        // 4. network: weight = pairs, avg Δ, flagged when weight > type-7 quantile
        var edges = stacked.GroupBy(p => string.CompareOrdinal(p.A, p.B) < 0 ? (p.A, p.B) : (p.B, p.A))
            .ToDictionary(g => g.Key, g => (Weight: (long)g.Count(), Avg: g.Average(p => (double)p.Delta)));
        var weights = edges.Values.Select(v => (double)v.Weight).OrderBy(v => v).ToArray();
        double threshold = double.NaN;
        if (weights.Length > 0)
        {
            double h = (weights.Length - 1) * quantile;
            int lo = (int)Math.Floor(h);
            int hi = Math.Min(lo + 1, weights.Length - 1);
            threshold = weights[lo] + (h - lo) * (weights[hi] - weights[lo]);
        }
        return new Result(stacked.Count, edges.ToDictionary(e => e.Key, e => (e.Value.Weight, e.Value.Avg, e.Value.Weight > threshold)));
    }
}
