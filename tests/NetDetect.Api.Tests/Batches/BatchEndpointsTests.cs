using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NetDetect.Api.Tests.TestSupport;
using NetDetect.Core.Data;

namespace NetDetect.Api.Tests.Batches;

public sealed class BatchEndpointsTests(ServiceWithBatch service) : IClassFixture<ServiceWithBatch>
{
    private string Accounts => Path.Combine(service.Model.DataDirectory, CanonicalSchema.AccountsFile);
    private string Posts => Path.Combine(service.Model.DataDirectory, CanonicalSchema.PostsFile);

    [Fact]
    public async Task Parquet_batch_succeeds_with_counts_and_the_model_id()
    {
        var dataset = await ParquetDatasetReader.ReadAsync(service.Model.DataDirectory);
        var b = service.Batch;
        Assert.Equal(dataset.Accounts.Count, b.GetProperty("counts").GetProperty("accounts").GetInt32());
        Assert.Equal(dataset.Posts.Count, b.GetProperty("counts").GetProperty("posts").GetInt32());
        var c = b.GetProperty("counts");
        Assert.Equal(dataset.Accounts.Count, c.GetProperty("coordinated").GetInt32() + c.GetProperty("suspicious").GetInt32() + c.GetProperty("clear").GetInt32());
        Assert.Equal("netdetect-default", b.GetProperty("model_id").GetString());
        Assert.Equal("alice", b.GetProperty("submitted_by").GetString());
        Assert.Equal(1.0, b.GetProperty("progress").GetProperty("fraction").GetDouble());
    }

