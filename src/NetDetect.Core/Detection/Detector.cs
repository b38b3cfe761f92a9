using System.Globalization;
using NetDetect.Core.Data;
using NetDetect.Core.Features;
using NetDetect.Core.Network;
using QuikGraph;

namespace NetDetect.Core.Detection;

/// <summary>One account's outcome: calibrated probability, band, cluster and the reasons behind it. A struct: a run holds one per
/// account (millions), and as objects they all survived into the oldest generation, copied on the way by each collection.</summary>
public readonly record struct AccountVerdict(string AccountId, double Score, string Verdict, int ClusterId, string Reasons, double ModelScore, bool Seed);

/// <summary>A reported cluster: its flagged members, score and evidence (the network engine's summary) and timing profile.</summary>
public sealed record DetectedCluster(int Id, double Score, ClusterSummary Summary, ClusterProfile Profile);

/// <summary>Everything <c>netdetect detect</c> writes.</summary>
public sealed class DetectionResult
{
    public required Dataset Dataset { get; init; }
    public required CoordinationNetwork Network { get; init; }
    public required FeatureMatrix Features { get; init; }
    public required AccountVerdict[] Verdicts { get; init; }
    public required double[] Scores { get; init; }
    public required IReadOnlyList<DetectedCluster> Clusters { get; init; }
    /// <summary>
    /// The flagged accounts' part of the network, as analysts see it (GEXF, report picture): every flagged edge inside a
    /// cluster community, or, above <see cref="ClusterBuilder.MaxGraphEdges"/> of them, each account's strongest ten.
    /// </summary>
    public required UndirectedGraph<int, NetworkEdge> FlaggedGraph { get; init; }
    /// <summary>Flagged edges inside cluster communities, all of them (the cluster statistics count these); -1 when unknown.</summary>
    public int FlaggedEdges { get; init; } = -1;
    public required ModelMetadata Model { get; init; }
    public required IReadOnlyList<string> SeedsNotFound { get; init; }
    public required int SeedCount { get; init; }
    public required IReadOnlyDictionary<string, double> StageSeconds { get; init; }
}

/// <summary>Detection options besides the model: threads and reason counts.</summary>
public sealed record DetectionOptions
{
    /// <summary>Threads of the network builders; the verdicts do not depend on it.</summary>
    public int Threads { get; init; } = 2;
    /// <summary>Feature reasons listed per flagged account.</summary>
    public int Reasons { get; init; } = 3;
    /// <summary>Evidence edges listed per flagged account.</summary>
    public int EvidenceEdges { get; init; } = 2;
    /// <summary>Clusters need this many flagged members to be reported.</summary>
    public int MinClusterSize { get; init; } = 2;
    /// <summary>Scale mode (<see cref="DetectionNetworkOptions.MinEdgePairs"/>): 1 builds the network the model was trained on.</summary>
    public int MinEdgePairs { get; init; } = 1;
    /// <summary>Drop the posts' text once the layers that read it are built (<see cref="DetectionNetworkOptions.ReleasePostText"/>): for callers that own the dataset.</summary>
    public bool ReleasePostText { get; init; }
    /// <summary>Drop the post and account columns only the layers and the content and profile features read, once those
    /// features are computed (<see cref="Features.AccountFeatures.Builder.ReleaseReadColumns"/>): for callers that own the
    /// dataset and read none of them afterwards (the command line; the service keeps the screen names it shows).</summary>
    public bool ReleaseFeatureColumns { get; init; }
}

