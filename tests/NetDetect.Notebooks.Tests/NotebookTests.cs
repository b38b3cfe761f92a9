using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using NetDetect.Core.Data;
using NetDetect.Core.Detection;
using Parquet.Serialization;

namespace NetDetect.Notebooks.Tests;

/// <summary>Runs notebooks/retrain.cs and evaluate.cs (and the .ipynb cells as a file-based app) on data/sample and checks what they write.</summary>
/// <remarks>One class, so the runs are sequential: concurrent `dotnet run` of one file would share its build output.</remarks>
public sealed class NotebookTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Sample = Path.Combine(Root, "data", "sample");

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "NetDetect.sln"))) return d.FullName;
        throw new InvalidOperationException("NetDetect.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("run");
        psi.ArgumentList.Add(file);
        psi.ArgumentList.Add("--");
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment.Remove("NETDETECT_NOTEBOOK_ARGS");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(4))) { p.Kill(true); throw new TimeoutException($"{file} ran over 4 minutes"); }
        Assert.True(p.ExitCode == 0, $"{file} exited {p.ExitCode}\n{stdout}\n{stderr.Result}");
        return stdout;
    }

    private static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "netdetect-nb-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    private static void AssertSvg(string path)
    {
        Assert.True(File.Exists(path), path + " missing");
        var doc = XDocument.Load(path);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        Assert.NotEmpty(doc.Root.Descendants());
    }

    private sealed class LabelRow
    {
        public string account_id { get; set; } = "";
        public string? label { get; set; }
    }

    /// <summary>Ten operation accounts relabelled organic, as GET /v1/labels exports a dismissed review.</summary>
    private static async Task<string> WriteLabelsAsync(string dir)
    {
        var dataset = await ParquetDatasetReader.ReadAsync(Sample);
        var labels = Labels.Of(dataset);
        var rows = new List<LabelRow>();
        for (int i = 0; i < labels.Length && rows.Count < 10; i++)
            if (labels[i] == 1) rows.Add(new LabelRow { account_id = dataset.Accounts.Ids[i], label = "organic" });
        var path = Path.Combine(dir, "labels.parquet");
        await ParquetSerializer.SerializeAsync(rows, path);
        return path;
    }

    private static void AssertRetrainOutputs(string outDir, int expectedOperation)
    {
        var model = CoordinationModel.Load(Path.Combine(outDir, "model.zip"));
        Assert.Equal(49, model.Metadata.FeatureNames.Count);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        var m = metrics.RootElement;
        Assert.Equal(expectedOperation, m.GetProperty("operation_labels").GetInt32());
        Assert.True(m.GetProperty("in_sample").GetBoolean());
        double auc = m.GetProperty("new_model").GetProperty("roc_auc").GetDouble();
        Assert.InRange(auc, 0.8, 1.0);
        Assert.InRange(m.GetProperty("current_model").GetProperty("roc_auc").GetDouble(), 0.8, 1.0);
        var importance = m.GetProperty("feature_importance");
        Assert.Equal(49, importance.GetArrayLength());
        Assert.True(importance[0].GetProperty("roc_auc_drop").GetDouble() > 0, "the top feature should matter");
        var card = File.ReadAllText(Path.Combine(outDir, "MODEL_CARD.md"));
        Assert.StartsWith("# Model card", card);
        Assert.Contains("in-sample", card);
        foreach (var svg in new[] { "pr_curve.svg", "pr_curve_current.svg", "score_distribution.svg", "feature_importance.svg" })
            AssertSvg(Path.Combine(outDir, svg));
    }

    [Fact]
    public async Task Retrain_cs_writes_a_loadable_model_card_metrics_and_plots_with_analyst_labels_applied()
    {
        var dir = TempDir();
        var labels = await WriteLabelsAsync(dir);
        var outDir = Path.Combine(dir, "out");
        var log = Run("notebooks/retrain.cs", Sample, "--labels", labels, "--out", outDir, "--iterations", "60");
        Assert.Contains("10 analyst labels", log);
        AssertRetrainOutputs(outDir, expectedOperation: 50); // data/sample has 60 operation accounts
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Evaluate_cs_compares_a_model_with_the_default_and_writes_metrics_and_plots()
    {
        var dir = TempDir();
        var model = Path.Combine(Root, "models", "netdetect-default.zip");
        Run("notebooks/evaluate.cs", Sample, "--model", model, "--out", dir);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")));
        var m = metrics.RootElement;
        var overall = m.GetProperty("model").GetProperty("overall");
        Assert.InRange(overall.GetProperty("roc_auc").GetDouble(), 0.8, 1.0);
        Assert.Equal(60, overall.GetProperty("positives").GetInt32());
        Assert.Equal(m.GetProperty("baseline").GetProperty("overall").GetProperty("roc_auc").GetDouble(), overall.GetProperty("roc_auc").GetDouble());
        Assert.Equal(0.0, m.GetProperty("roc_auc_change").GetDouble());
        Assert.True(m.GetProperty("model").GetProperty("hard_negatives").GetArrayLength() > 0, "truth.json's hard negatives are evaluated");
        foreach (var svg in new[] { "pr_curve.svg", "pr_curve_baseline.svg", "score_distribution.svg", "score_distribution_baseline.svg" })
            AssertSvg(Path.Combine(dir, svg));
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("retrain")]
    [InlineData("evaluate")]
    public void Ipynb_code_cells_equal_the_cs_cells(string name)
    {
        var (cells, setup) = NotebookSync.IpynbCodeCells(Path.Combine(Root, "notebooks", name + ".ipynb"));
        Assert.StartsWith("#r ", setup);
        Assert.Equal(NotebookSync.CsCells(File.ReadAllText(Path.Combine(Root, "notebooks", name + ".cs"))), cells);
    }

    [Fact]
    public void Sync_rule_detects_an_edited_cell()
    {
        var cs = File.ReadAllText(Path.Combine(Root, "notebooks", "evaluate.cs"));
        var (cells, _) = NotebookSync.IpynbCodeCells(Path.Combine(Root, "notebooks", "evaluate.ipynb"));
        var edited = cs.Replace("Threads = 1", "Threads = 2");
        Assert.NotEqual(cs, edited);
        Assert.NotEqual(NotebookSync.CsCells(edited), cells);
        // Round trip: the cells written as a file-based app split back into the same cells.
        Assert.Equal(cells, NotebookSync.CsCells(NotebookSync.ToFileBasedApp(cells, "/x/NetDetect.Core.csproj")));
    }

    [Fact]
    public async Task Retrain_ipynb_cells_run_as_a_file_based_app()
    {
        var dir = TempDir();
        var app = Path.Combine(dir, "retrain_ipynb.cs");
        var (cells, _) = NotebookSync.IpynbCodeCells(Path.Combine(Root, "notebooks", "retrain.ipynb"));
        File.WriteAllText(app, NotebookSync.ToFileBasedApp(cells, Path.Combine(Root, "src", "NetDetect.Core", "NetDetect.Core.csproj")));
        var labels = await WriteLabelsAsync(dir);
        var outDir = Path.Combine(dir, "out");
        var log = Run(app, Sample, "--labels", labels, "--out", outDir, "--iterations", "60");
        Assert.Contains("10 analyst labels", log);
        AssertRetrainOutputs(outDir, expectedOperation: 50);
        Directory.Delete(dir, true);
    }
}
