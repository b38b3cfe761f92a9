using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    private const int Block = 16;

    /// <summary>A tree node; leaves are nodes too (threshold +∞, both children itself) so a walk of fixed length ends on them.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Node
    {
        public int Feature;
        public float Threshold;
        public int Left;   // global node index; Right directly follows so the child is (&Left)[goRight]
        public int Right;
        public int NanRight; // 1: a missing value goes right
    }

    private readonly Node[] _nodes;
    private readonly double[] _value;   // leaf value per global node index (0 for internal nodes)
    private readonly int[] _root;       // root node of tree t
    private readonly int[] _depth;      // steps that bring every row of tree t to a leaf
    private readonly double _bias;
    private readonly int _splits;
    private readonly int[][] _treesUsing; // per feature: the trees with a split on it, ascending
    private readonly BitScorer? _bits;     // null when a tree has more than 32 leaves

    public int Features { get; }

    /// <summary>Score by walking the trees even where the QuickScorer form exists (tests compare the two).</summary>
    internal bool WalkOnly { get; set; }

    /// <summary>QuickScorer one row at a time even where eight rows can be scored at once (tests compare the two).</summary>
    internal bool RowByRow { get; set; }

    /// <summary>True when <see cref="Score(ReadOnlySpan{float}, int, int, Span{double})"/> uses the QuickScorer form.</summary>
    internal bool HasBitScorer => _bits is not null;
    public int Trees => _root.Length;

    /// <summary>Mean over trees of the longest root-to-leaf path (the walk length per tree).</summary>
    public double MeanDepth => _depth.Length == 0 ? 0 : _depth.Average();

    private TreeEnsembleScorer(int features, Node[] nodes, double[] value, int[] root, int[] depth, double bias, int splits)
    {
        Features = features;
        _nodes = nodes;
        _value = value;
        _root = root;
        _depth = depth;
        _bias = bias;
        _splits = splits;
        var using_ = new List<int>[features];
        for (int c = 0; c < features; c++) using_[c] = [];
        for (int t = 0; t < root.Length; t++)
        {
            int end = t + 1 < root.Length ? root[t + 1] : nodes.Length;
            for (int g = root[t]; g < end; g++)
            {
                if (float.IsPositiveInfinity(nodes[g].Threshold)) continue;
                var list = using_[nodes[g].Feature];
                if (list.Count == 0 || list[^1] != t) list.Add(t);
            }
        }
        _treesUsing = Array.ConvertAll(using_, l => l.ToArray());
        _bits = BitScorer.TryCreate(features, nodes, value, root);
    }

    /// <summary>
    /// The ensemble in QuickScorer form (Lucchese et al., SIGIR 2015): every split as (threshold, tree, leaf mask),
    /// grouped by feature and sorted by threshold. A row's value of a feature is compared with that feature's
    /// thresholds in ascending order; each split it exceeds (the walk would go right there) clears the leaves of the
    /// split's left subtree from its tree's 32-bit leaf set, and the walk's exit leaf is then the leftmost leaf left in
    /// each tree. No node-to-node dependency chain and no branch on the path: a few thousand simple steps a row.
    /// </summary>
    /// <remarks>The leaves and leaf values are those the walk reaches, so the raw scores are bit for bit the walk's
    /// (the trees' values are still added in tree order). A missing value goes right at the splits whose default
    /// direction is right, as in the walk; those splits are listed per feature too.</remarks>
    private sealed class BitScorer
    {
        [StructLayout(LayoutKind.Sequential)]
        public struct Split
        {
            public float Threshold;
            public int Tree;
            public uint Mask;
        }

        public required Split[] Splits;     // by feature, thresholds ascending
        public required int[] Start;        // feature f's splits: Splits[Start[f]..Start[f+1]]
        public required Split[] NanSplits;  // by feature: the splits a missing value goes right at
        public required int[] NanStart;
        public required double[] LeafValue; // tree t, leaf k (left to right): LeafValue[t * 32 + k]
        public int Trees;

        public static BitScorer? TryCreate(int features, Node[] nodes, double[] value, int[] root)
        {
            int trees = root.Length;
            var leafValue = new double[trees * 32];
            var byFeature = new List<Split>[features];
            var nanByFeature = new List<Split>[features];
            for (int f = 0; f < features; f++) { byFeature[f] = []; nanByFeature[f] = []; }
            var leafRange = new Dictionary<int, (int Lo, int Hi)>();
            for (int t = 0; t < trees; t++)
            {
                // leaves numbered left to right; each node's subtree covers a contiguous range of them
                int next = 0;
                leafRange.Clear();
                bool tooMany = false;
                (int Lo, int Hi) Number(int g)
                {
                    // a leaf leads to itself (see Node)
                    if (nodes[g].Left == g)
                    {
                        if (next == 32) { tooMany = true; return (next, next); }
                        leafValue[t * 32 + next] = value[g];
                        return (next, ++next);
                    }
                    var left = Number(nodes[g].Left);
                    var right = Number(nodes[g].Right);
                    leafRange[g] = (left.Lo, left.Hi);
                    return (left.Lo, right.Hi);
                }
                Number(root[t]);
                if (tooMany) return null;
                foreach (var (g, left) in leafRange)
                {
                    ulong leftBits = ((1UL << (left.Hi - left.Lo)) - 1) << left.Lo;
                    var split = new Split { Threshold = nodes[g].Threshold, Tree = t, Mask = ~(uint)leftBits };
                    byFeature[nodes[g].Feature].Add(split);
                    if (nodes[g].NanRight != 0) nanByFeature[nodes[g].Feature].Add(split);
                }
            }
            static (Split[] All, int[] Start) Flatten(List<Split>[] lists, bool sort)
            {
                var start = new int[lists.Length + 1];
                for (int f = 0; f < lists.Length; f++) start[f + 1] = start[f] + lists[f].Count;
                var all = new Split[start[^1]];
                for (int f = 0; f < lists.Length; f++)
                {
                    var span = all.AsSpan(start[f], lists[f].Count);
                    lists[f].CopyTo(span);
                    // the order among equal thresholds does not matter: clearing bits commutes
                    if (sort) span.Sort((a, b) => a.Threshold.CompareTo(b.Threshold));
                }
                return (all, start);
            }
            var (splits, startOf) = Flatten(byFeature, sort: true);
            var (nan, nanStart) = Flatten(nanByFeature, sort: false);
            return new BitScorer { Splits = splits, Start = startOf, NanSplits = nan, NanStart = nanStart, LeafValue = leafValue, Trees = trees };
        }

        /// <summary>Clears, in <paramref name="leaves"/> (one set per tree), the leaves value <paramref name="v"/> of feature
        /// <paramref name="f"/> cannot reach: the left subtrees of the splits the walk takes to the right.</summary>
        public static unsafe void Apply(Split* splits, Split* nanSplits, int* start, int* nanStart, int f, float v, uint* leaves)
        {
            if (float.IsNaN(v))
            {
                for (int k = nanStart[f], end = nanStart[f + 1]; k < end; k++) leaves[nanSplits[k].Tree] &= nanSplits[k].Mask;
                return;
            }
            // the walk goes right where v > threshold: exactly the splits before the first threshold >= v
            for (int k = start[f], end = start[f + 1]; k < end && splits[k].Threshold < v; k++) leaves[splits[k].Tree] &= splits[k].Mask;
        }

        /// <summary>Rows scored together by <see cref="ScoreLanes"/>.</summary>
        public const int Lanes = 8;

        public unsafe void Score(float* x0, int columns, int rows, double bias, Span<double> destination, bool scalarOnly)
        {
            int trees = Trees;
            uint* leaves = stackalloc uint[trees];
            int vectorRows = Vector256.IsHardwareAccelerated && !scalarOnly ? rows - rows % Lanes : 0;
            fixed (Split* splits = Splits)
            fixed (Split* nanSplits = NanSplits)
            fixed (int* start = Start)
            fixed (int* nanStart = NanStart)
            fixed (double* leafValue = LeafValue)
            {
                if (vectorRows > 0)
                {
                    var lanes = stackalloc Vector256<uint>[trees];
                    for (int r = 0; r < vectorRows; r += Lanes)
                            ScoreLanes(splits, nanSplits, start, nanStart, leafValue, x0 + (long)r * columns, columns, lanes, bias, destination.Slice(r, Lanes));
                }
                for (int r = vectorRows; r < rows; r++)
                {
                    float* x = x0 + (long)r * columns;
                    new Span<uint>(leaves, trees).Fill(uint.MaxValue);
                    for (int f = 0; f < columns; f++) Apply(splits, nanSplits, start, nanStart, f, x[f], leaves);
                    double sum = 0;
                    for (int t = 0; t < trees; t++) sum += leafValue[t * 32 + System.Numerics.BitOperations.TrailingZeroCount(leaves[t])];
                    destination[r] = (float)(sum + bias);
                }
            }
        }

        // Eight rows at once (vectorised QuickScorer, Lucchese et al., TOIS 2016): each tree's leaf sets of the eight
        // rows in one vector. A feature's splits are scanned in threshold order while any lane's value is above the
        // threshold; the lanes whose value is above clear the split's left leaves, the others keep them. A lane clears
        // exactly the splits the scalar scan clears (threshold < value; NaN compares false and takes the missing-value
        // splits instead), so every lane's exit leaves, and its sum in tree order, are the scalar row's bit for bit.
        private unsafe void ScoreLanes(Split* splits, Split* nanSplits, int* start, int* nanStart, double* leafValue,
            float* x, int columns, Vector256<uint>* leaves, double bias, Span<double> destination)
        {
            int trees = Trees;
            var all = Vector256<uint>.AllBitsSet;
            for (int t = 0; t < trees; t++) leaves[t] = all;
            for (int f = 0; f < columns; f++)
            {
                var v = Vector256.Create(x[f], x[columns + f], x[2 * columns + f], x[3 * columns + f],
                    x[4 * columns + f], x[5 * columns + f], x[6 * columns + f], x[7 * columns + f]);
                var nan = ~Vector256.Equals(v, v).AsUInt32();
                if (nan != Vector256<uint>.Zero)
                    for (int k = nanStart[f], end = nanStart[f + 1]; k < end; k++)
                        leaves[nanSplits[k].Tree] &= ~(nan & Vector256.Create(~nanSplits[k].Mask));
                for (int k = start[f], end = start[f + 1]; k < end; k++)
                {
                    var above = Vector256.LessThan(Vector256.Create(splits[k].Threshold), v).AsUInt32();
                    if (above == Vector256<uint>.Zero) break;
                    leaves[splits[k].Tree] &= ~(above & Vector256.Create(~splits[k].Mask));
                }
            }
            uint* lane = (uint*)leaves;
            for (int r = 0; r < Lanes; r++)
            {
                double sum = 0;
                for (int t = 0; t < trees; t++) sum += leafValue[t * 32 + System.Numerics.BitOperations.TrailingZeroCount(lane[t * Lanes + r])];
                destination[r] = (float)(sum + bias);
            }
        }
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
        var treeField = typeof(RegressionTreeBase).GetField("_tree", BindingFlags.NonPublic | BindingFlags.Instance);
        if (treeField is null) return null;
        int trees = ensemble.Trees.Count;
        int total = 0, splits = 0;
        for (int t = 0; t < trees; t++)
        {
            if (ensemble.TreeWeights[t] != 1.0) return null;
            total += ensemble.Trees[t].NumberOfNodes + ensemble.Trees[t].NumberOfLeaves;
            splits += ensemble.Trees[t].NumberOfNodes;
        }
        var nodes = new Node[total];
        var value = new double[total];
        var root = new int[trees];
        var depth = new int[trees];
        int b = 0;
        for (int t = 0; t < trees; t++)
        {
            var tree = ensemble.Trees[t];
            int internalCount = tree.NumberOfNodes, leaves = tree.NumberOfLeaves;
            if (treeField.GetValue(tree) is not { } inner) return null;
            var defaultsField = inner.GetType().GetField("DefaultValueForMissing", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance);
            if (defaultsField is null) return null;
            var defaults = defaultsField.GetValue(inner) as float[];
            if (defaults is not null && defaults.Length < internalCount) return null;
            int Map(int child) => child >= 0 ? b + child : b + internalCount + ~child;
            for (int k = 0; k < internalCount; k++)
            {
                if (tree.CategoricalSplitFlags[k]) return null;
                int f = tree.NumericalSplitFeatureIndexes[k];
                if (f < 0 || f >= features) return null;
                int lc = tree.LeftChild[k], rc = tree.RightChild[k];
                if (lc >= internalCount || rc >= internalCount || ~lc >= leaves || ~rc >= leaves) return null;
                float threshold = tree.NumericalSplitThresholds[k];
                // ML.NET replaces a NaN by the node's default value (none: NaN stays, and NaN <= t is false: right)
                float missing = defaults is null ? float.NaN : defaults[k];
                nodes[b + k] = new Node { Feature = f, Threshold = threshold, Left = Map(lc), Right = Map(rc), NanRight = missing <= threshold ? 0 : 1 };
            }
            for (int l = 0; l < leaves; l++)
            {
                int g = b + internalCount + l;
                nodes[g] = new Node { Feature = 0, Threshold = float.PositiveInfinity, Left = g, Right = g, NanRight = 0 };
                value[g] = tree.LeafValues[l];
            }
            root[t] = b;
            depth[t] = Depth(nodes, b, internalCount);
            b += internalCount + leaves;
        }
        return new TreeEnsembleScorer(features, nodes, value, root, depth, ensemble.Bias, splits);
    }

    private static int Depth(Node[] nodes, int root, int internalCount)
    {
        if (internalCount == 0) return 0;
        int best = 0;
        var stack = new Stack<(int Node, int Depth)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (g, d) = stack.Pop();
            if (g >= root + internalCount) { best = Math.Max(best, d); continue; }
            stack.Push((nodes[g].Left, d + 1));
            stack.Push((nodes[g].Right, d + 1));
        }
        return best;
    }

    /// <summary>Every split of the ensemble as (feature, threshold), for tests that probe the tie and missing-value rules.</summary>
    public IEnumerable<(int Feature, float Threshold)> Splits()
    {
        for (int g = 0; g < _nodes.Length; g++)
            if (!float.IsPositiveInfinity(_nodes[g].Threshold)) yield return (_nodes[g].Feature, _nodes[g].Threshold);
    }

    /// <summary>Raw scores of rows <paramref name="start"/>..<paramref name="start"/>+<paramref name="destination"/>.Length of a row-major matrix.</summary>
    public unsafe void Score(ReadOnlySpan<float> values, int columns, int start, Span<double> destination)
    {
        if (columns != Features) throw new ArgumentException($"expected {Features} features, got {columns}", nameof(columns));
        if ((long)(start + destination.Length) * columns > values.Length) throw new ArgumentOutOfRangeException(nameof(destination));
        if (_bits is not null && !WalkOnly)
        {
            fixed (float* all = values) _bits.Score(all + (long)start * columns, columns, destination.Length, _bias, destination, RowByRow);
            return;
        }
        // A block of rows walks one tree in lockstep: independent walks overlap in the CPU, one tree's nodes stay hot
        // in cache, and the fixed walk length needs no per-row branch. Every row still adds its trees in tree order.
        double* sum = stackalloc double[Block];
        int* pos = stackalloc int[Block];
        fixed (float* all = values)
        fixed (Node* nodes = _nodes)
        fixed (double* value = _value)
        {
            for (int b = 0; b < destination.Length; b += Block)
            {
                int rows = Math.Min(Block, destination.Length - b);
                float* x0 = all + (long)(start + b) * columns;
                for (int r = 0; r < rows; r++) sum[r] = 0;
                for (int t = 0; t < _root.Length; t++)
                {
                    int root = _root[t], depth = _depth[t];
                    for (int r = 0; r < rows; r++) pos[r] = root;
                    for (int d = 0; d < depth; d++)
                    {
                        for (int r = 0; r < rows; r++)
                        {
                            Node* n = nodes + pos[r];
                            float v = x0[r * columns + n->Feature];
                            int right = (v > n->Threshold ? 1 : 0) | (float.IsNaN(v) ? n->NanRight : 0);
                            pos[r] = (&n->Left)[right];
                        }
                    }
                    for (int r = 0; r < rows; r++) sum[r] += value[pos[r]];
                }
                for (int r = 0; r < rows; r++) destination[b + r] = (float)(sum[r] + _bias);
            }
        }
    }

    /// <summary>Working arrays of <see cref="Occlusion"/>, one per thread.</summary>
    public sealed class OcclusionScratch(TreeEnsembleScorer scorer)
    {
        internal readonly double[] Leaf = new double[scorer.Trees];
        internal readonly double[] NewLeaf = new double[scorer.Trees];
        internal readonly int[] AllTrees = Enumerable.Range(0, scorer.Trees).ToArray();
        internal readonly double[] Prefix = new double[scorer.Trees + 1];
        internal readonly float[] Row = new float[scorer.Features];
        // QuickScorer form: each feature's leaf sets per tree, the AND of those of features c.. per tree, a replaced value's sets
        internal readonly uint[] Contribution = new uint[scorer.Features * scorer.Trees];
        internal readonly uint[] Suffix = new uint[(scorer.Features + 1) * scorer.Trees];
        internal readonly uint[] Prefix32 = new uint[scorer.Trees];
        internal readonly uint[] Replaced = new uint[scorer.Trees];
    }

    /// <summary>
    /// For one row and every feature c, the raw score of the row with feature c replaced by
    /// <paramref name="reference"/>[c] (occlusion), exactly as <see cref="Score(ReadOnlySpan{float}, int, int, Span{double})"/>
    /// would score each replaced row.
    /// </summary>
    /// <remarks>
    /// Only the trees with a split on c can land on another leaf, so only those are walked again; the leaf values
    /// are then added in tree order from the first such tree on, starting from the row's own partial sum there. The
    /// additions are the ones a full walk makes, in the same order, so the scores are bit-identical at a fraction
    /// of the cost (each feature is split on in a minority of the trees).
    /// </remarks>
    public unsafe void Occlusion(ReadOnlySpan<float> row, ReadOnlySpan<float> reference, Span<double> destination, OcclusionScratch scratch)
    {
        if (row.Length != Features || reference.Length != Features || destination.Length != Features)
            throw new ArgumentException($"expected {Features} features");
        if (_bits is not null && !WalkOnly)
        {
            OcclusionByBits(row, reference, destination, scratch);
            return;
        }
        int trees = _root.Length;
        var leaf = scratch.Leaf;
        var newLeaf = scratch.NewLeaf;
        var prefix = scratch.Prefix;
        var x = scratch.Row;
        row.CopyTo(x);
        fixed (float* xp = x)
        fixed (Node* nodes = _nodes)
        fixed (double* value = _value)
        {
            Walks(nodes, value, scratch.AllTrees, xp, leaf);
            prefix[0] = 0;
            for (int t = 0; t < trees; t++) prefix[t + 1] = prefix[t] + leaf[t];
            double own = (float)(prefix[trees] + _bias);
            for (int c = 0; c < Features; c++)
            {
                float v = row[c], r = reference[c];
                var affected = _treesUsing[c];
                // the same value (or NaN for NaN) walks the same paths
                if (affected.Length == 0 || v == r || (float.IsNaN(v) && float.IsNaN(r)))
                {
                    destination[c] = own;
                    continue;
                }
                xp[c] = r;
                Walks(nodes, value, affected, xp, newLeaf);
                int first = affected[0], next = 0;
                double sum = prefix[first];
                for (int t = first; t < trees; t++)
                    sum += next < affected.Length && affected[next] == t ? newLeaf[next++] : leaf[t];
                destination[c] = (float)(sum + _bias);
                xp[c] = v;
            }
        }
    }

    /// <summary>
    /// <see cref="Occlusion"/> in QuickScorer form. Each feature's splits give it a leaf set per tree; a tree's exit leaf
    /// is the leftmost leaf in the AND of all features' sets. With feature c replaced, only c's sets change: the AND of
    /// the other features' sets (a running AND of features before c with a stored AND of those after it) meets the
    /// replaced value's sets, found by one scan of c's sorted thresholds. The leaves are the walk's, and the leaf values
    /// are added in the walk's order from the first affected tree, so the scores are bit for bit the walk's.
    /// </summary>
    private unsafe void OcclusionByBits(ReadOnlySpan<float> row, ReadOnlySpan<float> reference, Span<double> destination, OcclusionScratch scratch)
    {
        var bits = _bits!;
        int trees = _root.Length, features = Features;
        var leaf = scratch.Leaf;
        var newLeaf = scratch.NewLeaf;
        var prefix = scratch.Prefix;
        fixed (BitScorer.Split* splits = bits.Splits)
        fixed (BitScorer.Split* nanSplits = bits.NanSplits)
        fixed (int* start = bits.Start)
        fixed (int* nanStart = bits.NanStart)
        fixed (double* leafValue = bits.LeafValue)
        fixed (uint* contribution = scratch.Contribution)
        fixed (uint* suffix = scratch.Suffix)
        fixed (uint* before = scratch.Prefix32)
        fixed (uint* replaced = scratch.Replaced)
        {
            // each feature's leaf sets for the row's own value
            new Span<uint>(contribution, features * trees).Fill(uint.MaxValue);
            for (int f = 0; f < features; f++)
                BitScorer.Apply(splits, nanSplits, start, nanStart, f, row[f], contribution + (long)f * trees);
            // suffix[c] = AND of the sets of features c.. (suffix[features] = all leaves)
            new Span<uint>(suffix + (long)features * trees, trees).Fill(uint.MaxValue);
            for (int f = features - 1; f >= 0; f--)
            {
                uint* dst = suffix + (long)f * trees, next = dst + trees, own = contribution + (long)f * trees;
                System.Numerics.Tensors.TensorPrimitives.BitwiseAnd(new ReadOnlySpan<uint>(next, trees), new ReadOnlySpan<uint>(own, trees), new Span<uint>(dst, trees));
            }
            prefix[0] = 0;
            for (int t = 0; t < trees; t++)
            {
                leaf[t] = leafValue[t * 32 + System.Numerics.BitOperations.TrailingZeroCount(suffix[t])];
                prefix[t + 1] = prefix[t] + leaf[t];
            }
            double own0 = (float)(prefix[trees] + _bias);
            new Span<uint>(before, trees).Fill(uint.MaxValue);
            for (int c = 0; c < features; c++)
            {
                float v = row[c], r = reference[c];
                var affected = _treesUsing[c];
                if (affected.Length == 0 || v == r || (float.IsNaN(v) && float.IsNaN(r)))
                    destination[c] = own0;
                else
                {
                    foreach (int t in affected) replaced[t] = uint.MaxValue;
                    BitScorer.Apply(splits, nanSplits, start, nanStart, c, r, replaced);
                    uint* after = suffix + (long)(c + 1) * trees;
                    for (int j = 0; j < affected.Length; j++)
                    {
                        int t = affected[j];
                        newLeaf[j] = leafValue[t * 32 + System.Numerics.BitOperations.TrailingZeroCount(before[t] & after[t] & replaced[t])];
                    }
                    int first = affected[0], next = 0;
                    double sum = prefix[first];
                    for (int t = first; t < trees; t++)
                        sum += next < affected.Length && affected[next] == t ? newLeaf[next++] : leaf[t];
                    destination[c] = (float)(sum + _bias);
                }
                uint* ownC = contribution + (long)c * trees;
                System.Numerics.Tensors.TensorPrimitives.BitwiseAnd(new ReadOnlySpan<uint>(before, trees), new ReadOnlySpan<uint>(ownC, trees), new Span<uint>(before, trees));
            }
        }
    }

    // One row down the trees listed, eight at a time in lockstep (independent walks overlap in the CPU), each step
    // the one Score makes (a leaf leads to itself, so a tree shallower than its block's deepest waits on its leaf);
    // output[j] is the leaf value of tree trees[j].
    private unsafe void Walks(Node* nodes, double* value, int[] trees, float* x, double[] output)
    {
        const int Lanes = 8;
        int* pos = stackalloc int[Lanes];
        for (int j0 = 0; j0 < trees.Length; j0 += Lanes)
        {
            int m = Math.Min(Lanes, trees.Length - j0), depth = 0;
            for (int i = 0; i < m; i++)
            {
                int t = trees[j0 + i];
                pos[i] = _root[t];
                if (_depth[t] > depth) depth = _depth[t];
            }
            for (int d = 0; d < depth; d++)
            {
                for (int i = 0; i < m; i++)
                {
                    Node* n = nodes + pos[i];
                    float v = x[n->Feature];
                    int right = (v > n->Threshold ? 1 : 0) | (float.IsNaN(v) ? n->NanRight : 0);
                    pos[i] = (&n->Left)[right];
                }
            }
            for (int i = 0; i < m; i++) output[j0 + i] = value[pos[i]];
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
