using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using NetDetect.Core.Features;

namespace NetDetect.Core.Detection;

/// <summary>
/// The trained LightGBM ensemble as flat arrays, evaluated directly: the same raw score ML.NET computes, without its
/// row-by-row data pipeline (which made bulk scoring and the occlusion reasons the slowest part of detection).
/// </summary>
/// <remarks>
/// Follows ML.NET's tree walk exactly: numeric split <c>x &lt;= threshold</c> goes left; a NaN feature takes the
/// node's stored default-for-missing value (LightGBM's default direction), or stays NaN (goes right) when the tree
/// has none; the raw score is the sum of the trees' leaf values in tree order plus the bias, in double, returned as
/// float like ML.NET's <c>Score</c> column. The default-for-missing values are not public in ML.NET, so they are
/// read by reflection; when that or anything else about the model is unexpected, <see cref="TryCreate"/> gives
/// null and the caller scores through ML.NET. <c>CoordinationModelTests</c> checks the two agree bit for bit.
/// </remarks>
internal sealed class TreeEnsembleScorer
{
    private const int Block = 64;

    private readonly int[] _treeNode;   // first node of tree t (t = trees: end)
    private readonly int[] _treeLeaf;   // first leaf of tree t
    private readonly int[] _feature;
    private readonly float[] _threshold;
    private readonly float[] _missing;  // NaN = no replacement (ML.NET keeps NaN, which goes right)
    private readonly int[] _left;       // child node (local index), or ~leaf
    private readonly int[] _right;
    private readonly double[] _leaf;
    private readonly double _bias;

    public int Features { get; }
    public int Trees => _treeNode.Length - 1;

    private TreeEnsembleScorer(int features, int[] treeNode, int[] treeLeaf, int[] feature, float[] threshold, float[] missing,
        int[] left, int[] right, double[] leaf, double bias)
    {
        Features = features;
        _treeNode = treeNode;
        _treeLeaf = treeLeaf;
        _feature = feature;
        _threshold = threshold;
        _missing = missing;
        _left = left;
        _right = right;
        _leaf = leaf;
        _bias = bias;
    }

    /// <summary>The flat form of a trained or loaded NetDetect model, or null when it is not the expected LightGBM ensemble.</summary>
    public static TreeEnsembleScorer? TryCreate(ITransformer model, int features)
    {
        if (model is not ISingleFeaturePredictionTransformer<object> predictor) return null;
        var parameters = predictor.Model switch
        {
            CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator> c => c.SubModel,
            LightGbmBinaryModelParameters p => p,
            _ => null,
        };
        if (parameters?.TrainedTreeEnsemble is not { } ensemble) return null;
        var missingField = typeof(RegressionTreeBase).GetField("_tree", BindingFlags.NonPublic | BindingFlags.Instance);
        if (missingField is null) return null;
        int trees = ensemble.Trees.Count;
        var treeNode = new int[trees + 1];
        var treeLeaf = new int[trees + 1];
        for (int t = 0; t < trees; t++)
        {
            var tree = ensemble.Trees[t];
            if (ensemble.TreeWeights[t] != 1.0) return null;
            treeNode[t + 1] = treeNode[t] + tree.NumberOfNodes;
            treeLeaf[t + 1] = treeLeaf[t] + tree.NumberOfLeaves;
        }
        int nodes = treeNode[trees];
        var feature = new int[nodes];
        var threshold = new float[nodes];
        var missing = new float[nodes];
        var left = new int[nodes];
        var right = new int[nodes];
        var leaf = new double[treeLeaf[trees]];
        for (int t = 0; t < trees; t++)
        {
            var tree = ensemble.Trees[t];
            int n0 = treeNode[t], l0 = treeLeaf[t];
            for (int l = 0; l < tree.NumberOfLeaves; l++) leaf[l0 + l] = tree.LeafValues[l];
            if (tree.NumberOfNodes == 0) continue;
            if (missingField.GetValue(tree) is not { } inner) return null;
            var defaultsField = inner.GetType().GetField("DefaultValueForMissing", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance);
            if (defaultsField is null) return null;
            var defaults = defaultsField.GetValue(inner) as float[];
            if (defaults is not null && defaults.Length < tree.NumberOfNodes) return null;
            for (int k = 0; k < tree.NumberOfNodes; k++)
            {
                if (tree.CategoricalSplitFlags[k]) return null;
                int f = tree.NumericalSplitFeatureIndexes[k];
                if (f < 0 || f >= features) return null;
                int lc = tree.LeftChild[k], rc = tree.RightChild[k];
                if (lc >= tree.NumberOfNodes || rc >= tree.NumberOfNodes || ~lc >= tree.NumberOfLeaves || ~rc >= tree.NumberOfLeaves) return null;
                feature[n0 + k] = f;
                threshold[n0 + k] = tree.NumericalSplitThresholds[k];
                missing[n0 + k] = defaults is null ? float.NaN : defaults[k];
                left[n0 + k] = lc;
                right[n0 + k] = rc;
            }
        }
        return new TreeEnsembleScorer(features, treeNode, treeLeaf, feature, threshold, missing, left, right, leaf, ensemble.Bias);
    }

