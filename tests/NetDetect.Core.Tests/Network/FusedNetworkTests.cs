using NetDetect.Core.Data;
using NetDetect.Core.Network;
using NetDetect.Core.Tests.TestSupport;
using static NetDetect.Core.Tests.Network.NetworkTestData;

namespace NetDetect.Core.Tests.Network;

public class FusedNetworkTests
{
    private static Dataset Sample() => Build([
        Post("o1", "src", 0, text: "original"),
        Post("r1", "a", 100, repostOf: "o1", hashtags: ["x"]),
        Post("r2", "b", 110, repostOf: "o1", hashtags: ["X"]),
        Post("r3", "c", 115, repostOf: "o1"),
        Post("h1", "a", 500, hashtags: ["y"]),
        Post("h2", "b", 505, hashtags: ["y"]),
        Post("h3", "d", 900, hashtags: ["z"]),
        Post("h4", "e", 901, hashtags: ["z"]),
    ]);

    // The sample's repost and hashtag layers (60 s window).
    private static (CoShareNetwork Repost, CoShareNetwork Hashtag) SampleLayers()
    {
        var ds = Sample();
        var window = new CoShareOptions { WindowMicros = 60 * Time.MicrosPerSecond };
        return (CoShareBuilder.Build(ShareExtractor.Extract(ds, Modality.Repost), window), CoShareBuilder.Build(ShareExtractor.Extract(ds, Modality.Hashtag), window));
    }

    // The sample's repost and hashtag layers, fused.
    private static FusedNetwork SampleNetwork()
    {
        var (repost, hashtag) = SampleLayers();
        return FusedNetwork.Combine([repost, hashtag]);
    }

    [Fact]
    public void Fused_edges_keep_each_modalitys_weights_and_project_to_quikgraph()
    {
        var (repost, hashtag) = SampleLayers();
        var fused = FusedNetwork.Combine([repost, hashtag]);
        // a-b: repost (1 pair) + hashtag x and y (2 pairs); a-c, b-c: repost; d-e: hashtag
        Assert.Equal(4, fused.EdgeCount);
        var keep = new EdgeThreshold(2, false, ThresholdComparison.GreaterOrEqual).Apply(fused.Weights(EdgeWeight.Pairs), out _);
        var graph = NetworkProjection.Project(fused, keep, EdgeWeight.Pairs);
        Assert.Equal(2, graph.VertexCount); // isolated accounts dropped
        var edge = Assert.Single(graph.Edges);
        Assert.Equal(("a", "b"), (edge.SourceId, edge.TargetId));
        Assert.Equal(3, edge.Weight);
        Assert.Equal(["repost", "hashtag"], edge.Layers.Select(l => l.Modality));
        var h = edge.Layers[1];
        Assert.Equal(2, h.Pairs);
        Assert.Equal(2, h.Objects);
        Assert.Equal(7.5, h.MeanDeltaSeconds);
        Assert.Equal(2, h.TopObjects.Count);
        Assert.Contains(h.TopObjects, t => t.ObjectId == "y" && t.PostA == "h1" && t.PostB == "h2" && t.DeltaSeconds == 5);
    }

    [Fact]
    public void One_layer_fuses_to_the_same_network_as_the_general_union()
    {
        var (_, hashtag) = SampleLayers();
        var empty = hashtag.Where(new bool[hashtag.EdgeCount]);
        var single = FusedNetwork.Combine([hashtag]);
        var general = FusedNetwork.Combine([hashtag, empty]);
        Assert.Equal(general.AccountA, single.AccountA);
        Assert.Equal(general.AccountB, single.AccountB);
        for (int e = 0; e < single.EdgeCount; e++)
        {
            Assert.Equal(general.LayerEdge(e, 0), single.LayerEdge(e, 0));
            Assert.Equal(-1, general.LayerEdge(e, 1));
        }
    }

