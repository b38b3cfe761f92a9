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

/// <summary>
/// An edge of the projected network: the account pair, the weight it was thresholded on, and every modality's weights.
/// It is a view of one fused edge: ids and per-modality weights are read from the network's columns when asked for,
/// so projecting millions of edges costs one small object each, not their resolved evidence.
/// </summary>
public sealed class NetworkEdge : IEdge<int>
{
    private readonly FusedNetwork _network;

    public NetworkEdge(FusedNetwork network, int edge, double weight)
    {
        ArgumentNullException.ThrowIfNull(network);
        if ((uint)edge >= (uint)network.EdgeCount) throw new ArgumentOutOfRangeException(nameof(edge));
        _network = network;
        Edge = edge;
        Weight = weight;
    }

    /// <summary>The fused network's edge index.</summary>
    public int Edge { get; }
    /// <summary>The lower account index (post A in the evidence is this account's).</summary>
    public int Source => _network.AccountA[Edge];
    public int Target => _network.AccountB[Edge];
    public string SourceId => _network.AccountName(Source);
    public string TargetId => _network.AccountName(Target);
    public double Weight { get; }

    /// <summary>Every modality's weights and evidence on this edge, resolved to ids on each access.</summary>
    public IReadOnlyList<LayerWeights> Layers => NetworkProjection.Layers(_network, Edge);

    /// <summary>The names of the modalities in <see cref="Layers"/>, comma-separated in the same order, without resolving any evidence.</summary>
    public string ModalityNames
    {
        get
        {
            var names = new List<string>(_network.Layers.Count);
            for (int l = 0; l < _network.Layers.Count; l++)
                if (_network.LayerEdge(Edge, l) >= 0) names.Add(_network.Layers[l].Modality.Name());
            return string.Join(',', names);
        }
    }

    public long Pairs => (long)_network.Weight(Edge, EdgeWeight.Pairs);
    public int Objects => (int)_network.Weight(Edge, EdgeWeight.Objects);
    public double Evidence => _network.Weight(Edge, EdgeWeight.Evidence);
    public double MeanDeltaSeconds
    {
        get
        {
            long pairs = 0, sum = 0;
            for (int l = 0; l < _network.Layers.Count; l++)
            {
                int le = _network.LayerEdge(Edge, l);
                if (le < 0) continue;
                pairs += _network.Layers[l].Pairs[le];
                sum += _network.Layers[l].SumDeltaMicros[le];
            }
            return pairs == 0 ? 0 : sum / (double)pairs / Time.MicrosPerSecond;
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
        // vertices first, ascending: the graph then enumerates its edges by source account, i.e. in edge order
        // each adjacency list is created at its final size (the graph's EdgeCapacity applies to vertices added after it is set)
        var degree = new int[network.AccountCount];
        for (int e = 0; e < network.EdgeCount; e++)
        {
            if (keep is not null && !keep[e]) continue;
            degree[network.AccountA[e]]++;
            degree[network.AccountB[e]]++;
        }
        for (int v = 0; v < degree.Length; v++)
        {
            if (degree[v] == 0) continue;
            graph.EdgeCapacity = degree[v];
            graph.AddVertex(v);
        }
        graph.EdgeCapacity = 0;
        for (int e = 0; e < network.EdgeCount; e++)
        {
            if (keep is not null && !keep[e]) continue;
            graph.AddEdge(new NetworkEdge(network, e, network.Weight(e, weight)));
        }
        return graph;
    }

    internal static LayerWeights[] Layers(FusedNetwork network, int e)
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
                    top[k].DeltaMicros / (double)Time.MicrosPerSecond, n.Idf(top[k]));
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
