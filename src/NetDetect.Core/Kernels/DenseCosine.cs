using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetDetect.Core.Data;

namespace NetDetect.Core.Kernels;

/// <summary>Options of the dense cosine kernels.</summary>
public sealed record DenseCosineOptions
{
    /// <summary>Instruction-set path; forcing one the CPU lacks throws.</summary>
    public KernelPath Path { get; init; } = KernelPath.Auto;

    /// <summary>Worker threads; 0 or less means one per processor. Results are identical for any count.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>All-pairs only: skip tiles whose projection bound proves no pair reaches the threshold. Results are
    /// identical either way.</summary>
    public DensePruning Pruning { get; init; } = DensePruning.Auto;
}

/// <summary>
/// Cosine similarity between all rows of a dense float matrix (activity profiles such as 168 hour-of-week bins).
/// Rows are L2-normalised once; all-pairs runs a register-tiled, matrix-multiply style kernel (Vector512,
/// Vector256 or scalar, chosen at run time) with the threshold test inside the tile, parallel over row blocks.
/// </summary>
/// <remarks>
/// Every score is defined as the sequential fused multiply-add chain s = fma(u[k], v[k], s) for k = 0..d-1 over
/// the normalised rows, which is what each SIMD lane computes, so all paths give bit-identical scores and the
/// same pairs even for ties at the threshold. A zero row has similarity 0 with every row.
/// </remarks>
public sealed partial class DenseCosine
{
    private readonly float[] _unit;
    private readonly Lock _packLock = new();
    private (TileShape Shape, float[] Rows, float[] Cols)? _packs;

    /// <summary>Normalises <paramref name="values"/> (row-major, <paramref name="count"/> rows of
    /// <paramref name="dimension"/> floats). Non-finite values are refused.</summary>
    public DenseCosine(ReadOnlySpan<float> values, int count, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if ((long)count * dimension != values.Length)
            throw new ArgumentException($"Expected {count} x {dimension} = {(long)count * dimension} values, got {values.Length}.", nameof(values));
        Count = count;
        Dimension = dimension;
        _unit = new float[values.Length];
        for (int i = 0; i < count; i++)
        {
            var row = values.Slice(i * dimension, dimension);
            if (!TensorPrimitives.IsFiniteAll(row))
                throw new ArgumentException($"Row {i} contains a NaN or infinite value.", nameof(values));
            Normalize(row, _unit.AsSpan(i * dimension, dimension));
        }
    }

    public int Count { get; }
    public int Dimension { get; }

    /// <summary>Row i after normalisation (all zeros for a zero row).</summary>
    public ReadOnlySpan<float> Unit(int i) => _unit.AsSpan(i * Dimension, Dimension);

    /// <summary>The normalisation every path and reference shares: the norm in double, each element scaled in
    /// double and rounded once to float.</summary>
    public static void Normalize(ReadOnlySpan<float> row, Span<float> unit)
    {
        double sum = 0;
        for (int k = 0; k < row.Length; k++) sum += (double)row[k] * row[k];
        if (sum == 0)
        {
            unit.Clear();
            return;
        }
        double inv = 1.0 / Math.Sqrt(sum);
        for (int k = 0; k < row.Length; k++) unit[k] = (float)(row[k] * inv);
    }

    /// <summary>One-vs-many: the cosine of <paramref name="query"/> with every row, through TensorPrimitives.Dot
    /// (its summation order differs from the tiled kernel, so scores agree to rounding, not bit for bit).</summary>
    public void Query(ReadOnlySpan<float> query, Span<float> scores)
    {
        if (query.Length != Dimension) throw new ArgumentException($"Query has {query.Length} values, expected {Dimension}.", nameof(query));
        if (scores.Length != Count) throw new ArgumentException($"Scores has {scores.Length} slots, expected {Count}.", nameof(scores));
        Span<float> q = Dimension <= 1024 ? stackalloc float[Dimension] : new float[Dimension];
        Normalize(query, q);
        for (int i = 0; i < Count; i++) scores[i] = TensorPrimitives.Dot(Unit(i), q);
    }

