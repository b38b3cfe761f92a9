using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NetDetect.Core.Data;
using NetDetect.Core.Export;
using NetDetect.Core.Import;
using NetDetect.Core.Network;

namespace NetDetect.Cli.Commands;

/// <summary>
/// <c>netdetect network DIR --modality repost[,hashtag,...] --window 60s [--min-participation 2]
/// [--edge-threshold 0.5q|3] [--compat coortweet|qut] [--communities leiden|components] --out OUT</c>: writes
/// summary.json, clusters.json, network.gexf, network.graphml and Gephi CSV (nodes.csv, edges.csv, parameters.json).
/// </summary>
public static class NetworkCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("DIR") { Description = "Dataset directory (accounts.parquet, posts.parquet), or a CooRTweet/QUT/archive CSV file to import on the fly" };
        var modality = new Option<string>("--modality") { Description = "Comma-separated modalities: " + string.Join(", ", ModalityNames.AllNames), DefaultValueFactory = _ => "repost" };
        var window = new Option<string>("--window") { Description = "Time window, inclusive: 60s, 500ms, 5m, 1h (a bare number is seconds)", DefaultValueFactory = _ => "60s" };
        var minParticipation = new Option<int>("--min-participation") { Description = "Least participation of an account (distinct posts; share rows in --compat coortweet)", DefaultValueFactory = _ => 2 };
        var threshold = new Option<string?>("--edge-threshold") { Description = "Edge filter: an absolute weight (3, kept when >=) or a type-7 quantile (0.5q, kept when >); in --compat qut the least directed weight" };
        var compare = new Option<string?>("--threshold-compare") { Description = "Override the comparison: gt (>) or ge (>=)" };
        var weight = new Option<string>("--weight") { Description = "Weight the threshold reads: pairs, objects, posts, evidence", DefaultValueFactory = _ => "pairs" };
        var compat = new Option<string?>("--compat") { Description = "Reproduce a peer tool exactly: coortweet or qut" };
        var communities = new Option<string>("--communities") { Description = "Group the flagged network: components or leiden", DefaultValueFactory = _ => "components" };
        var seed = new Option<long>("--seed") { Description = "Leiden seed", DefaultValueFactory = _ => 0 };
        var resolution = new Option<double>("--resolution") { Description = "Leiden resolution", DefaultValueFactory = _ => 1.0 };
        var selfLoops = new Option<bool>("--self-loops") { Description = "--compat qut: include self-loops (an account matching itself)" };
        var force = new Option<bool>("--force-window") { Description = "Accept a window finer than the data's timestamp resolution" };
        var crowd = new Option<int>("--max-window-crowd") { Description = "Leave out objects shared more than N times within one window (viral posts, trending tags: their pairs grow quadratically); 0 = keep every pair. Not with --compat", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Worker threads (0 = all cores); results do not depend on it", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output directory", Required = true };
        var command = new Command("network", "Build the co-activity network, flag its strongest edges, group the flagged accounts, and write to OUT: summary.json, clusters.json, " +
            "and the flagged network (isolated accounts dropped; directed in --compat qut) as network.gexf (GEXF 1.3), network.graphml and Gephi CSV " +
            "(nodes.csv, edges.csv, parameters.json), each with per-account and per-modality edge attributes and every parameter used.")
        {
            input, modality, window, minParticipation, threshold, compare, weight, compat, communities, seed, resolution, selfLoops, force, crowd, threads, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var request = new NetworkRequest
            {
                Modalities = Usage(() => ModalityNames.ParseList(parse.GetValue(modality)!)),
                WindowMicros = ParseWindow(parse.GetValue(window)!),
                MinParticipation = parse.GetValue(minParticipation),
                EdgeThreshold = parse.GetValue(threshold) is { } t ? Usage(() => EdgeThreshold.Parse(t, ParseCompare(parse.GetValue(compare)))) : null,
                Weight = ParseWeight(parse.GetValue(weight)!),
                Compat = ParseCompat(parse.GetValue(compat)),
                Communities = parse.GetValue(communities)?.ToLowerInvariant() switch
                {
                    "components" or null => CommunityMethod.Components,
                    "leiden" => CommunityMethod.Leiden,
                    var other => throw new UsageException($"--communities must be components or leiden, not '{other}'"),
                },
                Seed = parse.GetValue(seed),
                Resolution = parse.GetValue(resolution),
                SelfLoops = parse.GetValue(selfLoops),
                ForceWindow = parse.GetValue(force),
                MaxWindowCrowd = parse.GetValue(crowd),
                Threads = parse.GetValue(threads),
            };
            if (request.MinParticipation < 0) throw new UsageException("--min-participation must be >= 0");
            if (request.MaxWindowCrowd < 0) throw new UsageException("--max-window-crowd must be >= 0 (0 = no cap)");
            var log = parse.InvocationConfiguration.Output;
            var path = parse.GetValue(input)!;
            var outDir = parse.GetValue(output)!;
            var dataset = await ProgressDisplay.RunAsync(log, p => Load(path, p, ct));
            var report = await ProgressDisplay.RunAsync(log, p => Task.Run(() => Usage(() => NetworkAnalysis.Run(dataset, request, p, ct)), ct));
            Directory.CreateDirectory(outDir);
            await WriteSummaryAsync(Path.Combine(outDir, "summary.json"), report, ct);
            await WriteClustersAsync(Path.Combine(outDir, "clusters.json"), report, ct);
            var graph = NetworkGraphExport.From(report, dataset);
            await GexfWriter.WriteFileAsync(graph, Path.Combine(outDir, "network.gexf"), ct);
            await GraphMLWriter.WriteFileAsync(graph, Path.Combine(outDir, "network.graphml"), ct);
            await GephiCsvWriter.WriteAsync(graph, outDir, ct);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pairs {report.Pairs}, accounts {report.Accounts}, edges {report.Edges}; flagged: {report.FlaggedAccounts} accounts, {report.FlaggedEdges} edges, {report.FlaggedComponents} components ({report.Parameters["edge_threshold"]}, cut-off {report.Threshold})"));
            log.WriteLine($"wrote {outDir}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<Dataset> Load(string path, IProgress<StageProgress> progress, CancellationToken ct)
    {
        if (Directory.Exists(path)) return await ParquetDatasetReader.ReadAsync(path, progress, ct);
        if (File.Exists(path)) return await DatasetImporter.ImportAsync([path], progress: progress, cancellationToken: ct);
        throw new UsageException($"{path}: no such dataset directory or file");
    }

    // Argument problems found by the core (unknown modality, window finer than the data, bad mode combination) are usage errors.
    private static T Usage<T>(Func<T> f)
    {
        try
        {
            return f();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Parses 60s, 500ms, 5m, 1h, 1.5s or a bare number of seconds into µs.</summary>
    public static long ParseWindow(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        (string Suffix, long Micros)[] units = [("ms", Time.MicrosPerMilli), ("min", Time.MicrosPerMinute), ("s", Time.MicrosPerSecond), ("m", Time.MicrosPerMinute), ("h", 3600 * Time.MicrosPerSecond)];
        long unit = Time.MicrosPerSecond;
        foreach (var (suffix, micros) in units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal))
            {
                t = t[..^suffix.Length];
                unit = micros;
                break;
            }
        }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) || v < 0)
            throw new UsageException($"--window '{text}' is not a duration such as 60s, 500ms, 5m or 1h");
        return (long)Math.Round(v * unit);
    }

    private static ThresholdComparison? ParseCompare(string? text) => text?.ToLowerInvariant() switch
    {
        null => null,
        "gt" or ">" => ThresholdComparison.Greater,
        "ge" or ">=" => ThresholdComparison.GreaterOrEqual,
        _ => throw new UsageException($"--threshold-compare must be gt or ge, not '{text}'"),
    };

    private static EdgeWeight ParseWeight(string text) => text.ToLowerInvariant() switch
    {
        "pairs" => EdgeWeight.Pairs,
        "objects" => EdgeWeight.Objects,
        "posts" => EdgeWeight.Posts,
        "evidence" => EdgeWeight.Evidence,
        _ => throw new UsageException($"--weight must be pairs, objects, posts or evidence, not '{text}'"),
    };

    private static CompatMode ParseCompat(string? text) => text?.ToLowerInvariant() switch
    {
        null or "" or "none" => CompatMode.None,
        "coortweet" => CompatMode.CooRTweet,
        "qut" => CompatMode.Qut,
        _ => throw new UsageException($"--compat must be coortweet or qut, not '{text}'"),
    };

    private static async Task WriteSummaryAsync(string path, NetworkReport r, CancellationToken ct)
    {
        await using var stream = File.Create(path);
        await using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteNumber("pairs", r.Pairs);
        w.WriteNumber("accounts", r.Accounts);
        w.WriteNumber("edges", r.Edges);
        w.WriteNumber("flagged_accounts", r.FlaggedAccounts);
        w.WriteNumber("flagged_edges", r.FlaggedEdges);
        w.WriteNumber("flagged_components", r.FlaggedComponents);
        w.WriteNumber("clusters", r.ClusterCount);
        // an empty network has no quantile
        if (double.IsFinite(r.Threshold)) w.WriteNumber("threshold_cutoff", r.Threshold);
        else w.WriteNull("threshold_cutoff");
        w.WriteStartObject("modalities");
        foreach (var layer in r.Network.Layers)
        {
            w.WriteStartObject(layer.Modality.Name());
            w.WriteNumber("shares", layer.Shares.Count);
            w.WriteNumber("pairs", layer.TotalPairs);
            w.WriteNumber("edges", layer.EdgeCount);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("parameters");
        foreach (var (k, v) in r.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(k, v);
        w.WriteEndObject();
        w.WriteEndObject();
        await w.FlushAsync(ct);
    }

    private static async Task WriteClustersAsync(string path, NetworkReport r, CancellationToken ct)
    {
        await using var stream = File.Create(path);
        await JsonSerializer.SerializeAsync(stream, r.ClusterSummaries, new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        }, ct);
    }
}
