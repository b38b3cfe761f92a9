using NetDetect.Core.Data;
using NetDetect.Core.Import;
using NetDetect.Core.Network;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Network;

/// <summary>The known results of ../shared/data/README.md through the whole path: importer → Dataset → share table → mode.</summary>
public class SharedFileNetworkTests
{
    [Fact]
    public async Task CooRTweet_numbers_on_the_imported_russian_coord_tweets()
    {
        var ds = await DatasetImporter.ImportAsync([SharedData.File("coortweet", "russian_coord_tweets.csv")]);
        var shares = ShareExtractor.Extract(ds, Modality.Repost, distinctPerPost: false);
        Assert.Equal(35_125, shares.Count);
        Assert.NotNull(shares.PostContent);
        var r = CooRTweetMode.Run([shares], new CooRTweetOptions { WindowMicros = 60 * Time.MicrosPerSecond, MinParticipation = 2, EdgeWeightQuantile = 0.5 });
        Assert.Equal(3_791, r.Pairs);
        Assert.Equal(2_110, r.Accounts);
        Assert.Equal(3_721, r.Edges);
        Assert.Equal(94, r.FlaggedAccounts);
        Assert.Equal(60, r.FlaggedEdges);
        NetworkProjection.Components(NetworkProjection.Project(r.Network, r.Flagged, EdgeWeight.Pairs), out int components);
        Assert.Equal(34, components);
    }

    [Theory]
    [InlineData(1, 1, false, 2)]
    [InlineData(1, 1, true, 3)]
    [InlineData(1, 2, false, 0)]
    [InlineData(1, 2, true, 1)]
    [InlineData(60, 1, false, 6)]
    [InlineData(60, 1, true, 7)]
    public async Task Qut_table_on_the_imported_fixture(int windowSeconds, int minEdgeWeight, bool selfLoops, int accounts)
    {
        var ds = await DatasetImporter.ImportAsync([SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv")]);
        var shares = ShareExtractor.Extract(ds, Modality.Repost);
        Assert.Equal(15, shares.Count);
        var r = QutMode.Run(shares, new QutOptions { WindowMicros = windowSeconds * Time.MicrosPerSecond, MinEdgeWeight = minEdgeWeight, SelfLoops = selfLoops });
        Assert.Equal(accounts, r.Accounts);
    }
}
