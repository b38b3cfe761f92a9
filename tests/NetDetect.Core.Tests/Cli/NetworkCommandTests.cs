using System.Text.Json;
using NetDetect.Cli;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Cli;

public class NetworkCommandTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandRunner.RunAsync(CliApp.CreateRoot(), args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Coortweet_mode_writes_the_known_numbers_to_summary_json()
    {
        using var dir = new TempDir();
        var (code, _, err) = await Run("network", SharedData.File("coortweet", "russian_coord_tweets.csv"), "--modality", "repost", "--window", "60s",
            "--min-participation", "2", "--compat", "coortweet", "--out", dir.Path);
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.Sub("summary.json")));
        var root = json.RootElement;
        Assert.Equal(3_791, root.GetProperty("pairs").GetInt64());
        Assert.Equal(2_110, root.GetProperty("accounts").GetInt32());
        Assert.Equal(3_721, root.GetProperty("edges").GetInt32());
        Assert.Equal(94, root.GetProperty("flagged_accounts").GetInt32());
        Assert.Equal(60, root.GetProperty("flagged_edges").GetInt32());
        Assert.Equal(34, root.GetProperty("flagged_components").GetInt32());
        var parameters = root.GetProperty("parameters");
        Assert.Equal("coortweet", parameters.GetProperty("compat").GetString());
        Assert.Equal("60", parameters.GetProperty("time_window_s").GetString());
        Assert.Equal("> 0.5q (type 7)", parameters.GetProperty("edge_threshold").GetString());
        using var clusters = JsonDocument.Parse(File.ReadAllText(dir.Sub("clusters.json")));
        Assert.Equal(34, clusters.RootElement.GetArrayLength());
        Assert.Equal(94, clusters.RootElement.EnumerateArray().Sum(c => c.GetProperty("size").GetInt32()));
    }

    [Fact]
    public async Task Qut_mode_counts_accounts_with_self_loops()
    {
        using var dir = new TempDir();
        var (code, _, err) = await Run("network", SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv"), "--window", "60s", "--compat", "qut", "--self-loops", "--out", dir.Path);
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.Sub("summary.json")));
        Assert.Equal(7, json.RootElement.GetProperty("flagged_accounts").GetInt32());
    }

    [Fact]
    public async Task A_window_finer_than_the_timestamps_is_a_usage_error()
    {
        using var dir = new TempDir();
        var (code, _, err) = await Run("network", SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv"), "--window", "500ms", "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("finer than the data's timestamp resolution (1 s)", err);
        var forced = await Run("network", SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv"), "--window", "500ms", "--force-window", "--out", dir.Path);
        Assert.Equal(0, forced.Code);
    }

    [Theory]
    [InlineData("60s", 60_000_000)]
    [InlineData("60", 60_000_000)]
    [InlineData("500ms", 500_000)]
    [InlineData("5m", 300_000_000)]
    [InlineData("2min", 120_000_000)]
    [InlineData("1h", 3_600_000_000)]
    [InlineData("1.5s", 1_500_000)]
    public void Window_durations(string text, long micros) => Assert.Equal(micros, NetDetect.Cli.Commands.NetworkCommand.ParseWindow(text));
}
