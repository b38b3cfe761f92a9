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
