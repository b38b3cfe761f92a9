using System.Net.Http.Json;
using System.Text.Json;
using NetDetect.Api.Tests.TestSupport;

namespace NetDetect.Api.Tests.Health;

/// <summary>Probes, the OpenAPI document, Scalar and metrics.</summary>
public sealed class HealthEndpointsTests(ServiceWithBatch service) : IClassFixture<ServiceWithBatch>
{
    [Fact]
    public async Task Probes_answer_without_a_key()
    {
        using var client = service.Factory.Client(null);
        Assert.Equal(200, (int)(await client.GetAsync("/healthz")).StatusCode);
        var ready = await client.GetFromJsonAsync<JsonElement>("/readyz");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("netdetect-default", ready.GetProperty("checks").GetProperty("model").GetString());
        // ready only after the start-up warm-up batch went through the whole pipeline with the loaded model
        Assert.StartsWith("ok (", ready.GetProperty("checks").GetProperty("warm_up").GetString());
    }

    [Fact]
    public async Task OpenApi_document_describes_every_endpoint_parameter_and_the_key_scheme()
    {
        using var client = service.Factory.Client(null);
        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        string[] expected = ["/v1/batches", "/v1/batches/{id}", "/v1/batches/{id}/verdicts", "/v1/accounts/{id}", "/v1/clusters", "/v1/clusters/{id}",
            "/v1/clusters/{id}/network.gexf", "/v1/clusters/{id}/reviews", "/v1/labels", "/v1/models", "/v1/models/{id}/activate", "/healthz", "/readyz"];
        foreach (var p in expected) Assert.True(paths.TryGetProperty(p, out _), $"missing {p}");
        Assert.Equal("X-Api-Key", doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("name").GetString());
        var verdicts = paths.GetProperty("/v1/batches/{id}/verdicts").GetProperty("get");
        Assert.Equal("GetBatchVerdicts", verdicts.GetProperty("operationId").GetString());
        var minScore = verdicts.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "min_score");
        Assert.False(string.IsNullOrEmpty(minScore.GetProperty("description").GetString()));
        Assert.True(verdicts.GetProperty("responses").TryGetProperty("404", out _));
        Assert.Equal(200, (int)(await client.GetAsync("/scalar/")).StatusCode);
    }

    [Fact]
    public async Task Metrics_count_batches_and_accounts()
    {
        using var client = service.Factory.Client(null);
        string text = "";
        for (int i = 0; i < 50 && !text.Contains("netdetect_accounts_scored"); i++)
        {
            text = await client.GetStringAsync("/metrics");
            await Task.Delay(100);
        }
        Assert.Contains("netdetect_batches_submitted", text);
        Assert.Contains("netdetect_accounts_scored", text);
    }
}