/// <summary>The detection pipeline: network → features → calibrated scores → seed prior → verdicts, reasons and clusters.</summary>
public static class Detector
{
    public static DetectionResult Run(Dataset dataset, CoordinationModel model, IReadOnlyList<string>? seedIds = null, DetectionOptions? options = null,
        IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new DetectionOptions();
        var meta = model.Metadata;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stages = new Dictionary<string, double>();
        void Lap(string name) { stages[name] = clock.Elapsed.TotalSeconds; clock.Restart(); }

        // the temporal, content and profile features need the layers, not the communities: they are computed beside
        // the (single-threaded) community search, inside the network stage's time; the network features come after it
        var featureBuilder = new AccountFeatures.Builder(dataset)
        {
            ReleaseReadColumns = options.ReleaseFeatureColumns,
            Threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
        };
        // the content features take what they need from each layer's shares as it is built, so its share columns go then
        var networkOptions = meta.NetworkOptions(options.Threads) with
        {
            MinEdgePairs = options.MinEdgePairs,
            ReleasePostText = options.ReleasePostText,
            ReleaseShareColumns = true,
            ReleaseLayerAccounts = true,
        };
        var network = CoordinationNetwork.Build(dataset, networkOptions, fused => featureBuilder.AddOtherGroups(fused, cancellationToken),
            featureBuilder.MarkSharedPosts, progress, cancellationToken);
        Lap("network");
        // only seed expansion reads the community graph from here on
        bool expand = seedIds is { Count: > 0 };
        if (!expand)
        {
            network.ReleaseGraph();
            // its arrays are large objects, freed only by a full collection: one now, so features and scoring reuse the memory
            LargeArrays.Reclaim(decommit: true);
        }
        progress?.Report(new StageProgress("features", 0, 1));
        featureBuilder.AddNetworkGroup(network, options.Threads > 0 ? options.Threads : Environment.ProcessorCount);
        var features = featureBuilder.Matrix;
        Lap("features");
        progress?.Report(new StageProgress("scoring", 0, 1));
        var raw = model.RawScores(features, options.Threads);
        int n = dataset.Accounts.Count;
        var modelScore = new double[n];
        for (int i = 0; i < n; i++) modelScore[i] = Platt.Apply(raw[i], meta.PlattA, meta.PlattB);
        Lap("scoring");

        // seeds
        var seedIndex = new List<int>();
        var notFound = new List<string>();
        if (seedIds is not null)
        {
            foreach (var id in seedIds.Distinct(StringComparer.Ordinal))
                if (dataset.Accounts.Ids.IndexOf(id) is var idx and >= 0) seedIndex.Add(idx); else notFound.Add(id);
            seedIndex.Sort();
        }
        var score = seedIndex.Count > 0
            ? SeedExpansion.Apply(modelScore, network.Graph, seedIndex, meta.Bands.Coordinated, out _)
            : modelScore;
        if (expand) network.ReleaseGraph();
        var isSeed = new bool[n];
        foreach (int s in seedIndex) isSeed[s] = true;
        Lap("seeds");

        // reasons for flagged accounts: occlusion of each feature against the dataset's median
        var flagged = new List<int>();
        for (int i = 0; i < n; i++) if (score[i] >= meta.Bands.Suspicious) flagged.Add(i);
        // clusters: Leiden communities restricted to flagged accounts. Built beside the reasons: both only read the
        // network, and both are mostly one thread's work (the occlusion, which uses every thread, is a part of the reasons)
        var isFlagged = new bool[n];
        foreach (int i in flagged) isFlagged[i] = true;
        // (one thread asked for: one after the other)
        bool beside = (options.Threads > 0 ? options.Threads : Environment.ProcessorCount) >= 2;
        // its last step, the picture graph, mostly runs once the reasons are done: it takes both threads
        var building = beside ? Task.Run(() => ClusterBuilder.Build(network, isFlagged, topObjects: 5, threads: 2), cancellationToken) : null;
        string?[] reasons;
        try
        {
            reasons = Reasons(dataset, network, features, model, raw, flagged, options, isSeed);
        }
        catch
        {
            // the clusters' task must not outlive the run that failed
            try { building?.Wait(CancellationToken.None); } catch (AggregateException) { }
            throw;
        }
        Lap("reasons");
        var built = building is not null ? building.GetAwaiter().GetResult() : ClusterBuilder.Build(network, isFlagged, topObjects: 5);
        var graph = built.Graph;
        var summaries = built.Summaries;
        var clusters = new List<DetectedCluster>();
        var reportedCluster = new int[n];
        Array.Fill(reportedCluster, -1);
        // members' indexes from the id interner: decoding every account's id to look them up cost seconds at millions of accounts
        var accountIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var summary in summaries)
            if (summary.Size >= options.MinClusterSize)
                foreach (var m in summary.Members) accountIndex[m] = dataset.Accounts.Ids.IndexOf(m);
        var reported = new List<(ClusterSummary Summary, int[] Members, double Mean)>();
        foreach (var summary in summaries)
        {
            if (summary.Size < options.MinClusterSize) continue;
            var members = new int[summary.Members.Count];
            for (int k = 0; k < members.Length; k++) members[k] = accountIndex[summary.Members[k]];
            double mean = 0;
            foreach (int m in members) { mean += score[m]; reportedCluster[m] = summary.Id; }
            mean /= members.Length;
            reported.Add((summary, members, mean));
        }
        var profiles = ClusterProfile.ComputeAll(dataset, reported.Select(r => r.Members).ToArray());
        for (int k = 0; k < reported.Count; k++)
            clusters.Add(new DetectedCluster(reported[k].Summary.Id, reported[k].Mean, reported[k].Summary, profiles[k]));
        clusters.Sort((x, y) => y.Score.CompareTo(x.Score) != 0 ? y.Score.CompareTo(x.Score) : x.Id.CompareTo(y.Id));
        Lap("clusters");
        Diagnostics.Lap.Mark("clusters: members, profiles");

