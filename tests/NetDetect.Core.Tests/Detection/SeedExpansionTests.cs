using NetDetect.Core.Communities;
using NetDetect.Core.Detection;

namespace NetDetect.Core.Tests.Detection;

public class SeedExpansionTests
{
    [Fact]
    public void PageRank_mass_sums_to_one_and_decays_with_distance()
    {
        // path 0-1-2-3 and an isolated pair 4-5
        var g = WeightedGraph.FromEdges(6, [0, 1, 2, 4], [1, 2, 3, 5], [1.0, 1.0, 1.0, 1.0]);
        var r = SeedExpansion.PersonalisedPageRank(g, [0]);
        Assert.Equal(1.0, r.Sum(), 9);
        Assert.True(r[1] > r[2] && r[2] > r[3] && r[3] > 0 && r[0] > r[2]);
        Assert.Equal(0, r[4]);
        var p = SeedExpansion.Apply([0.1, 0.1, 0.1, 0.1, 0.1, 0.1], g, [0], 0.8, out var rel);
        Assert.Equal(0.8, p[0]);
        Assert.Equal(1.0, rel[1]);
        Assert.True(p[1] > p[2] && p[2] > p[3] && p[3] > 0.1);
        Assert.Equal(0.1, p[4]);
    }
}
