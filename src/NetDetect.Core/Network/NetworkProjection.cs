using NetDetect.Core.Data;
using QuikGraph;
using QuikGraph.Algorithms.ConnectedComponents;

namespace NetDetect.Core.Network;

/// <summary>One shared object kept as evidence on an edge, resolved to the ids an analyst opens.</summary>
public sealed record EvidenceItem(string Modality, string ObjectId, string PostA, string PostB, double DeltaSeconds, double Idf);

/// <summary>The spec's weights of one modality on one edge.</summary>
public sealed record LayerWeights(
    string Modality, long Pairs, int Objects, int PostsA, int PostsB, double MeanDeltaSeconds, double Evidence,
    DateTime FirstShare, DateTime LastShare, IReadOnlyList<EvidenceItem> TopObjects, double? Similarity = null);

/// <summary>An edge of the projected network: the account pair, the weight it was thresholded on, and every modality's weights.</summary>
public sealed class NetworkEdge(int source, int target, string sourceId, string targetId, double weight, IReadOnlyList<LayerWeights> layers) : IEdge<int>
{
    /// <summary>The lower account index (post A in the evidence is this account's).</summary>
    public int Source { get; } = source;
    public int Target { get; } = target;
    public string SourceId { get; } = sourceId;
    public string TargetId { get; } = targetId;
    public double Weight { get; } = weight;
    public IReadOnlyList<LayerWeights> Layers { get; } = layers;

    public long Pairs => Layers.Sum(l => l.Pairs);
    public int Objects => Layers.Sum(l => l.Objects);
    public double Evidence => Layers.Sum(l => l.Evidence);
    public double MeanDeltaSeconds
    {
        get
        {
            long p = Pairs;
            return p == 0 ? 0 : Layers.Sum(l => l.MeanDeltaSeconds * l.Pairs) / p;
        }
    }
}

/// <summary>Projects the thresholded fused network to a QuikGraph graph: accounts as vertices, isolated accounts dropped.</summary>
public static class NetworkProjection
{
    /// <summary>The edges with <paramref name="keep"/> true (all when null), weighted by <paramref name="weight"/>.</summary>
    public static UndirectedGraph<int, NetworkEdge> Project(FusedNetwork network, bool[]? keep, EdgeWeight weight)
    {
        // the fused network holds each account pair once, so QuikGraph's duplicate-edge scan (a walk over the
        // source's adjacency list per added edge, quadratic around hub accounts) would find nothing: skip it
        var graph = new UndirectedGraph<int, NetworkEdge>(allowParallelEdges: true);
        for (int e = 0; e < network.EdgeCount; e++)
        {
            if (keep is not null && !keep[e]) continue;
            int a = network.AccountA[e], b = network.AccountB[e];
            graph.AddVerticesAndEdge(new NetworkEdge(a, b, network.AccountName(a), network.AccountName(b), network.Weight(e, weight), Layers(network, e)));
        }
        return graph;
    }

    private static LayerWeights[] Layers(FusedNetwork network, int e)
    {
        var result = new List<LayerWeights>();
        for (int l = 0; l < network.Layers.Count; l++)
        {
            int le = network.LayerEdge(e, l);
            if (le < 0) continue;
            var n = network.Layers[l];
            var s = n.Shares;
            string modality = n.Modality.Name();
            var top = n.TopObjects(le);
            var items = new EvidenceItem[top.Length];
            for (int k = 0; k < top.Length; k++)
                items[k] = new EvidenceItem(modality, s.ObjectName(top[k].Object), s.PostName(top[k].PostA), s.PostName(top[k].PostB),
                    top[k].DeltaMicros / (double)Time.MicrosPerSecond, top[k].Idf);
            result.Add(new LayerWeights(modality, n.Pairs[le], n.Objects[le], n.PostsA[le], n.PostsB[le], n.MeanDeltaSeconds(le), n.Evidence[le],
                Time.ToDateTime(n.FirstTime[le]), Time.ToDateTime(n.LastTime[le]), items, n.Similarity?[le]));
        }
        return result.ToArray();
    }

    /// <summary>Connected components (QuikGraph): vertex → component number, numbered in vertex order.</summary>
    public static IReadOnlyDictionary<int, int> Components(UndirectedGraph<int, NetworkEdge> graph, out int count)
    {
        var algorithm = new ConnectedComponentsAlgorithm<int, NetworkEdge>(graph);
        algorithm.Compute();
        count = algorithm.ComponentCount;
        return new Dictionary<int, int>(algorithm.Components);
    }
}
