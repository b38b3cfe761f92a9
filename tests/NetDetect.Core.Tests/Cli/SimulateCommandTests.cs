using NetDetect.Cli;
using NetDetect.Core.Data;
using NetDetect.Core.Simulation;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Cli;

public class SimulateCommandTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandRunner.RunAsync(CliApp.CreateRoot(), args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Simulate_writes_labelled_parquet_and_the_truth_file()
    {
        using var dir = new TempDir();
        var outDir = dir.Sub("sim");
        var (code, stdout, stderr) = await Run("simulate", "--out", outDir, "--accounts", "800", "--posts", "15000", "--days", "7", "--operations", "1", "--seed", "3", "--difficulty", "easy");
        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("operation_1 (easy", stdout);
        Assert.Equal(["accounts.parquet", "posts.parquet", "truth.json"], Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).Order());
        var truth = await SimulationTruth.ReadAsync(outDir);
        Assert.Equal(800, truth.Accounts);
        Assert.Equal(7, truth.Settings.Days);
        var read = await ParquetDatasetReader.ReadAsync(outDir);
        Assert.Equal(truth.Posts, read.Posts.Count);
        Assert.Equal(truth.Operations[0].Members, Enumerable.Range(0, read.Accounts.Count).Count(read.Accounts.IsOperation));
    }

    [Theory]
    [InlineData("--difficulty", "sloppy")]
    [InlineData("--accounts", "10")]
    [InlineData("--start", "2019-13-01")]
    public async Task Bad_arguments_exit_with_code_2(string option, string value)
    {
        using var dir = new TempDir();
        var (code, _, stderr) = await Run("simulate", "--out", dir.Sub("sim"), option, value);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.NotEmpty(stderr);
    }
}
