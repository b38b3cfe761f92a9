using NetDetect.Core.Data;
using NetDetect.Core.Features;
using NetDetect.Core.Network;

namespace NetDetect.Core.Tests.Features;

public class AccountFeaturesTests
{
    [Fact]
    public void Features_are_identical_for_one_and_two_threads()
    {
        var dataset = NetDetect.Core.Tests.Detection.CoordinatedData.Build(seed: 21, organic: 200);
        var network = CoordinationNetwork.Build(dataset, new DetectionNetworkOptions { Threads = 1 });
        var one = AccountFeatures.Compute(dataset, network, threads: 1);
        var two = AccountFeatures.Compute(dataset, network, threads: 2);
        Assert.Equal(one.Values, two.Values);
        Assert.Contains(one.Values, v => !float.IsNaN(v) && v != 0);
    }

    [Fact]
    public void Groups_computed_beside_the_community_search_give_the_same_matrix()
    {
        // detection fills the temporal, content and profile groups beside Leiden and the network group after it
        var dataset = NetDetect.Core.Tests.Detection.CoordinatedData.Build(seed: 22, organic: 200);
        var network = CoordinationNetwork.Build(dataset, new DetectionNetworkOptions { Threads = 1 });
        var expected = AccountFeatures.Compute(dataset, network, threads: 1);
        foreach (int threads in new[] { 1, 2 })
        {
            var builder = new AccountFeatures.Builder(dataset);
            int calls = 0;
            var split = CoordinationNetwork.Build(dataset, new DetectionNetworkOptions { Threads = threads }, fused =>
            {
                calls++;
                builder.AddOtherGroups(fused);
            });
            Assert.Equal(1, calls);
            Assert.Equal(network.Community, split.Community);
            Assert.Equal(network.CoreNumber, split.CoreNumber);
            builder.AddNetworkGroup(split, threads);
            Assert.Equal(expected.Values, builder.Matrix.Values);
        }
    }

    [Fact]
    public void Layer_account_columns_released_after_fusion_leave_the_same_network_and_matrix()
    {
        // detection drops each layer's account columns once fused: everything after reads them from the fused network
        var dataset = NetDetect.Core.Tests.Detection.CoordinatedData.Build(seed: 29, organic: 200);
        var full = CoordinationNetwork.Build(dataset, new DetectionNetworkOptions { Threads = 2 });
        var released = CoordinationNetwork.Build(dataset, new DetectionNetworkOptions { Threads = 2, ReleaseLayerAccounts = true });
        Assert.True(released.Network.Layers.Count(l => l.EdgeCount > 0) > 1);
        Assert.Equal(full.Network.AccountA, released.Network.AccountA);
        Assert.Equal(full.Network.AccountB, released.Network.AccountB);
        Assert.Equal(full.EdgeEvidence, released.EdgeEvidence);
        Assert.Equal(full.Community, released.Community);
        for (int l = 0; l < released.Network.Layers.Count; l++)
        {
            var layer = released.Network.Layers[l];
            Assert.Equal(full.Network.Layers[l].EdgeCount, layer.EdgeCount);
            var error = Assert.Throws<InvalidOperationException>(() => layer.AccountA);
            Assert.Contains("fused network", error.Message);
            Assert.Throws<InvalidOperationException>(() => layer.AccountB);
            Assert.Equal(full.Network.Layers[l].Pairs.ToArray(), layer.Pairs.ToArray());
        }
        Assert.Equal(AccountFeatures.Compute(dataset, full, threads: 2).Values, AccountFeatures.Compute(dataset, released, threads: 2).Values);
    }

