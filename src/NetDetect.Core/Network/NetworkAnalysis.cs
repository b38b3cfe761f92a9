using System.Globalization;
using NetDetect.Core.Communities;
using NetDetect.Core.Data;
using NetDetect.Core.Diagnostics;
using QuikGraph;

namespace NetDetect.Core.Network;

/// <summary>Which peer tool's semantics a run reproduces.</summary>
public enum CompatMode
{
    None,
    CooRTweet,
    Qut,
}

/// <summary>How the flagged network is grouped.</summary>
public enum CommunityMethod
{
    Components,
    Leiden,
}

/// <summary>Everything <c>netdetect network</c> asks for; recorded verbatim in every output.</summary>
public sealed record NetworkRequest
{
    public IReadOnlyList<Modality> Modalities { get; init; } = [Modality.Repost];
    public long WindowMicros { get; init; } = 60 * Time.MicrosPerSecond;
    public int MinParticipation { get; init; } = 2;
    /// <summary>Null: the mode's default (0.5q with &gt; natively and in CooRTweet mode, 1 in QUT mode).</summary>
    public EdgeThreshold? EdgeThreshold { get; init; }
    /// <summary>The weight thresholds read in NetDetect's own mode.</summary>
    public EdgeWeight Weight { get; init; } = EdgeWeight.Pairs;
    public CompatMode Compat { get; init; }
    public CommunityMethod Communities { get; init; } = CommunityMethod.Components;
    public long Seed { get; init; }
    public double Resolution { get; init; } = 1.0;
    public bool SelfLoops { get; init; }
    public bool ForceWindow { get; init; }
    /// <summary>
    /// Crowd cap, 0 = none (the default: every in-window pair, as the spec defines them). When set, an object shared
    /// more than this many times within one window is left out of its modality (<see cref="CrowdFilter"/>), as
    /// detection does: a viral object's crowd makes pairs quadratically (7,000 sharers in five minutes are 25M pairs)
    /// and can make a network too large for memory. Not available in the peer-compatible modes.
    /// </summary>
    public int MaxWindowCrowd { get; init; }
    public int Threads { get; init; }
    public SyncOptions Sync { get; init; } = new();
}

/// <summary>The outcome of a network run: the full network, the flagged part, its clusters, and the numbers of summary.json.</summary>
public sealed class NetworkReport
{
    public required NetworkRequest Request { get; init; }
    public required FusedNetwork Network { get; init; }
    /// <summary>Per fused edge: passed the edge threshold.</summary>
    public required bool[] Flagged { get; init; }
    public required double Threshold { get; init; }
    /// <summary>The flagged network, isolated accounts dropped.</summary>
    public required UndirectedGraph<int, NetworkEdge> FlaggedGraph { get; init; }
    /// <summary>Vertex (account index) → cluster id in the flagged graph.</summary>
    public required IReadOnlyDictionary<int, int> Clusters { get; init; }
    public required IReadOnlyList<ClusterSummary> ClusterSummaries { get; init; }
    public required long Pairs { get; init; }
    public required int Accounts { get; init; }
    public required int Edges { get; init; }
    public required int FlaggedAccounts { get; init; }
    public required int FlaggedEdges { get; init; }
    public required int FlaggedComponents { get; init; }
    public required int ClusterCount { get; init; }
    /// <summary>QUT mode only: the kept directed edges.</summary>
    public IReadOnlyList<QutEdge>? DirectedEdges { get; init; }
    /// <summary>Every parameter used, as strings in invariant culture.</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }
}

/// <summary>Runs a network request on a dataset: per-modality builders, fusion, threshold, clusters, summaries.</summary>
public static class NetworkAnalysis
{
    public static NetworkReport Run(Dataset dataset, NetworkRequest request, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (request.Modalities.Count == 0) throw new ArgumentException("no modality requested");
        if (request.Compat != CompatMode.None && request.MaxWindowCrowd != 0)
            throw new ArgumentException("a crowd cap is not part of the peer tools' semantics: --max-window-crowd cannot be used with --compat");
        return request.Compat switch
        {
            CompatMode.CooRTweet => RunCooRTweet(dataset, request, cancellationToken),
            CompatMode.Qut => RunQut(dataset, request, cancellationToken),
            _ => RunNative(dataset, request, progress, cancellationToken),
        };
    }

