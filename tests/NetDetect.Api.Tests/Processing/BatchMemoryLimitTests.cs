using System.Net.Http.Json;
using System.Text.Json;
using NetDetect.Api.Tests.TestSupport;
using NetDetect.Core.Data;

namespace NetDetect.Api.Tests.Processing;

/// <summary>A batch whose network would pass the service's memory cap fails with a message, and the service goes on.</summary>
public sealed class BatchMemoryLimitTests(TrainedModel model) : IClassFixture<TrainedModel>
{
    [Fact]
    public async Task A_batch_past_the_memory_cap_fails_with_the_reason_and_the_service_keeps_serving()
    {
        using var factory = new ApiFactory(model, new Dictionary<string, string>
        {
            ["NetDetect:MemoryLimitBytes"] = (1L << 20).ToString(),
            ["NetDetect:WarmUp"] = "false",
        });
        using var client = factory.Client(ApiFactory.SubmitterKey);
        var response = await client.PostAsync("/v1/batches", Http.Parquet(
            Path.Combine(model.DataDirectory, CanonicalSchema.AccountsFile), Path.Combine(model.DataDirectory, CanonicalSchema.PostsFile)));
        Assert.Equal(202, (int)response.StatusCode);
        var batch = await Http.WaitForBatch(client, response.Headers.Location!.ToString());
        Assert.Equal("failed", batch.GetProperty("status").GetString());
        var error = batch.GetProperty("error").GetString()!;
        Assert.Contains("not enough memory for", error);
        Assert.Contains("min edge pairs 2", error);
        // the process is still up and answers
        Assert.Equal(200, (int)(await client.GetAsync("/healthz")).StatusCode);
        var again = await client.GetFromJsonAsync<JsonElement>(response.Headers.Location!.ToString());
        Assert.Equal("failed", again.GetProperty("status").GetString());
    }
}
