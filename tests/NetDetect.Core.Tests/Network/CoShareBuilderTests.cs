using NetDetect.Core.Data;
using NetDetect.Core.Network;

namespace NetDetect.Core.Tests.Network;

public class CoShareBuilderTests
{
    [Theory]
    [InlineData(1, 0, 0, 0)]
    [InlineData(2, 5, 0, 0)]
    [InlineData(3, 60, 0, 0)]
    [InlineData(4, 1, 0, 0)]
    // tiny chunks and several partitions: an account pair's records come from many chunks and are gathered again
    [InlineData(5, 60, 16, 7)]
    [InlineData(6, 5, 1, 3)]
    public void Every_weight_equals_a_brute_force_reference(int seed, int windowSeconds, int chunkShares, int partitions)
    {
        var rng = new Random(seed);
        for (int round = 0; round < 10; round++)
        {
            var shares = Random(rng, accounts: 25, posts: 300, objects: 30, spanSeconds: 400, listValues: round % 2 == 0);
            int mp = rng.Next(1, 4);
            var options = new CoShareOptions { WindowMicros = windowSeconds * Time.MicrosPerSecond, MinParticipation = mp, TopObjects = 2, ChunkShares = chunkShares, Partitions = partitions };
            var expected = Reference(shares, options);
            // both aggregations (the pair-record knobs apply to the records only)
            foreach (var aggregation in new[] { CoShareAggregation.Rows, CoShareAggregation.PairRecords })
            {
                var got = CoShareBuilder.Build(shares, options with { Aggregation = aggregation });
                Assert.Equal(expected.Count, got.EdgeCount);
                for (int e = 0; e < got.EdgeCount; e++)
                {
                    var x = expected[(got.AccountA[e], got.AccountB[e])];
                    Assert.True(got.AccountA[e] < got.AccountB[e]);
                    AssertWeights(x, got, e);
                    // evidence: the strongest objects, each a real in-window pair of the two accounts
                    var top = got.TopObjects(e).ToArray();
                    Assert.Equal(Math.Min(2, x.Objects.Count), top.Length);
                    var idfs = x.Objects.Select(o => x.Idf[o]).OrderByDescending(v => v).Take(2).ToArray();
                    for (int k = 0; k < top.Length; k++)
                    {
                        Assert.Equal(idfs[k], got.Idf(top[k]), 12);
                        Assert.Contains(top[k].Object, x.Objects);
                        Assert.Equal(got.AccountA[e], shares.PostAccount[top[k].PostA]);
                        Assert.Equal(got.AccountB[e], shares.PostAccount[top[k].PostB]);
                        Assert.True(top[k].DeltaMicros <= options.WindowMicros);
                        if (k > 0) Assert.True(got.Idf(top[k - 1]) > got.Idf(top[k]) || (got.Idf(top[k - 1]) == got.Idf(top[k]) && top[k - 1].Object < top[k].Object));
                    }
                }
            }
        }
    }

    [Fact]
    public void Many_accounts_pairs_sorted_on_several_key_digits_equal_a_brute_force_reference()
    {
        // 5,000 accounts: 26-bit pair keys, which the partition sort orders in several 11-bit digit passes (the
        // reference test above has keys of one digit)
        var shares = Random(new Random(11), accounts: 5_000, posts: 8_000, objects: 40, spanSeconds: 600, listValues: true);
        var options = new CoShareOptions { WindowMicros = 60 * Time.MicrosPerSecond, TopObjects = 2 };
        var got = CoShareBuilder.Build(shares, options with { Aggregation = CoShareAggregation.PairRecords });
        var expected = Reference(shares, options);
        Assert.True(got.TotalPairs > 50_000, $"{got.TotalPairs} pairs");
        AssertSameNetwork(got, CoShareBuilder.Build(shares, options with { Aggregation = CoShareAggregation.Rows }));
        Assert.Equal(expected.Count, got.EdgeCount);
        for (int e = 0; e < got.EdgeCount; e++)
        {
            if (e > 0) Assert.True(got.AccountA[e - 1] < got.AccountA[e] || (got.AccountA[e - 1] == got.AccountA[e] && got.AccountB[e - 1] < got.AccountB[e]));
            var x = expected[(got.AccountA[e], got.AccountB[e])];
            AssertWeights(x, got, e);
        }
        // records reduced in emission order: the same network from many partitions and groups
        AssertSameNetwork(got, CoShareBuilder.Build(shares, options with { Partitions = 9, PairGroups = 3, Threads = 2 }));
        // partitions sorted by packed index (the default) and by moving the records themselves: the same network
        AssertSameNetwork(got, CoShareBuilder.Build(shares, options with { SortRecords = true }));
        AssertSameNetwork(got, CoShareBuilder.Build(shares, options with { Partitions = 9, PairGroups = 3, Threads = 2, SortRecords = true }));
    }