    /// <summary>One-vs-many top-k: the <paramref name="k"/> rows most similar to <paramref name="query"/> with score
    /// at least <paramref name="minScore"/>, best first (ties by lower index).</summary>
    public (int[] Rows, float[] Scores) QueryTopK(ReadOnlySpan<float> query, int k, float minScore = float.NegativeInfinity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var scores = new float[Count];
        Query(query, scores);
        var hs = new float[k];
        var hj = new int[k];
        int n = 0;
        for (int i = 0; i < Count; i++)
            if (scores[i] >= minScore) n = TopKHeap.Offer(hs, hj, n, k, scores[i], i);
        TopKHeap.SortBestFirst(hs, hj, n);
        return (hj[..n], hs[..n]);
    }

    /// <summary>All unordered pairs (i &lt; j) with cosine ≥ <paramref name="threshold"/>, sorted by (i, j).</summary>
    public SimilarityPairs AllPairs(float threshold, DenseCosineOptions? options = null,
        IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (float.IsNaN(threshold)) throw new ArgumentException("Threshold is NaN.", nameof(threshold));
        options ??= new DenseCosineOptions();
        var path = KernelPaths.Resolve(options.Path);
        var shape = TileShape.For(path);
        var pruned = UsePruning(options.Pruning, threshold, Count, Dimension) && Count > 0 ? PrunedPacks(shape) : null;
        var run = new Run(this, shape, path, topK: 0, threshold, progress, cancellationToken, pruned);
        var sinks = run.Execute(KernelPaths.Threads(options.MaxDegreeOfParallelism));
        if (pruned is not null) (pruned.LastBoundTiles, pruned.LastExactTiles) = (run.BoundTiles, run.ExactTiles);
        long total = 0;
        foreach (var s in sinks) total += s.Count;
        if (total > Array.MaxLength) throw new InvalidOperationException($"{total} pairs pass the threshold; raise it.");
        var keys = new long[total];
        var scores = new float[total];
        int at = 0;
        foreach (var s in sinks)
        {
            if (s.Count == 0) continue;
            Array.Copy(s.Keys!, 0, keys, at, s.Count);
            Array.Copy(s.Scores!, 0, scores, at, s.Count);
            at += s.Count;
        }
        // blocks are disjoint row ranges in ascending order, so one sort of the concatenation gives (i, j) order
        return SimilarityPairs.FromKeys(keys, scores, at);
    }

    /// <summary>For each row its <paramref name="k"/> most similar other rows with cosine ≥ <paramref name="minScore"/>,
    /// best first (score descending, then index ascending).</summary>
    public NeighborLists TopK(int k, float minScore = float.NegativeInfinity, DenseCosineOptions? options = null,
        IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (float.IsNaN(minScore)) throw new ArgumentException("minScore is NaN.", nameof(minScore));
        options ??= new DenseCosineOptions();
        var path = KernelPaths.Resolve(options.Path);
        var shape = TileShape.For(path);
        var run = new Run(this, shape, path, k, minScore, progress, cancellationToken);
        run.Execute(KernelPaths.Threads(options.MaxDegreeOfParallelism));
        return NeighborLists.FromFixed(Count, k, run.TopCount!, run.TopIndex!, run.TopScore!);
    }

    /// <summary>Micro-tile geometry of a path: MR rows by W columns of accumulators.</summary>
    internal readonly record struct TileShape(int MR, int W, int BlockRows)
    {
        public static TileShape For(KernelPath path) => path switch
        {
            KernelPath.Vector512 => new TileShape(Mr512, W512, Mr512 * 8),
            KernelPath.Vector256 => new TileShape(Mr256, W256, Mr256 * 16),
            _ => new TileShape(MrScalar, WScalar, MrScalar * 16),
        };
    }

    /// <summary>The panel-packed operands for a tile shape, built on first use and kept, so repeated all-pairs and
    /// top-k calls (and the benchmark's repeats) do not pay packing and fresh-page faults again; costs two more
    /// copies of the matrix while the instance lives.</summary>
    internal (float[] Rows, float[] Cols) Packs(TileShape shape)
    {
        lock (_packLock)
        {
            if (_packs is { } p && p.Shape == shape) return (p.Rows, p.Cols);
            var rows = PackPanels(_unit, Count, Dimension, shape.MR);
            var cols = PackPanels(_unit, Count, Dimension, shape.W);
            _packs = (shape, rows, cols);
            return (rows, cols);
        }
    }

