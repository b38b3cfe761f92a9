using System.Security.Cryptography;
using NetDetect.Core.Data;
using NetDetect.Core.Simulation;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Simulation;

/// <summary>Determinism, counts and labels of the simulator's files.</summary>
public class CampaignSimulatorTests
{
    private static readonly SimulationOptions Small = new() { Accounts = 1_500, Posts = 30_000, Days = 10, Operations = 2, Seed = 11, RowGroupSize = 8_000 };

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static async Task<(string Accounts, string Posts, string Truth)> HashesAsync(SimulationOptions options)
    {
        using var dir = new TempDir();
        await CampaignSimulator.RunAsync(options, dir.Path);
        return (Hash(dir.Sub(CanonicalSchema.AccountsFile)), Hash(dir.Sub(CanonicalSchema.PostsFile)), Hash(dir.Sub(SimulationTruth.FileName)));
    }

    [Fact]
    public async Task Same_seed_writes_byte_identical_files_whatever_the_thread_count()
    {
        var one = await HashesAsync(Small with { Threads = 1 });
        var again = await HashesAsync(Small with { Threads = 1 });
        var four = await HashesAsync(Small with { Threads = 4 });
        Assert.Equal(one, again);
        Assert.Equal(one, four);
    }

    [Fact]
    public async Task Different_seed_writes_different_files()
    {
        var a = await HashesAsync(Small);
        var b = await HashesAsync(Small with { Seed = 12 });
        Assert.NotEqual(a.Accounts, b.Accounts);
        Assert.NotEqual(a.Posts, b.Posts);
    }

    [Fact]
    public async Task Counts_follow_the_request_and_every_account_is_labelled()
    {
        using var dir = new TempDir();
        var truth = await CampaignSimulator.RunAsync(Small, dir.Path);
        var ds = await ParquetDatasetReader.ReadAsync(dir.Path);
        Assert.Equal(Small.Accounts, ds.Accounts.Count);
        Assert.Equal(truth.Posts, ds.Posts.Count);
        Assert.InRange(ds.Posts.Count, Small.Posts * 0.85, Small.Posts * 1.15);
        // several row groups were written (streaming), and the reader saw whole seconds
        Assert.Equal(Time.MicrosPerSecond, ds.TimeResolutionMicros);

        var labels = new Dictionary<string, int>();
        for (int i = 0; i < ds.Accounts.Count; i++)
        {
            string label = new(ds.Accounts.Label.GetSpan(i));
            labels[label] = labels.GetValueOrDefault(label) + 1;
        }
        Assert.Equal(Small.Operations, truth.Operations.Count);
        foreach (var op in truth.Operations)
        {
            Assert.Equal(op.Members, labels[op.Label]);
            Assert.Equal(op.Members, op.MemberIds.Count);
            Assert.True(op.Posts > 0);
            foreach (var id in op.MemberIds) Assert.True(ds.Accounts.IsOperation(ds.Accounts.Ids.IndexOf(id)));
        }
        Assert.Equal(Small.Accounts, labels.Values.Sum());
        Assert.Equal(Small.Accounts - truth.Operations.Sum(o => o.Members), labels["organic"]);

        // hard negatives are named in the truth file, never in the label
        Assert.Equal(["activist", "fan", "news_burst", "organisation", "schedule_bot"], truth.HardNegatives.Select(g => g.Kind).Order().ToArray());
        foreach (var g in truth.HardNegatives)
        {
            Assert.NotEmpty(g.MemberIds);
            Assert.True(g.Posts > 0, g.Name);
            foreach (var id in g.MemberIds) Assert.False(ds.Accounts.IsOperation(ds.Accounts.Ids.IndexOf(id)), g.Name);
        }
        var reread = await SimulationTruth.ReadAsync(dir.Path);
        Assert.Equal(truth.Operations[0].MemberIds, reread.Operations[0].MemberIds);
    }

    [Fact]
    public async Task Without_operations_and_hard_negatives_everything_is_organic()
    {
        using var dir = new TempDir();
        var truth = await CampaignSimulator.RunAsync(Small with { Operations = 0, HardNegatives = false }, dir.Path);
        var ds = await ParquetDatasetReader.ReadAsync(dir.Path);
        Assert.Empty(truth.Operations);
        Assert.Empty(truth.HardNegatives);
        for (int i = 0; i < ds.Accounts.Count; i++) Assert.False(ds.Accounts.IsOperation(i));
    }

    [Theory]
    [InlineData(50, 10_000, 10, 2, "mixed")]
    [InlineData(1_000, 500, 10, 2, "mixed")]
    [InlineData(1_000, 10_000, 0, 2, "mixed")]
    [InlineData(1_000, 10_000, 10, 2, "sloppy")]
    [InlineData(1_000, 10_000, 10, 200, "mixed")]
    public void Out_of_range_knobs_are_rejected(int accounts, long posts, int days, int operations, string difficulty)
    {
        var o = new SimulationOptions { Accounts = accounts, Posts = posts, Days = days, Operations = operations, Difficulty = difficulty };
        Assert.Throws<ArgumentException>(o.Validate);
    }
}