    [Theory]
    // list values: posts with shares on several objects (posts_a/posts_b entries made distinct per row)
    [InlineData(1, true, 60, 1, false, 3)]
    [InlineData(2, true, 60, 2, false, 3)]
    [InlineData(3, false, 60, 2, false, 1)]
    [InlineData(4, false, 0, 1, false, 3)]
    [InlineData(5, true, 30, 3, false, 0)]
    // self-loops and the matched-post marks (full network only)
    [InlineData(6, true, 60, 1, true, 2)]
    [InlineData(7, false, 60, 1, true, 3)]
    public void Row_aggregation_equals_the_pair_record_aggregation(int seed, bool listValues, int windowSeconds, int minPairs, bool peerOptions, int topObjects)
    {
        // crowded objects: rows with hundreds of partners (their partners radix sorted), rows with none kept
        var shares = Random(new Random(seed), accounts: 1_500, posts: 30_000, objects: 150, spanSeconds: 3_000, listValues: listValues);
        var options = new CoShareOptions
        {
            WindowMicros = windowSeconds * Time.MicrosPerSecond,
            MinEdgePairs = minPairs,
            TopObjects = topObjects,
            MinParticipation = seed % 3,
            SelfLoops = peerOptions,
            KeepMatches = peerOptions,
            CountPosts = seed != 3,
        };
        foreach (int threads in new[] { 1, 3 })
        {
            var rows = CoShareBuilder.Build(shares, options with { Threads = threads, Aggregation = CoShareAggregation.Rows });
            var records = CoShareBuilder.Build(shares, options with { Threads = threads, Aggregation = CoShareAggregation.PairRecords });
            Assert.True(rows.EdgeCount > 300, $"{rows.EdgeCount} edges");
            Assert.True(rows.Pairs.Max() > minPairs, "pairs met several times");
            AssertSameNetwork(records, rows);
            Assert.Equal(records.SelfLoopPosts, rows.SelfLoopPosts);
            Assert.Equal(records.PostInPair, rows.PostInPair);
            if (peerOptions)
            {
                Assert.Contains(rows.SelfLoopPosts, v => v > 0);
                Assert.Contains(rows.PostInPair!, v => v);
            }
            if (seed == 3) Assert.All(rows.PostsA, v => Assert.Equal(0, v));
            else Assert.Contains(rows.PostsB, v => v > 1);
        }
    }

    [Theory]
    // seconds over 50 min: first/last/Δ-sum in 32-bit counts of a second
    [InlineData(1_000_000, 3_000, 60, true)]
    // microseconds over 50 min: 3·10⁹ µs still fit 32 bits
    [InlineData(1, 3_000, 60, true)]
    // microseconds over 2 h: 7.2·10⁹ µs do not; 64-bit times
    [InlineData(1, 7_200, 60, false)]
    // microseconds over 10 min, but a 1 h window: a Δ sum of two pairs could pass 2³² µs; 64-bit times
    [InlineData(1, 600, 3_600, false)]
    // minutes over 8 h
    [InlineData(60_000_000, 28_800, 600, true)]
    public void Row_aggregation_keeps_times_in_32_bits_only_where_every_value_fits(long quantum, int spanSeconds, int windowSeconds, bool narrow)
    {
        var shares = Random(new Random(31), accounts: 800, posts: 12_000, objects: 60, spanSeconds: spanSeconds, listValues: true, quantum: quantum);
        var options = new CoShareOptions { WindowMicros = windowSeconds * Time.MicrosPerSecond, MinEdgePairs = 2, TopObjects = 2 };
        var rows = CoShareBuilder.Build(shares, options with { Aggregation = CoShareAggregation.Rows });
        var records = CoShareBuilder.Build(shares, options with { Aggregation = CoShareAggregation.PairRecords });
        Assert.True(rows.EdgeCount > 100, $"{rows.EdgeCount} edges");
        Assert.Equal(narrow, rows.FirstTime.IsNarrow);
        Assert.Equal(narrow, rows.SumDeltaMicros.IsNarrow);
        Assert.False(records.FirstTime.IsNarrow);
        // at most 65,535 pairs an edge: counts in 16 bits
        Assert.True(rows.Pairs.IsNarrow && rows.PostsB.IsNarrow);
        Assert.False(records.Pairs.IsNarrow);
        // the values are the 64-bit ones exactly, off-quantum times included where the quantum is 1 µs
        if (quantum == 1) Assert.Contains(rows.FirstTime.ToArray(), t => t % Time.MicrosPerMilli != 0);
        AssertSameNetwork(records, rows);
    }