    /// <summary>Packs rows into MR-row panels laid out k-major: panel p holds A[p*MR + r][k] at (p*d + k)*MR + r,
    /// so the micro-kernel reads each k-step's MR values contiguously. Rows past the end are zero. With
    /// <paramref name="perm"/>, position r of the packed matrix holds source row perm[r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float[] PackPanels(float[] unit, int n, int d, int width, int[]? perm = null)
    {
        int panels = (n + width - 1) / width;
        var packed = GC.AllocateUninitializedArray<float>(panels * width * d);
        Span<int> src = width <= 256 ? stackalloc int[width] : new int[width];
        for (int p = 0; p < panels; p++)
        {
            int baseOut = p * width * d;
            int rows = Math.Min(width, n - p * width);
            for (int r = 0; r < rows; r++) src[r] = (perm is null ? p * width + r : perm[p * width + r]) * d;
            // k outer: the writes are sequential and the panel's source rows (width x d floats) stay in L1
            for (int k = 0; k < d; k++)
            {
                int o = baseOut + k * width;
                for (int r = 0; r < rows; r++) packed[o + r] = unit[src[r] + k];
                for (int r = rows; r < width; r++) packed[o + r] = 0f;
            }
        }
        return packed;
    }

    /// <summary>One all-pairs or top-k execution: packed operands, per-block sinks, the block queue.</summary>
    private sealed unsafe class Run
    {
        private readonly DenseCosine _m;
        private readonly TileShape _shape;
        private readonly KernelPath _path;
        private readonly int _k;
        private readonly float _threshold;
        private readonly IProgress<StageProgress>? _progress;
        private readonly CancellationToken _ct;
        private readonly int _blocks;
        private int _next = -1;
        private int _done;
        private float[] _rowsPacked = [];
        private float[] _colsPacked = [];
        private PairSink[] _pairSinks = [];

        public int[]? TopCount;
        public int[]? TopIndex;
        public float[]? TopScore;

        private readonly Pruned? _pruned;
        /// <summary>Pruned runs: tiles bounded, and tiles that went on to the full kernel.</summary>
        public long BoundTiles, ExactTiles;

        public Run(DenseCosine m, TileShape shape, KernelPath path, int topK, float threshold,
            IProgress<StageProgress>? progress, CancellationToken ct, Pruned? pruned = null)
        {
            _m = m; _shape = shape; _path = path; _k = topK; _threshold = threshold; _progress = progress; _ct = ct;
            _pruned = pruned;
            _blocks = (m.Count + shape.BlockRows - 1) / shape.BlockRows;
        }

