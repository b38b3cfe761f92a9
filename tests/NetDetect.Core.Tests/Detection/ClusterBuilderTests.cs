using NetDetect.Core.Detection;
using NetDetect.Core.Features;
using NetDetect.Core.Network;

namespace NetDetect.Core.Tests.Detection;

public class ClusterBuilderTests
{
    [Fact]
    public void Array_built_clusters_equal_the_network_engines_summaries_of_the_projected_graph()
    {
        var dataset = CoordinatedData.Build(seed: 5);
        var network = CoordinationNetwork.Build(dataset, new DetectionNetworkOptions { Threads = 1 });
        // flag the accounts with most partners, so clusters form in several communities
        int n = dataset.Accounts.Count;
        var degree = new int[n];
        for (int e = 0; e < network.Network.EdgeCount; e++) { degree[network.Network.AccountA[e]]++; degree[network.Network.AccountB[e]]++; }
        var isFlagged = new bool[n];
        for (int i = 0; i < n; i++) isFlagged[i] = degree[i] >= 3;

        var built = ClusterBuilder.Build(network, isFlagged, topObjects: 5);

        var keep = new bool[network.Network.EdgeCount];
        for (int e = 0; e < keep.Length; e++)
        {
            int a = network.Network.AccountA[e], b = network.Network.AccountB[e];
            keep[e] = isFlagged[a] && isFlagged[b] && network.Community[a] == network.Community[b];
        }
        var graph = NetworkProjection.Project(network.Network, keep, EdgeWeight.Evidence);
        var membership = graph.Vertices.ToDictionary(v => v, v => network.Community[v]);
        var expected = ClusterSummarizer.Summarize(graph, membership, topObjects: 5);

        Assert.True(expected.Count >= 2, $"only {expected.Count} clusters");
        Assert.Equal(keep.Count(k => k), built.FlaggedEdges);
        Assert.Equal(graph.EdgeCount, built.Graph.EdgeCount);
        Assert.Equal(expected.Count, built.Summaries.Count);
        for (int c = 0; c < expected.Count; c++)
        {
            var x = expected[c];
            var y = built.Summaries[c];
            Assert.Equal(x.Id, y.Id);
            Assert.Equal(x.Members, y.Members);
            Assert.Equal(x.Size, y.Size);
            Assert.Equal(x.Edges, y.Edges);
            Assert.Equal(x.Density, y.Density);
            Assert.Equal(x.FirstShare, y.FirstShare);
            Assert.Equal(x.LastShare, y.LastShare);
            Assert.Equal(x.Modalities.Keys, y.Modalities.Keys);
            foreach (var (m, bx) in x.Modalities)
            {
                var by = y.Modalities[m];
                Assert.Equal((bx.Edges, bx.Pairs, bx.Objects), (by.Edges, by.Pairs, by.Objects));
                Assert.Equal(bx.Evidence, by.Evidence, 1e-9);
            }
            // the projected graph lists its edges in edge order, so both pick the same example posts
            Assert.Equal(x.TopObjects, y.TopObjects);
        }
    }

    [Fact]
    public void A_large_flagged_network_is_drawn_with_each_accounts_strongest_edges()
    {
        var dataset = CoordinatedData.Build(seed: 5);
        var network = CoordinationNetwork.Build(dataset, new DetectionNetworkOptions { Threads = 1 });
        var isFlagged = Enumerable.Repeat(true, dataset.Accounts.Count).ToArray();
        var all = ClusterBuilder.Build(network, isFlagged, topObjects: 5);
        int cap = all.FlaggedEdges / 4;
        var bounded = ClusterBuilder.Build(network, isFlagged, topObjects: 5, maxGraphEdges: cap);
        Assert.Equal(all.FlaggedEdges, bounded.FlaggedEdges);
        Assert.Equal(all.Summaries.Select(s => (s.Id, s.Edges)), bounded.Summaries.Select(s => (s.Id, s.Edges))); // statistics use every edge
        Assert.True(bounded.Graph.EdgeCount < all.Graph.EdgeCount);
        // the strongest edges chosen on three threads (each a range of accounts) are the one-thread choice, edge for edge
        var three = ClusterBuilder.Build(network, isFlagged, topObjects: 5, maxGraphEdges: cap, threads: 3);
        Assert.Equal(bounded.Graph.Edges.Select(e => (e.Source, e.Target, e.Evidence)), three.Graph.Edges.Select(e => (e.Source, e.Target, e.Evidence)));
        Assert.Equal(all.Graph.VertexCount, bounded.Graph.VertexCount); // nobody loses all ties
        foreach (int v in all.Graph.Vertices)
        {
            var strongest = all.Graph.AdjacentEdges(v).OrderByDescending(e => e.Evidence).First();
            Assert.Contains(bounded.Graph.AdjacentEdges(v), e => e.Evidence >= strongest.Evidence - 1e-9);
            Assert.True(bounded.Graph.AdjacentDegree(v) >= Math.Min(ClusterBuilder.EdgesPerAccount, all.Graph.AdjacentDegree(v)));
        }
    }

    [Fact]
    public void Quickselect_gives_the_sorted_value()
    {
        var rng = new Random(8);
        for (int trial = 0; trial < 300; trial++)
        {
            int len = 1 + rng.Next(200);
            var values = new float[len];
            for (int i = 0; i < len; i++) values[i] = rng.Next(4) == 0 ? rng.Next(5) : (float)rng.NextDouble() * 100 - 50; // many ties
            var sorted = values.ToArray();
            Array.Sort(sorted);
            int k = rng.Next(len);
            Assert.Equal(sorted[k], Detector.Select(values.ToArray(), k));
        }
    }
}