    [Fact]
    public void Each_fused_edge_lists_only_the_layers_it_is_in_in_layer_order()
    {
        var (repost, hashtag) = SampleLayers();
        foreach (var fused in new[] { FusedNetwork.Combine([repost, hashtag]), FusedNetwork.Combine([hashtag.Select([.. Enumerable.Range(0, hashtag.EdgeCount).Reverse()]), repost]) })
        {
            Assert.Equal(fused.EdgeCount + 1, fused.EntryStart.Length);
            Assert.Equal(repost.EdgeCount + hashtag.EdgeCount, fused.EntryStart[^1]);
            for (int e = 0; e < fused.EdgeCount; e++)
            {
                var present = new List<int>();
                for (int l = 0; l < 2; l++) if (fused.LayerEdge(e, l) >= 0) present.Add(l);
                var listed = new List<int>();
                for (int k = fused.EntryStart[e]; k < fused.EntryStart[e + 1]; k++)
                {
                    listed.Add(fused.EntryLayer[k]);
                    Assert.Equal(fused.LayerEdge(e, fused.EntryLayer[k]), fused.EntryEdge[k]);
                }
                Assert.NotEmpty(listed);
                Assert.Equal(present, listed);
            }
        }
        // a-b is in both layers; d-e only in the hashtag layer
        var both = FusedNetwork.Combine([repost, hashtag]);
        int ab = Enumerable.Range(0, both.EdgeCount).Single(e => (both.AccountName(both.AccountA[e]), both.AccountName(both.AccountB[e])) is ("a", "b") or ("b", "a"));
        Assert.Equal(2, both.EntryStart[ab + 1] - both.EntryStart[ab]);
        int de = Enumerable.Range(0, both.EdgeCount).Single(e => (both.AccountName(both.AccountA[e]), both.AccountName(both.AccountB[e])) is ("d", "e") or ("e", "d"));
        Assert.Equal(-1, both.LayerEdge(de, 0));
        Assert.Equal(1, both.EntryStart[de + 1] - both.EntryStart[de]);
    }

    [Fact]
    public void A_pair_listed_twice_in_one_layer_keeps_its_last_edge_once()
    {
        var (_, hashtag) = SampleLayers();
        Assert.True(hashtag.EdgeCount >= 2);
        // edge 0 twice: the general (sorting) path, where a layer's later copy of a pair replaces the earlier one
        var twice = hashtag.Select([0, .. Enumerable.Range(0, hashtag.EdgeCount)]);
        var fused = FusedNetwork.Combine([twice]);
        Assert.Equal(hashtag.EdgeCount, fused.EdgeCount);
        Assert.Equal(hashtag.EdgeCount, fused.EntryStart[^1]);
        Assert.Equal(1, fused.LayerEdge(0, 0));
        for (int e = 1; e < fused.EdgeCount; e++) Assert.Equal(e + 1, fused.LayerEdge(e, 0));
    }

