#:project ../src/NetDetect.Core/NetDetect.Core.csproj
#:property PublishAot=false
// Evaluate a model on a labelled dataset and compare it with the shipped default model.
// Run: dotnet run notebooks/evaluate.cs -- DIR --model MODEL.zip --out OUT [--baseline models/netdetect-default.zip]
// Cells are separated by "// %%" lines; notebooks/evaluate.ipynb holds the same cells (see notebooks/README.md).
// %%
// ## Arguments
// A file-based app reads its command line; in a notebook kernel set NETDETECT_NOTEBOOK_ARGS instead.
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetDetect.Core.Data;
using NetDetect.Core.Detection;
using NetDetect.Core.Reporting;

var argv = Environment.GetEnvironmentVariable("NETDETECT_NOTEBOOK_ARGS") is { Length: > 0 } envArgs
    ? envArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries)
    : Environment.GetCommandLineArgs()[1..];
string? dir = null, modelPath = null, outDir = null, baselinePath = null;
for (int i = 0; i < argv.Length; i++)
{
    switch (argv[i])
    {
        case "--model": modelPath = argv[++i]; break;
        case "--out": outDir = argv[++i]; break;
        case "--baseline": baselinePath = argv[++i]; break;
        default: dir = argv[i]; break;
    }
}
if (dir is null || modelPath is null || outDir is null)
    throw new ArgumentException("usage: evaluate.cs DIR --model MODEL.zip --out OUT [--baseline MODEL.zip]");
// The baseline defaults to the shipped model, found by walking up from the working directory.
if (baselinePath is null)
{
    for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null && baselinePath is null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "models", "netdetect-default.zip"))) baselinePath = Path.Combine(d.FullName, "models", "netdetect-default.zip");
}
Directory.CreateDirectory(outDir);
var inv = CultureInfo.InvariantCulture;
// %%
// ## Load data
// A labelled Parquet dataset directory; a simulator truth.json beside it adds the hard-negative false positives.
var dataset = await ParquetDatasetReader.ReadAsync(dir);
var truthPath = Path.Combine(dir, "truth.json");
string? truthJson = File.Exists(truthPath) ? await File.ReadAllTextAsync(truthPath) : null;
var labels = Labels.Of(dataset);
Console.WriteLine($"{dir}: {dataset.Accounts.Count:N0} accounts, {labels.Count(l => l == 1):N0} operation, {labels.Count(l => l == 0):N0} organic");
// %%
// ## Build features and score
// Detector.Run rebuilds the network with the recipe stored in each model, computes the features and scores them.
(EvaluationReport Report, double[] Scores, bool[] Truth) Evaluate(string path)
{
    var result = Detector.Run(dataset, CoordinationModel.Load(path), null, new DetectionOptions { Threads = 1 });
    var s = new List<double>();
    var t = new List<bool>();
    for (int i = 0; i < labels.Length; i++) if (labels[i] >= 0) { s.Add(result.Scores[i]); t.Add(labels[i] == 1); }
    return (Evaluator.Evaluate(result, dir, path, truthJson), s.ToArray(), t.ToArray());
}
var candidate = Evaluate(modelPath);
var baseline = baselinePath is null ? ((EvaluationReport, double[], bool[])?)null : Evaluate(baselinePath);
// %%
// ## Evaluate against the current model
string Line(BinaryMetrics m) => $"P={m.Precision:F3} R={m.Recall:F3} F1={m.F1:F3} ROC-AUC={m.RocAuc:F4} PR-AUC={m.PrAuc:F4}";
Console.WriteLine($"model {modelPath}: {Line(candidate.Report.Overall)}");
foreach (var (op, m) in candidate.Report.PerOperation) Console.WriteLine($"  {op}: {Line(m)}");
foreach (var h in candidate.Report.HardNegatives) Console.WriteLine($"  hard negative {h.Name} ({h.Kind}): {h.Flagged}/{h.Members} flagged");
if (baseline is { } b) Console.WriteLine($"baseline {baselinePath}: {Line(b.Item1.Overall)}");
var metrics = new Dictionary<string, object?>
{
    ["model"] = candidate.Report, ["baseline"] = baseline?.Item1,
    ["roc_auc_change"] = baseline is { } b2 ? candidate.Report.Overall.RocAuc - b2.Item1.Overall.RocAuc : null,
    ["pr_auc_change"] = baseline is { } b3 ? candidate.Report.Overall.PrAuc - b3.Item1.Overall.PrAuc : null,
};
await File.WriteAllTextAsync(Path.Combine(outDir, "metrics.json"), JsonSerializer.Serialize(metrics, DetectionOutput.Json));
// %%
// ## Plots
// PR curves through Reporting.PrCurveSvg (as `netdetect evaluate` draws them) and per-class score histograms.
await File.WriteAllTextAsync(Path.Combine(outDir, "pr_curve.svg"), PrCurveSvg.Render(candidate.Scores, candidate.Truth, candidate.Report));
if (baseline is { } b4)
    await File.WriteAllTextAsync(Path.Combine(outDir, "pr_curve_baseline.svg"), PrCurveSvg.Render(b4.Item2, b4.Item3, b4.Item1));
