using NetDetect.Core.Detection;

namespace NetDetect.Core.Tests.Detection;

public class EvaluationTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public void Rank_metrics_match_hand_computed_values()
    {
        bool[] y = [true, false, true, false];
        Assert.Equal(1.0, RankMetrics.RocAuc([0.9, 0.1, 0.8, 0.2], y));
        Assert.Equal(0.0, RankMetrics.RocAuc([0.1, 0.9, 0.2, 0.8], y));
        Assert.Equal(0.5, RankMetrics.RocAuc([0.5, 0.5, 0.5, 0.5], y));
        // ranking P N P N: precision 1 at recall 0.5, 2/3 at recall 1
        Assert.Equal(0.5 * 1 + 0.5 * (2.0 / 3), RankMetrics.AveragePrecision([0.9, 0.8, 0.7, 0.1], y), 12);
        var m = BinaryMetrics.Compute([0.9, 0.8, 0.7, 0.1], y, 0.5);
        Assert.Equal((2, 1, 0), (m.TruePositives, m.FalsePositives, m.FalseNegatives));
        Assert.Equal(2.0 / 3, m.Precision, 12);
        Assert.Equal(1.0, m.Recall);
        Assert.Equal(0.8, m.F1, 12);
    }

    [Fact]
    public void Evaluation_on_a_held_out_dataset_is_sane()
    {
        var dataset = CoordinatedData.Build(seed: 11);
        var result = Detector.Run(dataset, fixture.Model);
        const string truth = """{"hard_negatives":[{"name":"burst","kind":"news_burst","member_ids":["s11org1","s11org2","s11org3","missing"]}]}""";
        var report = Evaluator.Evaluate(result, "gen11", "model", truth);
        Assert.Equal(2 * CoordinatedData.OperationSize, report.Overall.Positives);
        Assert.Equal(500, report.Overall.Negatives);
        Assert.Equal(["op0", "op1"], report.PerOperation.Keys);
        Assert.True(report.Overall.F1 > 0.8, $"F1 {report.Overall.F1:F3}");
        Assert.True(report.Overall.RocAuc > 0.95, $"ROC-AUC {report.Overall.RocAuc:F3}");
        Assert.InRange(report.Overall.PrAuc, report.Overall.Positives / 530.0, 1);
        var hn = Assert.Single(report.HardNegatives);
        Assert.Equal(3, hn.Members);
        Assert.InRange(hn.FalsePositiveRate, 0, 1);
    }
}
