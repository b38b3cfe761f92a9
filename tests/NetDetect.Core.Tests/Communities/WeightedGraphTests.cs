using NetDetect.Core.Communities;

namespace NetDetect.Core.Tests.Communities;

public class WeightedGraphTests
{
    [Fact]
    public void FromEdges_MergesDuplicatesInBothOrientations_AndKeepsGivenSelfLoops()
    {
        int[] a = [0, 1, 2, 0, 3];
        int[] b = [1, 0, 2, 1, 1];
        double[] w = [1.0, 2.0, 5.0, 0.5, 4.0];
        var g = WeightedGraph.FromEdges(5, a, b, w);

        Assert.Equal(5, g.NodeCount);
        Assert.Equal(3, g.EdgeCount);                 // {0,1}, {2,2}, {1,3}
        Assert.Equal([0, 1, 3, 4, 5, 5], g.Offsets);
        Assert.Equal([1, 0, 3, 2, 1], g.Neighbors);
        Assert.Equal([3.5, 3.5, 4.0, 5.0, 4.0], g.Weights);
        Assert.Equal(12.5, g.TotalWeight);
        Assert.Equal(10.0, g.NodeStrength(2));       // self-loop counts twice
        Assert.Equal(0.0, g.NodeStrength(4));
        double sum = 0;
        foreach (var s in g.NodeStrengths()) sum += s;
        Assert.Equal(2 * g.TotalWeight, sum);
    }

    [Fact]
    public void FromEdges_with_a_minimum_weight_equals_building_from_clamped_weights()
    {
        int[] a = [0, 0, 1, 2, 1];
        int[] b = [1, 2, 2, 3, 0];
        double[] w = [0.0, 2.5, 1e-9, 0.4, 0.0];
        var clamped = w.Select(x => Math.Max(x, 1e-3)).ToArray();
        var expected = WeightedGraph.FromEdges(4, a, b, clamped);
        var actual = WeightedGraph.FromEdges(4, a, b, w, minWeight: 1e-3);
        Assert.Equal(expected.Offsets, actual.Offsets);
        Assert.Equal(expected.Neighbors, actual.Neighbors);
        Assert.Equal(expected.Weights, actual.Weights);
        Assert.Equal(expected.TotalWeight, actual.TotalWeight);
        Assert.Equal(2e-3, actual.Weights[actual.Offsets[0]]); // the duplicate 0-1 edge, both at the minimum, merged
        Assert.Equal(w, new[] { 0.0, 2.5, 1e-9, 0.4, 0.0 }); // the input is not touched
    }

    [Fact]
    public void FromEdges_RejectsOutOfRangeEndpoints()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WeightedGraph.FromEdges(2, [0], [2], [1.0]));
        Assert.Throws<ArgumentException>(() => WeightedGraph.FromEdges(2, [0], [1, 1], [1.0]));
    }

    [Fact]
    public void FromEdges_RandomEdgeList_MatchesDictionaryReference()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = rng.Next(1, 30), m = rng.Next(0, 80);
            var a = new int[m]; var b = new int[m]; var w = new double[m];
            var reference = new Dictionary<(int, int), double>();
            for (int i = 0; i < m; i++)
            {
                a[i] = rng.Next(n); b[i] = rng.Next(n); w[i] = rng.Next(1, 5);
                var key = (Math.Min(a[i], b[i]), Math.Max(a[i], b[i]));
                reference[key] = reference.GetValueOrDefault(key) + w[i];
            }
            var g = WeightedGraph.FromEdges(n, a, b, w);
            Assert.Equal(reference.Count, g.EdgeCount);
            for (int u = 0; u < n; u++)
            {
                for (int i = g.Offsets[u]; i < g.Offsets[u + 1]; i++)
                {
                    int v = g.Neighbors[i];
                    if (i > g.Offsets[u]) Assert.True(g.Neighbors[i - 1] < v);
                    Assert.Equal(reference[(Math.Min(u, v), Math.Max(u, v))], g.Weights[i]);
                }
            }
        }
    }
}
