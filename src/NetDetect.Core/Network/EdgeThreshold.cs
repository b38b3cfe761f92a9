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
        // two order statistics by selection, O(n), instead of sorting millions of edge weights
        var work = values.ToArray();
        double h = (work.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        double low = Select<double>(work, lo);
        if (lo + 1 >= work.Length || h == lo) return low;
        // after selection every value right of lo is >= the lo-th: the next order statistic is their minimum
        double high = work[lo + 1];
        for (int i = lo + 2; i < work.Length; i++) if (work[i] < high) high = work[i];
        return low + (h - lo) * (high - low);
    }

    /// <summary>
    /// The k-th smallest of <paramref name="values"/> (0-based), reordering them so that every value left of k is
    /// &lt;= it and every value right of it is &gt;= it (quickselect, median-of-three pivot, Hoare partition).
    /// </summary>
    public static T Select<T>(Span<T> values, int k) where T : System.Numerics.IComparisonOperators<T, T, bool>
    {
        if ((uint)k >= (uint)values.Length) throw new ArgumentOutOfRangeException(nameof(k));
        int lo = 0, hi = values.Length - 1;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            T a = values[lo], b = values[mid], c = values[hi];
            T pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j) { (values[i], values[j]) = (values[j], values[i]); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return values[k];
        }
        return values[k];
    }
}