    [Fact]
    public void Content_marks_taken_layer_by_layer_let_the_share_columns_go_with_the_same_matrix()
    {
        // detection marks each layer's shared posts as it is built and drops its share columns at once
        var dataset = NetDetect.Core.Tests.Detection.CoordinatedData.Build(seed: 23, organic: 200);
        var expected = AccountFeatures.Compute(dataset, CoordinationNetwork.Build(dataset, new DetectionNetworkOptions { Threads = 1 }), threads: 1);
        var builder = new AccountFeatures.Builder(dataset);
        var marked = new List<CoShareNetwork>();
        var counts = new List<int>();
        var released = CoordinationNetwork.Build(dataset, new DetectionNetworkOptions { Threads = 2, ReleaseShareColumns = true },
            fused => builder.AddOtherGroups(fused), layer =>
            {
                Assert.False(layer.Shares.ColumnsReleased);
                marked.Add(layer);
                counts.Add(layer.Shares.Count);
                builder.MarkSharedPosts(layer);
            });
        builder.AddNetworkGroup(released, 2);
        Assert.Equal(expected.Values, builder.Matrix.Values);
        Assert.Equal(released.Network.Layers.Count, marked.Count);
        foreach (var layer in released.Network.Layers)
        {
            Assert.Contains(layer, marked);
            Assert.True(layer.Shares.ColumnsReleased);
            Assert.Equal(counts[marked.IndexOf(layer)], layer.Shares.Count);
            Assert.Throws<InvalidOperationException>(() => layer.Shares.Object);
        }
        // without the marks the content features read the shares, which are gone: a clear error, not wrong features
        var unmarked = new AccountFeatures.Builder(dataset);
        Assert.Throws<InvalidOperationException>(() => unmarked.AddOtherGroups(released.Network));
    }

    [Fact]
    public void Hour_of_week_starts_on_Monday_midnight_utc()
    {
        Assert.Equal(0, AccountFeatures.HourOfWeek(Time.FromDateTime(new DateTime(2024, 3, 4, 0, 30, 0, DateTimeKind.Utc))));
        Assert.Equal(24 * 3 + 13, AccountFeatures.HourOfWeek(Time.FromDateTime(new DateTime(2024, 3, 7, 13, 0, 0, DateTimeKind.Utc))));
        Assert.Equal(167, AccountFeatures.HourOfWeek(Time.FromDateTime(new DateTime(1969, 12, 28, 23, 59, 0, DateTimeKind.Utc))));
        Assert.True(AccountFeatures.IsOfficeHour(9));
        Assert.False(AccountFeatures.IsOfficeHour(18));
        Assert.False(AccountFeatures.IsOfficeHour(5 * 24 + 10));
    }

    [Fact]
    public void Features_follow_their_definitions_on_a_hand_built_dataset()
    {
        var b = new DatasetBuilder();
        long t0 = Time.FromDateTime(new DateTime(2024, 3, 4, 7, 0, 0, DateTimeKind.Utc)); // Monday 07:00 UTC
        b.TryAddAccount(new AccountRecord { AccountId = "a", ScreenName = "bob1234", CreatedAt = t0 - 10 * 86_400 * Time.MicrosPerSecond, FollowerCount = 9, FollowingCount = 99 });
        b.TryAddAccount(new AccountRecord { AccountId = "b", ScreenName = "alice", CreatedAt = t0 - 10 * 86_400 * Time.MicrosPerSecond + 5 });
        b.TryAddAccount(new AccountRecord { AccountId = "c" });
        // a and b repost the same two posts 10 s apart; a also posts two originals with hashtags x, x
        for (int k = 0; k < 2; k++)
        {
            long t = t0 + k * 3600 * Time.MicrosPerSecond;
            b.TryAddPost(new PostRecord { PostId = $"o{k}", AccountId = "c", CreatedAt = t - 60 * Time.MicrosPerSecond, Text = "hello" });
            b.TryAddPost(new PostRecord { PostId = $"a{k}", AccountId = "a", CreatedAt = t, RepostOfPostId = $"o{k}", RepostOfAccountId = "c", Language = "en" });
            b.TryAddPost(new PostRecord { PostId = $"b{k}", AccountId = "b", CreatedAt = t + 10 * Time.MicrosPerSecond, RepostOfPostId = $"o{k}", RepostOfAccountId = "c" });
            b.TryAddPost(new PostRecord { PostId = $"x{k}", AccountId = "a", CreatedAt = t + 1800 * Time.MicrosPerSecond, Text = $"own {k}", Hashtags = ["x"], Language = k == 0 ? "en" : "de" });
        }
        var ds = b.Build();
        var cn = CoordinationNetwork.Build(ds, new DetectionNetworkOptions { Threads = 1 });
        var f = AccountFeatures.Compute(ds, cn);
        int C(string name) => AccountFeatures.Names.ToList().IndexOf(name);
        int a = 0, bb = 1, c = 2;
        Assert.Equal(Math.Log(2), f[a, C("net_partners")], 5);       // b only (hashtag x is a's alone)
        Assert.Equal(Math.Log(3), f[a, C("net_pairs")], 5);          // two repost pairs
        Assert.Equal(Math.Log(2), f[a, C("net_partners_repost")], 5);
        Assert.Equal(0, f[c, C("net_partners")]);
        Assert.Equal(0.5, f[a, C("net_coordinated_share")], 5);      // 2 of a's 4 posts matched by b
        Assert.Equal(1.0, f[bb, C("net_coordinated_share")], 5);
        Assert.Equal(Math.Log(1 + 10), f[a, C("net_mean_delta_s")], 4);
        Assert.Equal(0.5, f[a, C("c_repost_share")], 5);
        Assert.Equal(0.5, f[a, C("c_hashtag_diversity")], 5);        // x used twice
        Assert.Equal(0.5, f[a, C("c_hashtags_per_post")], 5);
        Assert.Equal(4, f[a, C("p_name_digit_suffix")]);
        Assert.Equal(0, f[bb, C("p_name_digit_suffix")]);
        Assert.True(float.IsNaN(f[c, C("p_name_digit_suffix")]));
        Assert.Equal(Math.Log(2), f[a, C("p_creation_day_burst")], 5); // a and b created the same day
        Assert.Equal(Math.Log(10.0 / 100), f[a, C("p_follow_ratio")], 4);
        Assert.Equal(2, f[a, C("p_post_languages")]);
        Assert.Equal(0.25, f[a, C("p_language_switch_share")], 5);   // en, en, en, de
        Assert.Equal(Math.Log(1 + 10), f[a, C("p_age_days")], 4);
        // all of a's posts fall 07:00–09:30 UTC on a Monday: some time zone puts them all in office hours
        Assert.Equal(1.0, f[a, C("t_office_share")], 5);
        Assert.Equal(AccountFeatures.Names.Count, f.Columns);
    }

