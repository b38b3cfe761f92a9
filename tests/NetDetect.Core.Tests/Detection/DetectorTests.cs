using NetDetect.Core.Detection;
using NetDetect.Core.Reporting;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Detection;

public class DetectorTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public async Task Verdict_files_are_identical_for_one_and_two_threads()
    {
        var dataset = CoordinatedData.Build(seed: 5);
        using var dir = new TempDir();
        var one = Detector.Run(dataset, fixture.Model, null, new DetectionOptions { Threads = 1 });
        var two = Detector.Run(dataset, fixture.Model, null, new DetectionOptions { Threads = 2 });
        await DetectionOutput.WriteAsync(one, dir.Sub("one"), "in", "model");
        await DetectionOutput.WriteAsync(two, dir.Sub("two"), "in", "model");
        foreach (var file in new[] { "verdicts.csv", "verdicts.parquet", "clusters.json", "network.gexf", "report.html" })
            Assert.True(File.ReadAllBytes(Path.Combine(dir.Sub("one"), file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir.Sub("two"), file))), $"{file} differs between 1 and 2 threads");
        Assert.Contains(one.Verdicts, v => v.Verdict != "clear");
    }

    [Fact]
    public void The_community_graph_is_released_once_read_and_a_release_changes_no_verdict()
    {
        var dataset = CoordinatedData.Build(seed: 5);
        var plain = Detector.Run(dataset, fixture.Model);
        var e = Assert.Throws<InvalidOperationException>(() => plain.Network.Graph);
        Assert.Contains("released", e.Message);
        // the same network built on its own keeps its graph; verdicts match the run that released it
        var options = fixture.Model.Metadata.NetworkOptions(2);
        var kept = NetDetect.Core.Features.CoordinationNetwork.Build(dataset, options);
        Assert.True(kept.Graph.EdgeCount > 0);
        Assert.Equal(kept.Community, plain.Network.Community);
        string seed = dataset.Accounts.Ids[Enumerable.Range(0, dataset.Accounts.Count).First(i => dataset.Accounts.Label[i] == "op0")];
        var seeded = Detector.Run(dataset, fixture.Model, [seed]);
        Assert.Throws<InvalidOperationException>(() => seeded.Network.Graph);
        Assert.Equal(1, seeded.SeedCount);
    }

    [Fact]
    public async Task Releasing_the_post_text_and_the_columns_only_features_read_changes_no_output()
    {
        var kept = CoordinatedData.Build(seed: 5);
        var released = CoordinatedData.Build(seed: 5);
        var a = Detector.Run(kept, fixture.Model);
        var b = Detector.Run(released, fixture.Model, null, new DetectionOptions { ReleasePostText = true, ReleaseFeatureColumns = true });
        Assert.False(kept.Posts.Text.Released);
        Assert.True(released.Posts.Text.Released);
        // the columns only the layers and the content and profile features read went once those features had them
        Assert.False(kept.Posts.FeatureColumnsReleased);
        Assert.True(released.Posts.FeatureColumnsReleased);
        Assert.True(released.Accounts.ProfileColumnsReleased);
        Assert.Throws<InvalidOperationException>(() => released.Posts.Client);
        Assert.Throws<InvalidOperationException>(() => released.Posts.Hashtags.Row(0).Length);
        Assert.Throws<InvalidOperationException>(() => released.Accounts.FollowerCount);
        Assert.Throws<InvalidOperationException>(() => released.Accounts.ScreenName.GetSpan(0));
        // what detection and its outputs read after them stays
        Assert.Equal(kept.Posts.CreatedAt, released.Posts.CreatedAt);
        Assert.Equal(kept.Posts.Hashtags.Dictionary.Count, released.Posts.Hashtags.Dictionary.Count);
        Assert.Equal(kept.Accounts.Ids[3], released.Accounts.Ids[3]);
        Assert.Equal(a.Scores, b.Scores);
        Assert.Equal(kept.Posts.Count, released.Posts.Text.Count);
        Assert.Throws<InvalidOperationException>(() => released.Posts.Text.GetSpan(0));
        using var dir = new TempDir();
        await DetectionOutput.WriteAsync(a, dir.Sub("a"), "in", "model");
        await DetectionOutput.WriteAsync(b, dir.Sub("b"), "in", "model");
        foreach (var file in new[] { "verdicts.csv", "clusters.json", "network.gexf", "report.html" })
            Assert.True(File.ReadAllBytes(Path.Combine(dir.Sub("a"), file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir.Sub("b"), file))), $"{file} differs when the text and feature columns are released");
    }

    [Fact]
    public void Operation_accounts_score_higher_than_organic_ones_on_unseen_data()
    {
        var dataset = CoordinatedData.Build(seed: 6);
        var result = Detector.Run(dataset, fixture.Model);
        var labels = Labels.Of(dataset);
        var op = Enumerable.Range(0, labels.Length).Where(i => labels[i] == 1).Select(i => result.Scores[i]).ToArray();
        var organic = Enumerable.Range(0, labels.Length).Where(i => labels[i] == 0).Select(i => result.Scores[i]).ToArray();
        Assert.True(op.Average() > 0.5, $"mean operation score {op.Average():F3}");
        Assert.True(organic.Average() < 0.2, $"mean organic score {organic.Average():F3}");
        var auc = RankMetrics.RocAuc(result.Scores.Where((_, i) => labels[i] >= 0).ToArray(), labels.Where(l => l >= 0).Select(l => l == 1).ToArray());
        Assert.True(auc > 0.95, $"ROC-AUC {auc:F3}");
        // the two operations come out as clusters of their own members, with evidence
        Assert.NotEmpty(result.Clusters);
        var top = result.Clusters[0];
        Assert.All(top.Summary.Members, m => Assert.Contains("op", m));
        Assert.NotEmpty(top.Summary.TopObjects);
        // flagged accounts carry reasons naming features and evidence edges
        var flagged = result.Verdicts.Where(v => v.Verdict != "clear" && v.AccountId.Contains("op")).ToList();
        Assert.NotEmpty(flagged);
        Assert.All(flagged, v => Assert.Contains("=", v.Reasons));
        Assert.Contains(flagged, v => v.Reasons.Contains("with "));
    }

    [Fact]
    public void Seeds_raise_their_neighbourhood_and_leave_unconnected_accounts_alone()
    {
        var dataset = CoordinatedData.Build(seed: 7);
        var plain = Detector.Run(dataset, fixture.Model);
        string seed = dataset.Accounts.Ids[Enumerable.Range(0, dataset.Accounts.Count).First(i => dataset.Accounts.Label[i] == "op0")];
        var seeded = Detector.Run(dataset, fixture.Model, [seed, "no-such-account"]);
        Assert.Equal(["no-such-account"], seeded.SeedsNotFound);
        Assert.Equal(1, seeded.SeedCount);
        int s = Array.FindIndex(seeded.Verdicts, v => v.AccountId == seed);
        Assert.True(seeded.Verdicts[s].Seed);
        Assert.Equal("coordinated", seeded.Verdicts[s].Verdict);
        int raised = 0;
        for (int i = 0; i < dataset.Accounts.Count; i++)
        {
            Assert.True(seeded.Scores[i] >= plain.Scores[i] - 1e-12, "a seed never lowers a score");
            if (dataset.Accounts.Label[i] == "op0" && i != s && seeded.Scores[i] > plain.Scores[i] + 1e-9) raised++;
        }
        Assert.True(raised >= CoordinatedData.OperationSize / 2, $"only {raised} fellow members raised");
        // accounts with no co-activity edge keep their score exactly
        var inNetwork = new bool[dataset.Accounts.Count];
        var net = seeded.Network.Network;
        for (int e = 0; e < net.EdgeCount; e++) { inNetwork[net.AccountA[e]] = true; inNetwork[net.AccountB[e]] = true; }
        for (int i = 0; i < dataset.Accounts.Count; i++)
            if (!inNetwork[i]) Assert.Equal(plain.Scores[i], seeded.Scores[i]);
    }
}
