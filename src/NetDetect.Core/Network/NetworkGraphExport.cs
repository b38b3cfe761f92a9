using System.Globalization;
using NetDetect.Core.Data;
using NetDetect.Core.Export;

namespace NetDetect.Core.Network;

/// <summary>
/// Turns a <see cref="NetworkReport"/>'s flagged network into a <see cref="GraphExport"/> for GEXF, GraphML and
/// Gephi CSV: one node per flagged account, one edge per flagged edge with every weight it carries, and the
/// report's parameters.
/// </summary>
public static class NetworkGraphExport
{
    /// <summary>Name of the parameter added to the report's own, saying what the exported graph holds.</summary>
    public const string ContentParameter = "export_content";

    /// <summary>
    /// The flagged network of <paramref name="report"/> (edges that passed the threshold, isolated accounts
    /// dropped), its accounts resolved in <paramref name="dataset"/>. In QUT mode the kept directed edges are
    /// exported as a directed graph (self-loops included when the run asked for them).
    /// </summary>
    public static GraphExport From(NetworkReport report, Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(dataset);
        bool directed = report.DirectedEdges is not null;

        // Undirected edges in (A, B) order; QUT's directed edges in the order the mode kept them.
        var pairEdges = new Dictionary<(int, int), NetworkEdge>(report.FlaggedGraph.EdgeCount);
        foreach (var e in report.FlaggedGraph.Edges) pairEdges[(Math.Min(e.Source, e.Target), Math.Max(e.Source, e.Target))] = e;
        int m;
        int[] from, to;
        double[] weight;
        if (directed)
        {
            var kept = report.DirectedEdges!;
            m = kept.Count;
            from = new int[m];
            to = new int[m];
            weight = new double[m];
            for (int e = 0; e < m; e++) { from[e] = kept[e].From; to[e] = kept[e].To; weight[e] = kept[e].Weight; }
        }
        else
        {
            var edges = report.FlaggedGraph.Edges.ToArray();
            Array.Sort(edges, (x, y) => x.Source != y.Source ? x.Source.CompareTo(y.Source) : x.Target.CompareTo(y.Target));
            m = edges.Length;
            from = new int[m];
            to = new int[m];
            weight = new double[m];
            for (int e = 0; e < m; e++) { from[e] = edges[e].Source; to[e] = edges[e].Target; weight[e] = edges[e].Weight; }
        }

        // Nodes: every account on an exported edge, in account order.
        var seen = new bool[dataset.Accounts.Count];
        int n = 0;
        for (int e = 0; e < m; e++)
        {
            if (!seen[from[e]]) { seen[from[e]] = true; n++; }
            if (!seen[to[e]]) { seen[to[e]] = true; n++; }
        }
        var accounts = new int[n];
        var index = new int[seen.Length];
        for (int a = 0, k = 0; a < seen.Length; a++)
        {
            index[a] = -1;
            if (seen[a]) { index[a] = k; accounts[k++] = a; }
        }
        var sources = new int[m];
        var targets = new int[m];
        for (int e = 0; e < m; e++) { sources[e] = index[from[e]]; targets[e] = index[to[e]]; }

        return new GraphExport
        {
            NodeIds = Ids(dataset, accounts),
            NodeLabels = Column(n, i => Blank(dataset.Accounts.ScreenName[accounts[i]])),
            NodeAttributes = NodeColumns(report, dataset, accounts, sources, targets, weight, directed),
            EdgeSources = sources,
            EdgeTargets = targets,
            EdgeWeights = weight,
            EdgeAttributes = EdgeColumns(report, pairEdges, from, to, weight, directed),
            Parameters = Parameters(report, directed),
            Directed = directed,
        };
    }

    private static List<AttributeColumn> NodeColumns(NetworkReport report, Dataset dataset, int[] accounts, int[] sources, int[] targets, double[] weight, bool directed)
    {
        int n = accounts.Length;
        var cluster = new long[n];
        var outDegree = new long[n];
        var inDegree = new long[n];
        var strength = new double[n];
        for (int i = 0; i < n; i++) cluster[i] = report.Clusters.TryGetValue(accounts[i], out int c) ? c : -1;
        for (int e = 0; e < sources.Length; e++)
        {
            outDegree[sources[e]]++;
            inDegree[targets[e]]++;
            strength[sources[e]] += weight[e];
            strength[targets[e]] += weight[e];
        }
        var degree = new long[n];
        for (int i = 0; i < n; i++) degree[i] = outDegree[i] + inDegree[i];
        var columns = new List<AttributeColumn>
        {
            AttributeColumn.String("screen_name", Column(n, i => Blank(dataset.Accounts.ScreenName[accounts[i]]))),
            AttributeColumn.String("display_name", Column(n, i => Blank(dataset.Accounts.DisplayName[accounts[i]]))),
            AttributeColumn.String("dataset_label", Column(n, i => Blank(dataset.Accounts.Label[accounts[i]]))),
            // -1: a QUT account whose only kept edge is its own self-loop, so no cluster of the undirected graph holds it
            AttributeColumn.Integer("cluster_id", cluster),
            AttributeColumn.Integer("degree", degree),
            AttributeColumn.Double("weighted_degree", strength),
        };
        if (directed)
        {
            columns.Add(AttributeColumn.Integer("in_degree", inDegree));
            columns.Add(AttributeColumn.Integer("out_degree", outDegree));
        }
        return columns;
    }

