using NetDetect.Core.Data;
using NetDetect.Core.Detection;
using NetDetect.Core.Features;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Detection;

public class TreeEnsembleScorerTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>
{
    private static readonly string Shipped = Path.Combine(SharedData.RepoRoot, "models", "netdetect-default.zip");

    [Fact]
    public async Task Direct_tree_scores_equal_MLNET_bit_for_bit_on_the_shipped_model()
    {
        var model = CoordinationModel.Load(Shipped);
        Assert.True(model.FastScoring, "the shipped model should be scored by the direct tree walk");
        Assert.True(model.BitScoring, "the shipped model's trees (31 leaves) should be scored in QuickScorer form");
        var dataset = await ParquetDatasetReader.ReadAsync(Path.Combine(SharedData.RepoRoot, "data", "sample"));
        var features = AccountFeatures.Compute(dataset, CoordinationNetwork.Build(dataset, model.Metadata.NetworkOptions(2)));
        var hard = Probe(features, model, new Random(11), 4000);
        var odd = new FeatureMatrix { Names = hard.Names, Rows = 1001, Values = hard.Values[..(1001 * hard.Columns)] }; // a ragged last block of 16 rows
        foreach (var m in new[] { features, hard, odd })
        {
            var reference = model.MlNetRawScores(m);
            Assert.Equal(reference, model.WalkRawScores(m));
            Assert.Equal(reference, model.RowByRowRawScores(m));
            Assert.Equal(reference, model.RawScores(m, threads: 1));
            Assert.Equal(reference, model.RawScores(m, threads: 2));
        }
        // the real rows really exercise the model: both classes of score occur
        var raw = model.RawScores(features);
        Assert.Contains(raw, s => s > 0);
        Assert.Contains(raw, s => s < 0);
    }

    [Fact]
    public void Direct_tree_scores_equal_MLNET_on_a_freshly_trained_model_and_occlusion_matches_explicit_rows()
    {
        var model = fixture.Model;
        Assert.True(model.FastScoring);
        Assert.True(model.BitScoring);
        var dataset = CoordinatedData.Build(seed: 4);
        var features = AccountFeatures.Compute(dataset, CoordinationNetwork.Build(dataset, model.Metadata.NetworkOptions(1)));
        Assert.Equal(model.MlNetRawScores(features), model.RawScores(features, threads: 2));

        // occlusion scores equal scoring the perturbed rows one by one through ML.NET
        int f = features.Columns;
        var rows = new[] { 0, 3, features.Rows - 1, 7 };
        var reference = new float[f];
        for (int c = 0; c < f; c++) reference[c] = c % 5 == 0 ? float.NaN : c * 0.25f;
        var occluded = model.OcclusionScores(features, rows, reference, threads: 2);
        Assert.Equal(model.MlNetRawScores(ReplacedRows(features, rows, reference)), occluded);
    }

    [Fact]
    public async Task Occlusion_rewalks_only_the_trees_of_the_replaced_feature_and_still_equals_scoring_every_replaced_row()
    {
        var model = CoordinationModel.Load(Shipped);
        var dataset = await ParquetDatasetReader.ReadAsync(Path.Combine(SharedData.RepoRoot, "data", "sample"));
        var features = AccountFeatures.Compute(dataset, CoordinationNetwork.Build(dataset, model.Metadata.NetworkOptions(2)));
        // rows on thresholds, beside them and missing; the reference is another such row, so some replaced values are
        // equal to the row's own (NaN for NaN included) and others cross a split
        var probe = Probe(features, model, new Random(5), 120);
        int f = probe.Columns;
        var reference = probe.Row(probe.Rows - 1).ToArray();
        var rows = Enumerable.Range(0, probe.Rows - 1).ToArray();
        var occluded = model.OcclusionScores(probe, rows, reference, threads: 2);
        Assert.Equal(model.RawScores(ReplacedRows(probe, rows, reference), threads: 1), occluded);
        // the QuickScorer form and the node-by-node walk agree bit for bit, occlusion and plain scores alike
        Assert.Equal(model.Walking(() => model.OcclusionScores(probe, rows, reference, threads: 1)), occluded);
        Assert.Equal(model.WalkRawScores(ReplacedRows(probe, rows, reference)), occluded);
        // and the replacements matter: many occluded scores differ from the row's own
        var own = model.RawScores(probe, threads: 1);
        int changed = 0;
        for (int k = 0; k < rows.Length; k++)
            for (int c = 0; c < f; c++) if (occluded[k * f + c] != own[rows[k]]) changed++;
        Assert.True(changed > rows.Length * 5, $"only {changed} occluded scores differ from the row's own");
    }

    // Every listed row once per feature, with that feature replaced by the reference value: what occlusion scores.
    private static FeatureMatrix ReplacedRows(FeatureMatrix m, int[] rows, float[] reference)
    {
        int f = m.Columns;
        var values = new float[rows.Length * f * f];
        for (int k = 0; k < rows.Length; k++)
            for (int c = 0; c < f; c++)
            {
                var dest = values.AsSpan((k * f + c) * f, f);
                m.Row(rows[k]).CopyTo(dest);
                dest[c] = reference[c];
            }
        return new FeatureMatrix { Names = m.Names, Rows = rows.Length * f, Values = values };
    }

    // Rows made to sit on the model's split thresholds, just beside them, and missing: where a different tie or NaN
    // rule than ML.NET's would change the path.
    private static FeatureMatrix Probe(FeatureMatrix real, CoordinationModel model, Random rng, int rows)
    {
        int f = real.Columns;
        var thresholds = new List<float>[f];
        for (int c = 0; c < f; c++) thresholds[c] = [];
        foreach (var (feature, threshold) in model.SplitThresholds()) thresholds[feature].Add(threshold);
        var values = new float[rows * f];
        for (int r = 0; r < rows; r++)
        {
            real.Row(rng.Next(real.Rows)).CopyTo(values.AsSpan(r * f, f));
            for (int c = 0; c < f; c++)
            {
                double u = rng.NextDouble();
                if (u < 0.15) values[r * f + c] = float.NaN;
                else if (u < 0.6 && thresholds[c].Count > 0)
                {
                    float t = thresholds[c][rng.Next(thresholds[c].Count)];
                    values[r * f + c] = rng.Next(3) switch { 0 => t, 1 => MathF.BitDecrement(t), _ => MathF.BitIncrement(t) };
                }
            }
        }
        return new FeatureMatrix { Names = real.Names, Rows = rows, Values = values };
    }
}