    [Fact]
    public void Row_aggregation_keeps_counts_in_32_bits_where_an_edge_has_more_than_65535_pairs()
    {
        // accounts 0 and 1 post object 0 300 times each within one window: 90,000 pairs on their edge; accounts 2 and
        // 3 share object 1 twice
        var obj = new List<int>(); var acc = new List<int>(); var time = new List<long>(); var post = new List<int>(); var postAccount = new List<int>();
        void Share(int o, int a, long seconds)
        {
            obj.Add(o); acc.Add(a); time.Add(seconds * Time.MicrosPerSecond); post.Add(postAccount.Count); postAccount.Add(a);
        }
        for (int k = 0; k < 300; k++)
        {
            Share(0, 0, k % 50);
            Share(0, 1, k % 50);
        }
        Share(1, 2, 10); Share(1, 3, 20); Share(1, 2, 30); Share(1, 3, 40);
        var shares = ShareTable.FromColumns(Modality.Repost, [.. obj], [.. acc], [.. time], [.. post], 2, 4, [.. postAccount], resolution: Time.MicrosPerSecond);
        var options = new CoShareOptions { WindowMicros = 60 * Time.MicrosPerSecond, TopObjects = 1 };
        var rows = CoShareBuilder.Build(shares, options with { Aggregation = CoShareAggregation.Rows });
        var records = CoShareBuilder.Build(shares, options with { Aggregation = CoShareAggregation.PairRecords });
        Assert.Equal(2, rows.EdgeCount);
        Assert.Equal(90_000, rows.Pairs[0]);
        Assert.Equal(300, rows.PostsA[0]);
        Assert.False(rows.Pairs.IsNarrow);
        Assert.True(rows.FirstTime.IsNarrow);
        AssertSameNetwork(records, rows);
    }