    /// <summary>One edge's per-modality weights, oriented so that "a" is the exported edge's source.</summary>
    private sealed class Sums(int m)
    {
        public readonly long[] Pairs = new long[m];
        public readonly long[] Objects = new long[m];
        public readonly long[] PostsA = new long[m];
        public readonly long[] PostsB = new long[m];
        public readonly double[] MeanDelta = new double[m];
        public readonly double[] Evidence = new double[m];
        public readonly double[] Similarity = FillNaN(m);
        public bool AnySimilarity;

        private static double[] FillNaN(int m)
        {
            var a = new double[m];
            Array.Fill(a, double.NaN);
            return a;
        }

        public void Add(int e, LayerWeights w, bool swap)
        {
            Pairs[e] += w.Pairs;
            Objects[e] += w.Objects;
            PostsA[e] += swap ? w.PostsB : w.PostsA;
            PostsB[e] += swap ? w.PostsA : w.PostsB;
            // accumulated pair-weighted, divided once all layers are in
            MeanDelta[e] += w.MeanDeltaSeconds * w.Pairs;
            Evidence[e] += w.Evidence;
            if (w.Similarity is { } s) { Similarity[e] = s; AnySimilarity = true; }
        }

        public void FinishMeans()
        {
            for (int e = 0; e < Pairs.Length; e++) MeanDelta[e] = Pairs[e] == 0 ? 0 : MeanDelta[e] / Pairs[e];
        }

        public void AddColumns(List<AttributeColumn> columns, string prefix)
        {
            columns.Add(AttributeColumn.Integer(prefix + "pairs", Pairs));
            columns.Add(AttributeColumn.Integer(prefix + "objects", Objects));
            columns.Add(AttributeColumn.Integer(prefix + "posts_a", PostsA));
            columns.Add(AttributeColumn.Integer(prefix + "posts_b", PostsB));
            columns.Add(AttributeColumn.Double(prefix + "mean_delta_s", MeanDelta));
            columns.Add(AttributeColumn.Double(prefix + "evidence", Evidence));
            if (AnySimilarity) columns.Add(AttributeColumn.Double(prefix + "similarity", Similarity));
        }
    }

    private static List<AttributeColumn> EdgeColumns(NetworkReport report, Dictionary<(int, int), NetworkEdge> pairEdges, int[] from, int[] to, double[] weight, bool directed)
    {
        int m = from.Length;
        var layers = report.Network.Layers;
        var total = new Sums(m);
        var perModality = new Dictionary<string, Sums>(StringComparer.Ordinal);
        if (layers.Count > 1)
            foreach (var l in layers) perModality[l.Modality.Name()] = new Sums(m);
        var modalities = new string?[m];
        var first = new string?[m];
        var last = new string?[m];
        var selfLoop = new bool[m];
        var names = new List<string>(layers.Count);
        for (int e = 0; e < m; e++)
        {
            int a = from[e], b = to[e];
            selfLoop[e] = a == b;
            if (!pairEdges.TryGetValue((Math.Min(a, b), Math.Max(a, b)), out var edge))
            {
                // a QUT self-loop: the account matched its own posts; its directed weight is all there is
                modalities[e] = layers[0].Modality.Name();
                total.PostsA[e] = total.PostsB[e] = (long)weight[e];
                if (perModality.Count > 0) perModality[modalities[e]!].PostsA[e] = perModality[modalities[e]!].PostsB[e] = (long)weight[e];
                continue;
            }
            bool swap = edge.Source != a;
            names.Clear();
            DateTime? lo = null, hi = null;
            foreach (var w in edge.Layers)
            {
                names.Add(w.Modality);
                total.Add(e, w, swap);
                if (perModality.Count > 0) perModality[w.Modality].Add(e, w, swap);
                if (lo is null || w.FirstShare < lo) lo = w.FirstShare;
                if (hi is null || w.LastShare > hi) hi = w.LastShare;
            }
            modalities[e] = string.Join(',', names);
            first[e] = lo?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture);
            last[e] = hi?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture);
        }
        total.FinishMeans();
        foreach (var s in perModality.Values) s.FinishMeans();

        var columns = new List<AttributeColumn> { AttributeColumn.String("modality", modalities) };
        total.AddColumns(columns, "");
        foreach (var l in layers) if (perModality.TryGetValue(l.Modality.Name(), out var s)) s.AddColumns(columns, l.Modality.Name() + "_");
        columns.Add(AttributeColumn.String("first_share", first));
        columns.Add(AttributeColumn.String("last_share", last));
        if (directed) columns.Add(AttributeColumn.Boolean("self_loop", selfLoop));
        return columns;
    }

    private static Dictionary<string, string> Parameters(NetworkReport report, bool directed)
    {
        var p = new Dictionary<string, string>(report.Parameters, StringComparer.Ordinal);
        p[ContentParameter] = directed
            ? "QUT directed edges kept at or above the least weight; weight = w(source -> target), the source's distinct posts matched by the target; " +
              "pairs/objects/mean_delta_s/evidence are the account pair's undirected co-share weights; posts_a = source, posts_b = target"
            : $"flagged edges (passed edge_threshold), isolated accounts dropped; weight = {report.Parameters["edge_weight"]} summed over modalities; " +
              "posts_a = source account, posts_b = target account; per-modality columns are prefixed with the modality when several were built";
        return p;
    }

    private static string?[] Column(int n, Func<int, string?> value)
    {
        var result = new string?[n];
        for (int i = 0; i < n; i++) result[i] = value(i);
        return result;
    }

    private static string[] Ids(Dataset dataset, int[] accounts)
    {
        var result = new string[accounts.Length];
        for (int i = 0; i < accounts.Length; i++) result[i] = dataset.Accounts.Ids[accounts[i]];
        return result;
    }

    private static string? Blank(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
