using NetDetect.Core.Data;
using NetDetect.Core.Detection;
using NetDetect.Core.Features;
using NetDetect.Core.Simulation;

namespace NetDetect.Api.Tests.TestSupport;

/// <summary>
/// A small simulated, labelled dataset and two models trained on it with the detection code, made once per test run:
/// the service tests score real batches with a real model without depending on a shipped model file.
/// </summary>
public sealed class TrainedModel : IAsyncLifetime
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (string Root, string Data, string Models)? _made;

    public string DataDirectory { get; private set; } = "";
    public string ModelsDirectory { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _made ??= await MakeAsync();
            (_, DataDirectory, ModelsDirectory) = _made.Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<(string, string, string)> MakeAsync()
    {
        string root = Path.Combine(Path.GetTempPath(), "netdetect-api-tests-" + Guid.NewGuid().ToString("N")[..8]);
        string data = Path.Combine(root, "sim");
        string models = Path.Combine(root, "models");
        Directory.CreateDirectory(models);
        // made once per test run and shared by every test class; removed when the test host exits
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        await CampaignSimulator.RunAsync(new SimulationOptions { Accounts = 300, Posts = 6_000, Days = 7, Operations = 2, Seed = 11, OperationShare = 0.1, Threads = 2 }, data);
        var dataset = await ParquetDatasetReader.ReadAsync(data);
        var network = new DetectionNetworkOptions { Threads = 2 };
        var set = NetDetect.Core.Detection.Labels.TrainingSet(dataset, network, "sim");
        foreach (var (name, seed) in new[] { ("netdetect-default", 7), ("alt", 8) })
        {
            var model = CoordinationModel.Train([set], network, new TrainingOptions { Seed = seed, Threads = 1, Iterations = 20, MinExamplesPerLeaf = 5 }, trainedOn: ["sim"]);
            await model.SaveAsync(Path.Combine(models, name + ".zip"));
        }
        return (root, data, models);
    }
}