    [Fact]
    public async Task Layers_in_edge_order_are_merged_to_the_same_network_as_layers_in_any_order_are_sorted()
    {
        var ds = await ParquetDatasetReader.ReadAsync(Path.Combine(SharedData.RepoRoot, "data", "sample"));
        var window = new CoShareOptions { WindowMicros = 300 * Time.MicrosPerSecond };
        var layers = new[] { Modality.Repost, Modality.Hashtag, Modality.Url, Modality.Reply }
            .Select(m => CoShareBuilder.Build(ShareExtractor.Extract(ds, m), window)).ToArray();
        Assert.True(layers.Count(l => l.EdgeCount > 0) >= 3);
        var merged = FusedNetwork.Combine(layers, threads: 1);
        // two threads merge two ranges of the lower account, split at the largest layer's median: the same network
        foreach (var set in new[] { layers, layers.Append(layers[0].Where(new bool[layers[0].EdgeCount])).ToArray() })
        {
            var one = FusedNetwork.Combine(set, threads: 1);
            var two = FusedNetwork.Combine(set, threads: 2);
            Assert.Equal(one.AccountA, two.AccountA);
            Assert.Equal(one.AccountB, two.AccountB);
            Assert.Equal(one.EntryStart, two.EntryStart);
            Assert.Equal(one.EntryLayer, two.EntryLayer);
            Assert.Equal(one.EntryEdge, two.EntryEdge);
        }
        // the same layers with their edges reversed must take the sorting path and give the same fused network,
        // layer edge indices translated back
        var reversed = layers.Select(l => l.Select(Enumerable.Range(0, l.EdgeCount).Reverse().ToArray())).ToArray();
        var sorted = FusedNetwork.Combine(reversed);
        Assert.Equal(merged.AccountA, sorted.AccountA);
        Assert.Equal(merged.AccountB, sorted.AccountB);
        for (int e = 0; e < merged.EdgeCount; e++)
            for (int l = 0; l < layers.Length; l++)
            {
                int le = sorted.LayerEdge(e, l);
                Assert.Equal(merged.LayerEdge(e, l), le < 0 ? -1 : layers[l].EdgeCount - 1 - le);
            }
        // and the fused graph's adjacency comes out sorted without a sort (edges in (a, b) order), as with one
        var w = merged.Weights(EdgeWeight.Evidence);
        var graph = NetDetect.Core.Communities.WeightedGraph.FromEdges(ds.Accounts.Count, merged.AccountA, merged.AccountB, w);
        var shuffled = Enumerable.Range(0, merged.EdgeCount).Reverse().ToArray();
        var other = NetDetect.Core.Communities.WeightedGraph.FromEdges(ds.Accounts.Count, shuffled.Select(i => merged.AccountA[i]).ToArray(),
            shuffled.Select(i => merged.AccountB[i]).ToArray(), shuffled.Select(i => w[i]).ToArray());
        Assert.Equal(other.Offsets, graph.Offsets);
        Assert.Equal(other.Neighbors, graph.Neighbors);
        Assert.Equal(other.Weights, graph.Weights);
        // two threads, each filling half of the nodes' lists in edge order: the same graph, sorted input or not
        var twoThreads = NetDetect.Core.Communities.WeightedGraph.FromEdges(ds.Accounts.Count, merged.AccountA, merged.AccountB, w, double.NegativeInfinity, threads: 2);
        var twoShuffled = NetDetect.Core.Communities.WeightedGraph.FromEdges(ds.Accounts.Count, shuffled.Select(i => merged.AccountA[i]).ToArray(),
            shuffled.Select(i => merged.AccountB[i]).ToArray(), shuffled.Select(i => w[i]).ToArray(), double.NegativeInfinity, threads: 2);
        foreach (var g in new[] { twoThreads, twoShuffled })
        {
            Assert.Equal(graph.Offsets, g.Offsets);
            Assert.Equal(graph.Neighbors, g.Neighbors);
            Assert.Equal(graph.Weights, g.Weights);
        }
        // edges given twice (in order, so every list stays ascending but not strictly): merged as by one thread
        var twice = Enumerable.Range(0, merged.EdgeCount).SelectMany(i => i % 3 == 0 ? new[] { i, i } : new[] { i }).ToArray();
        var oneDup = NetDetect.Core.Communities.WeightedGraph.FromEdges(ds.Accounts.Count, twice.Select(i => merged.AccountA[i]).ToArray(),
            twice.Select(i => merged.AccountB[i]).ToArray(), twice.Select(i => w[i]).ToArray());
        var twoDup = NetDetect.Core.Communities.WeightedGraph.FromEdges(ds.Accounts.Count, twice.Select(i => merged.AccountA[i]).ToArray(),
            twice.Select(i => merged.AccountB[i]).ToArray(), twice.Select(i => w[i]).ToArray(), double.NegativeInfinity, threads: 2);
        Assert.Equal(graph.Neighbors, twoDup.Neighbors);
        Assert.Equal(oneDup.Offsets, twoDup.Offsets);
        Assert.Equal(oneDup.Weights, twoDup.Weights);
        Assert.NotEqual(graph.Weights, twoDup.Weights);
    }

