using NetDetect.Core.Data;
using NetDetect.Core.Simulation;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Simulation;

/// <summary>One simulated dataset shared by the behaviour tests (generated once: a few seconds).</summary>
public sealed class SimulatedDataFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public static readonly SimulationOptions Options = new() { Accounts = 4_000, Posts = 100_000, Days = 21, Operations = 2, Seed = 7 };

    public Dataset Data { get; private set; } = null!;
    public SimulationTruth Truth { get; private set; } = null!;
    public string Directory => _dir.Path;

    public async Task InitializeAsync()
    {
        Truth = await CampaignSimulator.RunAsync(Options, _dir.Path);
        Data = await ParquetDatasetReader.ReadAsync(_dir.Path);
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Dense account indexes of the given account ids.</summary>
    public HashSet<int> Accounts(IEnumerable<string> ids)
    {
        var set = new HashSet<int>();
        foreach (var id in ids)
        {
            int i = Data.Accounts.Ids.IndexOf(id);
            if (i >= 0) set.Add(i);
        }
        return set;
    }
}
