using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace NetDetect.Api.Tests.TestSupport;

/// <summary>The service on a real Kestrel socket over a fresh data directory, with one key per role.</summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    public const string SubmitterKey = "sub-key-0123456789";
    public const string AnalystKey = "ana-key-0123456789";
    public const string AdminKey = "adm-key-0123456789";

    private readonly TrainedModel _model;

    public ApiFactory(TrainedModel model, IReadOnlyDictionary<string, string>? settings = null)
    {
        _model = model;
        Settings = settings ?? new Dictionary<string, string>();
        DataDirectory = Path.Combine(Path.GetTempPath(), "netdetect-api-" + Guid.NewGuid().ToString("N")[..10]);
        UseKestrel(0);
    }

    public string DataDirectory { get; }

    public IReadOnlyDictionary<string, string> Settings { get; }

    public TrainedModel Model => _model;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("NetDetect:DataDirectory", DataDirectory);
        builder.UseSetting("NetDetect:ModelsDirectory", _model.ModelsDirectory);
        builder.UseSetting("NetDetect:MaxRequestBytes", (8 * 1024 * 1024).ToString());
        builder.UseSetting("NETDETECT_API_KEYS", $"{SubmitterKey}:submitter:alice,{AnalystKey}:analyst:ann,{AdminKey}:admin:root");
        foreach (var (k, v) in Settings) builder.UseSetting(k, v);
    }

    /// <summary>A client on the Kestrel socket, with <paramref name="key"/> as X-Api-Key when given.</summary>
    public HttpClient Client(string? key)
    {
        StartServer();
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, true);
        }
        catch (IOException)
        {
            // the SQLite file may still be closing; the temp directory is cleaned by the OS
        }
    }
}

/// <summary>Request helpers shared by the API tests.</summary>
public static class Http
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static MultipartFormDataContent Parquet(string accountsPath, string postsPath)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, path) in new[] { ("accounts", accountsPath), ("posts", postsPath) })
        {
            var part = new ByteArrayContent(File.ReadAllBytes(path));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.apache.parquet");
            form.Add(part, name, Path.GetFileName(path));
        }
        return form;
    }

    public static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 body with the given status.</summary>
    public static async Task<JsonElement> AssertProblem(HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await JsonOf(response);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        return body;
    }

    /// <summary>Polls a batch until it leaves queued/running.</summary>
    public static async Task<JsonElement> WaitForBatch(HttpClient client, string location, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            var batch = await client.GetFromJsonAsync<JsonElement>(location);
            var status = batch.GetProperty("status").GetString();
            if (status is "succeeded" or "failed") return batch;
            if (DateTime.UtcNow > until) throw new TimeoutException($"batch {location} still {status}");
            await Task.Delay(100);
        }
    }
}
