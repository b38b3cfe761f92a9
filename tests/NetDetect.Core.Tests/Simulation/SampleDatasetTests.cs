using System.Security.Cryptography;
using NetDetect.Core.Data;
using NetDetect.Core.Simulation;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Simulation;

/// <summary>The committed <c>data/sample/</c> is exactly what the command in docs/simulator.md writes.</summary>
public class SampleDatasetTests
{
    /// <summary><c>netdetect simulate --out data/sample --accounts 3000 --posts 100000 --days 30 --operations 2 --seed 2019</c></summary>
    public static readonly SimulationOptions SampleOptions = new() { Accounts = 3000, Posts = 100_000, Days = 30, Operations = 2, Seed = 2019 };

    [Fact]
    public async Task The_documented_command_regenerates_the_committed_sample_byte_for_byte()
    {
        string sample = Path.Combine(SharedData.RepoRoot, "data", "sample");
        using var dir = new TempDir();
        await CampaignSimulator.RunAsync(SampleOptions, dir.Path);
        foreach (var file in new[] { CanonicalSchema.AccountsFile, CanonicalSchema.PostsFile, SimulationTruth.FileName })
            Assert.Equal(SHA256.HashData(File.ReadAllBytes(Path.Combine(sample, file))), SHA256.HashData(File.ReadAllBytes(dir.Sub(file))));
        Assert.Contains("--accounts 3000 --posts 100000 --days 30 --operations 2 --seed 2019", File.ReadAllText(Path.Combine(SharedData.RepoRoot, "docs", "simulator.md")));
    }
}
