using System.Globalization;

namespace NetDetect.Core.Network;

/// <summary>How a weight is compared with a threshold: <c>&gt;</c> (CooRTweet) or <c>&gt;=</c>.</summary>
public enum ThresholdComparison
{
    GreaterOrEqual,
    Greater,
}

/// <summary>
/// An edge filter: absolute (<c>weight &gt;= k</c>) or the type-7 percentile of the weight distribution
/// (<c>0.5q</c> = the median); the comparison is a stated parameter.
/// </summary>
public sealed record EdgeThreshold(double Value, bool IsQuantile, ThresholdComparison Comparison)
{
    /// <summary>Keeps every edge (weight &gt;= 0).</summary>
    public static EdgeThreshold None { get; } = new(0, false, ThresholdComparison.GreaterOrEqual);

    /// <summary>
    /// Parses <c>3</c> (absolute, <c>&gt;=</c> unless <paramref name="comparison"/> says otherwise) or <c>0.5q</c>
    /// (type-7 quantile, <c>&gt;</c> unless stated). Numbers use the invariant culture.
    /// </summary>
    public static EdgeThreshold Parse(string text, ThresholdComparison? comparison = null)
    {
        var t = text.Trim();
        bool quantile = t.EndsWith('q') || t.EndsWith('Q');
        if (quantile) t = t[..^1];
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || double.IsNaN(v))
            throw new FormatException($"edge threshold '{text}' is neither a number (3) nor a quantile (0.5q)");
        if (quantile && v is < 0 or > 1) throw new FormatException($"edge threshold quantile '{text}' must be between 0q and 1q");
        return new EdgeThreshold(v, quantile, comparison ?? (quantile ? ThresholdComparison.Greater : ThresholdComparison.GreaterOrEqual));
    }

    /// <summary>The absolute cut-off for these weights (the quantile of them, or the value itself).</summary>
    public double Cutoff(ReadOnlySpan<double> weights) => IsQuantile ? Quantile.Type7(weights, Value) : Value;

    public bool Passes(double weight, double cutoff) => Comparison == ThresholdComparison.Greater ? weight > cutoff : weight >= cutoff;

    /// <summary>Which of <paramref name="weights"/> pass; <paramref name="cutoff"/> is the value compared with.</summary>
    public bool[] Apply(ReadOnlySpan<double> weights, out double cutoff)
    {
        cutoff = Cutoff(weights);
        var keep = new bool[weights.Length];
        for (int i = 0; i < keep.Length; i++) keep[i] = Passes(weights[i], cutoff);
        return keep;
    }

    public override string ToString() =>
        (Comparison == ThresholdComparison.Greater ? "> " : ">= ")
        + (IsQuantile ? Value.ToString(CultureInfo.InvariantCulture) + "q (type 7)" : Value.ToString(CultureInfo.InvariantCulture));
}

/// <summary>Sample quantiles.</summary>
public static class Quantile
{
    /// <summary>
    /// Type 7 (R's and NumPy's default): h = (n − 1)p + 1, linear interpolation between the order statistics
    /// around h. NaN for no values.
    /// </summary>
    public static double Type7(ReadOnlySpan<double> values, double p)
    {
        if (values.IsEmpty) return double.NaN;
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p));
        var sorted = values.ToArray();
        Array.Sort(sorted);
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
