using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using NetDetect.Cli;
using NetDetect.Core.Tests.Export;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Cli;

public class NetworkCommandTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandRunner.RunAsync(CliApp.CreateRoot(), args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Coortweet_mode_writes_the_known_numbers_to_summary_json()
    {
        using var dir = new TempDir();
        var (code, _, err) = await Run("network", SharedData.File("coortweet", "russian_coord_tweets.csv"), "--modality", "repost", "--window", "60s",
            "--min-participation", "2", "--compat", "coortweet", "--out", dir.Path);
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.Sub("summary.json")));
        var root = json.RootElement;
        Assert.Equal(3_791, root.GetProperty("pairs").GetInt64());
        Assert.Equal(2_110, root.GetProperty("accounts").GetInt32());
        Assert.Equal(3_721, root.GetProperty("edges").GetInt32());
        Assert.Equal(94, root.GetProperty("flagged_accounts").GetInt32());
        Assert.Equal(60, root.GetProperty("flagged_edges").GetInt32());
        Assert.Equal(34, root.GetProperty("flagged_components").GetInt32());
        var parameters = root.GetProperty("parameters");
        Assert.Equal("coortweet", parameters.GetProperty("compat").GetString());
        Assert.Equal("60", parameters.GetProperty("time_window_s").GetString());
        Assert.Equal("> 0.5q (type 7)", parameters.GetProperty("edge_threshold").GetString());
        using var clusters = JsonDocument.Parse(File.ReadAllText(dir.Sub("clusters.json")));
        Assert.Equal(34, clusters.RootElement.GetArrayLength());
        Assert.Equal(94, clusters.RootElement.EnumerateArray().Sum(c => c.GetProperty("size").GetInt32()));
    }

    [Fact]
    public async Task A_crowd_cap_leaves_out_crowded_objects_and_records_what_it_dropped()
    {
        using var all = new TempDir();
        using var capped = new TempDir();
        string file = SharedData.File("coortweet", "russian_coord_tweets.csv");
        var (code, _, err) = await Run("network", file, "--modality", "repost", "--window", "60s", "--out", all.Path);
        Assert.True(code == 0, err);
        (code, _, err) = await Run("network", file, "--modality", "repost", "--window", "60s", "--max-window-crowd", "3", "--out", capped.Path);
        Assert.True(code == 0, err);
        using var a = JsonDocument.Parse(File.ReadAllText(all.Sub("summary.json")));
        using var c = JsonDocument.Parse(File.ReadAllText(capped.Sub("summary.json")));
        Assert.Equal("none", a.RootElement.GetProperty("parameters").GetProperty("max_window_crowd").GetString());
        var parameters = c.RootElement.GetProperty("parameters");
        Assert.Equal("3", parameters.GetProperty("max_window_crowd").GetString());
        string dropped = parameters.GetProperty("crowd_objects_dropped").GetString()!;
        Assert.StartsWith("repost:", dropped);
        Assert.True(int.Parse(dropped["repost:".Length..], CultureInfo.InvariantCulture) > 0);
        // retweets of a crowded post make no pairs any more; every other pair stays
        Assert.True(c.RootElement.GetProperty("pairs").GetInt64() < a.RootElement.GetProperty("pairs").GetInt64());
        Assert.True(c.RootElement.GetProperty("pairs").GetInt64() > 0);
    }

    [Theory]
    [InlineData("--max-window-crowd", "-1")]
    [InlineData("--compat", "coortweet", "--max-window-crowd", "3")]
    public async Task A_negative_crowd_cap_or_one_in_a_peer_mode_is_a_usage_error(params string[] extra)
    {
        using var dir = new TempDir();
        var (code, _, err) = await Run(["network", SharedData.File("coortweet", "russian_coord_tweets.csv"), "--modality", "repost", "--out", dir.Path, .. extra]);
        Assert.Equal(2, code);
        Assert.Contains("crowd", err);
        Assert.False(File.Exists(dir.Sub("summary.json")));
    }

    [Fact]
    public async Task Coortweet_mode_exports_exactly_the_flagged_network_as_gexf_graphml_and_gephi_csv()
    {
        using var dir = new TempDir();
        var (code, _, err) = await Run("network", SharedData.File("coortweet", "russian_coord_tweets.csv"), "--modality", "repost", "--window", "60s",
            "--min-participation", "2", "--compat", "coortweet", "--out", dir.Path);
        Assert.True(code == 0, err);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.Sub("summary.json")));
        var parameters = summary.RootElement.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.True(parameters.Count >= 10);
        double cutoff = summary.RootElement.GetProperty("threshold_cutoff").GetDouble();
        using var clustersJson = JsonDocument.Parse(File.ReadAllText(dir.Sub("clusters.json")));
        var clusterOf = new Dictionary<string, int>();
        foreach (var c in clustersJson.RootElement.EnumerateArray())
            foreach (var member in c.GetProperty("members").EnumerateArray()) clusterOf[member.GetString()!] = c.GetProperty("id").GetInt32();
        Assert.Equal(94, clusterOf.Count);

        // GEXF as a document: 1.3, undirected, the counts, every parameter in the meta description
        var gexf = XDocument.Load(dir.Sub("network.gexf"));
        XNamespace g = "http://gexf.net/1.3";
        Assert.Equal("1.3", (string?)gexf.Root!.Attribute("version"));
        Assert.Equal("undirected", (string?)gexf.Root.Element(g + "graph")!.Attribute("defaultedgetype"));
        Assert.Equal(94, gexf.Descendants(g + "node").Count());
        Assert.Equal(60, gexf.Descendants(g + "edge").Count());
        var description = (string)gexf.Root.Element(g + "meta")!.Element(g + "description")!;
        foreach (var (key, value) in parameters) Assert.Contains($"{key} = {value}", description);

        // GEXF and GraphML read back by networkx: the same 94 accounts and 60 edges, weights above the cut-off
        var edgeSets = new List<HashSet<(string, string)>>();
        foreach (var (kind, file) in new[] { ("gexf", "network.gexf"), ("graphml", "network.graphml") })
        {
            using var doc = ExportTestData.ReadWithNetworkx(kind, dir.Sub(file));
            var root = doc.RootElement;
            Assert.False(root.GetProperty("directed").GetBoolean());
            var nodes = root.GetProperty("nodes");
            Assert.Equal(clusterOf.Keys.Order(), nodes.EnumerateObject().Select(n => n.Name).Order());
            var degree = new Dictionary<string, int>();
            var edges = new HashSet<(string, string)>();
            foreach (var e in root.GetProperty("edges").EnumerateArray())
            {
                string u = e[0].GetString()!, v = e[1].GetString()!;
                Assert.True(edges.Add(string.CompareOrdinal(u, v) < 0 ? (u, v) : (v, u)), $"edge {u} -- {v} twice");
                degree[u] = degree.GetValueOrDefault(u) + 1;
                degree[v] = degree.GetValueOrDefault(v) + 1;
                var attrs = e[2];
                ExportTestData.AssertValue(attrs, "modality", "str", "repost");
                long pairs = attrs.GetProperty("pairs").GetProperty("value").GetInt64();
                ExportTestData.AssertValue(attrs, "weight", "float", (double)pairs);  // CooRTweet weighs by co-share pairs
                Assert.True(pairs > cutoff, $"edge {u} -- {v} weight {pairs} not above the cut-off {cutoff}");
                foreach (var name in new[] { "objects", "posts_a", "posts_b" }) Assert.True(attrs.GetProperty(name).GetProperty("value").GetInt64() >= 1, name);
                Assert.True(attrs.GetProperty("evidence").GetProperty("value").GetDouble() > 0);
                double delta = attrs.GetProperty("mean_delta_s").GetProperty("value").GetDouble();
                Assert.InRange(delta, 0, 60);
            }
            Assert.Equal(60, edges.Count);
            edgeSets.Add(edges);
            foreach (var node in nodes.EnumerateObject())
            {
                ExportTestData.AssertValue(node.Value, "cluster_id", "int", clusterOf[node.Name]);
                ExportTestData.AssertValue(node.Value, "degree", "int", degree[node.Name]);
            }
            if (kind == "graphml")
            {
                var graphData = root.GetProperty("graph");
                foreach (var (key, value) in parameters) ExportTestData.AssertValue(graphData, key, "str", value);
                Assert.True(graphData.TryGetProperty("export_content", out _));
            }
        }
        Assert.Equal(edgeSets[0], edgeSets[1]);

        // Gephi CSV: the same nodes and edges, typed columns and every parameter in the sidecar
        var nodeRows = ReadCsv(dir.Sub("nodes.csv"));
        Assert.Equal(["Id", "Label", "screen_name", "display_name", "dataset_label", "cluster_id", "degree", "weighted_degree"], nodeRows[0]);
        Assert.Equal(clusterOf.Keys.Order(), nodeRows.Skip(1).Select(r => r[0]).Order());
        foreach (var r in nodeRows.Skip(1)) Assert.Equal(clusterOf[r[0]].ToString(CultureInfo.InvariantCulture), r[5]);
        var edgeRows = ReadCsv(dir.Sub("edges.csv"));
        Assert.Equal(["Source", "Target", "Type", "Weight", "modality", "pairs", "objects", "posts_a", "posts_b", "mean_delta_s", "evidence", "first_share", "last_share"], edgeRows[0]);
        Assert.Equal(61, edgeRows.Count);
        Assert.All(edgeRows.Skip(1), r => Assert.Equal("Undirected", r[2]));
        Assert.All(edgeRows.Skip(1), r => Assert.Equal(r[3], r[5]));
        Assert.Equal(edgeSets[0], edgeRows.Skip(1).Select(r => string.CompareOrdinal(r[0], r[1]) < 0 ? (r[0], r[1]) : (r[1], r[0])).ToHashSet());
        using var sidecar = JsonDocument.Parse(File.ReadAllText(dir.Sub("parameters.json")));
        Assert.Equal(94, sidecar.RootElement.GetProperty("nodes").GetInt32());
        Assert.Equal(60, sidecar.RootElement.GetProperty("edges").GetInt32());
        Assert.False(sidecar.RootElement.GetProperty("directed").GetBoolean());
        var recorded = sidecar.RootElement.GetProperty("parameters");
        foreach (var (key, value) in parameters) Assert.Equal(value, recorded.GetProperty(key).GetString());
    }

    [Fact]
    public async Task Qut_mode_exports_a_directed_network_with_its_self_loops()
    {
        using var dir = new TempDir();
        var (code, _, err) = await Run("network", SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv"), "--window", "60s", "--compat", "qut", "--self-loops", "--out", dir.Path);
        Assert.True(code == 0, err);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.Sub("summary.json")));
        int accounts = summary.RootElement.GetProperty("flagged_accounts").GetInt32();
        int edges = summary.RootElement.GetProperty("flagged_edges").GetInt32();
        foreach (var (kind, file) in new[] { ("gexf", "network.gexf"), ("graphml", "network.graphml") })
        {
            using var doc = ExportTestData.ReadWithNetworkx(kind, dir.Sub(file));
            Assert.True(doc.RootElement.GetProperty("directed").GetBoolean());
            Assert.Equal(accounts, doc.RootElement.GetProperty("nodes").EnumerateObject().Count());
            var list = doc.RootElement.GetProperty("edges").EnumerateArray().ToList();
            Assert.Equal(edges, list.Count);
            var loops = list.Where(e => e[0].GetString() == e[1].GetString()).ToList();
            Assert.NotEmpty(loops);
            Assert.All(loops, e => ExportTestData.AssertValue(e[2], "self_loop", "bool", true));
            Assert.All(list, e => Assert.True(e[2].GetProperty("weight").GetProperty("value").GetDouble() >= 1));
            // w(A -> B) is A's matched posts: the source side of the pair's counts
            Assert.All(list, e => Assert.Equal(e[2].GetProperty("weight").GetProperty("value").GetDouble(), e[2].GetProperty("posts_a").GetProperty("value").GetInt64()));
        }
        var edgeRows = ReadCsv(dir.Sub("edges.csv"));
        Assert.Equal(edges + 1, edgeRows.Count);
        Assert.All(edgeRows.Skip(1), r => Assert.Equal("Directed", r[2]));
        Assert.Equal(accounts + 1, ReadCsv(dir.Sub("nodes.csv")).Count);
    }

    [Fact]
    public async Task Several_modalities_export_totals_and_each_modality_s_weights()
    {
        // a0 and a1 repost one original and use one hashtag ("Tag"/"tag" fold together) 10 s apart; a2 and a3 share
        // only a hashtag 5 s apart; a4 co-acts with nobody and must not appear.
        long t0 = 1_600_000_000L * Core.Data.Time.MicrosPerSecond;
        var b = new Core.Data.DatasetBuilder();
        string[] names = ["Ann, \"A\"", "bob", "cat", "dan", "eve"];
        for (int i = 0; i < names.Length; i++)
            b.TryAddAccount(new Core.Data.AccountRecord { AccountId = "a" + i, ScreenName = names[i], Label = i < 2 ? "op" : null });
        (string Account, long Seconds, string? Repost, string Tag)[] posts =
            [("a0", 0, "orig-1", "Tag"), ("a1", 10, "orig-1", "tag"), ("a2", 1000, null, "other"), ("a3", 1005, null, "other"), ("a4", 5000, null, "alone")];
        for (int j = 0; j < posts.Length; j++)
            b.TryAddPost(new Core.Data.PostRecord
            {
                PostId = "p" + j, AccountId = posts[j].Account, CreatedAt = t0 + posts[j].Seconds * Core.Data.Time.MicrosPerSecond,
                RepostOfPostId = posts[j].Repost, Hashtags = [posts[j].Tag],
            });
        using var data = new TempDir();
        await Core.Data.ParquetDatasetWriter.WriteAsync(b.Build(), data.Path);
        using var dir = new TempDir();
        var (code, _, err) = await Run("network", data.Path, "--modality", "repost,hashtag", "--window", "60s", "--min-participation", "1",
            "--edge-threshold", "1", "--out", dir.Path);
        Assert.True(code == 0, err);

        using var doc = ExportTestData.ReadWithNetworkx("graphml", dir.Sub("network.graphml"));
        Assert.Equal(["a0", "a1", "a2", "a3"], doc.RootElement.GetProperty("nodes").EnumerateObject().Select(n => n.Name).Order());
        Assert.Equal(2, doc.RootElement.GetProperty("edges").GetArrayLength());
        var ann = doc.RootElement.GetProperty("nodes").GetProperty("a0");
        ExportTestData.AssertValue(ann, "screen_name", "str", "Ann, \"A\"");
        ExportTestData.AssertValue(ann, "dataset_label", "str", "op");
        ExportTestData.AssertValue(ann, "degree", "int", 1);

        var both = ExportTestData.EdgeAttributes(doc, "a0", "a1");
        ExportTestData.AssertValue(both, "modality", "str", "repost,hashtag");
        ExportTestData.AssertValue(both, "weight", "float", 2.0);
        ExportTestData.AssertValue(both, "pairs", "int", 2);
        ExportTestData.AssertValue(both, "repost_pairs", "int", 1);
        ExportTestData.AssertValue(both, "hashtag_pairs", "int", 1);
        ExportTestData.AssertValue(both, "objects", "int", 2);
        ExportTestData.AssertValue(both, "posts_a", "int", 2);
        ExportTestData.AssertValue(both, "hashtag_posts_b", "int", 1);
        ExportTestData.AssertValue(both, "mean_delta_s", "float", 10.0);
        ExportTestData.AssertValue(both, "repost_mean_delta_s", "float", 10.0);
        double Value(JsonElement e, string name) => e.GetProperty(name).GetProperty("value").GetDouble();
        Assert.True(Value(both, "repost_evidence") > 0 && Value(both, "hashtag_evidence") > 0);
        Assert.Equal(Value(both, "repost_evidence") + Value(both, "hashtag_evidence"), Value(both, "evidence"), 12);

        var tagOnly = ExportTestData.EdgeAttributes(doc, "a2", "a3");
        ExportTestData.AssertValue(tagOnly, "modality", "str", "hashtag");
        ExportTestData.AssertValue(tagOnly, "repost_pairs", "int", 0);
        ExportTestData.AssertValue(tagOnly, "hashtag_pairs", "int", 1);
        ExportTestData.AssertValue(tagOnly, "mean_delta_s", "float", 5.0);
        ExportTestData.AssertValue(tagOnly, "first_share", "str", "2020-09-13T12:43:20Z");
        ExportTestData.AssertValue(doc.RootElement.GetProperty("graph"), "modalities", "str", "repost,hashtag");

        // the screen name with a comma and quotes survives the CSV as the Gephi label
        var nodes = ReadCsv(dir.Sub("nodes.csv"));
        Assert.Equal(["a0", "Ann, \"A\"", "Ann, \"A\""], nodes.Single(r => r[0] == "a0")[..3]);
    }

    /// <summary>RFC 4180 rows (quoted fields, doubled quotes, quoted line breaks).</summary>
    private static List<string[]> ReadCsv(string path)
    {
        var rows = new List<string[]>();
        var text = File.ReadAllText(path);
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add([.. row]); row.Clear(); }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add([.. row]); }
        return rows;
    }

    [Fact]
    public async Task Qut_mode_counts_accounts_with_self_loops()
    {
        using var dir = new TempDir();
        var (code, _, err) = await Run("network", SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv"), "--window", "60s", "--compat", "qut", "--self-loops", "--out", dir.Path);
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.Sub("summary.json")));
        Assert.Equal(7, json.RootElement.GetProperty("flagged_accounts").GetInt32());
    }

    [Fact]
    public async Task A_window_finer_than_the_timestamps_is_a_usage_error()
    {
        using var dir = new TempDir();
        var (code, _, err) = await Run("network", SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv"), "--window", "500ms", "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("finer than the data's timestamp resolution (1 s)", err);
        var forced = await Run("network", SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv"), "--window", "500ms", "--force-window", "--out", dir.Path);
        Assert.Equal(0, forced.Code);
    }

    [Theory]
    [InlineData("60s", 60_000_000)]
    [InlineData("60", 60_000_000)]
    [InlineData("500ms", 500_000)]
    [InlineData("5m", 300_000_000)]
    [InlineData("2min", 120_000_000)]
    [InlineData("1h", 3_600_000_000)]
    [InlineData("1.5s", 1_500_000)]
    public void Window_durations(string text, long micros) => Assert.Equal(micros, NetDetect.Cli.Commands.NetworkCommand.ParseWindow(text));
}
