using NetDetect.Core.Data;
using NetDetect.Core.Features;
using NetDetect.Core.Network;
using QuikGraph;

namespace NetDetect.Core.Detection;

/// <summary>
/// Detection's clusters straight from the fused network's columns: flagged accounts joined by an edge inside one Leiden
/// community, summarised (size, density, per-modality weights, span, top objects) without materialising every edge
/// as an object. Only the picture graph (GEXF, report) is materialised, and it is bounded.
/// </summary>
public static class ClusterBuilder
{
    /// <summary>Up to this many flagged edges the picture graph holds them all; above, each account's strongest <see cref="EdgesPerAccount"/>.</summary>
    public const int MaxGraphEdges = 100_000;
    public const int EdgesPerAccount = 10;

    public sealed record Result(IReadOnlyList<ClusterSummary> Summaries, UndirectedGraph<int, NetworkEdge> Graph, int FlaggedEdges);

    public static Result Build(CoordinationNetwork network, bool[] isFlagged, int topObjects, int maxGraphEdges = MaxGraphEdges)
    {
        var net = network.Network;
        var community = network.Community;
        // the flagged edges, in edge order
        var kept = new List<int>();
        for (int e = 0; e < net.EdgeCount; e++)
        {
            int a = net.AccountA[e], b = net.AccountB[e];
            if (isFlagged[a] && isFlagged[b] && community[a] == community[b]) kept.Add(e);
        }
        // clusters: communities of accounts with a flagged edge
        var clusterOf = new int[net.AccountCount];
        Array.Fill(clusterOf, -1);
        foreach (int e in kept)
        {
            clusterOf[net.AccountA[e]] = community[net.AccountA[e]];
            clusterOf[net.AccountB[e]] = community[net.AccountB[e]];
        }
        var summaries = ClusterSummarizer.Summarize(net, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(kept), clusterOf, topObjects);
        return new Result(summaries, PictureGraph(net, network.EdgeEvidence, kept, maxGraphEdges), kept.Count);
    }

    // All flagged edges when few; otherwise the union of every account's strongest edges (evidence, then edge order),
    // so each member keeps its main ties while the file stays readable.
    private static UndirectedGraph<int, NetworkEdge> PictureGraph(FusedNetwork net, double[] evidence, List<int> kept, int maxGraphEdges)
    {
        IEnumerable<int> shown = kept;
        if (kept.Count > maxGraphEdges)
        {
            var byAccount = new Dictionary<int, List<int>>();
            foreach (int e in kept)
            {
                Add(net.AccountA[e], e);
                Add(net.AccountB[e], e);
            }
            void Add(int v, int e)
            {
                if (!byAccount.TryGetValue(v, out var list)) byAccount[v] = list = [];
                list.Add(e);
            }
            var keep = new HashSet<int>();
            foreach (var list in byAccount.Values)
            {
                list.Sort((x, y) => evidence[y] != evidence[x] ? evidence[y].CompareTo(evidence[x]) : x.CompareTo(y));
                for (int k = 0; k < Math.Min(EdgesPerAccount, list.Count); k++) keep.Add(list[k]);
            }
            var sorted = keep.ToArray();
            Array.Sort(sorted);
            shown = sorted;
        }
        var mask = new bool[net.EdgeCount];
        foreach (int e in shown) mask[e] = true;
        return NetworkProjection.Project(net, mask, EdgeWeight.Evidence);
    }
}