    /// <summary>Every split of the ensemble as (feature, threshold), for tests that probe the tie and missing-value rules.</summary>
    public IEnumerable<(int Feature, float Threshold)> Splits()
    {
        for (int g = 0; g < _feature.Length; g++) yield return (_feature[g], _threshold[g]);
    }

    /// <summary>Raw score of one feature row.</summary>
    public double Score(ReadOnlySpan<float> row)
    {
        double s = 0;
        for (int t = 0; t < _treeNode.Length - 1; t++) s += _leaf[_treeLeaf[t] + Leaf(_treeNode[t], _treeNode[t + 1] - _treeNode[t], row)];
        return (float)(s + _bias);
    }

    private int Leaf(int n0, int count, ReadOnlySpan<float> row)
    {
        if (count == 0) return 0;
        int node = 0;
        while (node >= 0)
        {
            int g = n0 + node;
            float v = row[_feature[g]];
            if (float.IsNaN(v)) v = _missing[g];
            node = v <= _threshold[g] ? _left[g] : _right[g];
        }
        return ~node;
    }

    /// <summary>Raw scores of rows <paramref name="start"/>..<paramref name="start"/>+<paramref name="destination"/>.Length of a row-major matrix.</summary>
    public void Score(ReadOnlySpan<float> values, int columns, int start, Span<double> destination)
    {
        if (columns != Features) throw new ArgumentException($"expected {Features} features, got {columns}", nameof(columns));
        // a block of rows per tree keeps one tree's nodes hot in cache; every row still adds its trees in tree order
        Span<double> sum = stackalloc double[Block];
        for (int b = 0; b < destination.Length; b += Block)
        {
            int rows = Math.Min(Block, destination.Length - b);
            sum[..rows].Clear();
            for (int t = 0; t < _treeNode.Length - 1; t++)
            {
                int n0 = _treeNode[t], count = _treeNode[t + 1] - n0, l0 = _treeLeaf[t];
                for (int r = 0; r < rows; r++)
                    sum[r] += _leaf[l0 + Leaf(n0, count, values.Slice((start + b + r) * columns, columns))];
            }
            for (int r = 0; r < rows; r++) destination[b + r] = (float)(sum[r] + _bias);
        }
    }

    /// <summary>Raw scores of every row, rows split over <paramref name="threads"/> (each row's score does not depend on it).</summary>
    public double[] Score(FeatureMatrix features, int threads)
    {
        var result = new double[features.Rows];
        const int chunk = 4096;
        int chunks = (features.Rows + chunk - 1) / chunk;
        if (threads <= 1 || chunks <= 1)
        {
            Score(features.Values, features.Columns, 0, result);
            return result;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            int start = c * chunk, count = Math.Min(chunk, features.Rows - start);
            Score(features.Values, features.Columns, start, result.AsSpan(start, count));
        });
        return result;
    }
}
