using NetDetect.Core.Data;
using NetDetect.Core.Network;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Network;

public class QutModeTests
{
    // The table in ../shared/data/README.md ("Known results"): distinct accounts in the QUT co-repost network.
    [Theory]
    [InlineData(1, 1, false, 2)]
    [InlineData(1, 1, true, 3)]
    [InlineData(1, 2, false, 0)]
    [InlineData(1, 2, true, 1)]
    [InlineData(60, 1, false, 6)]
    [InlineData(60, 1, true, 7)]
    public void Fixture_accounts_match_the_toolkit(int windowSeconds, int minEdgeWeight, bool selfLoops, int accounts)
    {
        var shares = PeerShares.Qut(SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv"));
        var result = QutMode.Run(shares, new QutOptions { WindowMicros = windowSeconds * Time.MicrosPerSecond, MinEdgeWeight = minEdgeWeight, SelfLoops = selfLoops });
        Assert.Equal(accounts, result.Accounts);
    }

    [Fact]
    public void Directed_weight_counts_the_first_accounts_distinct_posts_matched_by_the_second()
    {
        var shares = PeerShares.Qut(SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv"));
        var result = QutMode.Run(shares, new QutOptions { WindowMicros = 60 * Time.MicrosPerSecond, SelfLoops = true });
        string Name(int a) => shares.AccountName(a);
        var byName = result.Edges.ToDictionary(e => (Name(e.From), Name(e.To)), e => e.Weight);
        // uid0 reposted rtid0 at 0 s and 1 s; uid1 at 59 s matches both of them, uid0's posts match uid1's one post
        Assert.Equal(2, byName[("uid0", "uid1")]);
        Assert.Equal(1, byName[("uid1", "uid0")]);
        Assert.Equal(2, byName[("uid0", "uid0")]);
        // uid2/uid3 co-reposted rtid1 (Δ 10 s); rtid2 at Δ 61 s is outside the window
        Assert.Equal(1, byName[("uid2", "uid3")]);
        Assert.False(byName.ContainsKey(("uid11", "uid12")));
    }
}