    /// <summary>
    /// The operator time zone search (office-hours share at the best UTC offset, night share at that offset) against
    /// the definition computed naively over all 168 hours for each offset, on accounts posting at random hours.
    /// </summary>
    [Fact]
    public void Office_and_night_shares_follow_the_definition_at_the_best_offset()
    {
        var rng = new Random(4);
        var b = new DatasetBuilder();
        long monday = Time.FromDateTime(new DateTime(2024, 3, 4, 0, 0, 0, DateTimeKind.Utc));
        var hours = new List<int>[60];
        for (int a = 0; a < hours.Length; a++)
        {
            b.TryAddAccount(new AccountRecord { AccountId = "u" + a });
            hours[a] = [];
            // a few accounts keep a schedule (a window of hours), the others post at any hour; weeks vary
            int from = rng.Next(168), width = a % 3 == 0 ? 6 : 168;
            for (int k = 0, posts = 3 + rng.Next(40); k < posts; k++)
            {
                int how = (from + rng.Next(width)) % 168;
                hours[a].Add(how);
                long t = monday + (rng.Next(5) * 168 + how) * 3600 * Time.MicrosPerSecond + rng.Next(3600) * Time.MicrosPerSecond;
                b.TryAddPost(new PostRecord { PostId = $"p{a}-{k}", AccountId = "u" + a, CreatedAt = t });
            }
        }
        var ds = b.Build();
        var f = AccountFeatures.Compute(ds, CoordinationNetwork.Build(ds, new DetectionNetworkOptions { Threads = 1 }));
        int office = AccountFeatures.Names.ToList().IndexOf("t_office_share"), night = AccountFeatures.Names.ToList().IndexOf("t_night_share");
        for (int a = 0; a < hours.Length; a++)
        {
            var hist = new int[168];
            foreach (int h in hours[a]) hist[h]++;
            int best = 0, bestOffset = 0;
            for (int offset = -12; offset <= 14; offset++)
            {
                int sum = 0;
                for (int h = 0; h < 168; h++)
                    if (AccountFeatures.IsOfficeHour(((h + offset) % 168 + 168) % 168)) sum += hist[h];
                if (sum > best) { best = sum; bestOffset = offset; }
            }
            int nights = 0;
            for (int h = 0; h < 168; h++)
                if (((h + bestOffset) % 168 + 168) % 168 % 24 < 6) nights += hist[h];
            Assert.Equal((float)(best / (double)hours[a].Count), f[a, office]);
            Assert.Equal((float)(nights / (double)hours[a].Count), f[a, night]);
        }
    }
}
