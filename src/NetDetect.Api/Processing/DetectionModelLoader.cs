using System.Text.Json;
using Microsoft.Extensions.Options;
using NetDetect.Api.Infrastructure;
using NetDetect.Api.Models;
using NetDetect.Api.Storage;
using NetDetect.Core.Data;
using NetDetect.Core.Detection;
using NetDetect.Core.Export;
using NetDetect.Core.Network;
using NetDetect.Core.Reporting;
using QuikGraph;

namespace NetDetect.Api.Processing;

/// <summary>Loads model zips with <see cref="CoordinationModel.Load"/>, the loader <c>netdetect detect</c> uses.</summary>
public sealed class DetectionModelLoader(IOptions<ServiceOptions> options) : IModelLoader
{
    public ILoadedModel Load(string id, string path) => new DetectionModel(id, CoordinationModel.Load(path), options.Value.DetectionThreads);
}

/// <summary>
/// Scores a batch exactly as <c>netdetect detect</c> does (<c>ParquetDatasetReader.ReadAsync</c> then
/// <see cref="Detector.Run"/>) and turns the result into store rows: verdicts, and clusters with the same JSON
/// evidence as clusters.json and the same GEXF as network.gexf, cut to each cluster.
/// </summary>
public sealed class DetectionModel(string id, CoordinationModel model, int threads) : ILoadedModel
{
    public string Id => id;

    public CoordinationModel Model => model;

    public async Task<BatchOutcome> ScoreAsync(string batchId, string datasetDirectory, IProgress<StageProgress> progress, CancellationToken cancellationToken)
    {
        var dataset = await ParquetDatasetReader.ReadAsync(datasetDirectory, progress, cancellationToken);
        var result = await Task.Run(() => Detector.Run(dataset, model, null, new DetectionOptions { Threads = threads, ReleasePostText = true }, progress, cancellationToken), cancellationToken);
        return await ToOutcomeAsync(batchId, result, cancellationToken);
    }

