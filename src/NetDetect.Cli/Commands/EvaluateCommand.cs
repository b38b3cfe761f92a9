using System.CommandLine;
using System.Text.Json;
using NetDetect.Core.Data;
using NetDetect.Core.Detection;
using NetDetect.Core.Reporting;

namespace NetDetect.Cli.Commands;

/// <summary><c>netdetect evaluate DIR --model MODEL.zip --out OUT</c>: metrics of a model on a labelled dataset.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "Labelled dataset directory (a simulator truth.json beside it adds hard-negative false positives)" };
        var model = new Option<string?>("--model") { Description = "Model zip (default: models/netdetect-default.zip)" };
        var output = new Option<string>("--out") { Description = "Output directory for metrics.json and pr_curve.svg", Required = true };
        var threads = new Option<int>("--threads") { Description = "Worker threads (results do not depend on it)", DefaultValueFactory = _ => 2 };
        var minEdgePairs = DetectCommand.MinEdgePairsOption();
        var memoryLimit = DetectCommand.MemoryLimitOption();
        var command = new Command("evaluate", "Evaluate a model on a labelled dataset: precision, recall, F1 at the default threshold, ROC-AUC and PR-AUC overall and per operation, hard-negative false positives.")
        {
            dir, model, output, threads, minEdgePairs, memoryLimit,
        };
        command.SetAction(async (parse, ct) =>
        {
            var log = parse.InvocationConfiguration.Output;
            int minPairs = DetectCommand.MinEdgePairs(parse, minEdgePairs);
            using var limit = DetectCommand.MemoryLimit(parse, memoryLimit);
            var modelPath = ModelLocator.Resolve(parse.GetValue(model));
            var classifier = DetectCommand.LoadModel(modelPath);
            var input = parse.GetValue(dir)!;
            var dataset = await ProgressDisplay.RunAsync(log, p => ParquetDatasetReader.ReadAsync(input, p, ct));
            var labels = Labels.Of(dataset);
            if (!labels.Any(l => l == 1) || !labels.Any(l => l == 0))
                throw new UsageException($"{input}: evaluation needs both operation and organic labels in accounts.label");
            var result = Detector.Run(dataset, classifier, null, new DetectionOptions { Threads = parse.GetValue(threads), MinEdgePairs = minPairs, ReleasePostText = true, ReleaseFeatureColumns = true }, null, ct);
            var truthPath = Path.Combine(input, "truth.json");
            string? truth = File.Exists(truthPath) ? await File.ReadAllTextAsync(truthPath, ct) : null;
            var report = Evaluator.Evaluate(result, input, modelPath, truth);
            var outDir = parse.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            await File.WriteAllTextAsync(Path.Combine(outDir, "metrics.json"), JsonSerializer.Serialize(report, DetectionOutput.Json), ct);
            var scores = new List<double>();
            var y = new List<bool>();
            for (int i = 0; i < labels.Length; i++) if (labels[i] >= 0) { scores.Add(result.Scores[i]); y.Add(labels[i] == 1); }
            await File.WriteAllTextAsync(Path.Combine(outDir, "pr_curve.svg"), PrCurveSvg.Render(scores.ToArray(), y.ToArray(), report), ct);
            var o = report.Overall;
            log.WriteLine($"overall: P={o.Precision:F3} R={o.Recall:F3} F1={o.F1:F3} ROC-AUC={o.RocAuc:F4} PR-AUC={o.PrAuc:F4} ({o.Positives:N0} operation, {o.Negatives:N0} organic)");
            foreach (var (op, m) in report.PerOperation)
                log.WriteLine($"  {op}: P={m.Precision:F3} R={m.Recall:F3} F1={m.F1:F3} ROC-AUC={m.RocAuc:F4} PR-AUC={m.PrAuc:F4}");
            foreach (var h in report.HardNegatives)
                log.WriteLine($"  hard negative {h.Name} ({h.Kind}): {h.Flagged}/{h.Members} flagged");
            log.WriteLine($"wrote {outDir}/metrics.json, pr_curve.svg");
            return ExitCodes.Ok;
        });
        return command;
    }
}
