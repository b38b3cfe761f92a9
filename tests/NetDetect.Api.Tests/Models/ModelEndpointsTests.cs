using System.Net.Http.Json;
using System.Text.Json;
using NetDetect.Api.Tests.TestSupport;
using NetDetect.Core.Data;

namespace NetDetect.Api.Tests.Models;

public sealed class ModelEndpointsTests(TrainedModel model) : IClassFixture<TrainedModel>
{
    [Fact]
    public async Task Activation_swaps_the_scorer_without_restart_and_verdicts_record_the_model()
    {
        using var factory = new ApiFactory(model);
        using var admin = factory.Client(ApiFactory.AdminKey);
        var models = await admin.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Equal(["alt", "netdetect-default"], models.EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray());
        Assert.True(models.EnumerateArray().Single(m => m.GetProperty("id").GetString() == "netdetect-default").GetProperty("active").GetBoolean());

        var activated = await admin.PostAsync("/v1/models/alt/activate", null);
        Assert.Equal(200, (int)activated.StatusCode);
        var after = await admin.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.True(after.EnumerateArray().Single(m => m.GetProperty("id").GetString() == "alt").GetProperty("active").GetBoolean());

        var response = await admin.PostAsync("/v1/batches", Http.Parquet(
            Path.Combine(model.DataDirectory, CanonicalSchema.AccountsFile), Path.Combine(model.DataDirectory, CanonicalSchema.PostsFile)));
        var batch = await Http.WaitForBatch(admin, response.Headers.Location!.ToString());
        Assert.Equal("alt", batch.GetProperty("model_id").GetString());
        var page = await admin.GetFromJsonAsync<JsonElement>($"{response.Headers.Location}/verdicts?limit=10");
        Assert.All(page.GetProperty("items").EnumerateArray(), v => Assert.Equal("alt", v.GetProperty("model_id").GetString()));

        await Http.AssertProblem(await admin.PostAsync("/v1/models/missing/activate", null), 404);
    }
}
