using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using NetDetect.Api.Tests.TestSupport;
using NetDetect.Core.Data;

namespace NetDetect.Api.Tests.Clusters;

/// <summary>Clusters, reviews and labels: the analyst's loop on one scored batch.</summary>
public sealed class ClusterEndpointsTests(ServiceWithBatch service) : IClassFixture<ServiceWithBatch>
{
    private async Task<string> FirstOpenCluster(HttpClient client)
    {
        var page = await client.GetFromJsonAsync<JsonElement>("/v1/clusters?status=open&limit=500");
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        return items[0].GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Cluster_list_pages_and_detail_carry_members_evidence_and_gexf()
    {
        using var client = service.Factory.Client(ApiFactory.AnalystKey);
        int expected = service.Batch.GetProperty("counts").GetProperty("clusters").GetInt32();
        Assert.True(expected > 0, "the simulated operations should form clusters");
        var ids = new List<string>();
        var listed = new Dictionary<string, JsonElement>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/v1/clusters?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                ids.Add(item.GetProperty("id").GetString()!);
                listed[ids[^1]] = item.Clone();
            }
            cursor = page.GetProperty("next_cursor").GetString();
        } while (cursor is not null);
        Assert.True(ids.Count >= expected);
        Assert.Equal(ids.Count, ids.Distinct().Count());

        var id = ids[0];
        var cluster = await client.GetFromJsonAsync<JsonElement>($"/v1/clusters/{id}");
        var members = cluster.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToHashSet();
        Assert.Equal(cluster.GetProperty("size").GetInt32(), members.Count);
        var detail = cluster.GetProperty("detail");
        var accounts = detail.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Equal(members, accounts.Select(a => a.GetProperty("account_id").GetString()!).ToHashSet());
        Assert.All(accounts, a => Assert.InRange(a.GetProperty("score").GetDouble(), 0, 1));
        Assert.True(detail.TryGetProperty("evidence", out _));
        Assert.True(detail.TryGetProperty("timing", out _));
        // the list carries the same modalities and time span as the detail, so the review queue needs no detail calls
        var row = listed[id];
        Assert.Equal(detail.GetProperty("evidence").GetProperty("modalities").EnumerateObject().Select(p => p.Name),
            row.GetProperty("modalities").EnumerateArray().Select(m => m.GetString()!));
        Assert.NotEmpty(row.GetProperty("modalities").EnumerateArray());
        Assert.Equal(detail.GetProperty("first_share").GetDateTime(), row.GetProperty("first_share").GetDateTime());
        Assert.Equal(detail.GetProperty("last_share").GetDateTime(), row.GetProperty("last_share").GetDateTime());
        Assert.True(row.GetProperty("first_share").GetDateTime() <= row.GetProperty("last_share").GetDateTime());

        var gexf = await client.GetAsync($"/v1/clusters/{id}/network.gexf");
        Assert.Equal("application/gexf+xml", gexf.Content.Headers.ContentType?.MediaType);
        var xml = XDocument.Parse(await gexf.Content.ReadAsStringAsync());
        XNamespace ns = "http://gexf.net/1.3";
        var nodes = xml.Descendants(ns + "node").Select(n => (string)n.Attribute("id")!).ToHashSet();
        Assert.Equal(members, nodes);
        Assert.NotEmpty(xml.Descendants(ns + "edge"));

