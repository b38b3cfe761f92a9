using NetDetect.Core.Network;

namespace NetDetect.Core.Tests.Network;

public class EdgeThresholdTests
{
    // Values from R: quantile(x, p, type = 7)
    [Theory]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0.5, 2.5)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.9, 9.1)]
    [InlineData(new double[] { 5, 1, 1, 2 }, 0.25, 1)]
    [InlineData(new double[] { 3, 1, 2 }, 1.0, 3)]
    [InlineData(new double[] { 3, 1, 2 }, 0.0, 1)]
    [InlineData(new double[] { 7 }, 0.3, 7)]
    [InlineData(new double[] { 1, 1, 1, 1, 2, 3, 10 }, 0.75, 2.5)]
    public void Type7_quantile_matches_R(double[] values, double p, double expected)
    {
        Assert.Equal(expected, Quantile.Type7(values, p), 12);
    }

    [Fact]
    public void Type7_by_selection_equals_the_sorted_definition_exactly()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 400; trial++)
        {
            int n = 1 + rng.Next(trial < 200 ? 20 : 3000);
            var values = new double[n];
            // integer weights with many ties, as edge pair counts are, and continuous ones
            for (int i = 0; i < n; i++) values[i] = trial % 2 == 0 ? rng.Next(1, 6) : rng.NextDouble() * 100;
            double p = trial % 5 == 0 ? rng.Next(3) / 2.0 : rng.NextDouble();
            var sorted = values.ToArray();
            Array.Sort(sorted);
            double h = (n - 1) * p;
            int lo = (int)Math.Floor(h);
            int hi = Math.Min(lo + 1, n - 1);
            double expected = sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
            var copy = values.ToArray();
            Assert.Equal(expected, Quantile.Type7(values, p));
            Assert.Equal(copy, values); // the caller's weights are not reordered
        }
    }

    [Fact]
    public void Parses_absolute_and_quantile_thresholds_with_their_default_comparisons()
    {
        var abs = EdgeThreshold.Parse("3");
        Assert.False(abs.IsQuantile);
        Assert.Equal(ThresholdComparison.GreaterOrEqual, abs.Comparison);
        var q = EdgeThreshold.Parse("0.5q");
        Assert.True(q.IsQuantile);
        Assert.Equal(ThresholdComparison.Greater, q.Comparison);
        Assert.Equal(ThresholdComparison.GreaterOrEqual, EdgeThreshold.Parse("0.5q", ThresholdComparison.GreaterOrEqual).Comparison);
        Assert.Throws<FormatException>(() => EdgeThreshold.Parse("1.5q"));
        Assert.Throws<FormatException>(() => EdgeThreshold.Parse("abc"));
    }

    [Fact]
    public void Greater_and_greater_or_equal_differ_exactly_at_the_cutoff()
    {
        double[] w = [1, 1, 2, 3];
        var gt = new EdgeThreshold(0.5, true, ThresholdComparison.Greater).Apply(w, out double c1);
        var ge = new EdgeThreshold(0.5, true, ThresholdComparison.GreaterOrEqual).Apply(w, out double c2);
        Assert.Equal(1.5, c1);
        Assert.Equal(c1, c2);
        Assert.Equal([false, false, true, true], gt);
        var abs = new EdgeThreshold(2, false, ThresholdComparison.GreaterOrEqual).Apply(w, out _);
        Assert.Equal([false, false, true, true], abs);
        var absGt = new EdgeThreshold(2, false, ThresholdComparison.Greater).Apply(w, out _);
        Assert.Equal([false, false, false, true], absGt);
    }
}