        public PairSink[] Execute(int threads)
        {
            int n = _m.Count, d = _m.Dimension;
            if (n == 0) return [];
            (_rowsPacked, _colsPacked) = _pruned is { } p ? (p.Rows, p.Cols) : _m.Packs(_shape);
            if (_k > 0)
            {
                TopCount = new int[n];
                TopIndex = new int[(long)n * _k];
                TopScore = new float[(long)n * _k];
            }
            else
            {
                _pairSinks = new PairSink[_blocks];
            }
            threads = Math.Clamp(threads, 1, _blocks);
            if (threads == 1) Worker();
            else Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = _ct }, _ => Worker());
            _ct.ThrowIfCancellationRequested();
            return _pairSinks;
        }

        /// <summary>Takes row blocks in ascending order (the triangle's largest first) until none are left.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Worker()
        {
            int n = _m.Count, d = _m.Dimension, mr = _shape.MR, w = _shape.W;
            var thr = new float[_shape.BlockRows];
            var scratch = new float[mr * w];
            var heapCount = _k > 0 ? new int[_shape.BlockRows] : [];
            // the bound's threshold, rounded down so that float rounding cannot raise it above threshold - margin
            var thrBound = new float[_shape.BlockRows];
            if (_pruned is not null) Array.Fill(thrBound, MathF.BitDecrement((float)(_threshold - _pruned.Margin)));
            fixed (float* rows = _rowsPacked, cols = _colsPacked, thrP = thr, scr = scratch, thrB = thrBound)
            fixed (float* projRows1 = _pruned?.ProjRows1, projCols1 = _pruned?.ProjCols1)
            fixed (float* projRows2 = _pruned?.ProjRows2, projCols2 = _pruned?.ProjCols2)
            {
                while (true)
                {
                    int block = Interlocked.Increment(ref _next);
                    if (block >= _blocks || _ct.IsCancellationRequested) return;
                    int i0 = block * _shape.BlockRows;
                    int i1 = Math.Min(n, i0 + _shape.BlockRows);
                    int microPanels = (i1 - i0 + mr - 1) / mr;
                    int colPanels = (n + w - 1) / w;
                    Array.Fill(thr, _threshold);
                    if (_k > 0)
                    {
                        Array.Clear(heapCount);
                        var sink = new TopKSink(n, _k, i0, heapCount, TopIndex!, TopScore!, _threshold);
                        for (int jp = 0; jp < colPanels; jp++)
                            RunPanel(rows, cols, d, i0, microPanels, jp, thrP, scr, ref sink);
                        sink.Finish(i1, TopCount!);
                    }
                    else
                    {
                        var sink = new PairSink(n, _pruned?.Perm);
                        long bounded = 0, exact = 0;
                        // the triangle j > i: panels ending at or before i0 hold no pair of this block
                        for (int jp = i0 / w; jp < colPanels; jp++)
                        {
                            if (_pruned is null) RunPanel(rows, cols, d, i0, microPanels, jp, thrP, scr, ref sink);
                            else RunPanelPruned(rows, cols, projRows1, projCols1, projRows2, projCols2, d, i0, microPanels, jp, thrP, thrB, scr, ref sink, ref exact);
                        }
                        _pairSinks[block] = sink;
                        if (_pruned is not null)
                        {
                            bounded = (long)microPanels * (colPanels - i0 / w);
                            Interlocked.Add(ref BoundTiles, bounded);
                            Interlocked.Add(ref ExactTiles, exact);
                        }
                    }
                    int done = Interlocked.Increment(ref _done);
                    _progress?.Report(new StageProgress("dense-cosine", done, _blocks));
                }
            }
        }

        private void RunPanel<TSink>(float* rows, float* cols, int d, int i0, int microPanels, int jp,
            float* thr, float* scratch, ref TSink sink) where TSink : struct, ITileSink
        {
            int mr = _shape.MR, w = _shape.W;
            float* b = cols + (long)jp * w * d;
            int j0 = jp * w;
            for (int ip = 0; ip < microPanels; ip++)
            {
                int i = i0 + ip * mr;
                float* a = rows + (long)(i / mr) * mr * d;
                Tile(a, b, d, thr + ip * mr, scratch, i, j0, ref sink);
            }
        }

        /// <summary>Runs each tile over the augmented projections of the first level, then of the second, and the
        /// full kernel only where some bound reaches the (lowered) threshold at both.</summary>
        private void RunPanelPruned<TSink>(float* rows, float* cols, float* projRows1, float* projCols1, float* projRows2,
            float* projCols2, int d, int i0, int microPanels, int jp, float* thr, float* thrBound, float* scratch, ref TSink sink,
            ref long exact) where TSink : struct, ITileSink
        {
            int mr = _shape.MR, w = _shape.W, kp1 = _pruned!.Dims1, kp2 = _pruned.Dims2;
            float* b = cols + (long)jp * w * d;
            float* pb1 = projCols1 + (long)jp * w * kp1;
            float* pb2 = projCols2 + (long)jp * w * kp2;
            int j0 = jp * w;
            for (int ip = 0; ip < microPanels; ip++)
            {
                int i = i0 + ip * mr;
                long panel = i / mr;
                var probe = new HitFlag();
                Tile(projRows1 + panel * mr * kp1, pb1, kp1, thrBound + ip * mr, scratch, i, j0, ref probe);
                if (!probe.Hit) continue;
                probe = new HitFlag();
                Tile(projRows2 + panel * mr * kp2, pb2, kp2, thrBound + ip * mr, scratch, i, j0, ref probe);
                if (!probe.Hit) continue;
                exact++;
                Tile(rows + panel * mr * d, b, d, thr + ip * mr, scratch, i, j0, ref sink);
            }
        }

        private void Tile<TSink>(float* a, float* b, int d, float* thr, float* scratch, int i, int j0, ref TSink sink)
            where TSink : struct, ITileSink
        {
            switch (_path)
            {
                case KernelPath.Vector512: Tile512(a, b, d, thr, scratch, i, j0, ref sink); break;
                case KernelPath.Vector256: Tile256(a, b, d, thr, scratch, i, j0, ref sink); break;
                default: TileScalar(a, b, d, thr, scratch, i, j0, ref sink); break;
            }
        }
    }

    /// <summary>Receives the scores of a tile that has at least one value at or above its row threshold.</summary>
    internal unsafe interface ITileSink
    {
        /// <summary>Scans an MR x W tile of scores (row-major) for rows i0.., columns j0..</summary>
        void Scan(float* tile, int mr, int w, int i0, int j0, float* thr);
    }

    /// <summary>Collects pairs i &lt; j at or above the threshold into growable packed-key buffers; with a row order
    /// <c>perm</c>, tile positions are mapped back to the caller's indices (smaller first).</summary>
    internal unsafe struct PairSink : ITileSink
    {
        private readonly int _n;
        private readonly int[]? _perm;
        public long[]? Keys;
        public float[]? Scores;
        public int Count;

        public PairSink(int n, int[]? perm = null) { _n = n; _perm = perm; Keys = null; Scores = null; Count = 0; }

        public void Scan(float* tile, int mr, int w, int i0, int j0, float* thr)
        {
            for (int r = 0; r < mr; r++)
            {
                int i = i0 + r;
                if (i >= _n) break;
                float t = thr[r];
                float* row = tile + r * w;
                for (int c = 0; c < w; c++)
                {
                    int j = j0 + c;
                    if (row[c] >= t && j > i && j < _n)
                    {
                        if (_perm is null) Add(i, j, row[c]);
                        else Add(Math.Min(_perm[i], _perm[j]), Math.Max(_perm[i], _perm[j]), row[c]);
                    }
                }
            }
        }

        private void Add(int i, int j, float s)
        {
            if (Keys is null || Count == Keys.Length)
            {
                int cap = Keys is null ? 256 : (int)Math.Min(Array.MaxLength, 2L * Keys.Length);
                if (Keys is not null && cap == Keys.Length) throw new InvalidOperationException("Too many pairs pass the threshold in one row block; raise it.");
                Array.Resize(ref Keys, cap);
                Array.Resize(ref Scores, cap);
            }
            Keys[Count] = ((long)i << 32) | (uint)j;
            Scores![Count] = s;
            Count++;
        }
    }

    /// <summary>Keeps a best-k heap per row of the block and raises the row's tile threshold to the k-th best.</summary>
    internal unsafe struct TopKSink : ITileSink
    {
        private readonly int _n, _k, _i0;
        private readonly int[] _count;
        private readonly int[] _index;
        private readonly float[] _score;
        private readonly float _min;

        public TopKSink(int n, int k, int i0, int[] count, int[] index, float[] score, float min)
        {
            _n = n; _k = k; _i0 = i0; _count = count; _index = index; _score = score; _min = min;
        }

        public void Scan(float* tile, int mr, int w, int i0, int j0, float* thr)
        {
            for (int r = 0; r < mr; r++)
            {
                int i = i0 + r;
                if (i >= _n) break;
                float* row = tile + r * w;
                int local = i - _i0;
                for (int c = 0; c < w; c++)
                {
                    int j = j0 + c;
                    if (row[c] < thr[r] || j == i || j >= _n) continue;
                    var hs = _score.AsSpan(i * _k, _k);
                    var hj = _index.AsSpan(i * _k, _k);
                    int cnt = TopKHeap.Offer(hs, hj, _count[local], _k, row[c], j);
                    _count[local] = cnt;
                    // once k are held, only a score reaching the current worst can still enter
                    if (cnt == _k) thr[r] = Math.Max(_min, hs[0]);
                }
            }
        }

        public void Finish(int i1, int[] topCount)
        {
            for (int i = _i0; i < i1; i++)
            {
                int cnt = _count[i - _i0];
                TopKHeap.SortBestFirst(_score.AsSpan(i * _k, _k), _index.AsSpan(i * _k, _k), cnt);
                topCount[i] = cnt;
            }
        }
    }
}
