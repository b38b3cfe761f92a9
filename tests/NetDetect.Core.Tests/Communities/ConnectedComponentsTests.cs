using NetDetect.Core.Communities;

namespace NetDetect.Core.Tests.Communities;

public class ConnectedComponentsTests
{
    [Fact]
    public void MatchesUnionFindReference_OverManyGeneratedGraphs()
    {
        for (int trial = 0; trial < 200; trial++)
        {
            var rng = new Random(trial);
            int n = rng.Next(1, 120);
            var g = TestGraphs.Random(n, rng.Next(0, n + 10), seed: trial, selfLoops: trial % 2 == 0);
            var result = new ConnectedComponents(g).Compute();

            // Reference: union-find over the edge list, then number components by smallest member.
            var parent = new int[n];
            for (int v = 0; v < n; v++) parent[v] = v;
            int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
            for (int u = 0; u < n; u++)
                for (int i = g.Offsets[u]; i < g.Offsets[u + 1]; i++)
                {
                    int ru = Find(u), rv = Find(g.Neighbors[i]);
                    if (ru != rv) parent[Math.Max(ru, rv)] = Math.Min(ru, rv);
                }
            var label = new Dictionary<int, int>();
            var expected = new int[n];
            for (int v = 0; v < n; v++)
            {
                int r = Find(v);
                if (!label.TryGetValue(r, out int id)) label[r] = id = label.Count;
                expected[v] = id;
            }

            Assert.Equal(expected, result.Membership);
            Assert.Equal(label.Count, result.Count);
            var sizes = new int[result.Count];
            foreach (int c in expected) sizes[c]++;
            Assert.Equal(sizes, result.Sizes);
        }
    }

    [Fact]
    public void IsolatedNodes_AreTheirOwnComponents()
    {
        var g = WeightedGraph.FromEdges(5, [3], [1], [1.0]);
        var result = new ConnectedComponents(g).Compute();
        Assert.Equal([0, 1, 2, 1, 3], result.Membership);
        Assert.Equal([1, 2, 1, 1], result.Sizes);
    }
}