    private static NetworkReport RunNative(Dataset dataset, NetworkRequest request, IProgress<StageProgress>? progress, CancellationToken ct)
    {
        if (request.MaxWindowCrowd < 0) throw new ArgumentException("the crowd cap must be >= 0 (0 = no cap)");
        var crowds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        ShareTable Uncrowded(ShareTable shares)
        {
            if (request.MaxWindowCrowd <= 0) return shares;
            var kept = CrowdFilter.Apply(shares, request.WindowMicros, request.MaxWindowCrowd, out int dropped);
            if (dropped > 0) crowds[shares.Modality.Name()] = dropped;
            return kept;
        }
        var options = new CoShareOptions
        {
            WindowMicros = request.WindowMicros,
            MinParticipation = request.MinParticipation,
            Threads = request.Threads,
            ForceWindow = request.ForceWindow,
        };
        var layers = new List<CoShareNetwork>();
        foreach (var m in request.Modalities)
        {
            ct.ThrowIfCancellationRequested();
            layers.Add(m switch
            {
                Modality.Sync => SyncBuilder.Build(dataset, request.Sync, ct),
                Modality.SimilarText => CoShareBuilder.Build(Uncrowded(SimilarTextBuilder.Extract(dataset, cancellationToken: ct)), options, progress, ct),
                _ => CoShareBuilder.Build(Uncrowded(ExtractLap(dataset, m)), options, progress, ct),
            });
        }
        Lap.Mark("layers");
        var fused = FusedNetwork.Combine(layers);
        Lap.Mark("combine");
        var threshold = request.EdgeThreshold ?? EdgeThreshold.Parse("0.5q");
        var flagged = threshold.Apply(fused.Weights(request.Weight), out double cutoff);
        Lap.Mark("threshold");
        long pairs = 0;
        foreach (var l in layers) pairs += l.TotalPairs;
        return Finish(dataset, request, fused, flagged, cutoff, pairs, request.Weight, threshold, null, crowds);
    }

    private static ShareTable ExtractLap(Dataset dataset, Modality modality)
    {
        Lap.Mark("before extract");
        var table = ShareExtractor.Extract(dataset, modality);
        Lap.Mark("extract");
        return table;
    }

    private static NetworkReport RunCooRTweet(Dataset dataset, NetworkRequest request, CancellationToken ct)
    {
        foreach (var m in request.Modalities)
            if (m is Modality.Sync or Modality.SimilarText)
                throw new ArgumentException($"--compat coortweet supports object modalities only, not {m.Name()}");
        var threshold = request.EdgeThreshold ?? EdgeThreshold.Parse("0.5q");
        if (!threshold.IsQuantile || threshold.Comparison != ThresholdComparison.Greater)
            throw new ArgumentException("--compat coortweet flags edges whose weight is greater than a quantile: give --edge-threshold as a quantile such as 0.5q");
        var tables = request.Modalities.Select(m => ShareExtractor.Extract(dataset, m, distinctPerPost: false)).ToArray();
        var r = CooRTweetMode.Run(tables, new CooRTweetOptions
        {
            WindowMicros = request.WindowMicros,
            MinParticipation = request.MinParticipation,
            EdgeWeightQuantile = threshold.Value,
            Threads = request.Threads,
            ForceWindow = request.ForceWindow,
        }, ct);
        return Finish(dataset, request, r.Network, r.Flagged, r.Threshold, r.Pairs, EdgeWeight.Pairs, threshold, null);
    }

