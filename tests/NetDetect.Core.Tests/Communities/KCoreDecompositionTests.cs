using NetDetect.Core.Communities;

namespace NetDetect.Core.Tests.Communities;

public class KCoreDecompositionTests
{
    [Fact]
    public void MatchesPeelingDefinition_OverManyGeneratedGraphs()
    {
        for (int trial = 0; trial < 150; trial++)
        {
            var rng = new Random(trial);
            int n = rng.Next(1, 80);
            var g = TestGraphs.Random(n, rng.Next(0, 4 * n), seed: trial, selfLoops: trial % 3 == 0);
            var result = new KCoreDecomposition(g).Compute();
            var expected = BruteForceCoreNumbers(g);
            Assert.Equal(expected, result.CoreNumbers);
            Assert.Equal(expected.Length == 0 ? 0 : expected.Max(), result.MaxCore);
        }
    }

    [Fact]
    public void CliqueWithPendant_HasExpectedCores()
    {
        // 4-clique {0,1,2,3}, pendant 4 on node 0, isolated 5, self-loop on 5 ignored.
        int[] a = [0, 0, 0, 1, 1, 2, 0, 5];
        int[] b = [1, 2, 3, 2, 3, 3, 4, 5];
        var g = WeightedGraph.FromEdges(6, a, b, [1, 1, 1, 1, 1, 1, 1, 1]);
        var result = new KCoreDecomposition(g).Compute();
        Assert.Equal([3, 3, 3, 3, 1, 0], result.CoreNumbers);
        Assert.Equal(3, result.MaxCore);
    }

    /// <summary>Core number by definition: the largest k for which the node survives repeated removal of nodes with degree &lt; k.</summary>
    private static int[] BruteForceCoreNumbers(WeightedGraph g)
    {
        int n = g.NodeCount;
        var core = new int[n];
        for (int k = 1; ; k++)
        {
            var alive = new bool[n];
            Array.Fill(alive, true);
            bool changed = true;
            while (changed)
            {
                changed = false;
                for (int v = 0; v < n; v++)
                {
                    if (!alive[v]) continue;
                    int d = 0;
                    for (int i = g.Offsets[v]; i < g.Offsets[v + 1]; i++)
                        if (g.Neighbors[i] != v && alive[g.Neighbors[i]]) d++;
                    if (d < k) { alive[v] = false; changed = true; }
                }
            }
            bool any = false;
            for (int v = 0; v < n; v++) if (alive[v]) { core[v] = k; any = true; }
            if (!any) return core;
        }
    }
}
