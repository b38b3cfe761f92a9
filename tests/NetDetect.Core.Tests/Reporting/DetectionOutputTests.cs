using System.Text.Json;
using System.Xml.Linq;
using NetDetect.Cli;
using NetDetect.Core.Data;
using NetDetect.Core.Detection;
using NetDetect.Core.Reporting;
using NetDetect.Core.Tests.Detection;
using NetDetect.Core.Tests.TestSupport;
using Parquet.Serialization;

namespace NetDetect.Core.Tests.Reporting;

public class DetectionOutputTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandRunner.RunAsync(CliApp.CreateRoot(), args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Detect_end_to_end_writes_every_file_and_they_parse()
    {
        using var dir = new TempDir();
        var data = dir.Sub("data");
        var dataset = CoordinatedData.Build(seed: 8);
        await ParquetDatasetWriter.WriteAsync(dataset, data);
        File.WriteAllText(dir.Sub("seeds.txt"), "# known\naccount_id\ns8op1m0\n");
        var outDir = dir.Sub("out");

        var (code, stdout, stderr) = await Run("detect", data, "--model", fixture.ModelPath, "--seeds", dir.Sub("seeds.txt"), "--out", outDir);
        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("coordinated", stdout);

        var rows = new List<VerdictRow>();
        await using (var s = File.OpenRead(Path.Combine(outDir, "verdicts.parquet")))
            rows.AddRange((await ParquetSerializer.DeserializeAsync<VerdictRow>(s)).Data);
        Assert.Equal(dataset.Accounts.Count, rows.Count);
        var csv = File.ReadAllLines(Path.Combine(outDir, "verdicts.csv"));
        Assert.StartsWith("account_id,score,verdict,cluster_id,reasons", csv[0]);
        Assert.Equal(rows.Count + 1, csv.Length);
        double op = rows.Where(r => r.AccountId.Contains("op")).Average(r => r.Score);
        double org = rows.Where(r => r.AccountId.Contains("org")).Average(r => r.Score);
        Assert.True(op > org + 0.4, $"operation {op:F3} vs organic {org:F3}");
        Assert.True(rows.Single(r => r.AccountId == "s8op1m0").Seed);

        using var clusters = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "clusters.json")));
        Assert.True(clusters.RootElement.GetArrayLength() >= 1);
        var first = clusters.RootElement[0];
        Assert.True(first.GetProperty("members").GetArrayLength() >= 2);
        Assert.True(first.GetProperty("score").GetDouble() > 0.5);
        Assert.True(first.GetProperty("evidence").GetProperty("top_objects").GetArrayLength() >= 1);
        foreach (var member in first.GetProperty("members").EnumerateArray())
            Assert.Equal(first.GetProperty("id").GetInt32(), rows.Single(r => r.AccountId == member.GetString()).ClusterId);

        var gexf = XDocument.Load(Path.Combine(outDir, "network.gexf"));
        XNamespace ns = "http://gexf.net/1.3";
        Assert.NotEmpty(gexf.Descendants(ns + "node"));
        Assert.NotEmpty(gexf.Descendants(ns + "edge"));

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Equal(dataset.Accounts.Count, summary.RootElement.GetProperty("accounts").GetInt32());
        Assert.Equal(1, summary.RootElement.GetProperty("seeds").GetInt32());

        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("<svg", html);
        Assert.Contains("Top clusters", html);
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("http://cdn", html);
    }

    [Fact]
    public async Task Verdicts_parquet_is_what_the_serializer_writes_for_the_rows()
    {
        // the column writer replaced ParquetSerializer over VerdictRow objects: same schema, same bytes
        var verdicts = new AccountVerdict[]
        {
            new("a1", 0.97, "coordinated", 3, "evidence 12.5, repost; shares with b7", 0.91, true),
            new("b2", 0.001, "clear", -1, "", 0.001, false),
            new("c,3\"", double.Epsilon, "suspicious", 0, "r\u00e9sum\u00e9 \ud83d\ude00", 1.0, false),
            new("d4", 0.5, "clear", -1, "", 0.5, false),
        };
        var rows = verdicts.Select(v => new VerdictRow
        {
            AccountId = v.AccountId, Score = v.Score, Verdict = v.Verdict, ClusterId = v.ClusterId, Reasons = v.Reasons, ModelScore = v.ModelScore, Seed = v.Seed,
        }).ToList();
        using var expected = new MemoryStream();
        await ParquetSerializer.SerializeAsync(rows, expected);
        using var actual = new MemoryStream();
        await DetectionOutput.WriteVerdictsParquetAsync(verdicts, actual);
        Assert.Equal(expected.ToArray(), actual.ToArray());

        actual.Position = 0;
        var back = (await ParquetSerializer.DeserializeAsync<VerdictRow>(actual)).Data;
        Assert.Equal(rows.Select(r => (r.AccountId, r.Score, r.Verdict, r.ClusterId, r.Reasons, r.ModelScore, r.Seed)),
            back.Select(r => (r.AccountId, r.Score, r.Verdict, r.ClusterId, r.Reasons, r.ModelScore, r.Seed)));
    }

    [Fact]
    public async Task Bad_input_exits_with_code_2()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Sub("empty"));
        Assert.Equal(ExitCodes.BadInput, (await Run("detect", dir.Sub("empty"), "--model", fixture.ModelPath, "--out", dir.Sub("o1"))).Code);
        var data = dir.Sub("data");
        await ParquetDatasetWriter.WriteAsync(CoordinatedData.Build(seed: 4, organic: 50), data);
        File.WriteAllText(dir.Sub("bad.zip"), "nope");
        var (code, _, err) = await Run("detect", data, "--model", dir.Sub("bad.zip"), "--out", dir.Sub("o2"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("bad.zip", err);
        Assert.Equal(ExitCodes.BadInput, (await Run("detect", data, "--model", dir.Sub("missing.zip"), "--out", dir.Sub("o3"))).Code);
        Assert.Equal(ExitCodes.BadInput, (await Run("detect", data, "--model", fixture.ModelPath, "--seeds", dir.Sub("none.txt"), "--out", dir.Sub("o4"))).Code);
        Assert.Equal(ExitCodes.BadInput, (await Run("detect", data, "--model", fixture.ModelPath)).Code); // no --out
        Assert.False(Directory.Exists(dir.Sub("o1")));
    }

    /// <summary>Runs <paramref name="args"/> with <c>--out OUT</c>, checks it is refused (exit 2) with <paramref name="message"/>, writing nothing; returns stderr.</summary>
    private static async Task<string> AssertRefused(string outDir, string message, params string[] args)
    {
        var (code, _, err) = await Run([.. args, "--out", outDir]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(message, err);
        Assert.DoesNotContain("internal error", err);
        Assert.False(Directory.Exists(outDir));
        return err;
    }

    [Fact]
    public async Task Detect_in_scale_mode_records_it_and_refuses_a_minimum_below_one()
    {
        using var dir = new TempDir();
        var data = dir.Sub("data");
        await ParquetDatasetWriter.WriteAsync(CoordinatedData.Build(seed: 5, organic: 300), data);
        await AssertRefused(dir.Sub("zero"), "--min-edge-pairs", "detect", data, "--model", fixture.ModelPath, "--min-edge-pairs", "0");
        var (code, _, err) = await Run("detect", data, "--model", fixture.ModelPath, "--min-edge-pairs", "2", "--out", dir.Sub("two"));
        Assert.True(code == ExitCodes.Ok, err);
        (code, _, err) = await Run("detect", data, "--model", fixture.ModelPath, "--out", dir.Sub("one"));
        Assert.True(code == ExitCodes.Ok, err);
        using var two = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Sub("two"), "summary.json")));
        using var one = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Sub("one"), "summary.json")));
        Assert.Equal(2, two.RootElement.GetProperty("parameters").GetProperty("min_edge_pairs").GetInt32());
        Assert.Equal(1, one.RootElement.GetProperty("parameters").GetProperty("min_edge_pairs").GetInt32());
        Assert.Contains("min_edge_pairs", File.ReadAllText(Path.Combine(dir.Sub("two"), "network.gexf")));
    }

    [Fact]
    public async Task Detect_past_the_memory_limit_stops_with_a_clear_error_and_writes_nothing()
    {
        using var dir = new TempDir();
        var data = dir.Sub("data");
        await ParquetDatasetWriter.WriteAsync(CoordinatedData.Build(seed: 6, organic: 300), data);
        Assert.Contains("--min-edge-pairs 2", await AssertRefused(dir.Sub("small"), "not enough memory for the", "detect", data, "--model", fixture.ModelPath, "--memory-limit", "1M"));
        await AssertRefused(dir.Sub("bad"), "--memory-limit: '12X'", "detect", data, "--model", fixture.ModelPath, "--memory-limit", "12X");
        await AssertRefused(dir.Sub("ev"), "not enough memory for the", "evaluate", data, "--model", fixture.ModelPath, "--memory-limit", "1M");
        var (code, _, err) = await Run("detect", data, "--model", fixture.ModelPath, "--memory-limit", "64G", "--out", dir.Sub("big"));
        Assert.True(code == ExitCodes.Ok, err);
    }

    [Theory]
    [InlineData("8G", 8L << 30)]
    [InlineData("8GiB", 8L << 30)]
    [InlineData("1.5gb", 3L << 29)]
    [InlineData("500M", 500L << 20)]
    [InlineData("64K", 64L << 10)]
    [InlineData("1000000", 1_000_000)]
    public void Memory_limit_sizes_parse(string text, long bytes) =>
        Assert.Equal(bytes, NetDetect.Cli.Commands.DetectCommand.ParseSize(text));

    [Theory]
    [InlineData("")]
    [InlineData("G")]
    [InlineData("-1G")]
    [InlineData("0")]
    [InlineData("8Q")]
    public void Unreadable_memory_limits_are_usage_errors(string text) =>
        Assert.Throws<UsageException>(() => NetDetect.Cli.Commands.DetectCommand.ParseSize(text));

    [Fact]
    public async Task Train_then_evaluate_through_the_cli()
    {
        using var dir = new TempDir();
        await ParquetDatasetWriter.WriteAsync(CoordinatedData.Build(seed: 12, organic: 300), dir.Sub("train"));
        await ParquetDatasetWriter.WriteAsync(CoordinatedData.Build(seed: 13, organic: 300), dir.Sub("test"));
        var (code, _, err) = await Run("train", dir.Sub("train"), "--out", dir.Sub("m.zip"), "--iterations", "40");
        Assert.True(code == ExitCodes.Ok, err);
        (code, _, err) = await Run("evaluate", dir.Sub("test"), "--model", dir.Sub("m.zip"), "--out", dir.Sub("ev"));
        Assert.True(code == ExitCodes.Ok, err);
        using var metrics = JsonDocument.Parse(File.ReadAllText(dir.Sub("ev/metrics.json")));
        var overall = metrics.RootElement.GetProperty("overall");
        Assert.InRange(overall.GetProperty("roc_auc").GetDouble(), 0.9, 1.0);
        Assert.InRange(overall.GetProperty("f1").GetDouble(), 0.5, 1.0);
        Assert.Equal(2, metrics.RootElement.GetProperty("per_operation").EnumerateObject().Count());
        Assert.Contains("<polyline", File.ReadAllText(dir.Sub("ev/pr_curve.svg")));
        // unlabelled data cannot be trained on
        var unlabelled = CoordinatedData.Build(seed: 14, organic: 50);
        var b = new DatasetBuilder();
        for (int i = 0; i < unlabelled.Accounts.Count; i++) { var r = unlabelled.Accounts.ToRecord(i); r.Label = null; b.TryAddAccount(r); }
        for (int j = 0; j < unlabelled.Posts.Count; j++) b.TryAddPost(unlabelled.Posts.ToRecord(j, unlabelled.Accounts));
        await ParquetDatasetWriter.WriteAsync(b.Build(), dir.Sub("unl"));
        Assert.Equal(ExitCodes.BadInput, (await Run("train", dir.Sub("unl"), "--out", dir.Sub("m2.zip"))).Code);
    }
}