    [Fact]
    public void Projected_edges_are_views_of_the_fused_edges_in_edge_order()
    {
        var fused = SampleNetwork();
        var graph = NetworkProjection.Project(fused, null, EdgeWeight.Evidence);
        Assert.Equal(Enumerable.Range(0, fused.EdgeCount), graph.Edges.Select(e => e.Edge));
        foreach (var e in graph.Edges)
        {
            Assert.Equal((fused.AccountA[e.Edge], fused.AccountB[e.Edge]), (e.Source, e.Target));
            Assert.Equal(e.Layers.Sum(l => l.Pairs), e.Pairs);
            Assert.Equal(e.Layers.Sum(l => l.Objects), e.Objects);
            Assert.Equal(e.Layers.Sum(l => l.Evidence), e.Evidence, 12);
            Assert.Equal(e.Weight, e.Evidence, 12);
            Assert.Equal(e.Layers.Sum(l => l.MeanDeltaSeconds * l.Pairs) / e.Pairs, e.MeanDeltaSeconds, 12);
            Assert.Equal(string.Join(',', e.Layers.Select(l => l.Modality)), e.ModalityNames);
        }
        Assert.Contains(graph.Edges, e => e.ModalityNames.Contains(','));
    }

    [Fact]
    public void Summaries_from_the_network_columns_equal_those_of_the_projected_graph()
    {
        var fused = SampleNetwork();
        var graph = NetworkProjection.Project(fused, null, EdgeWeight.Pairs);
        var membership = NetworkProjection.Components(graph, out _);
        var clusterOf = Enumerable.Repeat(-1, fused.AccountCount).ToArray();
        foreach (var (v, c) in membership) clusterOf[v] = c;
        var fromGraph = ClusterSummarizer.Summarize(graph, membership);
        var fromColumns = ClusterSummarizer.Summarize(fused, Enumerable.Range(0, fused.EdgeCount).ToArray(), clusterOf);
        Assert.Equal(fromGraph.Count, fromColumns.Count);
        for (int i = 0; i < fromGraph.Count; i++)
        {
            Assert.Equal(fromGraph[i].Members, fromColumns[i].Members);
            Assert.Equal((fromGraph[i].Id, fromGraph[i].Edges, fromGraph[i].Density, fromGraph[i].FirstShare, fromGraph[i].LastShare),
                (fromColumns[i].Id, fromColumns[i].Edges, fromColumns[i].Density, fromColumns[i].FirstShare, fromColumns[i].LastShare));
            Assert.Equal(fromGraph[i].Modalities, fromColumns[i].Modalities);
            Assert.Equal(fromGraph[i].TopObjects, fromColumns[i].TopObjects);
        }
    }

    [Fact]
    public void Cluster_summaries_describe_components()
    {
        var fused = SampleNetwork();
        var graph = NetworkProjection.Project(fused, null, EdgeWeight.Pairs);
        var membership = NetworkProjection.Components(graph, out int count);
        Assert.Equal(2, count);
        var clusters = ClusterSummarizer.Summarize(graph, membership);
        var big = clusters[0];
        Assert.Equal(["a", "b", "c"], big.Members);
        Assert.Equal(1.0, big.Density);
        Assert.Equal(3, big.Modalities["repost"].Edges);
        Assert.Equal(1, big.Modalities["hashtag"].Edges);
        Assert.Equal(Time.ToDateTime(100 * Time.MicrosPerSecond), big.FirstShare);
        Assert.Equal(Time.ToDateTime(505 * Time.MicrosPerSecond), big.LastShare);
        Assert.Equal("o1", big.TopObjects[0].ObjectId); // on all three edges
        Assert.Equal(3, big.TopObjects[0].Edges);
        Assert.Equal(["d", "e"], clusters[1].Members);
    }
}