    [Fact]
    public void Narrow_times_are_refused_where_a_span_or_a_sum_could_pass_32_bits()
    {
        // a span of exactly 2³² − 1 quanta fits, one more does not
        Assert.Equal((Time.MicrosPerSecond, 5L), CoShareBuilder.NarrowTimes(5, 5 + uint.MaxValue * Time.MicrosPerSecond, Time.MicrosPerSecond, 0, 1, 10));
        Assert.Equal(0, CoShareBuilder.NarrowTimes(5, 5 + (uint.MaxValue + 1L) * Time.MicrosPerSecond, Time.MicrosPerSecond, 0, 1, 10).Quantum);
        // the widest span two longs can have
        Assert.Equal(0, CoShareBuilder.NarrowTimes(long.MinValue, long.MaxValue, 1, 0, 1, 10).Quantum);
        // Δ sums: at most maxPairs · ⌊window / quantum⌋
        Assert.Equal(1, CoShareBuilder.NarrowTimes(0, 10, 1, uint.MaxValue / 3, 3, 10).Quantum);
        Assert.Equal(0, CoShareBuilder.NarrowTimes(0, 10, 1, uint.MaxValue / 3 + 1, 3, 10).Quantum);
        Assert.Equal(0, CoShareBuilder.NarrowTimes(0, 10, 1, long.MaxValue, int.MaxValue, 10).Quantum);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Evidence_items_read_their_delta_from_the_posts_times_when_the_shares_are_posts_at_their_own_times(bool listValues)
    {
        var shares = Random(new Random(21), accounts: 600, posts: 20_000, objects: 500, spanSeconds: 4_000, listValues: listValues);
        var postTime = new long[shares.PostAccount.Length];
        Array.Fill(postTime, long.MinValue);
        for (int i = 0; i < shares.Count; i++) postTime[shares.Post[i]] = shares.Time[i];
        var withTimes = new ShareTable
        {
            Modality = shares.Modality,
            Object = shares.Object,
            Account = shares.Account,
            Time = shares.Time,
            Post = shares.Post,
            ObjectCount = shares.ObjectCount,
            AccountCount = shares.AccountCount,
            PostAccount = shares.PostAccount,
            PostTime = postTime,
            TimeResolutionMicros = shares.TimeResolutionMicros,
            ObjectName = shares.ObjectName,
            AccountName = shares.AccountName,
            PostName = shares.PostName,
        };
        var options = new CoShareOptions { WindowMicros = 60 * Time.MicrosPerSecond, Threads = 2 };
        var kept = CoShareBuilder.Build(shares, options);
        Assert.True(kept.TopItems.Count > 1_000, $"{kept.TopItems.Count} items");
        Assert.Contains(kept.TopItems, item => item.DeltaMicros > 0);
        // in place, through partition columns (the partitions' arrays as segments) and in groups: the same items, Δ included
        AssertSameNetwork(kept, CoShareBuilder.Build(withTimes, options));
        AssertSameNetwork(kept, CoShareBuilder.Build(withTimes, options with { Aggregation = CoShareAggregation.Rows }));
        AssertSameNetwork(kept, CoShareBuilder.Build(withTimes, options with { Partitions = 5, PartitionColumns = true }));
        AssertSameNetwork(kept, CoShareBuilder.Build(withTimes, options with { Partitions = 6, PairGroups = 3 }));
        AssertSameNetwork(kept, CoShareBuilder.Build(withTimes, options with { Partitions = 1, PartitionColumns = true }));
    }

    [Theory]
    [InlineData(true)]  // posts with several shares: posts_a/posts_b deduplicated globally
    [InlineData(false)] // one share per post: posts_a/posts_b counted inside each chunk
    public void Results_are_identical_for_any_thread_count(bool listValues)
    {
        // the default chunking (by pair work) against other chunks and partitions forced below
        var shares = Random(new Random(9), accounts: 3_000, posts: 120_000, objects: 4_000, spanSeconds: 20_000, listValues: listValues);
        var one = CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = 30 * Time.MicrosPerSecond, Threads = 1 });
        var many = CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = 30 * Time.MicrosPerSecond, Threads = 4 });
        // the same data swept in other chunks and aggregated in other partitions: every number agrees, bit for bit
        var batched = CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = 30 * Time.MicrosPerSecond, Threads = 3, ChunkShares = 1_000, Partitions = 5 });
        AssertSameNetwork(one, batched);
        Assert.True(one.EdgeCount > 1000);
        // posts_a/posts_b agree with the other path's definition: distinct posts matched (checked against brute force above)
        Assert.True(one.PostsA.Zip(one.PostsB).All(p => p.First + p.Second > 0));
        AssertSameNetwork(one, many);
    }

    [Fact]
    public void Crowded_objects_are_swept_in_chunks_of_equal_pair_work_with_identical_results()
    {
        // 300 shares per object in 10 minutes: in-window pairs outnumber shares ~15 to 1
        var shares = Random(new Random(4), accounts: 3_000, posts: 60_000, objects: 200, spanSeconds: 600, listValues: false);
        long window = 30 * Time.MicrosPerSecond;
        var sorted = ShareSorter.Sort(shares);
        var bounds = CoShareBuilder.ChunkByWork(sorted, window, out long pairs);
        // the exact in-window pair count (same-account pairs included), by brute force
        long expected = 0;
        for (int i = 0; i < sorted.Count; i++)
            for (int j = i + 1; j < sorted.Count && sorted.Object[j] == sorted.Object[i]; j++)
                if (sorted.Time[j] - sorted.Time[i] <= window) expected++;
        Assert.Equal(expected, pairs);
        Assert.True(bounds.Length - 1 >= 3, $"{bounds.Length - 1} chunks");
        for (int c = 1; c < bounds.Length - 1; c++) Assert.NotEqual(sorted.Object[bounds[c] - 1], sorted.Object[bounds[c]]); // object starts
        var one = CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = window, Threads = 1 });
        var two = CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = window, Threads = 2 });
        var batched = CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = window, Threads = 2, ChunkShares = 5_000, Partitions = 3 });
        AssertSameNetwork(one, two);
        AssertSameNetwork(one, batched);
        // partitions in groups, the shares swept once per group (as when the pair records would pass the budget)
        AssertSameNetwork(one, CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = window, Threads = 2, PairGroups = 4 }));
        // one group reduced through partition columns joined afterwards instead of counted and reduced in place
        AssertSameNetwork(one, CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = window, Threads = 2, PartitionColumns = true }));
        Assert.True(one.TotalPairs > 500_000);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Min_edge_pairs_keeps_exactly_the_edges_that_met_that_often_with_unchanged_weights(bool listValues)
    {
        // list values: posts with several objects, whose posts_a/posts_b entries of dropped pairs must go with them
        var shares = Random(new Random(33), accounts: 400, posts: 30_000, objects: 300, spanSeconds: 3_000, listValues: listValues);
        var options = new CoShareOptions { WindowMicros = 60 * Time.MicrosPerSecond, Threads = 2, Partitions = 7 };
        var full = CoShareBuilder.Build(shares, options);
        var expected = full.Where(full.Pairs.Select(p => p >= 2).ToArray());
        Assert.InRange(expected.EdgeCount, 1, full.EdgeCount - 1);
        // counted and reduced in place (one group), through partition columns, and in groups swept one after another
        AssertSameNetwork(expected, CoShareBuilder.Build(shares, options with { MinEdgePairs = 2 }));
        AssertSameNetwork(expected, CoShareBuilder.Build(shares, options with { MinEdgePairs = 2, PartitionColumns = true }));
        AssertSameNetwork(expected, CoShareBuilder.Build(shares, options with { MinEdgePairs = 2, PairGroups = 3 }));
        // the packed-index sort leaves the pairs met once out of its gather; the record sort reduces them and drops them after
        AssertSameNetwork(expected, CoShareBuilder.Build(shares, options with { MinEdgePairs = 2, PairGroups = 3, SortRecords = true }));
        var three = full.Where(full.Pairs.Select(p => p >= 3).ToArray());
        AssertSameNetwork(three, CoShareBuilder.Build(shares, options with { MinEdgePairs = 3 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CoShareBuilder.Build(shares, options with { MinEdgePairs = 0 }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Partition_groups_swept_one_after_another_give_the_same_network_and_self_loops(bool listValues)
    {
        var shares = Random(new Random(21), accounts: 400, posts: 30_000, objects: 300, spanSeconds: 3_000, listValues: listValues);
        var options = new CoShareOptions { WindowMicros = 60 * Time.MicrosPerSecond, SelfLoops = true, Threads = 2, Partitions = 7 };
        var once = CoShareBuilder.Build(shares, options);
        var grouped = CoShareBuilder.Build(shares, options with { PairGroups = 3 });
        AssertSameNetwork(once, grouped);
        AssertSameNetwork(once, CoShareBuilder.Build(shares, options with { PartitionColumns = true }));
        Assert.Equal(once.SelfLoopPosts, grouped.SelfLoopPosts);
        Assert.True(once.SelfLoopPosts.Sum() > 0);
    }

    [Fact]
    public void Window_is_inclusive_at_w_and_excludes_w_plus_one_second()
    {
        // object 0: A at 0, B at 60 s (Δ = w); object 1: A at 0, C at 61 s (Δ = w + 1 s)
        var shares = ShareTable.FromColumns(Modality.Repost, [0, 0, 1, 1], [0, 1, 0, 2], [0, 60_000_000, 1_000_000_000, 1_061_000_000], [0, 1, 2, 3],
            2, 3, [0, 1, 0, 2], resolution: Time.MicrosPerSecond);
        var n = CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = 60 * Time.MicrosPerSecond });
        Assert.Equal(1, n.EdgeCount);
        Assert.Equal((0, 1), (n.AccountA[0], n.AccountB[0]));
        Assert.Equal(60.0, n.MeanDeltaSeconds(0));
    }

    [Fact]
    public void A_window_finer_than_the_resolution_is_refused_unless_forced()
    {
        var shares = ShareTable.FromColumns(Modality.Repost, [0, 0], [0, 1], [0, 60_000_000], [0, 1], 1, 2, [0, 1], resolution: Time.MicrosPerMinute);
        var e = Assert.Throws<WindowTooFineException>(() => CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = 30 * Time.MicrosPerSecond }));
        Assert.Contains("1 min", e.Message);
        Assert.Contains("30 s", e.Message);
        var forced = CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = 30 * Time.MicrosPerSecond, ForceWindow = true });
        Assert.Equal(0, forced.EdgeCount);
        Assert.Equal(1, CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = Time.MicrosPerMinute }).EdgeCount);
    }

    [Fact]
    public void Evidence_weighs_rare_objects_above_viral_ones()
    {
        // 10 accounts; object 0 shared by all (idf ln 1 = 0), object 1 only by accounts 0 and 1 (idf ln 5)
        var obj = new List<int>(); var acc = new List<int>(); var time = new List<long>(); var post = new List<int>();
        for (int a = 0; a < 10; a++) { obj.Add(0); acc.Add(a); time.Add(a); post.Add(post.Count); }
        obj.Add(1); acc.Add(0); time.Add(0); post.Add(post.Count);
        obj.Add(1); acc.Add(1); time.Add(5); post.Add(post.Count);
        var postAccount = acc.ToArray();
        var shares = ShareTable.FromColumns(Modality.Repost, [.. obj], [.. acc], [.. time], [.. post], 2, 10, postAccount);
        var n = CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = 100 });
        int e01 = Enumerable.Range(0, n.EdgeCount).Single(e => n.AccountA[e] == 0 && n.AccountB[e] == 1);
        int e23 = Enumerable.Range(0, n.EdgeCount).Single(e => n.AccountA[e] == 2 && n.AccountB[e] == 3);
        Assert.Equal(Math.Log(5), n.Evidence[e01], 12);
        Assert.Equal(0, n.Evidence[e23], 12);
        Assert.Equal(1, n.TopObjects(e01)[0].Object);
    }

    // Every column agrees, bit for bit (the doubles included).
    // Edge e's weights against the brute-force reference's.
    private static void AssertWeights(Expected x, CoShareNetwork got, int e)
    {
        Assert.Equal(x.Pairs, got.Pairs[e]);
        Assert.Equal(x.Objects.Count, got.Objects[e]);
        Assert.Equal(x.PostsA.Count, got.PostsA[e]);
        Assert.Equal(x.PostsB.Count, got.PostsB[e]);
        Assert.Equal(x.SumDelta, got.SumDeltaMicros[e]);
        Assert.Equal(x.Evidence, got.Evidence[e], 9);
        Assert.Equal(x.First, got.FirstTime[e]);
        Assert.Equal(x.Last, got.LastTime[e]);
    }

    private static void AssertSameNetwork(CoShareNetwork expected, CoShareNetwork actual)
    {
        Assert.Equal(expected.AccountA, actual.AccountA);
        Assert.Equal(expected.AccountB, actual.AccountB);
        Assert.Equal(expected.Pairs.ToArray(), actual.Pairs.ToArray());
        Assert.Equal(expected.Objects.ToArray(), actual.Objects.ToArray());
        Assert.Equal(expected.PostsA.ToArray(), actual.PostsA.ToArray());
        Assert.Equal(expected.PostsB.ToArray(), actual.PostsB.ToArray());
        Assert.Equal(expected.SumDeltaMicros.ToArray(), actual.SumDeltaMicros.ToArray());
        Assert.Equal(expected.FirstTime.ToArray(), actual.FirstTime.ToArray());
        Assert.Equal(expected.LastTime.ToArray(), actual.LastTime.ToArray());
        Assert.Equal(expected.Evidence, actual.Evidence);
        Assert.Equal(expected.TopOffsets, actual.TopOffsets);
        Assert.Equal(expected.TopItems, actual.TopItems);
        // the idf of every object the evidence names
        for (int e = 0; e < expected.EdgeCount; e++)
            foreach (var item in expected.TopObjects(e)) Assert.Equal(expected.Idf(item), actual.Idf(item));
        // read through the edges as detection reads them (one partition's segment per edge when several were reduced)
        for (int e = 0; e < expected.EdgeCount; e++) Assert.True(expected.TopObjects(e).SequenceEqual(actual.TopObjects(e)), $"edge {e}");
    }

    internal static ShareTable Random(Random rng, int accounts, int posts, int objects, int spanSeconds, bool listValues, long quantum = Time.MicrosPerSecond)
    {
        var obj = new List<int>(); var acc = new List<int>(); var time = new List<long>(); var post = new List<int>();
        var postAccount = new int[posts];
        for (int p = 0; p < posts; p++)
        {
            int a = rng.Next(accounts);
            postAccount[p] = a;
            long t = rng.NextInt64(spanSeconds * Time.MicrosPerSecond / quantum) * quantum;
            int k = listValues ? rng.Next(1, 4) : 1;
            var seen = new HashSet<int>();
            for (int i = 0; i < k; i++)
            {
                // skewed object popularity: a few viral objects, many rare ones
                int o = rng.Next(3) == 0 ? rng.Next(Math.Max(1, objects / 10)) : rng.Next(objects);
                if (!seen.Add(o)) continue;
                obj.Add(o); acc.Add(a); time.Add(t); post.Add(p);
            }
        }
        return ShareTable.FromColumns(Modality.Hashtag, [.. obj], [.. acc], [.. time], [.. post], objects, accounts, postAccount, resolution: quantum);
    }

    private sealed class Expected
    {
        public long Pairs, SumDelta, First = long.MaxValue, Last = long.MinValue;
        public double Evidence;
        public HashSet<int> Objects = [], PostsA = [], PostsB = [];
        public Dictionary<int, double> Idf = [];
    }

    private static Dictionary<(int, int), Expected> Reference(ShareTable s, CoShareOptions o)
    {
        var postsPerAccount = new Dictionary<int, HashSet<int>>();
        for (int i = 0; i < s.Count; i++)
        {
            if (!postsPerAccount.TryGetValue(s.Account[i], out var set)) postsPerAccount[s.Account[i]] = set = [];
            set.Add(s.Post[i]);
        }
        bool Active(int a) => postsPerAccount[a].Count >= o.MinParticipation;
        var idf = new Dictionary<int, double>();
        foreach (var g in Enumerable.Range(0, s.Count).GroupBy(i => s.Object[i]))
            idf[g.Key] = Math.Log(s.AccountCount / (double)g.Select(i => s.Account[i]).Distinct().Count());
        var result = new Dictionary<(int, int), Expected>();
        for (int i = 0; i < s.Count; i++)
        {
            for (int j = 0; j < s.Count; j++)
            {
                if (s.Object[i] != s.Object[j] || s.Account[i] >= s.Account[j]) continue;
                if (!Active(s.Account[i]) || !Active(s.Account[j])) continue;
                long d = Math.Abs(s.Time[i] - s.Time[j]);
                if (d > o.WindowMicros) continue;
                var key = (s.Account[i], s.Account[j]);
                if (!result.TryGetValue(key, out var x)) result[key] = x = new Expected();
                x.Pairs++;
                x.SumDelta += d;
                x.First = Math.Min(x.First, Math.Min(s.Time[i], s.Time[j]));
                x.Last = Math.Max(x.Last, Math.Max(s.Time[i], s.Time[j]));
                if (x.Objects.Add(s.Object[i])) x.Evidence += idf[s.Object[i]];
                x.Idf[s.Object[i]] = idf[s.Object[i]];
                x.PostsA.Add(s.Post[i]);
                x.PostsB.Add(s.Post[j]);
            }
        }
        return result;
    }
}