        var verdicts = new AccountVerdict[n];
        // a string id per account (2.5M at 10M posts): rows in blocks over the threads, each row written once
        const int VerdictBlock = 1 << 16;
        Parallel.For(0, (n + VerdictBlock - 1) / VerdictBlock, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Threads > 0 ? options.Threads : Environment.ProcessorCount) }, b =>
        {
            for (int i = b * VerdictBlock, end = Math.Min(n, i + VerdictBlock); i < end; i++)
                verdicts[i] = new AccountVerdict(dataset.Accounts.Ids[i], score[i], meta.Bands.Verdict(score[i]), reportedCluster[i], reasons[i] ?? "", modelScore[i], isSeed[i]);
        });
        Diagnostics.Lap.Mark("verdicts");
        return new DetectionResult
        {
            Dataset = dataset,
            Network = network,
            Features = features,
            Verdicts = verdicts,
            Scores = score,
            Clusters = clusters,
            FlaggedGraph = graph,
            FlaggedEdges = built.FlaggedEdges,
            Model = meta,
            SeedsNotFound = notFound,
            SeedCount = seedIndex.Count,
            StageSeconds = stages,
        };
    }

    private static string?[] Reasons(Dataset dataset, CoordinationNetwork network, FeatureMatrix features, CoordinationModel model, double[] raw,
        List<int> flagged, DetectionOptions options, bool[] isSeed)
    {
        int n = features.Rows, f = features.Columns;
        var reasons = new string?[n];
        if (flagged.Count == 0) return reasons;
        // reference: the median of every feature over the dataset (NaN-aware), the "typical account"
        // Columns are gathered eight at a time: one pass over the row-major matrix (hundreds of MB at scale) serves
        // eight features that share its cache lines, instead of one pass per feature.
        var reference = new float[f];
        const int Block = 8;
        var columns = new float[Block][];
        for (int j = 0; j < Block; j++) columns[j] = new float[n];
        var present = new int[Block];
        var values = features.Values;
        for (int c0 = 0; c0 < f; c0 += Block)
        {
            int width = Math.Min(Block, f - c0);
            Array.Clear(present);
            for (int i = 0; i < n; i++)
            {
                long at = (long)i * f + c0;
                for (int j = 0; j < width; j++)
                {
                    float v = values[at + j];
                    if (!float.IsNaN(v)) columns[j][present[j]++] = v;
                }
            }
            for (int j = 0; j < width; j++)
                reference[c0 + j] = present[j] == 0 ? float.NaN : Select(columns[j].AsSpan(0, present[j]), present[j] / 2);
        }
        Diagnostics.Lap.Mark("reasons: reference");
        // one perturbed row per (flagged account, feature): the drop in raw score is the feature's contribution
        var scores = model.OcclusionScores(features, flagged, reference, options.Threads);
        Diagnostics.Lap.Mark("reasons: occlusion");
        // strongest evidence edges per flagged account (evidence, then edge order), kept top-K in one pass over the edges
        int kEdges = Math.Max(0, options.EvidenceEdges);
        var slotOf = new int[n];
        Array.Fill(slotOf, -1);
        for (int k = 0; k < flagged.Count; k++) slotOf[flagged[k]] = k;
        var strongest = new int[flagged.Count * kEdges];
        Array.Fill(strongest, -1);
        var net = network.Network;
        var evidence = network.EdgeEvidence;
        void Offer(int slot, int e)
        {
            int at = slot * kEdges;
            int pos = kEdges;
            // ties keep the earlier edge: a later edge must be strictly stronger to move ahead
            while (pos > 0 && (strongest[at + pos - 1] < 0 || evidence[e] > evidence[strongest[at + pos - 1]])) pos--;
            if (pos >= kEdges) return;
            for (int r = kEdges - 1; r > pos; r--) strongest[at + r] = strongest[at + r - 1];
            strongest[at + pos] = e;
        }
        if (kEdges > 0)
            for (int e = 0; e < net.EdgeCount; e++)
            {
                int sa = slotOf[net.AccountA[e]], sb = slotOf[net.AccountB[e]];
                if (sa >= 0) Offer(sa, e);
                if (sb >= 0) Offer(sb, e);
            }
        Diagnostics.Lap.Mark("reasons: strongest edges");
        var contribution = new (double Delta, int Feature)[f];
        var text = new System.Text.StringBuilder();
        for (int k = 0; k < flagged.Count; k++)
        {
            int acc = flagged[k];
            for (int c = 0; c < f; c++) contribution[c] = (raw[acc] - scores[(long)k * f + c], c);
            Array.Sort(contribution, (x, y) => y.Delta.CompareTo(x.Delta) != 0 ? y.Delta.CompareTo(x.Delta) : x.Feature.CompareTo(y.Feature));
            text.Clear();
            if (isSeed[acc]) text.Append("listed seed; ");
            int listed = 0;
            for (int r = 0; r < f && listed < options.Reasons; r++)
            {
                if (contribution[r].Delta <= 0) break;
                int c = contribution[r].Feature;
                float v = features.Values[(long)acc * f + c];
                text.Append(CultureInfo.InvariantCulture, $"{features.Names[c]}={Format(v)} (+{contribution[r].Delta:F2}); ");
                listed++;
            }
            for (int r = 0; r < kEdges; r++)
            {
                int e = strongest[k * kEdges + r];
                if (e < 0) break;
                int partner = net.AccountA[e] == acc ? net.AccountB[e] : net.AccountA[e];
                text.Append(CultureInfo.InvariantCulture, $"with {dataset.Accounts.Ids[partner]} evidence {evidence[e]:F1}");
                var top = TopObject(net, e);
                if (top is { } t) text.Append(CultureInfo.InvariantCulture, $" [{t.Modality} {t.Object} Δ{t.DeltaSeconds:F0}s]");
                text.Append("; ");
            }
            reasons[acc] = text.ToString().TrimEnd(' ', ';');
        }
        Diagnostics.Lap.Mark("reasons: text");
        return reasons;
    }

    /// <summary>The k-th smallest value (what sorting and indexing gives), by quickselect: reorders <paramref name="values"/>.</summary>
    internal static float Select(Span<float> values, int k) => Quantile.Select(values, k);

    private static string Format(float v) => float.IsNaN(v) ? "n/a" : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static (string Modality, string Object, double DeltaSeconds)? TopObject(FusedNetwork net, int e)
    {
        int bestLayer = -1, bestObject = 0;
        long bestDelta = 0;
        double bestIdf = double.NegativeInfinity;
        for (int l = 0; l < net.Layers.Count; l++)
        {
            int le = net.LayerEdge(e, l);
            if (le < 0) continue;
            var layerIdf = net.Layers[l].ObjectIdf;
            var items = net.Layers[l].TopObjects(le);
            int best = -1;
            for (int i = 0; i < items.Length; i++)
            {
                double idf = layerIdf[items.ObjectAt(i)];
                if (idf <= bestIdf) continue;
                (bestIdf, best) = (idf, i);
            }
            // the example's Δ (two post times) for the layer's best item only
            if (best >= 0) (bestLayer, bestObject, bestDelta) = (l, items.ObjectAt(best), items[best].DeltaMicros);
        }
        // the object's name is resolved once, for the winner (a URL or text name is normalised on each request)
        if (bestLayer < 0) return null;
        var layer = net.Layers[bestLayer];
        return (layer.Modality.Name(), Truncate(layer.Shares.ObjectName(bestObject), 60), bestDelta / (double)Time.MicrosPerSecond);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
