using System.Text.Json;
using NetDetect.Core.Data;

namespace NetDetect.Api.Tests.TestSupport;

/// <summary>One running service that has already scored the simulated dataset (shared by the endpoint tests).</summary>
public sealed class ServiceWithBatch : IAsyncLifetime
{
    public TrainedModel Model { get; } = new();
    public ApiFactory Factory { get; private set; } = null!;
    public string BatchLocation { get; private set; } = "";
    public JsonElement Batch { get; private set; }

    public async Task InitializeAsync()
    {
        await Model.InitializeAsync();
        Factory = new ApiFactory(Model);
        using var client = Factory.Client(ApiFactory.SubmitterKey);
        var response = await client.PostAsync("/v1/batches", Http.Parquet(
            Path.Combine(Model.DataDirectory, CanonicalSchema.AccountsFile), Path.Combine(Model.DataDirectory, CanonicalSchema.PostsFile)));
        Assert.Equal(202, (int)response.StatusCode);
        BatchLocation = response.Headers.Location!.ToString();
        Batch = await Http.WaitForBatch(client, BatchLocation);
        Assert.Equal("succeeded", Batch.GetProperty("status").GetString());
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}