    [Fact]
    public async Task Verdict_pages_cover_every_account_once_and_filters_hold()
    {
        using var client = service.Factory.Client(ApiFactory.SubmitterKey);
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"{service.BatchLocation}/verdicts?limit=37" + (cursor is null ? "" : $"&cursor={cursor}"));
            foreach (var v in page.GetProperty("items").EnumerateArray())
            {
                seen.Add(v.GetProperty("account_id").GetString()!);
                Assert.Equal("netdetect-default", v.GetProperty("model_id").GetString());
            }
            cursor = page.GetProperty("next_cursor").GetString();
        } while (cursor is not null);
        Assert.Equal(service.Batch.GetProperty("counts").GetProperty("accounts").GetInt32(), seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(seen.OrderBy(s => s, StringComparer.Ordinal), seen);

        var coordinated = await client.GetFromJsonAsync<JsonElement>($"{service.BatchLocation}/verdicts?verdict=coordinated&limit=1000");
        var items = coordinated.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(service.Batch.GetProperty("counts").GetProperty("coordinated").GetInt32(), items.Count);
        Assert.All(items, v => Assert.Equal("coordinated", v.GetProperty("verdict").GetString()));
        var high = await client.GetFromJsonAsync<JsonElement>($"{service.BatchLocation}/verdicts?min_score=0.5&limit=1000");
        Assert.All(high.GetProperty("items").EnumerateArray(), v => Assert.True(v.GetProperty("score").GetDouble() >= 0.5));
    }

    [Fact]
    public async Task Same_idempotency_key_returns_the_same_batch()
    {
        using var client = service.Factory.Client(ApiFactory.SubmitterKey);
        async Task<string> Submit()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batches") { Content = Http.Parquet(Accounts, Posts) };
            request.Headers.Add("Idempotency-Key", "client-batch-42");
            var response = await client.SendAsync(request);
            Assert.Equal(202, (int)response.StatusCode);
            return response.Headers.Location!.ToString();
        }
        var first = await Submit();
        var second = await Submit();
        Assert.Equal(first, second);
        await Http.WaitForBatch(client, first);
    }

    [Fact]
    public async Task Json_batch_is_scored()
    {
        using var client = service.Factory.Client(ApiFactory.SubmitterKey);
        var body = new
        {
            accounts = new object[] { new { account_id = "j1", screen_name = "one" }, new { account_id = "j2", follower_count = 12 } },
            posts = new object[]
            {
                new { post_id = "p1", account_id = "j1", created_at = "2024-03-01T10:00:00Z", text = "same words here", hashtags = new[] { "x" } },
                new { post_id = "p2", account_id = "j2", created_at = "2024-03-01T10:00:30Z", text = "same words here", hashtags = new[] { "x" } },
                new { post_id = "p3", account_id = "j3", created_at = 1709287260000000L, repost_of_post_id = "p1" },
            },
        };
        var response = await client.PostAsJsonAsync("/v1/batches", body);
        Assert.Equal(202, (int)response.StatusCode);
        var batch = await Http.WaitForBatch(client, response.Headers.Location!.ToString());
        Assert.Equal("succeeded", batch.GetProperty("status").GetString());
        Assert.Equal(3, batch.GetProperty("counts").GetProperty("accounts").GetInt32()); // j3 comes from its post
        var account = await client.GetFromJsonAsync<JsonElement>("/v1/accounts/j2");
        Assert.Equal(batch.GetProperty("id").GetString(), account.GetProperty("batch_id").GetString());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var client = service.Factory.Client(ApiFactory.SubmitterKey);
        var response = await client.PostAsync("/v1/batches", new StringContent("{\"accounts\": [ {\"account_id\": ", Encoding.UTF8, "application/json"));
        var problem = await Http.AssertProblem(response, 400);
        Assert.Contains("malformed JSON", problem.GetProperty("problems")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Every_json_field_problem_is_listed_with_table_field_and_row()
    {
        using var client = service.Factory.Client(ApiFactory.SubmitterKey);
        var json = """
            {"accounts": [{"account_id": "a"}, {"screen_name": "no id"}, {"account_id": "c", "follower_count": "many"}],
             "posts": [{"post_id": "p", "account_id": "a", "created_at": "yesterday-ish"}, {"post_id": "q", "account_id": "a", "created_at": "2024-01-01T00:00:00Z", "hashtags": "notalist"}]}
            """;
        var response = await client.PostAsync("/v1/batches", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await Http.AssertProblem(response, 400);
        var items = problem.GetProperty("problems").EnumerateArray()
            .Where(p => p.GetProperty("severity").GetString() == "error")
            .Select(p => (p.GetProperty("file").GetString(), p.GetProperty("field").GetString(), p.GetProperty("row").GetInt64()))
            .ToHashSet();
        Assert.Contains(("accounts", "account_id", 2L), items);
        Assert.Contains(("accounts", "follower_count", 3L), items);
        Assert.Contains(("posts", "created_at", 1L), items);
        Assert.Contains(("posts", "hashtags", 2L), items);
        Assert.Equal(4, items.Count);
    }

    [Fact]
    public async Task Wrong_parquet_schema_names_file_and_column_and_queues_nothing()
    {
        using var client = service.Factory.Client(ApiFactory.SubmitterKey);
        // accounts.parquet sent as posts: no post_id or created_at column
        var response = await client.PostAsync("/v1/batches", Http.Parquet(Accounts, Accounts));
        var problem = await Http.AssertProblem(response, 400);
        var errors = problem.GetProperty("problems").EnumerateArray().Where(p => p.GetProperty("severity").GetString() == "error").ToList();
        Assert.Contains(errors, p => p.GetProperty("file").GetString() == "posts.parquet" && p.GetProperty("field").GetString() == "post_id");
        Assert.DoesNotContain(service.Factory.DataDirectory, problem.GetRawText());
        Assert.Empty(Directory.GetDirectories(Path.Combine(service.Factory.DataDirectory, "batches"), ".incoming-*"));
    }

    [Fact]
    public async Task Missing_file_part_and_unsupported_media_type_are_problems()
    {
        using var client = service.Factory.Client(ApiFactory.SubmitterKey);
        var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(Accounts)), "accounts", "accounts.parquet" } };
        var problem = await Http.AssertProblem(await client.PostAsync("/v1/batches", form), 400);
        Assert.Contains("posts", problem.GetProperty("problems")[0].GetProperty("reason").GetString());
        await Http.AssertProblem(await client.PostAsync("/v1/batches", new StringContent("x", Encoding.UTF8, "text/plain")), 415);
    }

    [Fact]
    public async Task Oversize_body_is_413()
    {
        using var client = service.Factory.Client(ApiFactory.SubmitterKey);
        var big = new ByteArrayContent(new byte[9 * 1024 * 1024]);
        big.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        // Expect: 100-continue lets the server answer before the client streams 9 MB into a closed socket
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batches") { Content = big };
        request.Headers.ExpectContinue = true;
        await Http.AssertProblem(await client.SendAsync(request), 413);
    }

    [Fact]
    public async Task Unknown_ids_and_bad_parameters_are_problems()
    {
        using var client = service.Factory.Client(ApiFactory.SubmitterKey);
        await Http.AssertProblem(await client.GetAsync("/v1/batches/nope"), 404);
        await Http.AssertProblem(await client.GetAsync("/v1/batches/nope/verdicts"), 404);
        await Http.AssertProblem(await client.GetAsync("/v1/accounts/nobody-at-all"), 404);
        await Http.AssertProblem(await client.GetAsync($"{service.BatchLocation}/verdicts?verdict=maybe"), 400);
        await Http.AssertProblem(await client.GetAsync($"{service.BatchLocation}/verdicts?limit=0"), 400);
        await Http.AssertProblem(await client.GetAsync($"{service.BatchLocation}/verdicts?cursor=%%%"), 400);
    }

    [Fact]
    public async Task Account_lookup_returns_latest_verdict_with_batch_and_model()
    {
        using var client = service.Factory.Client(ApiFactory.SubmitterKey);
        var page = await client.GetFromJsonAsync<JsonElement>($"{service.BatchLocation}/verdicts?limit=1");
        var first = page.GetProperty("items")[0];
        var account = await client.GetFromJsonAsync<JsonElement>($"/v1/accounts/{Uri.EscapeDataString(first.GetProperty("account_id").GetString()!)}");
        Assert.Equal(first.GetProperty("account_id").GetString(), account.GetProperty("account_id").GetString());
        Assert.False(string.IsNullOrEmpty(account.GetProperty("batch_id").GetString()));
        Assert.False(string.IsNullOrEmpty(account.GetProperty("model_id").GetString()));
    }
}
