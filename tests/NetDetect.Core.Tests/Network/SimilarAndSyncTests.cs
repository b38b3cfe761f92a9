using NetDetect.Core.Data;
using NetDetect.Core.Network;
using static NetDetect.Core.Tests.Network.NetworkTestData;

namespace NetDetect.Core.Tests.Network;

public class SimilarAndSyncTests
{
    private const string Base = "the protesters in the city centre are paid agents of foreign powers and must be stopped now before they destroy everything";

    [Fact]
    public void Lightly_edited_copies_co_act_and_different_texts_do_not()
    {
        var ds = Build([
            Post("p1", "a", 0, text: Base),
            Post("p2", "b", 30, text: Base + " today"),                          // Jaccard of 3-shingles ≈ 0.95
            Post("p3", "c", 40, text: Base.Replace("paid", "PAID")),             // identical after normalisation
            Post("p4", "d", 50, text: "a completely different message about the weather and the football results of the weekend league"),
            Post("p5", "e", 5000, text: Base),                                    // same text but far outside the window
        ]);
        var shares = SimilarTextBuilder.Extract(ds);
        var n = CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = 60 * Time.MicrosPerSecond });
        var names = Enumerable.Range(0, n.EdgeCount).Select(e => shares.AccountName(n.AccountA[e]) + shares.AccountName(n.AccountB[e])).ToHashSet();
        Assert.Equal(["ab", "ac", "bc"], names.Order());
    }

    [Fact]
    public void Sync_dense_kernel_and_scalar_path_agree()
    {
        var rng = new Random(3);
        var posts = new List<PostRecord>();
        // 6 accounts post in lock-step bursts, 30 others at random
        for (int burst = 0; burst < 40; burst++)
        {
            long t = rng.Next(0, 86_400);
            for (int a = 0; a < 6; a++) posts.Add(Post($"s{burst}-{a}", $"bot{a}", t + rng.Next(0, 20)));
        }
        for (int a = 0; a < 30; a++)
            for (int k = 0; k < 30; k++) posts.Add(Post($"r{a}-{k}", $"user{a}", rng.Next(0, 86_400)));
        var ds = Build(posts);
        var options = new SyncOptions { BinMicros = 60 * Time.MicrosPerSecond, MinSimilarity = 0.4, MinPosts = 5 };
        var dense = SyncBuilder.Build(ds, options);
        var scalar = SyncBuilder.BuildScalar(ds, options);
        Assert.Equal(scalar.AccountA, dense.AccountA);
        Assert.Equal(scalar.AccountB, dense.AccountB);
        Assert.Equal(scalar.Pairs.ToArray(), dense.Pairs.ToArray());
        Assert.Equal(scalar.Evidence, dense.Evidence);
        // the six bots form a clique (bursts straddling a bin edge lower some cosines); random users stay below 0.4
        Assert.Equal(15, scalar.EdgeCount);
        Assert.All(scalar.Similarity!, s => Assert.True(s > 0.5));
        Assert.All(Enumerable.Range(0, scalar.EdgeCount), e => Assert.StartsWith("bot", scalar.Shares.AccountName(scalar.AccountA[e])));
    }

    [Fact]
    public void Sync_similarity_is_the_cosine_of_bin_counts()
    {
        // a: bins 0,0,1 ; b: bins 0,1,1,2 → a=(2,1,0) b=(1,2,1): cos = 4 / (√5·√6)
        var ds = Build([
            Post("a1", "a", 0), Post("a2", "a", 10), Post("a3", "a", 70),
            Post("b1", "b", 5), Post("b2", "b", 65), Post("b3", "b", 100), Post("b4", "b", 130),
        ]);
        var n = SyncBuilder.BuildScalar(ds, new SyncOptions { BinMicros = 60 * Time.MicrosPerSecond, MinSimilarity = 0.1, MinPosts = 1 });
        Assert.Equal(1, n.EdgeCount);
        Assert.Equal(4 / (Math.Sqrt(5) * Math.Sqrt(6)), n.Similarity![0], 12);
        Assert.Equal(4, n.Pairs[0]);
        Assert.Equal(2, n.Objects[0]);
    }
}
