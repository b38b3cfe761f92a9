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
        // clusters: communities of accounts with a flagged edge, in community id order
        var inGraph = new bool[net.AccountCount];
        foreach (int e in kept) { inGraph[net.AccountA[e]] = true; inGraph[net.AccountB[e]] = true; }
        var members = new SortedDictionary<int, List<int>>();
        for (int v = 0; v < inGraph.Length; v++)
        {
            if (!inGraph[v]) continue;
            if (!members.TryGetValue(community[v], out var list)) members[community[v]] = list = [];
            list.Add(v);
        }
        var edgesOf = new Dictionary<int, List<int>>();
        foreach (int e in kept)
        {
            int c = community[net.AccountA[e]];
            if (!edgesOf.TryGetValue(c, out var list)) edgesOf[c] = list = [];
            list.Add(e);
        }
        var summaries = new List<ClusterSummary>(members.Count);
        foreach (var (id, list) in members)
            summaries.Add(Summarize(net, id, list, edgesOf.GetValueOrDefault(id) ?? [], topObjects));
        summaries.Sort((x, y) => x.Size != y.Size ? y.Size.CompareTo(x.Size) : x.Id.CompareTo(y.Id));
        return new Result(summaries, PictureGraph(net, network.EdgeEvidence, kept, maxGraphEdges), kept.Count);
    }

    private static ClusterSummary Summarize(FusedNetwork net, int id, List<int> vertices, List<int> edges, int topObjects)
    {
        int layers = net.Layers.Count;
        var edgeCount = new int[layers];
        var pairs = new long[layers];
        var objectsSum = new int[layers];
        var evidence = new double[layers];
        long first = long.MaxValue, last = long.MinValue;
        var objects = new Dictionary<(int Layer, int Object), (int Edges, SharedObjectEvidence Example)>();
        foreach (int e in edges)
        {
            for (int l = 0; l < layers; l++)
            {
                int le = net.LayerEdge(e, l);
                if (le < 0) continue;
                var layer = net.Layers[l];
                edgeCount[l]++;
                pairs[l] += layer.Pairs[le];
                objectsSum[l] += layer.Objects[le];
                evidence[l] += layer.Evidence[le];
                first = Math.Min(first, layer.FirstTime[le]);
                last = Math.Max(last, layer.LastTime[le]);
                foreach (var item in layer.TopObjects(le))
                {
                    var key = (l, item.Object);
                    objects[key] = objects.TryGetValue(key, out var seen) ? (seen.Edges + 1, seen.Example) : (1, item);
                }
            }
        }
        var modalities = new SortedDictionary<string, ModalityBreakdown>(StringComparer.Ordinal);
        for (int l = 0; l < layers; l++)
            if (edgeCount[l] > 0) modalities[net.Layers[l].Modality.Name()] = new ModalityBreakdown(edgeCount[l], pairs[l], objectsSum[l], evidence[l]);
        var ranked = new List<(int Layer, int Object, int Edges, SharedObjectEvidence Example, string Modality, string Name)>(objects.Count);
        foreach (var ((l, o), (count, example)) in objects)
            ranked.Add((l, o, count, example, net.Layers[l].Modality.Name(), net.Layers[l].Shares.ObjectName(o)));
        ranked.Sort((x, y) =>
        {
            int c = y.Edges.CompareTo(x.Edges);
            if (c == 0) c = y.Example.Idf.CompareTo(x.Example.Idf);
            if (c == 0) c = string.CompareOrdinal(x.Modality, y.Modality);
            if (c == 0) c = string.CompareOrdinal(x.Name, y.Name);
            return c;
        });
        var top = new List<ClusterObject>(Math.Min(topObjects, ranked.Count));
        for (int k = 0; k < Math.Min(topObjects, ranked.Count); k++)
        {
            var r = ranked[k];
            var shares = net.Layers[r.Layer].Shares;
            top.Add(new ClusterObject(r.Modality, r.Name, r.Edges, r.Example.Idf, shares.PostName(r.Example.PostA), shares.PostName(r.Example.PostB),
                r.Example.DeltaMicros / (double)Time.MicrosPerSecond));
        }
        var names = new string[vertices.Count];
        for (int i = 0; i < names.Length; i++) names[i] = net.AccountName(vertices[i]);
        Array.Sort(names, StringComparer.Ordinal);
        int n = vertices.Count;
        double density = n < 2 ? 0 : edges.Count / (n * (n - 1) / 2.0);
        return new ClusterSummary(id, names, n, edges.Count, density, modalities,
            edges.Count == 0 ? null : Time.ToDateTime(first), edges.Count == 0 ? null : Time.ToDateTime(last), top);
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
