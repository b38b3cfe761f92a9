#:project ../src/NetDetect.Core/NetDetect.Core.csproj
#:property PublishAot=false
// Retrain NetDetect's coordination classifier, compare it with the current model, and write the new model with
// its model card, metrics and plots. Run: dotnet run notebooks/retrain.cs -- DIR... --out OUT [--labels labels.parquet]
// [--eval DIR] [--current models/netdetect-default.zip] [--iterations 300] [--seed 7]
// Cells are separated by "// %%" lines; notebooks/retrain.ipynb holds the same cells (see notebooks/README.md).
// %%
// ## Arguments
// A file-based app reads its command line; in a notebook kernel set NETDETECT_NOTEBOOK_ARGS instead.
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetDetect.Core.Data;
using NetDetect.Core.Detection;
using NetDetect.Core.Features;
using NetDetect.Core.Reporting;

var argv = Environment.GetEnvironmentVariable("NETDETECT_NOTEBOOK_ARGS") is { Length: > 0 } envArgs
    ? envArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries)
    : Environment.GetCommandLineArgs()[1..];
var dirs = new List<string>();
string? outDir = null, labelsPath = null, evalDir = null, currentPath = null;
int iterations = 300, seed = 7;
for (int i = 0; i < argv.Length; i++)
{
    switch (argv[i])
    {
        case "--out": outDir = argv[++i]; break;
        case "--labels": labelsPath = argv[++i]; break;
        case "--eval": evalDir = argv[++i]; break;
        case "--current": currentPath = argv[++i]; break;
        case "--iterations": iterations = int.Parse(argv[++i], CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(argv[++i], CultureInfo.InvariantCulture); break;
        default: dirs.Add(argv[i]); break;
    }
}
if (dirs.Count == 0 || outDir is null)
    throw new ArgumentException("usage: retrain.cs DIR... --out OUT [--labels labels.parquet] [--eval DIR] [--current MODEL.zip] [--iterations N] [--seed N]");
// The current model defaults to the shipped one, found by walking up from the working directory.
if (currentPath is null)
{
    for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null && currentPath is null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "models", "netdetect-default.zip"))) currentPath = Path.Combine(d.FullName, "models", "netdetect-default.zip");
}
Directory.CreateDirectory(outDir);
var inv = CultureInfo.InvariantCulture;
// %%
// ## Load data
// Parquet dataset directories as `netdetect validate` accepts them. Labels exported by GET /v1/labels (a canonical
// accounts.parquet with account_id, label) override accounts.label: analysts' reviews are newer than the data's labels.
var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
if (labelsPath is not null)
{
    await using var reader = await Parquet.ParquetReader.CreateAsync(labelsPath);
    // Raw column reads, as ParquetDatasetReader does: non-null values come packed, definition levels mark the nulls.
    async Task<string?[]> Column(Parquet.ParquetRowGroupReader rg, string name)
    {
        var field = reader.Schema.DataFields.First(f => f.Name == name);
        int n = checked((int)rg.RowCount);
        var values = new ReadOnlyMemory<char>[n];
        var def = new int[n];
        Memory<int>? defs = field.MaxDefinitionLevel > 0 ? def : (Memory<int>?)null;
        await rg.ReadRawAsync<ReadOnlyMemory<char>>(field, values, defs, null);
        var result = new string?[n];
        for (int i = 0, v = 0; i < n; i++)
            if (field.MaxDefinitionLevel == 0 || def[i] == field.MaxDefinitionLevel) result[i] = values[v++].ToString();
        return result;
    }
    for (int g = 0; g < reader.RowGroupCount; g++)
    {
        using var rg = reader.OpenRowGroupReader(g);
        var ids = await Column(rg, "account_id");
        var labs = await Column(rg, "label");
        for (int r = 0; r < ids.Length; r++)
            if (ids[r] is { } id && labs[r] is { Length: > 0 } lab) overrides[id] = lab;
    }
    Console.WriteLine($"{labelsPath}: {overrides.Count:N0} analyst labels");
}
// Labels of a dataset (1 operation, 0 organic, -1 unlabelled) with the analysts' labels applied.
sbyte[] LabelsWithOverrides(Dataset dataset)
{
    var labels = Labels.Of(dataset);
    for (int i = 0; i < labels.Length; i++)
        if (overrides.TryGetValue(dataset.Accounts.Ids[i], out var lab)) labels[i] = lab == "organic" ? (sbyte)0 : (sbyte)1;
    return labels;
}
var datasets = new List<(string Name, Dataset Data)>();
foreach (var dir in dirs)
{
    var data = await ParquetDatasetReader.ReadAsync(dir);
    var name = Path.GetFileName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar));
    datasets.Add((name, data));
    Console.WriteLine($"{dir}: {data.Accounts.Count:N0} accounts, {data.Posts.Count:N0} posts");
}
// %%
// ## Build features
// The coordination network and the per-account features of docs/features.md, with the default network recipe.
var network = new DetectionNetworkOptions { Threads = 1 };
var sets = new List<(FeatureMatrix Features, sbyte[] Labels, string[] Keys)>();
foreach (var (name, data) in datasets)
{
    var set = Labels.TrainingSet(data, network, name);
    var labels = LabelsWithOverrides(data);
    int pos = labels.Count(l => l == 1), neg = labels.Count(l => l == 0);
    Console.WriteLine($"{name}: {set.Features.Columns} features; {pos:N0} operation, {neg:N0} organic, {labels.Length - pos - neg:N0} unlabelled");
    sets.Add((set.Features, labels, set.Keys));
}
// %%
// ## Train
// ML.NET LightGBM, Platt-calibrated on a seeded hold-out of the labelled accounts (CoordinationModel.Train).
var options = new TrainingOptions { Seed = seed, Iterations = iterations, Threads = 1 };
var model = CoordinationModel.Train(sets, network, options, trainedOn: datasets.Select(d => d.Name).ToList());
var meta = model.Metadata;
Console.WriteLine($"trained on {meta.TrainAccounts:N0} accounts ({meta.TrainPositives:N0} operation), calibrated on {meta.CalibrationAccounts:N0}; Platt A={meta.PlattA:F4} B={meta.PlattB:F4}");
// %%
// ## Evaluate against the current model
// Both models score the evaluation dataset through the full detection pipeline. Without --eval the training data is
// used, which flatters the new model (in-sample): metrics.json says so.
bool inSample = evalDir is null;
var evalData = evalDir is null ? datasets[^1].Data : await ParquetDatasetReader.ReadAsync(evalDir);
var evalName = evalDir ?? dirs[^1];
var evalLabels = LabelsWithOverrides(evalData);
(double[] Scores, bool[] Truth, BinaryMetrics Metrics, DetectionResult Result) Score(CoordinationModel m)
{
    var result = Detector.Run(evalData, m, null, new DetectionOptions { Threads = 1 });
    var s = new List<double>();
    var t = new List<bool>();
    for (int i = 0; i < evalLabels.Length; i++) if (evalLabels[i] >= 0) { s.Add(result.Scores[i]); t.Add(evalLabels[i] == 1); }
    return (s.ToArray(), t.ToArray(), BinaryMetrics.Compute(s.ToArray(), t.ToArray(), m.Metadata.Bands.Suspicious), result);
}
var fresh = Score(model);
var current = currentPath is null ? ((double[], bool[], BinaryMetrics, DetectionResult)?)null : Score(CoordinationModel.Load(currentPath));
string Line(BinaryMetrics m) => $"P={m.Precision:F3} R={m.Recall:F3} F1={m.F1:F3} ROC-AUC={m.RocAuc:F4} PR-AUC={m.PrAuc:F4}";
Console.WriteLine($"new model on {evalName}{(inSample ? " (in-sample)" : "")}: {Line(fresh.Metrics)}");
if (current is { } cur) Console.WriteLine($"current model {currentPath}: {Line(cur.Item3)}");
// %%
// ## Feature importance
// Permutation importance on the evaluation rows: the ROC-AUC lost when one feature's column is shuffled (seeded).
var evalFeatures = fresh.Result.Features;
var rows = new List<int>();
for (int i = 0; i < evalLabels.Length; i++) if (evalLabels[i] >= 0) rows.Add(i);
double AucOf(FeatureMatrix fm)
{
    var all = model.Score(fm);
    var s = new double[rows.Count];
    for (int k = 0; k < rows.Count; k++) s[k] = all[rows[k]];
    return RankMetrics.RocAuc(s, fresh.Truth);
}
double baseAuc = AucOf(evalFeatures);
var importance = new List<(string Feature, double Drop)>();
var rng = new Random(seed);
for (int c = 0; c < evalFeatures.Columns; c++)
{
    var values = (float[])evalFeatures.Values.Clone();
    var perm = Enumerable.Range(0, evalFeatures.Rows).ToArray();
    rng.Shuffle(perm);
    for (int r = 0; r < evalFeatures.Rows; r++) values[r * evalFeatures.Columns + c] = evalFeatures.Values[perm[r] * evalFeatures.Columns + c];
    importance.Add((evalFeatures.Names[c], baseAuc - AucOf(new FeatureMatrix { Names = evalFeatures.Names, Rows = evalFeatures.Rows, Values = values })));
}
importance.Sort((a, b) => b.Drop.CompareTo(a.Drop));
Console.WriteLine("top features: " + string.Join(", ", importance.Take(5).Select(f => $"{f.Feature} {f.Drop:F4}")));
// %%
// ## Write model, metrics and model card
var modelPath = Path.Combine(outDir, "model.zip");
await model.SaveAsync(modelPath);
var metrics = new Dictionary<string, object?>
{
    ["dataset"] = evalName, ["in_sample"] = inSample, ["trained_on"] = meta.TrainedOn,
    ["train_accounts"] = meta.TrainAccounts, ["train_positives"] = meta.TrainPositives,
    ["analyst_labels"] = overrides.Count, ["operation_labels"] = sets.Sum(x => x.Labels.Count(l => l == 1)),
    ["organic_labels"] = sets.Sum(x => x.Labels.Count(l => l == 0)), ["new_model"] = fresh.Metrics, ["current_model"] = current?.Item3,
    ["current_model_path"] = currentPath,
    ["feature_importance"] = importance.Select(f => new { feature = f.Feature, roc_auc_drop = f.Drop }).ToList(),
};
var json = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
await File.WriteAllTextAsync(Path.Combine(outDir, "metrics.json"), JsonSerializer.Serialize(metrics, json));
var card = new StringBuilder();
card.AppendLine(inv, $"# Model card: `model.zip`").AppendLine();
card.AppendLine(inv, $"Generated by `notebooks/retrain.cs` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.").AppendLine();
card.AppendLine("## What it is").AppendLine();
card.AppendLine(inv, $"- **Model**: ML.NET LightGBM, {options.Iterations} iterations, {options.Leaves} leaves, learning rate {options.LearningRate}, seed {options.Seed}; feature set v{meta.FeatureVersion} ({meta.FeatureNames.Count} features).");
card.AppendLine(inv, $"- **Calibration**: Platt A = {meta.PlattA:F4}, B = {meta.PlattB:F4}, fitted on {meta.CalibrationAccounts:N0} held-out accounts ({meta.CalibrationPositives:N0} operation).");
card.AppendLine(inv, $"- **Verdict bands**: coordinated p ≥ {meta.Bands.Coordinated}, suspicious p ≥ {meta.Bands.Suspicious}.");
card.AppendLine(inv, $"- **Network recipe**: modalities {string.Join(", ", meta.Modalities)}; window {meta.WindowMicros / 1_000_000} s; min participation {meta.MinParticipation}.").AppendLine();
card.AppendLine("## Training data").AppendLine();
card.AppendLine(inv, $"{string.Join(", ", meta.TrainedOn)}: {meta.TrainAccounts:N0} accounts trained the booster ({meta.TrainPositives:N0} operation); {overrides.Count:N0} analyst labels from GET /v1/labels applied.").AppendLine();
card.AppendLine("## Evaluation").AppendLine();
card.AppendLine(inv, $"On `{evalName}`{(inSample ? " — **in-sample** (the training data; pass --eval for held-out data)" : "")}, threshold {fresh.Metrics.Threshold}:").AppendLine();
card.AppendLine("| model | precision | recall | F1 | ROC-AUC | PR-AUC |").AppendLine("|---|---|---|---|---|---|");
void Row(string n, BinaryMetrics m) => card.AppendLine(inv, $"| {n} | {m.Precision:F3} | {m.Recall:F3} | {m.F1:F3} | {m.RocAuc:F4} | {m.PrAuc:F4} |");
Row("new", fresh.Metrics);
if (current is { } c2) Row($"current ({Path.GetFileName(currentPath)})", c2.Item3);
card.AppendLine().AppendLine("## Most important features (permutation, ROC-AUC drop)").AppendLine();
foreach (var (f, d) in importance.Take(10)) card.AppendLine(inv, $"- `{f}`: {d:F4}");
card.AppendLine().AppendLine("Plots: pr_curve.svg, pr_curve_current.svg, score_distribution.svg, feature_importance.svg.");
await File.WriteAllTextAsync(Path.Combine(outDir, "MODEL_CARD.md"), card.ToString());
// %%
// ## Plots
// PR curves through Reporting.PrCurveSvg (the one `netdetect evaluate` draws); score histograms and the importance bar
// chart are small SVGs drawn here.
EvaluationReport ReportOf(string name, BinaryMetrics m) => new(evalName, name, m.Threshold, m, new Dictionary<string, BinaryMetrics>(), [], 0);
await File.WriteAllTextAsync(Path.Combine(outDir, "pr_curve.svg"), PrCurveSvg.Render(fresh.Scores, fresh.Truth, ReportOf(modelPath, fresh.Metrics)));
if (current is { } c3)
    await File.WriteAllTextAsync(Path.Combine(outDir, "pr_curve_current.svg"), PrCurveSvg.Render(c3.Item1, c3.Item2, ReportOf(currentPath!, c3.Item3)));
