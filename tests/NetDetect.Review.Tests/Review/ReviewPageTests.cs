using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using NetDetect.Api.Tests.TestSupport;

namespace NetDetect.Review.Tests.Review;

/// <summary>A real service that has scored a simulated batch, and one headless Debian chromium driven by Playwright.</summary>
public sealed class ReviewServer : IAsyncLifetime
{
    public ServiceWithBatch Service { get; } = new();
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/review-screenshots at the repository root.</summary>
    public string Screenshots { get; } = Path.Combine(RepoRoot(), "TestResults", "review-screenshots");

    public async Task InitializeAsync()
    {
        await Service.InitializeAsync();
        using var client = Service.Factory.Client(null);
        BaseAddress = client.BaseAddress!;
        Directory.CreateDirectory(Screenshots);
        // Debian's chromium, never a downloaded browser; NETDETECT_CHROMIUM overrides the path
        string chromium = Environment.GetEnvironmentVariable("NETDETECT_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium)) throw new InvalidOperationException($"{chromium} not found: apt-get install -y chromium (or set NETDETECT_CHROMIUM).");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Service.DisposeAsync();
    }

    public HttpClient Api(string key) => Service.Factory.Client(key);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NetDetect.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}

public sealed class ReviewPageTests(ReviewServer server) : IClassFixture<ReviewServer>
{
    private async Task<(IPage Page, List<string> Requests, List<string> Errors)> OpenAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        var requests = new List<string>();
        var errors = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        await page.GotoAsync(new Uri(server.BaseAddress, "/review").ToString());
        return (page, requests, errors);
    }

