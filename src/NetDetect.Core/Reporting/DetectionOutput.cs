using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using NetDetect.Core.Detection;
using NetDetect.Core.Network;
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
        var rows = result.Verdicts.Select(v => new VerdictRow
        {
            AccountId = v.AccountId, Score = v.Score, Verdict = v.Verdict, ClusterId = v.ClusterId, Reasons = v.Reasons, ModelScore = v.ModelScore, Seed = v.Seed,
        }).ToList();
        await using (var parquet = File.Create(Path.Combine(directory, "verdicts.parquet")))
            await ParquetSerializer.SerializeAsync(rows, parquet, cancellationToken: cancellationToken);
        await WriteCsvAsync(rows, Path.Combine(directory, "verdicts.csv"), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "clusters.json"), JsonSerializer.Serialize(ClustersJson(result), Json), cancellationToken);
        WriteGexf(result, Path.Combine(directory, "network.gexf"));
        await File.WriteAllTextAsync(Path.Combine(directory, "summary.json"), JsonSerializer.Serialize(Summary(result, inputName, modelName), Json), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.html"), ReportHtml.Render(result, inputName, modelName), cancellationToken);
    }

    private static async Task WriteCsvAsync(List<VerdictRow> rows, string path, CancellationToken ct)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        await writer.WriteLineAsync("account_id,score,verdict,cluster_id,reasons,model_score,seed");
        var line = new StringBuilder();
        foreach (var r in rows)
        {
            ct.ThrowIfCancellationRequested();
            line.Clear();
            line.Append(Csv(r.AccountId)).Append(',')
                .Append(r.Score.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(r.Verdict).Append(',')
                .Append(r.ClusterId.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Csv(r.Reasons)).Append(',')
                .Append(r.ModelScore.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(r.Seed ? "true" : "false");
            await writer.WriteLineAsync(line.ToString());
        }
    }

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
                ["community_seed"] = result.Model.CommunitySeed,
                ["feature_version"] = result.Model.FeatureVersion,
                ["seed_restart"] = SeedExpansion.Restart,
                ["seed_max_log_odds_boost"] = SeedExpansion.MaxLogOddsBoost,
            },
            stage_seconds = result.StageSeconds,
        };
    }

    /// <summary>GEXF 1.3 of the flagged network: accounts with score, verdict and cluster; edges with evidence and per-modality pairs.</summary>
    public static void WriteGexf(DetectionResult result, string path)
    {
        var graph = result.FlaggedGraph;
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var x = XmlWriter.Create(path, settings);
        const string ns = "http://gexf.net/1.3";
        x.WriteStartDocument();
        x.WriteStartElement("gexf", ns);
        x.WriteAttributeString("version", "1.3");
        x.WriteStartElement("meta", ns);
        x.WriteElementString("creator", ns, "NetDetect");
        x.WriteElementString("description", ns, "Co-activity network of the accounts flagged by netdetect detect (score at or above the suspicious band), edges inside reported clusters");
        x.WriteEndElement();
        x.WriteStartElement("graph", ns);
        x.WriteAttributeString("defaultedgetype", "undirected");
        x.WriteAttributeString("mode", "static");
        void Attributes(string cls, params (string Id, string Title, string Type)[] attrs)
        {
            x.WriteStartElement("attributes", ns);
            x.WriteAttributeString("class", cls);
            foreach (var (id, title, type) in attrs)
            {
                x.WriteStartElement("attribute", ns);
                x.WriteAttributeString("id", id);
                x.WriteAttributeString("title", title);
                x.WriteAttributeString("type", type);
                x.WriteEndElement();
            }
            x.WriteEndElement();
        }
        Attributes("node", ("score", "score", "double"), ("verdict", "verdict", "string"), ("cluster", "cluster_id", "integer"));
        Attributes("edge", ("evidence", "evidence", "double"), ("pairs", "pairs", "long"), ("modalities", "modalities", "string"), ("mean_delta_s", "mean_delta_s", "double"));
        x.WriteStartElement("nodes", ns);
        foreach (int v in graph.Vertices.OrderBy(v => v))
        {
            var verdict = result.Verdicts[v];
            x.WriteStartElement("node", ns);
            x.WriteAttributeString("id", verdict.AccountId);
            x.WriteAttributeString("label", verdict.AccountId);
            x.WriteStartElement("attvalues", ns);
            Att(x, ns, "score", verdict.Score.ToString("R", CultureInfo.InvariantCulture));
            Att(x, ns, "verdict", verdict.Verdict);
            Att(x, ns, "cluster", verdict.ClusterId.ToString(CultureInfo.InvariantCulture));
            x.WriteEndElement();
            x.WriteEndElement();
        }
        x.WriteEndElement();
        x.WriteStartElement("edges", ns);
        int id = 0;
        foreach (var e in graph.Edges.OrderBy(e => e.Source).ThenBy(e => e.Target))
        {
            x.WriteStartElement("edge", ns);
            x.WriteAttributeString("id", (id++).ToString(CultureInfo.InvariantCulture));
            x.WriteAttributeString("source", e.SourceId);
            x.WriteAttributeString("target", e.TargetId);
            x.WriteAttributeString("weight", e.Evidence.ToString("R", CultureInfo.InvariantCulture));
            x.WriteStartElement("attvalues", ns);
            Att(x, ns, "evidence", e.Evidence.ToString("R", CultureInfo.InvariantCulture));
            Att(x, ns, "pairs", e.Pairs.ToString(CultureInfo.InvariantCulture));
            Att(x, ns, "modalities", string.Join(',', e.Layers.Select(l => l.Modality)));
            Att(x, ns, "mean_delta_s", e.MeanDeltaSeconds.ToString("R", CultureInfo.InvariantCulture));
            x.WriteEndElement();
            x.WriteEndElement();
        }
        x.WriteEndElement();
        x.WriteEndElement();
        x.WriteEndElement();
        x.WriteEndDocument();
    }

    private static void Att(XmlWriter x, string ns, string key, string value)
    {
        x.WriteStartElement("attvalue", ns);
        x.WriteAttributeString("for", key);
        x.WriteAttributeString("value", value);
        x.WriteEndElement();
    }
}
