using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetDetect.Core.Detection;
using NetDetect.Core.Export;
using NetDetect.Core.Network;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace NetDetect.Core.Reporting;

/// <summary>One row of verdicts.parquet / verdicts.csv.</summary>
public sealed class VerdictRow
{
    [JsonPropertyName("account_id")] public string AccountId { get; set; } = "";
    [JsonPropertyName("score")] public double Score { get; set; }
    [JsonPropertyName("verdict")] public string Verdict { get; set; } = "";
    [JsonPropertyName("cluster_id")] public int ClusterId { get; set; }
    [JsonPropertyName("reasons")] public string Reasons { get; set; } = "";
    [JsonPropertyName("model_score")] public double ModelScore { get; set; }
    [JsonPropertyName("seed")] public bool Seed { get; set; }
}

/// <summary>Writes the files of <c>netdetect detect</c>: verdicts (Parquet and CSV), clusters.json, network.gexf, summary.json, report.html.</summary>
public static class DetectionOutput
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task WriteAsync(DetectionResult result, string directory, string inputName, string modelName, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var verdicts = result.Verdicts;
        // three independent writers at once (the two verdict tables are the big ones: millions of rows at scale)
        var parquet = Task.Run(async () =>
        {
            await using var stream = File.Create(Path.Combine(directory, "verdicts.parquet"));
            await WriteVerdictsParquetAsync(verdicts, stream, cancellationToken);
            Diagnostics.Lap.Mark("write: verdicts.parquet");
        }, cancellationToken);
        var csv = Task.Run(() =>
        {
            WriteCsv(verdicts, Path.Combine(directory, "verdicts.csv"), cancellationToken);
            Diagnostics.Lap.Mark("write: verdicts.csv");
        }, cancellationToken);
        var rest = Task.Run(async () =>
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "clusters.json"), JsonSerializer.Serialize(ClustersJson(result), Json), cancellationToken);
            await GexfWriter.WriteFileAsync(FlaggedGraph(result), Path.Combine(directory, "network.gexf"), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(directory, "summary.json"), JsonSerializer.Serialize(Summary(result, inputName, modelName), Json), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(directory, "report.html"), ReportHtml.Render(result, inputName, modelName), cancellationToken);
            Diagnostics.Lap.Mark("write: clusters, GEXF, summary, report");
        }, cancellationToken);
        await Task.WhenAll(parquet, csv, rest);
        Diagnostics.Lap.Mark("write: all files");
    }

    /// <summary>The schema of verdicts.parquet: <see cref="VerdictRow"/>'s, as <see cref="ParquetSerializer"/> derives it.</summary>
    public static readonly ParquetSchema VerdictSchema = new(
        new DataField<string>("account_id"), new DataField<double>("score"), new DataField<string>("verdict"), new DataField<int>("cluster_id"),
        new DataField<string>("reasons"), new DataField<double>("model_score"), new DataField<bool>("seed"));

    /// <summary>
    /// verdicts.parquet, one row group, column by column straight from the verdicts: the same bytes as
    /// <see cref="ParquetSerializer"/> writes for the <see cref="VerdictRow"/>s, without a row object per account
    /// (2.5M of them at 10M posts) or the serializer's reflection-built row walk (5 s there; 2 s this way).
    /// </summary>
    public static async Task WriteVerdictsParquetAsync(AccountVerdict[] verdicts, Stream stream, CancellationToken cancellationToken = default)
    {
        var f = VerdictSchema.DataFields;
        await using var writer = await ParquetWriter.CreateAsync(VerdictSchema, stream, cancellationToken: cancellationToken);
        using var group = writer.CreateRowGroup();
        var strings = new string[verdicts.Length];
        var doubles = new double[verdicts.Length];
        for (int i = 0; i < verdicts.Length; i++) strings[i] = verdicts[i].AccountId;
        await group.WriteAsync(f[0], strings, null);
        for (int i = 0; i < verdicts.Length; i++) doubles[i] = verdicts[i].Score;
        await group.WriteAsync<double>(f[1], doubles, null, null, cancellationToken);
        for (int i = 0; i < verdicts.Length; i++) strings[i] = verdicts[i].Verdict;
        await group.WriteAsync(f[2], strings, null);
        var clusters = new int[verdicts.Length];
        for (int i = 0; i < verdicts.Length; i++) clusters[i] = verdicts[i].ClusterId;
        await group.WriteAsync<int>(f[3], clusters, null, null, cancellationToken);
        for (int i = 0; i < verdicts.Length; i++) strings[i] = verdicts[i].Reasons;
        await group.WriteAsync(f[4], strings, null);
        for (int i = 0; i < verdicts.Length; i++) doubles[i] = verdicts[i].ModelScore;
        await group.WriteAsync<double>(f[5], doubles, null, null, cancellationToken);
        var seeds = new bool[verdicts.Length];
        for (int i = 0; i < verdicts.Length; i++) seeds[i] = verdicts[i].Seed;
        await group.WriteAsync<bool>(f[6], seeds, null, null, cancellationToken);
    }

    private static void WriteCsv(AccountVerdict[] rows, string path, CancellationToken ct)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.WriteLine("account_id,score,verdict,cluster_id,reasons,model_score,seed");
        Span<char> number = stackalloc char[32];
        for (int i = 0; i < rows.Length; i++)
        {
            if ((i & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            ref readonly var r = ref rows[i];
            writer.Write(Csv(r.AccountId));
            writer.Write(',');
            writer.Write(Format(r.Score, number));
            writer.Write(',');
            writer.Write(r.Verdict);
            writer.Write(',');
            writer.Write(r.ClusterId.TryFormat(number, out int n, default, CultureInfo.InvariantCulture) ? number[..n] : r.ClusterId.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(Csv(r.Reasons));
            writer.Write(',');
            writer.Write(Format(r.ModelScore, number));
            writer.Write(',');
            writer.WriteLine(r.Seed ? "true" : "false");
        }
    }

    // round-trip ("R") form, as double.ToString("R") writes it, without a string per number
    private static ReadOnlySpan<char> Format(double value, Span<char> buffer) =>
        value.TryFormat(buffer, out int n, "R", CultureInfo.InvariantCulture) ? buffer[..n] : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Csv(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";

    /// <summary>clusters.json: id, members, score and evidence per reported cluster, highest score first.</summary>
    public static object ClustersJson(DetectionResult result) => result.Clusters.Select(c => new
    {
        id = c.Id,
        score = c.Score,
        size = c.Summary.Size,
        members = c.Summary.Members,
        edges = c.Summary.Edges,
        density = c.Summary.Density,
        first_share = c.Summary.FirstShare,
        last_share = c.Summary.LastShare,
        evidence = new
        {
            total = c.Summary.Modalities.Values.Sum(m => m.Evidence),
            modalities = c.Summary.Modalities,
            top_objects = c.Summary.TopObjects,
        },
        timing = new
        {
            posts = c.Profile.Posts,
            best_utc_offset_hours = c.Profile.BestUtcOffsetHours,
            office_share = c.Profile.OfficeShare,
            first_day = c.Profile.FirstDay,
            posts_per_day = c.Profile.PostsPerDay,
        },
    }).ToArray();

    public static object Summary(DetectionResult result, string inputName, string modelName)
    {
        var bands = result.Model.Bands;
        int coordinated = 0, suspicious = 0;
        foreach (var v in result.Verdicts)
        {
            if (v.Verdict == "coordinated") coordinated++;
            else if (v.Verdict == "suspicious") suspicious++;
        }
        return new
        {
            input = inputName,
            model = modelName,
            accounts = result.Dataset.Accounts.Count,
            posts = result.Dataset.Posts.Count,
            network_edges = result.Network.Network.EdgeCount,
            network_accounts = result.Network.Network.AccountsInNetwork(),
            flagged_edges = result.FlaggedEdges,
            graph_edges = result.FlaggedGraph.EdgeCount,
            coordinated,
            suspicious,
            clear = result.Verdicts.Length - coordinated - suspicious,
            clusters = result.Clusters.Count,
            seeds = result.SeedCount,
            seeds_not_found = result.SeedsNotFound,
            parameters = new Dictionary<string, object>
            {
                ["bands_coordinated"] = bands.Coordinated,
                ["bands_suspicious"] = bands.Suspicious,
                ["modalities"] = string.Join(',', result.Model.Modalities),
                ["window_s"] = result.Model.WindowMicros / (double)Data.Time.MicrosPerSecond,
                ["min_participation"] = result.Model.MinParticipation,
                ["max_window_crowd"] = result.Network.Options.MaxWindowCrowd,
                ["min_edge_pairs"] = result.Network.Options.MinEdgePairs,
                ["crowd_objects_dropped"] = result.Network.CrowdObjects,
                ["community_seed"] = result.Model.CommunitySeed,
                ["feature_version"] = result.Model.FeatureVersion,
                ["seed_restart"] = SeedExpansion.Restart,
                ["seed_max_log_odds_boost"] = SeedExpansion.MaxLogOddsBoost,
            },
            stage_seconds = result.StageSeconds,
        };
    }

    /// <summary>The flagged network for the export stage: accounts with score, verdict and cluster; edges weighted by evidence.</summary>
    public static GraphExport FlaggedGraph(DetectionResult result)
    {
        var graph = result.FlaggedGraph;
        var vertices = graph.Vertices.OrderBy(v => v).ToArray();
        var index = new Dictionary<int, int>();
        for (int i = 0; i < vertices.Length; i++) index[vertices[i]] = i;
        var edges = graph.Edges.OrderBy(e => e.Source).ThenBy(e => e.Target).ToArray();
        var src = new int[edges.Length];
        var dst = new int[edges.Length];
        var weight = new double[edges.Length];
        var pairs = new long[edges.Length];
        var modalities = new string?[edges.Length];
        var delta = new double[edges.Length];
        for (int e = 0; e < edges.Length; e++)
        {
            src[e] = index[edges[e].Source];
            dst[e] = index[edges[e].Target];
            weight[e] = edges[e].Evidence;
            pairs[e] = edges[e].Pairs;
            modalities[e] = edges[e].ModalityNames;
            delta[e] = edges[e].MeanDeltaSeconds;
        }
        return new GraphExport
        {
            NodeIds = vertices.Select(v => result.Verdicts[v].AccountId).ToArray(),
            NodeAttributes =
            [
                AttributeColumn.Double("score", vertices.Select(v => result.Verdicts[v].Score).ToArray()),
                AttributeColumn.String("verdict", vertices.Select(v => (string?)result.Verdicts[v].Verdict).ToArray()),
                AttributeColumn.Integer("cluster_id", vertices.Select(v => result.Verdicts[v].ClusterId).ToArray()),
            ],
            EdgeSources = src,
            EdgeTargets = dst,
            EdgeWeights = weight,
            EdgeAttributes =
            [
                AttributeColumn.Integer("pairs", pairs),
                AttributeColumn.String("modalities", modalities),
                AttributeColumn.Double("mean_delta_s", delta),
            ],
            Parameters = new Dictionary<string, string>
            {
                ["content"] = result.FlaggedEdges > result.FlaggedGraph.EdgeCount
                    ? $"accounts at or above the suspicious band; of the {result.FlaggedEdges} edges inside cluster communities, each account's {ClusterBuilder.EdgesPerAccount} strongest; weight = evidence"
                    : "accounts at or above the suspicious band, edges inside reported clusters, weight = evidence",
                ["modalities"] = string.Join(',', result.Model.Modalities),
                ["window_s"] = (result.Model.WindowMicros / (double)Data.Time.MicrosPerSecond).ToString(CultureInfo.InvariantCulture),
                ["min_participation"] = result.Model.MinParticipation.ToString(CultureInfo.InvariantCulture),
                ["max_window_crowd"] = result.Network.Options.MaxWindowCrowd.ToString(CultureInfo.InvariantCulture),
                ["min_edge_pairs"] = result.Network.Options.MinEdgePairs.ToString(CultureInfo.InvariantCulture),
                ["suspicious"] = result.Model.Bands.Suspicious.ToString(CultureInfo.InvariantCulture),
            },
        };
    }
}