    private static NetworkReport RunQut(Dataset dataset, NetworkRequest request, CancellationToken ct)
    {
        if (request.Modalities.Count != 1 || request.Modalities[0] is Modality.Sync or Modality.SimilarText)
            throw new ArgumentException("--compat qut builds one object modality at a time (e.g. --modality repost)");
        var threshold = request.EdgeThreshold ?? new EdgeThreshold(1, false, ThresholdComparison.GreaterOrEqual);
        if (threshold.IsQuantile || threshold.Value != Math.Floor(threshold.Value))
            throw new ArgumentException("--compat qut takes --edge-threshold as a whole minimum directed edge weight (e.g. 2)");
        var shares = ShareExtractor.Extract(dataset, request.Modalities[0]);
        var r = QutMode.Run(shares, new QutOptions
        {
            WindowMicros = request.WindowMicros,
            MinEdgeWeight = (int)threshold.Value,
            SelfLoops = request.SelfLoops,
            Threads = request.Threads,
            ForceWindow = request.ForceWindow,
        }, ct);
        var fused = FusedNetwork.Combine([r.Undirected]);
        // an undirected edge is flagged when either direction is kept
        var flagged = new bool[fused.EdgeCount];
        var kept = r.Edges.Where(e => e.From != e.To).Select(e => (Math.Min(e.From, e.To), Math.Max(e.From, e.To))).ToHashSet();
        for (int e = 0; e < flagged.Length; e++) flagged[e] = kept.Contains((fused.AccountA[e], fused.AccountB[e]));
        var report = Finish(dataset, request, fused, flagged, threshold.Value, r.Undirected.TotalPairs, EdgeWeight.Posts, threshold, r.Edges);
        // QUT counts accounts on kept directed edges, self-loops included when asked for
        var flaggedAccounts = r.Accounts;
        return new NetworkReport
        {
            Request = report.Request, Network = report.Network, Flagged = report.Flagged, Threshold = report.Threshold,
            FlaggedGraph = report.FlaggedGraph, Clusters = report.Clusters, ClusterSummaries = report.ClusterSummaries,
            Pairs = report.Pairs, Accounts = report.Accounts, Edges = report.Edges,
            FlaggedAccounts = flaggedAccounts, FlaggedEdges = r.Edges.Count,
            FlaggedComponents = report.FlaggedComponents + SelfLoopOnlyAccounts(r.Edges),
            ClusterCount = report.ClusterCount, DirectedEdges = r.Edges, Parameters = report.Parameters,
        };
    }

    private static int SelfLoopOnlyAccounts(IReadOnlyList<QutEdge> edges)
    {
        var withOthers = edges.Where(e => e.From != e.To).SelectMany(e => new[] { e.From, e.To }).ToHashSet();
        return edges.Where(e => e.From == e.To && !withOthers.Contains(e.From)).Select(e => e.From).Distinct().Count();
    }

    private static NetworkReport Finish(Dataset dataset, NetworkRequest request, FusedNetwork fused, bool[] flagged, double cutoff, long pairs,
        EdgeWeight weight, EdgeThreshold threshold, IReadOnlyList<QutEdge>? directed, IReadOnlyDictionary<string, int>? crowds = null)
    {
        var graph = NetworkProjection.Project(fused, flagged, weight);
        Lap.Mark("project");
        // the flagged edges in edge order, and a compact numbering of their accounts (ascending) for the CSR
        // community code: read from the network's columns, not from the projected graph's edge objects
        int keptCount = 0;
        for (int e = 0; e < flagged.Length; e++) if (flagged[e]) keptCount++;
        var kept = new int[keptCount];
        var index = new int[fused.AccountCount];
        for (int e = 0, j = 0; e < flagged.Length; e++)
        {
            if (!flagged[e]) continue;
            kept[j++] = e;
            index[fused.AccountA[e]] = 1;
            index[fused.AccountB[e]] = 1;
        }
        int vertexCount = 0;
        for (int v = 0; v < index.Length; v++) index[v] = index[v] != 0 ? vertexCount++ : -1;
        var vertices = new int[vertexCount];
        for (int v = 0; v < index.Length; v++) if (index[v] >= 0) vertices[index[v]] = v;
        var a = new int[keptCount];
        var b = new int[keptCount];
        var w = new double[keptCount];
        for (int k = 0; k < kept.Length; k++)
        {
            int e = kept[k];
            a[k] = index[fused.AccountA[e]];
            b[k] = index[fused.AccountB[e]];
            double x = fused.Weight(e, weight);
            w[k] = x > 0 ? x : 1;
        }
        var csr = WeightedGraph.FromEdges(vertices.Length, a, b, w);
        Lap.Mark("csr");
        var components = new ConnectedComponents(csr).Compute();
        Lap.Mark("components");
        int[] membership;
        int clusterCount;
        if (request.Communities == CommunityMethod.Leiden)
        {
            var leiden = new Leiden(csr, new CommunityOptions { Seed = request.Seed, Resolution = request.Resolution }).Compute();
            membership = leiden.Membership;
            clusterCount = leiden.Count;
        }
        else
        {
            membership = components.Membership;
            clusterCount = components.Count;
        }
        var clusters = new Dictionary<int, int>(vertices.Length);
        var clusterOf = new int[fused.AccountCount];
        Array.Fill(clusterOf, -1);
        for (int i = 0; i < vertices.Length; i++) clusters[vertices[i]] = clusterOf[vertices[i]] = membership[i];
        Lap.Mark("clusters");
        var summaries = ClusterSummarizer.Summarize(fused, kept, clusterOf);
        Lap.Mark("summaries");
        return new NetworkReport
        {
            Request = request,
            Network = fused,
            Flagged = flagged,
            Threshold = cutoff,
            FlaggedGraph = graph,
            Clusters = clusters,
            ClusterSummaries = summaries,
            Pairs = pairs,
            Accounts = fused.AccountsInNetwork(),
            Edges = fused.EdgeCount,
            FlaggedAccounts = graph.VertexCount,
            FlaggedEdges = graph.EdgeCount,
            FlaggedComponents = components.Count,
            ClusterCount = clusterCount,
            DirectedEdges = directed,
            Parameters = Describe(dataset, request, threshold, cutoff, weight, crowds),
        };
    }

