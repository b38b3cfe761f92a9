using NetDetect.Core.Data;
using QuikGraph;

namespace NetDetect.Core.Network;

/// <summary>How much of a cluster's co-activity one modality carries.</summary>
public sealed record ModalityBreakdown(int Edges, long Pairs, int Objects, double Evidence);

/// <summary>An object the cluster's accounts co-shared, with one example pair of posts an analyst can open.</summary>
public sealed record ClusterObject(string Modality, string ObjectId, int Edges, double Idf, string ExamplePostA, string ExamplePostB, double DeltaSeconds);

/// <summary>What an analyst reads first about a cluster of accounts.</summary>
public sealed record ClusterSummary(
    int Id,
    IReadOnlyList<string> Members,
    int Size,
    int Edges,
    double Density,
    IReadOnlyDictionary<string, ModalityBreakdown> Modalities,
    DateTime? FirstShare,
    DateTime? LastShare,
    IReadOnlyList<ClusterObject> TopObjects);

/// <summary>Summarises the clusters (components or communities) of a projected network.</summary>
public static class ClusterSummarizer
{
    /// <summary>
    /// One summary per cluster id in <paramref name="membership"/> (vertex → cluster), largest first, ties by id.
    /// Density is edges / (n(n−1)/2) inside the cluster; top objects rank by how many of the cluster's edges
    /// carry them as evidence, then by idf.
    /// </summary>
    public static IReadOnlyList<ClusterSummary> Summarize(UndirectedGraph<int, NetworkEdge> graph, IReadOnlyDictionary<int, int> membership, int topObjects = 5)
    {
        var members = new SortedDictionary<int, List<(int Vertex, string Name)>>();
        var names = new Dictionary<int, string>();
        foreach (var e in graph.Edges)
        {
            names[e.Source] = e.SourceId;
            names[e.Target] = e.TargetId;
        }
        foreach (int v in graph.Vertices)
        {
            if (!membership.TryGetValue(v, out int c)) continue;
            if (!members.TryGetValue(c, out var list)) members[c] = list = [];
            list.Add((v, names.GetValueOrDefault(v, v.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
        var edgesOf = new Dictionary<int, List<NetworkEdge>>();
        foreach (var e in graph.Edges)
        {
            if (!membership.TryGetValue(e.Source, out int c) || !membership.TryGetValue(e.Target, out int d) || c != d) continue;
            if (!edgesOf.TryGetValue(c, out var list)) edgesOf[c] = list = [];
            list.Add(e);
        }
        var result = new List<ClusterSummary>();
        foreach (var (id, list) in members)
        {
            var edges = edgesOf.GetValueOrDefault(id) ?? [];
            int n = list.Count;
            double density = n < 2 ? 0 : edges.Count / (n * (n - 1) / 2.0);
            var modalities = new SortedDictionary<string, ModalityBreakdown>(StringComparer.Ordinal);
            var objects = new Dictionary<(string, string), (int Edges, EvidenceItem Example)>();
            DateTime? first = null, last = null;
            foreach (var e in edges)
            {
                foreach (var l in e.Layers)
                {
                    var m = modalities.GetValueOrDefault(l.Modality) ?? new ModalityBreakdown(0, 0, 0, 0);
                    modalities[l.Modality] = new ModalityBreakdown(m.Edges + 1, m.Pairs + l.Pairs, m.Objects + l.Objects, m.Evidence + l.Evidence);
                    if (first is null || l.FirstShare < first) first = l.FirstShare;
                    if (last is null || l.LastShare > last) last = l.LastShare;
                    foreach (var item in l.TopObjects)
                    {
                        var key = (item.Modality, item.ObjectId);
                        objects[key] = objects.TryGetValue(key, out var seen) ? (seen.Edges + 1, seen.Example) : (1, item);
                    }
                }
            }
            var top = objects
                .OrderByDescending(o => o.Value.Edges).ThenByDescending(o => o.Value.Example.Idf).ThenBy(o => o.Key.Item1, StringComparer.Ordinal).ThenBy(o => o.Key.Item2, StringComparer.Ordinal)
                .Take(topObjects)
                .Select(o => new ClusterObject(o.Key.Item1, o.Key.Item2, o.Value.Edges, o.Value.Example.Idf, o.Value.Example.PostA, o.Value.Example.PostB, o.Value.Example.DeltaSeconds))
                .ToArray();
            result.Add(new ClusterSummary(id, list.Select(x => x.Name).OrderBy(x => x, StringComparer.Ordinal).ToArray(), n, edges.Count, density, modalities, first, last, top));
        }
        return result.OrderByDescending(c => c.Size).ThenBy(c => c.Id).ToArray();
    }
    /// <summary>
    /// The same summaries read straight from the fused network's columns, without a projected edge object: one per
    /// cluster id in <paramref name="clusterOf"/> (account → cluster, −1 for accounts outside every cluster), over
    /// the <paramref name="edges"/> (fused edge indices, ascending) whose two accounts share a cluster. A top
    /// object's example posts are those of the first edge, in edge order, that carries it.
    /// </summary>
    public static IReadOnlyList<ClusterSummary> Summarize(FusedNetwork network, ReadOnlySpan<int> edges, int[] clusterOf, int topObjects = 5)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(clusterOf);
        var members = new SortedDictionary<int, List<int>>();
        for (int v = 0; v < clusterOf.Length; v++)
        {
            int c = clusterOf[v];
            if (c < 0) continue;
            if (!members.TryGetValue(c, out var list)) members[c] = list = [];
            list.Add(v);
        }
        var edgesOf = new Dictionary<int, List<int>>();
        foreach (int e in edges)
        {
            int c = clusterOf[network.AccountA[e]];
            if (c < 0 || c != clusterOf[network.AccountB[e]]) continue;
            if (!edgesOf.TryGetValue(c, out var list)) edgesOf[c] = list = [];
            list.Add(e);
        }
        var scratch = new ObjectTally(network);
        var result = new List<ClusterSummary>(members.Count);
        foreach (var (id, list) in members)
            result.Add(Summarize(network, id, list, edgesOf.GetValueOrDefault(id) ?? [], topObjects, scratch));
        result.Sort((x, y) => x.Size != y.Size ? y.Size.CompareTo(x.Size) : x.Id.CompareTo(y.Id));
        return result;
    }

    // Per (layer, object) of the whole network: how many of the current cluster's edges carry it as evidence and where
    // its first example sits (index into the layer's TopItems). Dense arrays instead of a dictionary per cluster; the
    // entries a cluster touched are cleared after it.
    private sealed class ObjectTally
    {
        public readonly int[] Base;
        public readonly int[] Count;
        public readonly int[] Example;
        /// <summary>The entries the current cluster counted, with their layer.</summary>
        public readonly List<(int Entry, int Layer)> Touched = [];

        public ObjectTally(FusedNetwork net)
        {
            Base = new int[net.Layers.Count + 1];
            for (int l = 0; l < net.Layers.Count; l++) Base[l + 1] = checked(Base[l] + net.Layers[l].Shares.ObjectCount);
            Count = new int[Base[^1]];
            Example = new int[Base[^1]];
        }
    }

    private static ClusterSummary Summarize(FusedNetwork net, int id, List<int> vertices, List<int> edges, int topObjects, ObjectTally tally)
    {
        var layerList = net.Layers.ToArray();
        int layers = layerList.Length;
        var edgeCount = new int[layers];
        var pairs = new long[layers];
        var objectsSum = new int[layers];
        var evidence = new double[layers];
        long first = long.MaxValue, last = long.MinValue;
        var entryStart = net.EntryStart;
        var entryLayer = net.EntryLayer;
        var entryEdge = net.EntryEdge;
        var count = tally.Count;
        var example = tally.Example;
        var touched = tally.Touched;
        foreach (int e in edges)
        {
            for (int k = entryStart[e], stop = entryStart[e + 1]; k < stop; k++)
            {
                int l = entryLayer[k], le = entryEdge[k];
                var layer = layerList[l];
                edgeCount[l]++;
                pairs[l] += layer.Pairs[le];
                objectsSum[l] += layer.Objects[le];
                evidence[l] += layer.Evidence[le];
                first = Math.Min(first, layer.FirstTime[le]);
                last = Math.Max(last, layer.LastTime[le]);
                int objectBase = tally.Base[l];
                int t0 = layer.TopOffsets[le];
                var items = layer.TopObjects(le);
                for (int i = 0; i < items.Length; i++)
                {
                    int g = objectBase + items.ObjectAt(i);
                    if (count[g]++ == 0)
                    {
                        example[g] = t0 + i;
                        touched.Add((g, l));
                    }
                }
            }
        }
        var modalities = new SortedDictionary<string, ModalityBreakdown>(StringComparer.Ordinal);
        for (int l = 0; l < layers; l++)
            if (edgeCount[l] > 0) modalities[net.Layers[l].Modality.Name()] = new ModalityBreakdown(edgeCount[l], pairs[l], objectsSum[l], evidence[l]);
        // the best topObjects by (edges desc, idf desc, modality, object id): a bounded insertion, so names are
        // resolved only for the ties that reach them, not for every object a giant cluster shared
        int Compare((int Layer, int Object, int Edges, SharedObjectEvidence Example) x, (int Layer, int Object, int Edges, SharedObjectEvidence Example) y)
        {
            int c = y.Edges.CompareTo(x.Edges);
            if (c == 0) c = net.Layers[y.Layer].Idf(y.Example).CompareTo(net.Layers[x.Layer].Idf(x.Example));
            if (c == 0) c = string.CompareOrdinal(net.Layers[x.Layer].Modality.Name(), net.Layers[y.Layer].Modality.Name());
            if (c == 0) c = string.CompareOrdinal(net.Layers[x.Layer].Shares.ObjectName(x.Object), net.Layers[y.Layer].Shares.ObjectName(y.Object));
            return c;
        }
        var best = new List<(int Layer, int Object, int Edges, SharedObjectEvidence Example)>(topObjects + 1);
        foreach (var (g, l) in touched)
        {
            // every touched entry is cleared for the next cluster; the ranking does not depend on their order
            int edgesCarrying = count[g];
            count[g] = 0;
            if (topObjects <= 0) continue;
            var candidate = (l, g - tally.Base[l], edgesCarrying, layerList[l].TopItems[example[g]]);
            if (best.Count == topObjects && Compare(candidate, best[^1]) >= 0) continue;
            int at = best.Count;
            while (at > 0 && Compare(candidate, best[at - 1]) < 0) at--;
            best.Insert(at, candidate);
            if (best.Count > topObjects) best.RemoveAt(best.Count - 1);
        }
        touched.Clear();
        var top = new List<ClusterObject>(best.Count);
        foreach (var r in best)
        {
            var shares = net.Layers[r.Layer].Shares;
            top.Add(new ClusterObject(net.Layers[r.Layer].Modality.Name(), shares.ObjectName(r.Object), r.Edges, net.Layers[r.Layer].Idf(r.Example),
                shares.PostName(r.Example.PostA), shares.PostName(r.Example.PostB), r.Example.DeltaMicros / (double)Time.MicrosPerSecond));
        }
        var names = new string[vertices.Count];
        for (int i = 0; i < names.Length; i++) names[i] = net.AccountName(vertices[i]);
        Array.Sort(names, StringComparer.Ordinal);
        int n = vertices.Count;
        double density = n < 2 ? 0 : edges.Count / (n * (n - 1) / 2.0);
        return new ClusterSummary(id, names, n, edges.Count, density, modalities,
            edges.Count == 0 ? null : Time.ToDateTime(first), edges.Count == 0 ? null : Time.ToDateTime(last), top);
    }
}