string Histogram(double[] scores, bool[] truth, string title)
{
    const int bins = 20, w = 500, h = 300, pad = 40;
    var op = new int[bins];
    var org = new int[bins];
    for (int i = 0; i < scores.Length; i++) (truth[i] ? op : org)[Math.Min(bins - 1, (int)(scores[i] * bins))]++;
    // Shares within each class, so the small operation class stays visible next to the organic one.
    double nOp = Math.Max(1, op.Sum()), nOrg = Math.Max(1, org.Sum());
    double max = 1e-9;
    for (int k = 0; k < bins; k++) max = Math.Max(max, Math.Max(op[k] / nOp, org[k] / nOrg));
    var sb = new StringBuilder();
    sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    sb.Append(inv, $"<text x=\"{pad}\" y=\"20\" font-size=\"12\">{System.Security.SecurityElement.Escape(title)} (blue organic, red operation; share of class)</text>");
    double bw = (w - 2.0 * pad) / bins;
    for (int k = 0; k < bins; k++)
    {
        double ho = org[k] / nOrg / max * (h - 2 * pad), hp = op[k] / nOp / max * (h - 2 * pad);
        sb.Append(inv, $"<rect x=\"{pad + k * bw:0.#}\" y=\"{h - pad - ho:0.#}\" width=\"{bw / 2:0.#}\" height=\"{ho:0.#}\" fill=\"#1f77b4\"/>");
        sb.Append(inv, $"<rect x=\"{pad + k * bw + bw / 2:0.#}\" y=\"{h - pad - hp:0.#}\" width=\"{bw / 2:0.#}\" height=\"{hp:0.#}\" fill=\"#d62728\"/>");
    }
    sb.Append(inv, $"<line x1=\"{pad}\" y1=\"{h - pad}\" x2=\"{w - pad}\" y2=\"{h - pad}\" stroke=\"black\"/>");
    for (int t = 0; t <= 10; t += 2) sb.Append(inv, $"<text x=\"{pad + t / 10.0 * (w - 2 * pad) - 8:0}\" y=\"{h - pad + 15}\" font-size=\"10\">{t / 10.0:0.0}</text>");
    return sb.Append("</svg>").ToString();
}
await File.WriteAllTextAsync(Path.Combine(outDir, "score_distribution.svg"), Histogram(candidate.Scores, candidate.Truth, "model scores"));
if (baseline is { } b5)
    await File.WriteAllTextAsync(Path.Combine(outDir, "score_distribution_baseline.svg"), Histogram(b5.Item2, b5.Item3, "baseline scores"));
Console.WriteLine($"wrote {outDir}: metrics.json, pr_curve.svg, score_distribution.svg");