        await Http.AssertProblem(await client.GetAsync("/v1/clusters/none.1"), 404);
        await Http.AssertProblem(await client.GetAsync("/v1/clusters/none.1/network.gexf"), 404);
        await Http.AssertProblem(await client.GetAsync("/v1/clusters?status=closed"), 400);
    }

    [Fact]
    public async Task Reviews_append_with_identity_are_idempotent_and_become_labels()
    {
        using var client = service.Factory.Client(ApiFactory.AnalystKey);
        var id = await FirstOpenCluster(client);
        var cluster = await client.GetFromJsonAsync<JsonElement>($"/v1/clusters/{id}");
        var members = cluster.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToList();

        async Task<HttpResponseMessage> Post(object body, string? key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/clusters/{id}/reviews") { Content = JsonContent.Create(body) };
            if (key is not null) request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }
        var first = await Post(new { decision = "confirmed", note = "same hashtags within a minute" }, "r-1");
        Assert.Equal(201, (int)first.StatusCode);
        var review = await Http.JsonOf(first);
        Assert.Equal("ann", review.GetProperty("reviewer").GetString());
        var retry = await Post(new { decision = "confirmed", note = "same hashtags within a minute" }, "r-1");
        Assert.Equal(200, (int)retry.StatusCode);
        Assert.Equal(review.GetProperty("id").GetString(), (await Http.JsonOf(retry)).GetProperty("id").GetString());
        var partial = await Post(new { decision = "dismissed", accounts = new[] { members[0] } }, null);
        Assert.Equal(201, (int)partial.StatusCode);

        var reviews = await client.GetFromJsonAsync<JsonElement>($"/v1/clusters/{id}/reviews");
        Assert.Equal(2, reviews.GetArrayLength());
        Assert.Equal("confirmed", reviews[0].GetProperty("decision").GetString());

        await Http.AssertProblem(await Post(new { decision = "maybe" }, null), 400);
        await Http.AssertProblem(await Post(new { decision = "confirmed", accounts = new[] { "stranger" } }, null), 400);
        var malformed = await client.PostAsync($"/v1/clusters/{id}/reviews", new StringContent("{\"decision\": ", System.Text.Encoding.UTF8, "application/json"));
        await Http.AssertProblem(malformed, 400);
        await Http.AssertProblem(await client.PostAsJsonAsync("/v1/clusters/none.1/reviews", new { decision = "confirmed" }), 404);
        await Http.AssertProblem(await client.GetAsync("/v1/clusters/none.1/reviews"), 404);

        var reviewed = await client.GetFromJsonAsync<JsonElement>("/v1/clusters?status=reviewed&limit=500");
        Assert.Contains(reviewed.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetString() == id && c.GetProperty("status").GetString() == "reviewed");
        var open = await client.GetFromJsonAsync<JsonElement>("/v1/clusters?status=open&limit=500");
        Assert.DoesNotContain(open.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetString() == id);

        // labels: the later dismissal wins for members[0]; the rest carry the confirmed cluster's operation name
        var labels = (await client.GetFromJsonAsync<JsonElement>("/v1/labels")).EnumerateArray()
            .ToDictionary(l => l.GetProperty("account_id").GetString()!, l => l.GetProperty("label").GetString()!);
        Assert.Equal("organic", labels[members[0]]);
        foreach (var m in members.Skip(1)) Assert.Equal($"netdetect_cluster_{id}", labels[m]);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/labels");
        request.Headers.Accept.ParseAdd("application/vnd.apache.parquet");
        var parquet = await client.SendAsync(request);
        Assert.Equal("application/vnd.apache.parquet", parquet.Content.Headers.ContentType?.MediaType);
        // the export is a canonical accounts.parquet: read it back with the dataset reader beside an empty posts file
        string dir = Path.Combine(Path.GetTempPath(), "netdetect-labels-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        await File.WriteAllBytesAsync(Path.Combine(dir, CanonicalSchema.AccountsFile), await parquet.Content.ReadAsByteArrayAsync());
        await using (var posts = await PostsParquetWriter.CreateAsync(Path.Combine(dir, CanonicalSchema.PostsFile)))
            await posts.WriteRowGroupAsync(new List<PostRecord>());
        var dataset = await ParquetDatasetReader.ReadAsync(dir);
        Directory.Delete(dir, true);
        var ids = Enumerable.Range(0, dataset.Accounts.Count).Select(i => dataset.Accounts.ToRecord(i)).ToList();
        Assert.Equal(labels.Count, ids.Count);
        foreach (var r in ids) Assert.Equal(labels[r.AccountId], r.Label);
    }
}