    private static Dictionary<string, string> Describe(Dataset dataset, NetworkRequest r, EdgeThreshold threshold, double cutoff, EdgeWeight weight,
        IReadOnlyDictionary<string, int>? crowds)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var p = new Dictionary<string, string>
        {
            ["modalities"] = string.Join(",", r.Modalities.Select(m => m.Name())),
            ["time_window_s"] = F(r.WindowMicros / (double)Time.MicrosPerSecond),
            ["window"] = "sliding, inclusive (|t1 - t2| <= w)",
            ["timestamp_resolution"] = Time.DescribeResolution(dataset.TimeResolutionMicros),
            ["force_window"] = r.ForceWindow ? "true" : "false",
            ["compat"] = r.Compat switch { CompatMode.CooRTweet => "coortweet", CompatMode.Qut => "qut", _ => "none" },
            ["edge_threshold"] = threshold.ToString(),
            ["edge_threshold_value"] = F(cutoff),
            ["edge_weight"] = weight.ToString().ToLowerInvariant(),
            ["communities"] = r.Communities == CommunityMethod.Leiden ? "leiden" : "components",
            ["accounts_in_dataset"] = dataset.Accounts.Count.ToString(CultureInfo.InvariantCulture),
            ["posts_in_dataset"] = dataset.Posts.Count.ToString(CultureInfo.InvariantCulture),
        };
        if (r.Compat != CompatMode.Qut)
        {
            p["min_participation"] = r.MinParticipation.ToString(CultureInfo.InvariantCulture);
            p["participation_counts"] = r.Compat == CompatMode.CooRTweet ? "share rows" : "distinct posts";
        }
        if (r.Compat == CompatMode.Qut) p["self_loops"] = r.SelfLoops ? "true" : "false";
        if (r.Compat == CompatMode.None)
        {
            p["max_window_crowd"] = r.MaxWindowCrowd > 0 ? r.MaxWindowCrowd.ToString(CultureInfo.InvariantCulture) : "none";
            if (r.MaxWindowCrowd > 0)
                p["crowd_objects_dropped"] = crowds is null || crowds.Count == 0 ? "none"
                    : string.Join(",", crowds.Select(kv => kv.Key + ":" + kv.Value.ToString(CultureInfo.InvariantCulture)));
        }
        if (r.Communities == CommunityMethod.Leiden)
        {
            p["seed"] = r.Seed.ToString(CultureInfo.InvariantCulture);
            p["resolution"] = F(r.Resolution);
        }
        if (r.Modalities.Contains(Modality.Sync))
        {
            p["sync_bin_s"] = F(r.Sync.BinMicros / (double)Time.MicrosPerSecond);
            p["sync_min_similarity"] = F(r.Sync.MinSimilarity);
            p["sync_min_posts"] = r.Sync.MinPosts.ToString(CultureInfo.InvariantCulture);
        }
        if (r.Modalities.Contains(Modality.SimilarText)) p["similar_text_jaccard"] = "0.8 (3-word shingles, MinHash 20x6 LSH, exact check)";
        p["evidence"] = "sum over co-shared objects of ln(N / n_o)";
        return p;
    }
}
