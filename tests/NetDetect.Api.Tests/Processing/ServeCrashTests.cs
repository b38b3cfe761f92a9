using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NetDetect.Api.Tests.TestSupport;
using NetDetect.Core.Data;

namespace NetDetect.Api.Tests.Processing;

/// <summary>
/// <c>netdetect serve</c> as a separate process, killed with SIGKILL while batches are queued or running, then
/// restarted on the same data directory: every batch finishes once, and no review is lost or doubled.
/// </summary>
public sealed class ServeCrashTests(TrainedModel model) : IClassFixture<TrainedModel>, IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "netdetect-crash-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<Process> _processes = [];
    private readonly StringBuilder _log = new();

    [Fact]
    public async Task Killed_mid_run_every_batch_completes_and_no_review_is_lost_or_doubled()
    {
        int port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var first = Start(url);
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", "crash-admin");
        await WaitReady(client);

        // a scored batch and three reviews of one of its clusters
        var a = await Submit(client, "A");
        Assert.Equal("succeeded", (await Http.WaitForBatch(client, a)).GetProperty("status").GetString());
        var clusters = await client.GetFromJsonAsync<JsonElement>("/v1/clusters?limit=1");
        var clusterId = clusters.GetProperty("items")[0].GetProperty("id").GetString()!;
        for (int i = 1; i <= 3; i++) Assert.Equal(201, (int)(await Review(client, clusterId, $"review-{i}")).StatusCode);

        // more batches, then SIGKILL while some are still queued or running
        var pending = new List<string>();
        for (int i = 0; i < 4; i++) pending.Add(await Submit(client, $"B{i}"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var statuses = await Task.WhenAll(pending.Select(async p => (await client.GetFromJsonAsync<JsonElement>(p)).GetProperty("status").GetString()));
            if (statuses.Contains("running")) break;
            await Task.Delay(20);
        }
        first.Kill();
        await first.WaitForExitAsync();
        int unfinishedAtKill = 0;
        var second = Start(url);
        await WaitReady(client);
        foreach (var p in pending)
        {
            var b = await client.GetFromJsonAsync<JsonElement>(p);
            if (b.GetProperty("status").GetString() is "queued" or "running") unfinishedAtKill++;
        }
        Assert.True(unfinishedAtKill > 0, "the kill should interrupt at least one batch");

        var accounts = (await ParquetDatasetReader.ReadAsync(model.DataDirectory)).Accounts.Count;
        foreach (var p in pending.Prepend(a))
        {
            var batch = await Http.WaitForBatch(client, p, TimeSpan.FromSeconds(180));
            Assert.Equal("succeeded", batch.GetProperty("status").GetString());
            var page = await client.GetFromJsonAsync<JsonElement>($"{p}/verdicts?limit=1000");
            var ids = page.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("account_id").GetString()).ToList();
            Assert.Equal(accounts, ids.Count);
            Assert.Equal(accounts, ids.Distinct().Count());
        }
        // idempotency survived the crash: the same key is the same batch
        Assert.Equal(pending[0], await Submit(client, "B0"));

        // reviews: retries with the same keys record nothing new; all three are still there, once each
        for (int i = 1; i <= 3; i++) Assert.Equal(200, (int)(await Review(client, clusterId, $"review-{i}")).StatusCode);
        var reviews = await client.GetFromJsonAsync<JsonElement>($"/v1/clusters/{clusterId}/reviews");
        Assert.Equal(3, reviews.GetArrayLength());
        second.Kill();
    }

    private static async Task<string> Submit(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batches") { Content = Http.Parquet(
            Path.Combine(ModelData, CanonicalSchema.AccountsFile), Path.Combine(ModelData, CanonicalSchema.PostsFile)) };
        request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    private static string ModelData = "";

    private static Task<HttpResponseMessage> Review(HttpClient client, string cluster, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/clusters/{cluster}/reviews")
        {
            Content = JsonContent.Create(new { decision = "confirmed", note = key }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private Process Start(string url)
    {
        ModelData = model.DataDirectory;
        string dll = Path.Combine(AppContext.BaseDirectory, "netdetect.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "exec", dll, "serve", "--data-dir", _dataDir, "--urls", url, "--models-dir", model.ModelsDirectory }) psi.ArgumentList.Add(arg);
        psi.Environment["NETDETECT_API_KEYS"] = "crash-admin:admin:crash";
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _processes.Add(p);
        return p;
    }

    private async Task WaitReady(HttpClient client)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            try
            {
                if ((await client.GetAsync("/readyz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        lock (_log) throw new TimeoutException("netdetect serve did not become ready:\n" + _log);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            if (!p.HasExited) p.Kill();
            p.Dispose();
        }
        try { Directory.Delete(_dataDir, true); } catch (IOException) { }
    }
}