string Histogram(double[] scores, bool[] truth, string title)
{
    const int bins = 20, w = 500, h = 300, pad = 40;
    var op = new int[bins];
    var org = new int[bins];
    for (int i = 0; i < scores.Length; i++) (truth[i] ? op : org)[Math.Min(bins - 1, (int)(scores[i] * bins))]++;
    // Shares within each class, so the small operation class stays visible next to the organic one.
    double nOp = Math.Max(1, op.Sum()), nOrg = Math.Max(1, org.Sum());
    double max = 1e-9;
    for (int b = 0; b < bins; b++) max = Math.Max(max, Math.Max(op[b] / nOp, org[b] / nOrg));
    var sb = new StringBuilder();
    sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    sb.Append(inv, $"<text x=\"{pad}\" y=\"20\" font-size=\"12\">{System.Security.SecurityElement.Escape(title)} (blue organic, red operation; share of class)</text>");
    double bw = (w - 2.0 * pad) / bins;
    for (int b = 0; b < bins; b++)
    {
        double ho = org[b] / nOrg / max * (h - 2 * pad), hp = op[b] / nOp / max * (h - 2 * pad);
        sb.Append(inv, $"<rect x=\"{pad + b * bw:0.#}\" y=\"{h - pad - ho:0.#}\" width=\"{bw / 2:0.#}\" height=\"{ho:0.#}\" fill=\"#1f77b4\"/>");
        sb.Append(inv, $"<rect x=\"{pad + b * bw + bw / 2:0.#}\" y=\"{h - pad - hp:0.#}\" width=\"{bw / 2:0.#}\" height=\"{hp:0.#}\" fill=\"#d62728\"/>");
    }
    sb.Append(inv, $"<line x1=\"{pad}\" y1=\"{h - pad}\" x2=\"{w - pad}\" y2=\"{h - pad}\" stroke=\"black\"/>");
    for (int t = 0; t <= 10; t += 2) sb.Append(inv, $"<text x=\"{pad + t / 10.0 * (w - 2 * pad) - 8:0}\" y=\"{h - pad + 15}\" font-size=\"10\">{t / 10.0:0.0}</text>");
    return sb.Append("</svg>").ToString();
}
await File.WriteAllTextAsync(Path.Combine(outDir, "score_distribution.svg"), Histogram(fresh.Scores, fresh.Truth, "new model scores"));
string Bars(IReadOnlyList<(string Feature, double Drop)> items)
{
    const int w = 600, rowH = 18, left = 220;
    int n = Math.Min(20, items.Count), h = 40 + n * rowH;
    double max = Math.Max(1e-9, items.Take(n).Max(x => Math.Abs(x.Drop)));
    var sb = new StringBuilder();
    sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    sb.Append("<text x=\"10\" y=\"20\" font-size=\"12\">permutation importance (ROC-AUC drop)</text>");
    for (int k = 0; k < n; k++)
    {
        double len = Math.Abs(items[k].Drop) / max * (w - left - 60);
        sb.Append(inv, $"<text x=\"10\" y=\"{40 + k * rowH + 12}\" font-size=\"11\">{System.Security.SecurityElement.Escape(items[k].Feature)}</text>");
        sb.Append(inv, $"<rect x=\"{left}\" y=\"{40 + k * rowH + 2}\" width=\"{len:0.#}\" height=\"{rowH - 4}\" fill=\"#2ca02c\"/>");
        sb.Append(inv, $"<text x=\"{left + len + 4:0.#}\" y=\"{40 + k * rowH + 12}\" font-size=\"10\">{items[k].Drop:0.0000}</text>");
    }
    return sb.Append("</svg>").ToString();
}
await File.WriteAllTextAsync(Path.Combine(outDir, "feature_importance.svg"), Bars(importance));
Console.WriteLine($"wrote {outDir}: model.zip, MODEL_CARD.md, metrics.json, pr_curve.svg, score_distribution.svg, feature_importance.svg");
