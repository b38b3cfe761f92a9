using NetDetect.Api.Security;
using NetDetect.Api.Tests.TestSupport;

namespace NetDetect.Api.Tests.Security;

public sealed class ApiKeyAuthenticationTests(TrainedModel model) : IClassFixture<TrainedModel>
{
    [Fact]
    public async Task Missing_and_unknown_keys_are_401_problems_on_every_v1_endpoint()
    {
        using var factory = new ApiFactory(model);
        string[] paths = ["/v1/batches/x", "/v1/batches/x/verdicts", "/v1/accounts/x", "/v1/clusters", "/v1/clusters/x", "/v1/clusters/x/network.gexf", "/v1/clusters/x/reviews", "/v1/labels", "/v1/models"];
        using var anonymous = factory.Client(null);
        using var wrong = factory.Client("not-a-key");
        foreach (var path in paths)
        {
            await Http.AssertProblem(await anonymous.GetAsync(path), 401);
            var body = await Http.AssertProblem(await wrong.GetAsync(path), 401);
            Assert.DoesNotContain("not-a-key", body.GetRawText());
        }
        await Http.AssertProblem(await anonymous.PostAsync("/v1/batches", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")), 401);
        await Http.AssertProblem(await anonymous.PostAsync("/v1/models/alt/activate", null), 401);
    }

    [Fact]
    public async Task Roles_nest_and_the_wrong_role_is_403()
    {
        using var factory = new ApiFactory(model);
        using var submitter = factory.Client(ApiFactory.SubmitterKey);
        using var analyst = factory.Client(ApiFactory.AnalystKey);
        using var admin = factory.Client(ApiFactory.AdminKey);
        await Http.AssertProblem(await submitter.GetAsync("/v1/clusters"), 403);
        await Http.AssertProblem(await submitter.GetAsync("/v1/labels"), 403);
        await Http.AssertProblem(await submitter.GetAsync("/v1/models"), 403);
        await Http.AssertProblem(await analyst.PostAsync("/v1/models/alt/activate", null), 403);
        Assert.Equal(200, (int)(await analyst.GetAsync("/v1/clusters")).StatusCode);
        Assert.Equal(200, (int)(await analyst.GetAsync("/v1/models")).StatusCode);
        // an analyst is also a submitter, an admin also an analyst
        await Http.AssertProblem(await analyst.GetAsync("/v1/batches/x"), 404);
        Assert.Equal(200, (int)(await admin.GetAsync("/v1/labels")).StatusCode);
    }

    [Fact]
    public async Task Per_key_rate_limit_answers_429_problem_with_retry_after()
    {
        using var factory = new ApiFactory(model, new Dictionary<string, string> { ["NetDetect:RequestsPerSecond"] = "1", ["NetDetect:Burst"] = "3" });
        using var client = factory.Client(ApiFactory.AnalystKey);
        var statuses = new List<int>();
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 8; i++)
        {
            var r = await client.GetAsync("/v1/clusters");
            statuses.Add((int)r.StatusCode);
            if ((int)r.StatusCode == 429) limited ??= r;
        }
        Assert.Equal(200, statuses[0]);
        Assert.NotNull(limited);
        await Http.AssertProblem(limited!, 429);
        Assert.True(limited!.Headers.RetryAfter is not null);
        // another key has its own bucket
        using var other = factory.Client(ApiFactory.AdminKey);
        Assert.Equal(200, (int)(await other.GetAsync("/v1/clusters")).StatusCode);
    }

    [Fact]
    public void Key_spec_parses_roles_and_names_and_refuses_bad_entries_without_echoing_them()
    {
        var keys = ApiKeyRing.Parse("k1:submitter, k2:Analyst:ann ,k3:admin");
        Assert.Equal([ApiRole.Submitter, ApiRole.Analyst, ApiRole.Admin], keys.Select(k => k.Role));
        Assert.Equal("ann", keys[1].Name);
        var ring = new ApiKeyRing(keys);
        Assert.Equal(ApiRole.Analyst, ring.Find("k2")!.Role);
        Assert.Null(ring.Find("k4"));
        var e = Assert.Throws<InvalidOperationException>(() => ApiKeyRing.Parse("secret-value:superuser"));
        Assert.DoesNotContain("secret-value", e.Message);
    }
}
