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
}
