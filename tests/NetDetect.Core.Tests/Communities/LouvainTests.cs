using NetDetect.Core.Communities;

namespace NetDetect.Core.Tests.Communities;

public class LouvainTests
{
    [Fact]
    public void ProducesValidPartitions_WithCorrectModularity()
    {
        for (int trial = 0; trial < 60; trial++)
        {
            var rng = new Random(trial);
            var g = TestGraphs.PlantedPartition(rng.Next(4, 120), rng.Next(1, 6), 2 + rng.Next(6), rng.NextDouble(), trial).Graph;
            var result = new Louvain(g, new CommunityOptions { Seed = trial }).Compute();
            LeidenTests.AssertValidPartition(g, result, $"trial {trial}");
            Assert.Equal(TestGraphs.BruteForceModularity(g, result.Membership), result.Modularity, 9);
        }
    }

    [Fact]
    public void RecoversClearPlantedCommunities()
    {
        var planted = TestGraphs.PlantedPartition(1000, 8, 12, 0.1, seed: 8);
        var result = new Louvain(planted.Graph, new CommunityOptions { Seed = 1 }).Compute();
        Assert.True(TestGraphs.Nmi(result.Membership, planted.Truth) >= 0.97);
    }
}
