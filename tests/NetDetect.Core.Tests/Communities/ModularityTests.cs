using NetDetect.Core.Communities;

namespace NetDetect.Core.Tests.Communities;

public class ModularityTests
{
    [Fact]
    public void MatchesBruteForceDefinition_ForRandomPartitions()
    {
        for (int trial = 0; trial < 150; trial++)
        {
            var rng = new Random(trial);
            int n = rng.Next(2, 60);
            var g = TestGraphs.Random(n, rng.Next(1, 3 * n), seed: trial, selfLoops: trial % 2 == 1);
            int k = rng.Next(1, n + 1);
            var membership = new int[n];
            for (int v = 0; v < n; v++) membership[v] = rng.Next(k);
            double gamma = rng.NextDouble() * 2;
            Assert.Equal(TestGraphs.BruteForceModularity(g, membership, gamma), Modularity.Compute(g, membership, gamma), 10);
        }
    }

    [Fact]
    public void TwoTriangles_HaveTextbookModularity()
    {
        // Two triangles joined by one edge: Q = 2 * (3/7 - (7/14)^2) = 5/14.
        var g = WeightedGraph.FromEdges(6, [0, 1, 2, 3, 4, 5, 2], [1, 2, 0, 4, 5, 3, 3], [1, 1, 1, 1, 1, 1, 1]);
        Assert.Equal(5.0 / 14, Modularity.Compute(g, [0, 0, 0, 1, 1, 1]), 12);
        Assert.Equal(0.0, Modularity.Compute(g, [0, 0, 0, 0, 0, 0]), 12);
    }

    [Fact]
    public void Cpm_CountsInternalWeightMinusPairPenalty()
    {
        var g = WeightedGraph.FromEdges(4, [0, 1, 2, 0], [1, 2, 3, 0], [2, 1, 1, 5]);
        // Communities {0,1} and {2,3}: inside 2 + 1 + loop 5 = 8, penalty γ (1 + 1).
        Assert.Equal(8 - 0.25 * 2, Modularity.ComputeCpm(g, [0, 0, 1, 1], 0.25), 12);
    }
}
