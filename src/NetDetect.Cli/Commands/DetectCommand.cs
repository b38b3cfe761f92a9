using System.CommandLine;
using System.Diagnostics;
using NetDetect.Core.Data;
using NetDetect.Core.Detection;
using NetDetect.Core.Diagnostics;
using NetDetect.Core.Reporting;

namespace NetDetect.Cli.Commands;

/// <summary><c>netdetect detect DIR --out OUT</c>: verdicts per account, clusters with evidence, the network and an HTML report.</summary>
public static class DetectCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "Dataset directory holding accounts.parquet and posts.parquet" };
        var model = new Option<string?>("--model") { Description = "Model zip (default: models/netdetect-default.zip next to netdetect or in the repository)" };
        var seeds = new Option<string?>("--seeds") { Description = "Seed-account list (seeds/README.md): known operation accounts whose network neighbourhood gets a higher prior" };
        var output = new Option<string>("--out") { Description = "Output directory", Required = true };
        var threads = new Option<int>("--threads") { Description = "Worker threads (results do not depend on it)", DefaultValueFactory = _ => 2 };
        var minEdgePairs = MinEdgePairsOption();
        var memoryLimit = MemoryLimitOption();
        var command = new Command("detect", "Score every account for coordinated behaviour: verdicts.parquet/.csv, clusters.json, network.gexf, summary.json and report.html.")
        {
            dir, model, seeds, output, threads, minEdgePairs, memoryLimit,
        };
        command.SetAction(async (parse, ct) =>
        {
            var log = parse.InvocationConfiguration.Output;
            int t = parse.GetValue(threads);
            if (t < 1) throw new UsageException("--threads must be at least 1");
            int minPairs = MinEdgePairs(parse, minEdgePairs);
            using var limit = MemoryLimit(parse, memoryLimit);
            var modelPath = ModelLocator.Resolve(parse.GetValue(model));
            var seedIds = parse.GetValue(seeds) is { } seedPath ? await SeedsFile.ReadAsync(seedPath, ct) : null;
            var input = parse.GetValue(dir)!;
            var clock = Stopwatch.StartNew();
            var classifier = LoadModel(modelPath);
            var dataset = await ProgressDisplay.RunAsync(log, p => ParquetDatasetReader.ReadAsync(input, p, ct));
            double read = clock.Elapsed.TotalSeconds;
            var result = await ProgressDisplay.RunAsync(log, p => Task.Run(() => Detector.Run(dataset, classifier, seedIds, new DetectionOptions { Threads = t, MinEdgePairs = minPairs, ReleasePostText = true, ReleaseFeatureColumns = true }, p, ct), ct));
            var outDir = parse.GetValue(output)!;
            await DetectionOutput.WriteAsync(result, outDir, input, modelPath, ct);
            int coordinated = result.Verdicts.Count(v => v.Verdict == "coordinated");
            int suspicious = result.Verdicts.Count(v => v.Verdict == "suspicious");
            log.WriteLine($"{dataset.Accounts.Count:N0} accounts, {dataset.Posts.Count:N0} posts: {coordinated:N0} coordinated, {suspicious:N0} suspicious, {result.Clusters.Count:N0} clusters (read {read:F1} s, total {clock.Elapsed.TotalSeconds:F1} s)");
            if (result.SeedsNotFound.Count > 0) log.WriteLine($"warning: {result.SeedsNotFound.Count} seed account(s) not in the dataset, e.g. {result.SeedsNotFound[0]}");
            log.WriteLine($"wrote {outDir}/verdicts.parquet, verdicts.csv, clusters.json, network.gexf, summary.json, report.html");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The scale-mode option shared by detect and evaluate.</summary>
    public static Option<int> MinEdgePairsOption() => new("--min-edge-pairs")
    {
        Description = "Scale mode: account pairs that co-shared fewer than N times in a modality are not edges of it. 1 (default) is the network "
            + "the model was trained on; 2 drops pairs that met once, most edges of a large dataset, so that 10M posts fit in memory (README, performance)",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>The memory option shared by detect and evaluate.</summary>
    public static Option<string?> MemoryLimitOption() => new("--memory-limit")
    {
        Description = "Stop with an error (exit 2) instead of letting the network take the managed heap past SIZE (e.g. 8G, 500M; "
            + $"default {MemoryGuard.DefaultFraction:P0} of the memory this process can use)",
    };

    /// <summary>A scope holding the limit given (none when the option is absent); refused (exit 2) when unreadable.</summary>
    public static IDisposable? MemoryLimit(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } text ? MemoryGuard.Limit(ParseSize(text)) : null;

    /// <summary>Bytes of a size such as 8G, 8GB, 8GiB, 500M, 64K or 1000000 (binary units).</summary>
    public static long ParseSize(string text)
    {
        var t = text.Trim();
        int end = t.Length;
        while (end > 0 && char.IsLetter(t[end - 1])) end--;
        long unit = t[end..].ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            _ => 0,
        };
        if (unit == 0 || !double.TryParse(t[..end], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value)
            || !(value > 0) || value * unit >= long.MaxValue)
            throw new UsageException($"--memory-limit: '{text}' is not a size such as 8G, 500M or 1000000");
        return (long)(value * unit);
    }

    /// <summary>The option's value, refused (exit 2) below 1.</summary>
    public static int MinEdgePairs(ParseResult parse, Option<int> option)
    {
        int value = parse.GetValue(option);
        if (value < 1) throw new UsageException("--min-edge-pairs must be at least 1");
        return value;
    }

    /// <summary>Loads a model, turning an unreadable file into a usage error (exit 2).</summary>
    public static CoordinationModel LoadModel(string path)
    {
        try
        {
            return CoordinationModel.Load(path);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
