using NetDetect.Core.Detection;
using NetDetect.Core.Features;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Detection;

public class CoordinationModelTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public async Task Train_save_load_round_trip_scores_identically()
    {
        var dataset = CoordinatedData.Build(seed: 9);
        var cn = CoordinationNetwork.Build(dataset, fixture.Model.Metadata.NetworkOptions(1));
        var features = AccountFeatures.Compute(dataset, cn);
        var before = fixture.Model.Score(features);
        var loaded = CoordinationModel.Load(fixture.ModelPath);
        Assert.Equal(before, loaded.Score(features));
        Assert.Equal(fixture.Model.Metadata.PlattA, loaded.Metadata.PlattA);
        Assert.Equal(AccountFeatures.Names, loaded.Metadata.FeatureNames);
        using var dir = new TempDir();
        await loaded.SaveAsync(dir.Sub("again.zip"));
        Assert.True(new FileInfo(dir.Sub("again.zip")).Length < 5 << 20);
        Assert.Equal(before, CoordinationModel.Load(dir.Sub("again.zip")).Score(features));
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed()
    {
        var network = new DetectionNetworkOptions { Threads = 1 };
        var set = Labels.TrainingSet(CoordinatedData.Build(3, organic: 250), network, "g");
        var a = CoordinationModel.Train([set], network, new TrainingOptions { Iterations = 20, MinExamplesPerLeaf = 5, Threads = 1 });
        var b = CoordinationModel.Train([set], network, new TrainingOptions { Iterations = 20, MinExamplesPerLeaf = 5, Threads = 2 });
        Assert.Equal(a.RawScores(set.Features), b.RawScores(set.Features));
    }

    [Fact]
    public void Loading_a_file_that_is_not_a_model_fails_clearly()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Sub("x.zip"), "not a zip");
        var e = Assert.Throws<InvalidDataException>(() => CoordinationModel.Load(dir.Sub("x.zip")));
        Assert.Contains("x.zip", e.Message);
    }

    [Fact]
    public void Platt_fit_recovers_a_known_logistic_relation()
    {
        var rng = new Random(3);
        var scores = new double[20000];
        var labels = new bool[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = rng.NextDouble() * 8 - 4;
            labels[i] = rng.NextDouble() < Platt.Apply(scores[i], -1.5, 0.5);
        }
        var (a, b) = Platt.Fit(scores, labels);
        Assert.InRange(a, -1.65, -1.35);
        Assert.InRange(b, 0.4, 0.6);
    }

    [Fact]
    public void Verdict_bands_follow_the_documented_thresholds()
    {
        var bands = new VerdictBands();
        Assert.Equal("coordinated", bands.Verdict(0.8));
        Assert.Equal("suspicious", bands.Verdict(0.79));
        Assert.Equal("suspicious", bands.Verdict(0.5));
        Assert.Equal("clear", bands.Verdict(0.4999));
    }
}