    [Fact]
    public async Task Reviewer_opens_the_top_cluster_from_the_queue_and_records_a_decision_that_the_api_returns()
    {
        await using var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var (page, requests, errors) = await OpenAsync(context);

        await page.GetByLabel("Reviewer API key").FillAsync(ApiFactory.AnalystKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        var rows = page.Locator("#queue tbody tr");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();

        // the queue holds every open cluster of the batch, highest score first
        using var api = server.Api(ApiFactory.AnalystKey);
        var open = await api.GetFromJsonAsync<JsonElement>("/v1/clusters?status=open&limit=500", Http.Json);
        var expected = open.GetProperty("items").EnumerateArray()
            .OrderByDescending(c => c.GetProperty("score").GetDouble()).ThenBy(c => c.GetProperty("id").GetString(), StringComparer.Ordinal)
            .Select(c => c.GetProperty("id").GetString()!).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.id)"));
        // modalities and time span come from the cluster's detail
        var top = await api.GetFromJsonAsync<JsonElement>($"/v1/clusters/{expected[0]}", Http.Json);
        var modalityNames = top.GetProperty("detail").GetProperty("evidence").GetProperty("modalities").EnumerateObject().Select(m => m.Name);
        await Assertions.Expect(rows.First.Locator("td").Nth(3)).ToHaveTextAsync(string.Join(", ", modalityNames));
        await Assertions.Expect(rows.First.Locator("td").Nth(4)).ToContainTextAsync("→");
        await page.ScreenshotAsync(new() { Path = Path.Combine(server.Screenshots, "01-queue.png"), FullPage = true });

        // keyboard: j opens the first cluster of the queue
        await page.Locator("body").PressAsync("j");
        string id = expected[0];
        await Assertions.Expect(page.Locator("#cluster-title")).ToHaveTextAsync($"Cluster {id}");
        var cluster = await api.GetFromJsonAsync<JsonElement>($"/v1/clusters/{id}", Http.Json);
        var members = cluster.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToList();
        var memberRows = page.Locator("#members tbody tr");
        await Assertions.Expect(memberRows).ToHaveCountAsync(members.Count);
        Assert.Contains(members[0], await page.Locator("#members tbody").InnerTextAsync());
        int topObjects = cluster.GetProperty("detail").GetProperty("evidence").GetProperty("top_objects").GetArrayLength();
        Assert.True(topObjects > 0, "the detected cluster should carry shared-object evidence");
        await Assertions.Expect(page.Locator("#evidence tbody tr")).ToHaveCountAsync(topObjects);
        // profile facts: creation date and client come from the batch's accounts and posts
        Assert.Matches(@"\d{4}-\d{2}-\d{2}", await memberRows.First.Locator("td").Nth(5).InnerTextAsync());
        Assert.False(string.IsNullOrWhiteSpace(await memberRows.First.Locator("td").Nth(6).InnerTextAsync()));
        // network: cytoscape drew the cluster's graph with one node per member in the GEXF
        await Assertions.Expect(page.Locator("#network canvas").First).ToBeAttachedAsync();
        Assert.Equal(members.Count, await page.EvaluateAsync<int>("() => document.querySelector('#network').getAttribute('aria-label').match(/: (\\d+) accounts/)[1] * 1"));
        // timeline: one row of ticks per member
        await Assertions.Expect(page.Locator("#timeline svg path")).ToHaveCountAsync(members.Count);
        await page.ScreenshotAsync(new() { Path = Path.Combine(server.Screenshots, "02-cluster.png"), FullPage = true });

        // decision: confirm for the first member only, with a note
        await page.GetByLabel($"override for {members[0]}").CheckAsync();
        await page.GetByLabel("Note").FillAsync("same links within seconds, created the same week");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(page.Locator("#decision-state")).ToHaveTextAsync("Recorded: confirmed by ann.");
        await Assertions.Expect(page.Locator("#reviews li")).ToContainTextAsync("ann: confirmed");
        await page.ScreenshotAsync(new() { Path = Path.Combine(server.Screenshots, "03-decision.png"), FullPage = true });

        var reviews = await api.GetFromJsonAsync<JsonElement>($"/v1/clusters/{id}/reviews", Http.Json);
        var review = Assert.Single(reviews.EnumerateArray());
        Assert.Equal("confirmed", review.GetProperty("decision").GetString());
        Assert.Equal("same links within seconds, created the same week", review.GetProperty("note").GetString());
        Assert.Equal("ann", review.GetProperty("reviewer").GetString());
        Assert.Equal([members[0]], review.GetProperty("accounts").EnumerateArray().Select(a => a.GetString()!).ToArray());

        // offline: every request the page made stayed on the service's origin
        Assert.All(requests, url => Assert.StartsWith(server.BaseAddress.GetLeftPart(UriPartial.Authority), url));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task Page_asks_for_a_key_keeps_it_for_the_session_and_labels_every_control()
    {
        await using var context = await server.Browser.NewContextAsync();
        var (page, requests, errors) = await OpenAsync(context);
        await Assertions.Expect(page.Locator("#queue-state")).ToHaveTextAsync("Enter an API key to load the queue.");
        Assert.DoesNotContain(requests, u => u.Contains("/v1/", StringComparison.Ordinal));

        // a wrong key is reported, not silently ignored
        await page.GetByLabel("Reviewer API key").FillAsync("not-a-key");
        await page.GetByLabel("Reviewer API key").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#queue-state")).ToContainTextAsync("401");

        await page.GetByLabel("Reviewer API key").FillAsync(ApiFactory.AnalystKey);
        await page.GetByLabel("Reviewer API key").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#queue tbody tr").First).ToBeVisibleAsync();
        // the key survives a reload in the same tab (sessionStorage), so the queue loads without asking again
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#queue tbody tr").First).ToBeVisibleAsync();
        Assert.Equal("", await page.GetByLabel("Reviewer API key").InputValueAsync());

        // every form control has an accessible name and the shortcuts are documented on the page
        var unnamed = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('input, select, textarea, button')].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map(e => e.outerHTML)");
        Assert.Empty(unnamed);
        var shortcuts = await page.Locator(".keys").InnerTextAsync();
        foreach (var k in new[] { "j", "k", "c", "d", "e" }) Assert.Contains(k, shortcuts);
        errors.RemoveAll(e => e.Contains("status of 401", StringComparison.Ordinal)); // the browser logs the refused request
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task Vendored_cytoscape_is_served_from_the_service_with_its_licence_header()
    {
        using var client = server.Api(ApiFactory.AnalystKey);
        var response = await client.GetAsync("/review/vendor/cytoscape.min.js");
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("/**", text);
        Assert.Contains("The Cytoscape Consortium", text[..400]);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(404, (int)(await client.GetAsync("/review/no-such-file.js")).StatusCode);
    }
}