    /// <summary>
    /// Simulates a small batch (300 accounts, 6,000 posts, fixed seed) into a temporary directory and scores it the
    /// way a real batch is scored — Parquet read, detection, store rows — then throws the result away.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"netdetect-warmup-{Guid.NewGuid():N}");
        try
        {
            await NetDetect.Core.Simulation.CampaignSimulator.RunAsync(
                new NetDetect.Core.Simulation.SimulationOptions { Accounts = 300, Posts = 6_000, Days = 3, Seed = 1, Threads = threads },
                dir, null, cancellationToken);
            await ScoreAsync("warm-up", dir, new Progress<StageProgress>(), cancellationToken);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private async Task<BatchOutcome> ToOutcomeAsync(string batchId, DetectionResult result, CancellationToken cancellationToken)
    {
        string ClusterKey(int local) => $"{batchId}.{local}";
        var verdicts = new VerdictRecord[result.Verdicts.Length];
        for (int i = 0; i < verdicts.Length; i++)
        {
            var v = result.Verdicts[i];
            verdicts[i] = new VerdictRecord(batchId, v.AccountId, v.Score, v.Verdict, v.ClusterId >= 0 ? ClusterKey(v.ClusterId) : null, v.Reasons, id, 0);
        }

        // clusters.json of `netdetect detect`, one element per cluster in the same order as result.Clusters
        using var clustersJson = JsonDocument.Parse(JsonSerializer.Serialize(DetectionOutput.ClustersJson(result), DetectionOutput.Json));
        var elements = clustersJson.RootElement.EnumerateArray().ToList();
        var (clientOf, postTimes) = MemberActivity(result);
        var clusters = new List<ClusterRecord>(result.Clusters.Count);
        for (int k = 0; k < result.Clusters.Count; k++)
        {
            var c = result.Clusters[k];
            var memberIndex = new List<int>();
            for (int i = 0; i < result.Verdicts.Length; i++) if (result.Verdicts[i].ClusterId == c.Id) memberIndex.Add(i);
            var detail = new Dictionary<string, object?>
            {
                ["accounts"] = memberIndex.Select(i => new
                {
                    account_id = result.Verdicts[i].AccountId,
                    score = result.Verdicts[i].Score,
                    verdict = result.Verdicts[i].Verdict,
                    reasons = result.Verdicts[i].Reasons,
                    // profile facts for the review page
                    screen_name = result.Dataset.Accounts.ScreenName[i],
                    created_at = result.Dataset.Accounts.CreatedAt[i] == Time.Null ? (DateTime?)null : Time.ToDateTime(result.Dataset.Accounts.CreatedAt[i]),
                    followers = result.Dataset.Accounts.FollowerCount[i],
                    client = clientOf[i],
                }).ToList(),
                // the members' post times (µs, at most MaxTimelinePosts each) for the review page's co-activity timeline
                ["timeline"] = memberIndex.Select(i => new { account_id = result.Verdicts[i].AccountId, times = postTimes[i] ?? [] }).ToList(),
            };
            foreach (var property in elements[k].EnumerateObject())
                if (property.Name is not ("id" or "members" or "score")) detail[property.Name] = property.Value.Clone();
            clusters.Add(new ClusterRecord(ClusterKey(c.Id), batchId, c.Score, c.Summary.Members, JsonSerializer.Serialize(detail, DetectionOutput.Json),
                await GexfAsync(result, memberIndex, cancellationToken), id, 0,
                Modalities: c.Summary.Modalities.Keys.ToList(),
                FirstShare: c.Summary.FirstShare is { } first ? Time.FromDateTime(first) : null,
                LastShare: c.Summary.LastShare is { } last ? Time.FromDateTime(last) : null));
        }
        return new BatchOutcome(id, verdicts, clusters);
    }

    private const int MaxTimelinePosts = 500;

    /// <summary>Per clustered account: its most used client and its first post times, in one pass over the posts.</summary>
    private static (string?[] Client, long[]?[] Times) MemberActivity(DetectionResult result)
    {
        var posts = result.Dataset.Posts;
        int n = result.Verdicts.Length;
        var inCluster = new bool[n];
        for (int i = 0; i < n; i++) inCluster[i] = result.Verdicts[i].ClusterId >= 0;
        var times = new List<long>?[n];
        var clientCounts = new Dictionary<int, int>?[n];
        for (int j = 0; j < posts.Count; j++)
        {
            int a = posts.Account[j];
            if ((uint)a >= (uint)n || !inCluster[a]) continue;
            var t = times[a] ??= [];
            if (t.Count < MaxTimelinePosts) t.Add(posts.CreatedAt[j]);
            if (posts.Client[j] >= 0)
            {
                var counts = clientCounts[a] ??= [];
                counts[posts.Client[j]] = counts.GetValueOrDefault(posts.Client[j]) + 1;
            }
        }
        var client = new string?[n];
        var result2 = new long[]?[n];
        for (int i = 0; i < n; i++)
        {
            if (clientCounts[i] is { Count: > 0 } c) client[i] = posts.Clients[c.MaxBy(kv => kv.Value).Key];
            if (times[i] is { } t) { t.Sort(); result2[i] = t.ToArray(); }
        }
        return (client, result2);
    }

    /// <summary>network.gexf restricted to one cluster's accounts, written by the same writer as the CLI's.</summary>
    private static async Task<string> GexfAsync(DetectionResult result, List<int> members, CancellationToken cancellationToken)
    {
        var keep = new HashSet<int>(members);
        var graph = new UndirectedGraph<int, NetworkEdge>(allowParallelEdges: false);
        foreach (int v in members) if (result.FlaggedGraph.ContainsVertex(v)) graph.AddVertex(v);
        foreach (var e in result.FlaggedGraph.Edges)
            if (keep.Contains(e.Source) && keep.Contains(e.Target)) graph.AddEdge(e);
        var cut = new DetectionResult
        {
            Dataset = result.Dataset,
            Network = result.Network,
            Features = result.Features,
            Verdicts = result.Verdicts,
            Scores = result.Scores,
            Clusters = result.Clusters,
            FlaggedGraph = graph,
            Model = result.Model,
            SeedsNotFound = result.SeedsNotFound,
            SeedCount = result.SeedCount,
            StageSeconds = result.StageSeconds,
        };
        using var buffer = new MemoryStream();
        await GexfWriter.WriteAsync(DetectionOutput.FlaggedGraph(cut), buffer, cancellationToken);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
