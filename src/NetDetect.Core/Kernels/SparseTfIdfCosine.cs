using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetDetect.Core.Data;

namespace NetDetect.Core.Kernels;

/// <summary>How the inverse document frequency of an object is computed (N accounts, df accounts with the object).</summary>
public enum IdfKind
{
    /// <summary>ln((1 + N) / (1 + df)) + 1, scikit-learn's TfidfVectorizer default: never zero.</summary>
    Smooth,
    /// <summary>ln(N / df), the evidence weight of the co-share network: an object every account has weighs 0.</summary>
    Plain,
}

/// <summary>Options of <see cref="SparseTfIdfCosine"/>.</summary>
public sealed record TfIdfOptions
{
    /// <summary>Term frequency 1 + ln(count) instead of the raw count, so one account's repeats count less.</summary>
    public bool SublinearTf { get; init; } = true;

    public IdfKind Idf { get; init; } = IdfKind.Smooth;

    /// <summary>Objects shared by fewer accounts are dropped before weighting and normalising (1 keeps all).</summary>
    public int MinDocumentFrequency { get; init; } = 2;

    /// <summary>Worker threads; 0 or less means one per processor. Results are identical for any count.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Instruction-set path of the accumulator read-back; forcing one the CPU lacks throws. Results are
    /// identical on every path.</summary>
    public KernelPath Path { get; init; } = KernelPath.Auto;

    /// <summary>Accounts per top-k accumulator span (one float each, per worker): 2^17 covers most inputs in one span
    /// and stays in a core's L2. Results do not depend on it; tests lower it to cross spans on small inputs.</summary>
    internal int AccumulatorSpan { get; init; } = 1 << 17;
}

/// <summary>
/// Exact TF-IDF cosine between accounts over account x object counts (co-retweet, co-hashtag, ...), as in
/// Pacheco et al. 2021: sublinear tf, idf, minimum document frequency, L2-normalised rows. All-pairs at a
/// threshold and per-account top-k run as the sparse product A·Aᵀ, row by row (Gustavson) through an inverted
/// index, upper triangle only (each pair once), never densifying the matrix.
/// </summary>
/// <remarks>
/// The score of a pair is defined canonically as the double sum, in ascending object order, of the products of
/// the two rows' float weights, rounded to float. All-pairs accumulates in exactly that order; top-k screens pairs
/// with a float product over a leaner index and rigorous error bounds, and rescores the few that can matter in that
/// order. Either way results do not depend on traversal order or thread count and equal a plain merge-join reference
/// bit for bit.
/// </remarks>
public sealed partial class SparseTfIdfCosine
{
    private readonly int[] _rowPtr, _col;
    private readonly float[] _w;
    /// <summary>The threshold product's inverted index, built on the first <see cref="AllPairs"/> call.</summary>
    private PairIndex? _pairIndex;
    private readonly int _threads;
    private readonly KernelPath _path;

    /// <summary>Builds the weighted matrix from CSR counts: row a's objects are
    /// <c>columns[rowOffsets[a]..rowOffsets[a+1]]</c> with <c>counts</c> (repeats within a row are summed;
    /// zero counts are ignored).</summary>
    public SparseTfIdfCosine(int accounts, int objects, ReadOnlySpan<int> rowOffsets, ReadOnlySpan<int> columns,
        ReadOnlySpan<float> counts, TfIdfOptions? options = null)
        : this(accounts, objects, Canonical(accounts, objects, rowOffsets, columns, counts), options)
    {
    }

    /// <summary>Builds the matrix from canonical rows (objects ascending, no repeats, no zero counts).</summary>
    private SparseTfIdfCosine(int accounts, int objects, (int[] Ptr, int[] Col, double[] Cnt) rows, TfIdfOptions? options)
    {
        options ??= new TfIdfOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinDocumentFrequency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.AccumulatorSpan, 1);
        Accounts = accounts;
        Objects = objects;
        Options = options;
        _threads = KernelPaths.Threads(options.MaxDegreeOfParallelism);
        _path = KernelPaths.Resolve(options.Path);
        (_rowPtr, _col, _w, _topK) = Weigh(accounts, objects, rows.Ptr, rows.Col, rows.Cnt, options, _threads);
    }

    /// <summary>The canonical rows: objects ascending, repeats summed, zero counts dropped, as CSR (offsets, objects,
    /// summed counts in double).</summary>
    // runs once per matrix, over every entry: fully optimised from the start rather than through tiering
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int[] Ptr, int[] Col, double[] Cnt) Canonical(int accounts, int objects, ReadOnlySpan<int> rowOffsets,
        ReadOnlySpan<int> columns, ReadOnlySpan<float> counts)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(accounts);
        ArgumentOutOfRangeException.ThrowIfNegative(objects);
        if (rowOffsets.Length != accounts + 1) throw new ArgumentException($"rowOffsets needs {accounts + 1} entries.", nameof(rowOffsets));
        if (columns.Length != counts.Length || rowOffsets[accounts] != columns.Length || rowOffsets[0] != 0)
            throw new ArgumentException("rowOffsets, columns and counts do not describe one CSR matrix.");
        var ptr = new int[accounts + 1];
        var col = new int[columns.Length];
        var cnt = new double[columns.Length];
        int[] order = [];
        int nz = 0;
        for (int a = 0; a < accounts; a++)
        {
            int s = rowOffsets[a], e = rowOffsets[a + 1];
            if (e < s) throw new ArgumentException($"rowOffsets decreases at account {a}.", nameof(rowOffsets));
            var keys = col.AsSpan(nz, e - s);
            bool sorted = true;
            for (int p = s; p < e; p++)
            {
                if ((uint)columns[p] >= (uint)objects) throw new ArgumentOutOfRangeException(nameof(columns), $"Object {columns[p]} of account {a} is outside 0..{objects - 1}.");
                if (!(counts[p] >= 0) || float.IsInfinity(counts[p])) throw new ArgumentException($"Count {counts[p]} of account {a} is not a finite non-negative number.", nameof(counts));
                keys[p - s] = columns[p];
                if (p > s && columns[p] < columns[p - 1]) sorted = false;
            }
            // rows that arrive in object order need no sort
            Span<int> idx = default;
            if (!sorted)
            {
                if (order.Length < e - s) order = new int[Math.Max(e - s, 2 * order.Length)];
                idx = order.AsSpan(0, e - s);
                for (int p = s; p < e; p++) idx[p - s] = p;
                keys.Sort(idx);
            }
            int w = nz;
            for (int q = 0; q < keys.Length; q++)
            {
                float c = counts[sorted ? s + q : idx[q]];
                if (c == 0) continue;
                if (w > nz && col[w - 1] == keys[q]) { cnt[w - 1] += c; continue; }
                col[w] = keys[q];
                cnt[w] = c;
                w++;
            }
            nz = w;
            ptr[a + 1] = nz;
        }
        return (ptr, col, cnt);
    }

    /// <summary>The weights (tf * idf, normalised in double, rounded once to float; zero-weight objects leave the
    /// matrix) and, in the same pass, the top-k index, which factors each weight as tf * idf * inverse norm.</summary>
    /// <remarks>The rows are cut into one chunk of about equal entries per thread. Each chunk counts its objects, the
    /// counts give every chunk its place in the output and in each object's list, and the chunks then fill their
    /// parts independently: the arrays are the same for any thread count.</remarks>
    // runs once per matrix, over every object: fully optimised from the start rather than through tiering
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int[] RowPtr, int[] Col, float[] W, TopKIndex TopK) Weigh(int accounts, int objects, int[] ptr, int[] col,
        double[] cnt, TfIdfOptions options, int threads)
    {
        int nz = ptr[accounts];
        int chunks = nz < (1 << 16) ? 1 : Math.Clamp(threads, 1, 64);
        var rowAt = new int[chunks + 1];
        for (int c = 1; c < chunks; c++)
        {
            // the first row starting at or after the chunk's share of the entries
            long target = (long)nz * c / chunks;
            int lo = rowAt[c - 1], hi = accounts;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (ptr[mid] < target) lo = mid + 1; else hi = mid;
            }
            rowAt[c] = lo;
        }
        rowAt[chunks] = accounts;
        // per chunk and object: entries, and entries of more than one share, which carry their tf in the index (one
        // more slot in the object's list)
        var held = new int[chunks][];
        var extra = new int[chunks][];
        ForChunks(chunks, c => (held[c], extra[c]) = CountObjects(objects, ptr[rowAt[c]], ptr[rowAt[c + 1]], col, cnt));
        var df = held[0];
        if (chunks > 1)
        {
            df = new int[objects];
            for (int c = 0; c < chunks; c++)
                for (int o = 0; o < objects; o++) df[o] += held[c][o];
        }
        var idf = new double[objects];
        var start = new int[objects + 1];
        long slots = objects;
        for (int o = 0; o < objects; o++)
        {
            idf[o] = df[o] < options.MinDocumentFrequency || df[o] == 0 ? 0 : Idf(options.Idf, accounts, df[o]);
            int here = 0;
            if (idf[o] > 0)
                for (int c = 0; c < chunks; c++) here += held[c][o] + extra[c][o];
            slots += here;
            if (slots > Array.MaxLength) throw new InvalidOperationException("The inverted index does not fit one array.");
            start[o + 1] = start[o] + here + 1;
        }
        // each chunk's first kept entry, and its first slot in each object's list (held[c] becomes that)
        var keptAt = new int[chunks + 1];
        var running = start[..objects];
        for (int c = 0; c < chunks; c++)
        {
            long kept = 0;
            int[] h = held[c], x = extra[c];
            for (int o = 0; o < objects; o++)
            {
                int here = idf[o] > 0 ? h[o] : 0;
                kept += here;
                h[o] = running[o];
                running[o] += here + (here > 0 ? x[o] : 0);
            }
            keptAt[c + 1] = (int)(keptAt[c] + kept);
        }
        int total = keptAt[chunks];
        var rowPtr = new int[accounts + 1];
        var keptCol = new int[total];
        var weight = new float[total];
        var list = new uint[slots];
        var after = new int[total];
        var scaled = new float[total];
        var invNorm = new float[accounts + TopKIndex.Pad];
        var deferred = new bool[chunks];
        ForChunks(chunks, c => deferred[c] = FillRows(rowAt[c], rowAt[c + 1], keptAt[c], held[c], ptr, col, cnt, idf,
            options.SublinearTf, rowPtr, keptCol, weight, list, after, scaled, invNorm));
        for (int o = 0; o < objects; o++) list[start[o + 1] - 1] = TopKIndex.End;
        return (rowPtr, keptCol, weight, new TopKIndex(list, after, scaled, invNorm, Array.TrueForAll(deferred, d => d)));

        void ForChunks(int n, Action<int> body)
        {
            if (n == 1) body(0);
            else Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = n }, body);
        }
    }

    // runs once per matrix, over every entry: fully optimised from the start rather than through tiering
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int[] Held, int[] Extra) CountObjects(int objects, int p0, int p1, int[] col, double[] cnt)
    {
        var held = new int[objects];
        var extra = new int[objects];
        for (int p = p0; p < p1; p++)
        {
            held[col[p]]++;
            if (cnt[p] != 1) extra[col[p]]++;
        }
        return (held, extra);
    }

    /// <summary>Weighs rows a0..a1-1 into the CSR from kept entry <paramref name="at"/> on and adds them to the top-k
    /// index's lists at <paramref name="fill"/> (per object, advanced); returns whether every value it wrote stays in
    /// the range where screened scores bound the canonical ones from below as well (<see cref="TopKIndex.Deferred"/>).</summary>
    // runs once per matrix, over every entry: fully optimised from the start rather than through tiering
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool FillRows(int a0, int a1, int at, int[] fill, int[] ptr, int[] col, double[] cnt, double[] idf,
        bool sublinear, int[] rowPtr, int[] keptCol, float[] weight, uint[] list, int[] after, float[] scaled, float[] invNorm)
    {
        const uint Marked = TopKIndex.Marked;
        // the ranges that keep every screened term (≥ 2^-120), sum (≤ 1/inv ≤ 2^60) and score (≥ w_a·w_b ≥ 2^-100)
        // a normal float, so that no clamp applies and the relative bounds of Slack hold both ways
        const double Lo = 8.673617379884035e-19, Hi = 1.152921504606847e18, LoWeight = 8.881784197001252e-16; // 2^-60, 2^60, 2^-50
        bool deferred = true;
        var tf = new double[1024];
        for (int a = a0; a < a1; a++)
        {
            int s = ptr[a], e = ptr[a + 1];
            if (tf.Length < e - s) tf = new double[Math.Max(e - s, 2 * tf.Length)];
            double sum = 0;
            for (int p = s; p < e; p++)
            {
                // one share, tf 1 either way (1 + ln 1 = 1 exactly): most entries skip the logarithm
                double t = cnt[p] == 1 ? 1 : Tf(sublinear, cnt[p]);
                tf[p - s] = t;
                double x = t * idf[col[p]];
                sum += x * x;
            }
            double inv = sum > 0 ? 1.0 / Math.Sqrt(sum) : 0;
            int rowStart = at;
            for (int p = s; p < e; p++)
            {
                int o = col[p];
                if (idf[o] <= 0) continue;
                double t = tf[p - s];
                float w = (float)(t * idf[o] * inv);
                keptCol[at] = o;
                weight[at] = w;
                int pos = fill[o];
                if (cnt[p] == 1) list[pos++] = (uint)a;
                else
                {
                    list[pos++] = (uint)a | Marked;
                    list[pos++] = BitConverter.SingleToUInt32Bits(MathF.Max((float)Math.Abs(t), Tiny));
                    if (!(Math.Abs(t) >= Lo && Math.Abs(t) <= Hi)) deferred = false;
                }
                fill[o] = pos;
                after[at] = pos;
                double u = Math.Abs(w) * idf[o];
                scaled[at] = MathF.Max((float)u, Tiny);
                if (!(w >= LoWeight && u >= Lo && u <= Hi)) deferred = false;
                at++;
            }
            rowPtr[a + 1] = at;
            invNorm[a] = MathF.Max((float)inv, Tiny);
            if (at > rowStart && !(inv >= Lo && inv <= Hi)) deferred = false;
        }
        return deferred;
    }

    /// <summary>Builds the matrix from one (account, object) occurrence per share, e.g. a post's repost target.</summary>
    // runs once per matrix, over every share: fully optimised from the start rather than through tiering
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static SparseTfIdfCosine FromOccurrences(int accounts, int objects, ReadOnlySpan<int> account,
        ReadOnlySpan<int> obj, TfIdfOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(accounts);
        ArgumentOutOfRangeException.ThrowIfNegative(objects);
        if (account.Length != obj.Length) throw new ArgumentException("account and obj must have equal length.");
        int n = account.Length;
        var ptr = new int[accounts + 1];
        var objStart = new int[objects + 1];
        for (int p = 0; p < n; p++)
        {
            if ((uint)account[p] >= (uint)accounts) throw new ArgumentOutOfRangeException(nameof(account), $"Account {account[p]} is outside 0..{accounts - 1}.");
            if ((uint)obj[p] >= (uint)objects) throw new ArgumentOutOfRangeException(nameof(obj), $"Object {obj[p]} is outside 0..{objects - 1}.");
            ptr[account[p] + 1]++;
            objStart[obj[p] + 1]++;
        }
        for (int a = 0; a < accounts; a++) ptr[a + 1] += ptr[a];
        for (int o = 0; o < objects; o++) objStart[o + 1] += objStart[o];
        // two counting sorts, each a sequential read and a scattered write: the sharing accounts grouped by object,
        // then each object handed to its accounts in ascending object order, so every row comes out sorted with its
        // repeats side by side
        var holders = new int[n];
        var fill = objStart[..objects];
        for (int p = 0; p < n; p++) holders[fill[obj[p]]++] = account[p];
        var cols = new int[n];
        var next = ptr[..accounts];
        for (int o = 0; o < objects; o++)
            for (int q = objStart[o]; q < objStart[o + 1]; q++) cols[next[holders[q]]++] = o;
        // repeats summed in place (a row only shrinks)
        var cnt = new double[n];
        int w = 0;
        for (int a = 0; a < accounts; a++)
        {
            int s = ptr[a], e = ptr[a + 1], rowStart = w;
            for (int p = s; p < e; p++)
            {
                if (w > rowStart && cols[w - 1] == cols[p]) { cnt[w - 1]++; continue; }
                cols[w] = cols[p];
                cnt[w++] = 1;
            }
            ptr[a] = rowStart;
        }
        // ptr[a] was rewritten to the row's new start before ptr[a + 1] was read as the old end; close the last row
        ptr[accounts] = w;
        return new SparseTfIdfCosine(accounts, objects, (ptr, cols, cnt), options);
    }

    public int Accounts { get; }
    public int Objects { get; }
    public TfIdfOptions Options { get; }

    /// <summary>Stored (weighted) entries after the minimum document frequency filter.</summary>
    public int NonZeros => _col.Length;

    /// <summary>Account a's kept objects, ascending.</summary>
    public ReadOnlySpan<int> ObjectsOf(int a) => _col.AsSpan(_rowPtr[a], _rowPtr[a + 1] - _rowPtr[a]);

    /// <summary>Account a's normalised weights, aligned with <see cref="ObjectsOf"/>.</summary>
    public ReadOnlySpan<float> WeightsOf(int a) => _w.AsSpan(_rowPtr[a], _rowPtr[a + 1] - _rowPtr[a]);

    /// <summary>Term frequency of a count.</summary>
    public static double Tf(bool sublinear, double count) => sublinear ? 1 + Math.Log(count) : count;

    /// <summary>Inverse document frequency of an object held by <paramref name="df"/> of <paramref name="n"/> accounts.</summary>
    public static double Idf(IdfKind kind, int n, int df) => kind == IdfKind.Smooth
        ? Math.Log((1.0 + n) / (1.0 + df)) + 1.0
        : Math.Log((double)n / df);

    /// <summary>The canonical cosine of two accounts (merge join in ascending object order).</summary>
    public float Similarity(int a, int b)
    {
        var ca = ObjectsOf(a); var wa = WeightsOf(a);
        var cb = ObjectsOf(b); var wb = WeightsOf(b);
        double s = 0;
        int p = 0, q = 0;
        while (p < ca.Length && q < cb.Length)
        {
            if (ca[p] < cb[q]) p++;
            else if (ca[p] > cb[q]) q++;
            else { s += (double)wa[p] * wb[q]; p++; q++; }
        }
        return (float)s;
    }

    /// <summary>All pairs a &lt; b sharing at least one kept object with cosine ≥ <paramref name="threshold"/>,
    /// sorted by (a, b).</summary>
    public SimilarityPairs AllPairs(float threshold, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (float.IsNaN(threshold)) throw new ArgumentException("Threshold is NaN.", nameof(threshold));
        var index = LazyInitializer.EnsureInitialized(ref _pairIndex, () => new PairIndex(this));
        var blocks = new PairBuffer[BlockCount];
        // a pair sharing an object has a positive score, so the smallest positive float admits exactly those
        float floor = MathF.Max(threshold, float.Epsilon);
        RunBlocks("tfidf-pairs", () => new Worker(this, index, _path, floor), (w, block) =>
        {
            var buf = new PairBuffer();
            w.Pairs = buf;
            w.Rows(block * BlockRows, Math.Min(Accounts, (block + 1) * BlockRows));
            blocks[block] = buf;
        }, progress, cancellationToken);
        long total = 0;
        foreach (var b in blocks) total += b.Count;
        if (total > Array.MaxLength) throw new InvalidOperationException($"{total} pairs pass the threshold; raise it.");
        var keys = new long[total];
        var scores = new float[total];
        int at = 0;
        foreach (var b in blocks)
        {
            if (b.Count == 0) continue;
            Array.Copy(b.Keys, 0, keys, at, b.Count);
            Array.Copy(b.Scores, 0, scores, at, b.Count);
            at += b.Count;
        }
        return SimilarityPairs.FromKeys(keys, scores, at);
    }

    private const int BlockRows = 256;
    private int BlockCount => (Accounts + BlockRows - 1) / BlockRows;

    /// <summary>Runs <paramref name="body"/> over all row blocks on the configured threads, one worker per thread
    /// (blocks are handed out in order as workers become free), and returns the workers.</summary>
    private List<TWorker> RunBlocks<TWorker>(string stage, Func<TWorker> create, Action<TWorker, int> body, IProgress<StageProgress>? progress, CancellationToken ct)
    {
        var workers = new List<TWorker>();
        int blocks = BlockCount;
        if (blocks == 0) return workers;
        int next = -1, done = 0;
        int threads = Math.Clamp(_threads, 1, blocks);
        void Work()
        {
            var w = create();
            lock (workers) workers.Add(w);
            while (true)
            {
                int block = Interlocked.Increment(ref next);
                if (block >= blocks || ct.IsCancellationRequested) return;
                body(w, block);
                progress?.Report(new StageProgress(stage, Interlocked.Increment(ref done), blocks));
            }
        }
        if (threads == 1) Work();
        else Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = ct }, _ => Work());
        ct.ThrowIfCancellationRequested();
        return workers;
    }

    private sealed class PairBuffer
    {
        public long[] Keys = [];
        public float[] Scores = [];
        public int Count;

        public void Add(int a, int b, float s)
        {
            if (Count == Keys.Length)
            {
                int cap = Math.Max(256, (int)Math.Min(Array.MaxLength, 2L * Keys.Length));
                Array.Resize(ref Keys, cap);
                Array.Resize(ref Scores, cap);
            }
            Keys[Count] = ((long)a << 32) | (uint)b;
            Scores[Count++] = s;
        }
    }

    private readonly record struct Posting(int Row, float W);

    /// <summary>The threshold product's inverted index (CSC) with each object's accounts ascending, as a counting sort
    /// in row order gives them, account and weight side by side so a list is one memory stream, and one sentinel
    /// account int.MaxValue closing every list, so a scan up to a bound needs one compare. ColPos maps an entry of the
    /// CSR to its place in its object's list, so a row can start right after its own entry and visit only the accounts
    /// after it (each unordered pair is produced once).</summary>
    private sealed class PairIndex
    {
        public readonly Posting[] Post;
        public readonly int[] ColPos;

        public PairIndex(SparseTfIdfCosine m)
        {
            int objects = m.Objects, kept = m._col.Length;
            var colPtr = new int[objects + 1];
            for (int p = 0; p < kept; p++) colPtr[m._col[p] + 1]++;
            for (int o = 0; o < objects; o++) colPtr[o + 1] += colPtr[o] + 1;
            Post = new Posting[kept + objects];
            ColPos = new int[kept];
            var fill = colPtr[..objects];
            for (int a = 0; a < m.Accounts; a++)
                for (int p = m._rowPtr[a]; p < m._rowPtr[a + 1]; p++)
                {
                    int at = fill[m._col[p]]++;
                    Post[at] = new Posting(a, m._w[p]);
                    ColPos[p] = at;
                }
            for (int o = 0; o < objects; o++) Post[colPtr[o + 1] - 1] = new Posting(int.MaxValue, 0);
        }
    }

    /// <summary>Per-thread state of the threshold product (row-wise, Gustavson): a dense double accumulator over one
    /// span of accounts and per-entry cursors into the inverted index.</summary>
    /// <remarks>A block of rows is multiplied against the accounts span by span (<see cref="Span"/> accounts, so the
    /// accumulator stays in the first cache levels): row a walks its objects in ascending order and, for each, the
    /// accounts of that object's list that are after a and inside the span, adding w_a,o * w_b,o into acc[b]. So
    /// acc[b] is built in exactly the canonical order (ascending object, in double, from 0) and rounds to the canonical
    /// score with no rescoring. Each row's part of the span is then read back, either densely over its touched range
    /// with SIMD compares (a row that touched much of it) or by walking its list segments again (a row that touched
    /// little), and cleared as it is read.</remarks>
    private sealed unsafe class Worker
    {
        private const int Span = 8192, Pad = 16;
        private readonly SparseTfIdfCosine _m;
        private readonly PairIndex _ix;
        private readonly KernelPath _path;
        private readonly float _floor;
        private readonly double[] _acc = new double[Span + Pad];
        private readonly RowMergeScratch _merge = new();
        public PairBuffer? Pairs;

        public Worker(SparseTfIdfCosine m, PairIndex ix, KernelPath path, float floor)
        {
            _m = m;
            _ix = ix;
            _path = path;
            _floor = floor;
        }

        /// <summary>Scores rows a0..a1-1 against every later account sharing an object and records the pairs that
        /// reach the threshold.</summary>
        // fully optimised from the first call: the loops are hot long before tiering would replace them
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Rows(int a0, int a1)
        {
            var m = _m;
            int nz0 = m._rowPtr[a0], nz1 = m._rowPtr[a1];
            if (nz0 == nz1) return;
            _merge.Ensure(nz1 - nz0);
            fixed (int* rowPtr = m._rowPtr, colPos = _ix.ColPos)
            fixed (float* w = m._w)
            fixed (Posting* post = _ix.Post)
            fixed (double* acc = _acc)
            fixed (int* cursor0 = _merge.Cursor, start0 = _merge.Start, next0 = _merge.Next)
            {
                // indexed by CSR entry: the list position of the entry's next account, that account (kept here so
                // that entries with nothing in a span cost no visit to the list), and where the span's segment began
                int* cursor = cursor0 - nz0, next = next0 - nz0, start = start0 - nz0;
                int firstAfter = int.MaxValue;
                for (int p = nz0; p < nz1; p++)
                {
                    cursor[p] = colPos[p] + 1;
                    next[p] = post[cursor[p]].Row;
                    firstAfter = Math.Min(firstAfter, next[p]);
                }
                for (int b0 = firstAfter == int.MaxValue ? m.Accounts : firstAfter / Span * Span; b0 < m.Accounts; b0 += Span)
                {
                    int b1 = Math.Min(m.Accounts, b0 + Span);
                    double* accB = acc - b0; // indexed by account
                    for (int a = a0; a < a1; a++)
                    {
                        int rs = rowPtr[a], re = rowPtr[a + 1];
                        long adds = 0;
                        int lo = int.MaxValue, hi = -1;
                        for (int p = rs; p < re; p++)
                        {
                            int r = cursor[p];
                            start[p] = r;
                            int b = next[p];
                            if (b >= b1) continue;
                            lo = Math.Min(lo, b);
                            double wa = w[p];
                            // the list ends with a sentinel ≥ any span end, so one compare bounds the loop
                            do
                            {
                                accB[b] += wa * post[r].W;
                                b = post[++r].Row;
                            } while (b < b1);
                            hi = Math.Max(hi, post[r - 1].Row);
                            adds += r - start[p];
                            cursor[p] = r;
                            next[p] = b;
                        }
                        if (hi < 0) continue;
                        // a dense read costs about a sixteenth of an add per account of the range (vector loads,
                        // compares and clears from L1); walking the lists again costs about one add per add
                        if (adds * 8 >= hi - lo + 1) ReadDense(a, accB, lo, hi);
                        else
                        {
                            for (int p = rs; p < re; p++)
                                for (int r = start[p], r1 = cursor[p]; r < r1; r++)
                                {
                                    int b = post[r].Row;
                                    double v = accB[b];
                                    if (v == 0) continue; // already read through an earlier object
                                    accB[b] = 0;
                                    float sv = (float)v;
                                    if (sv >= _floor) Pairs!.Add(a, b, sv);
                                }
                        }
                    }
                }
            }
        }

        /// <summary>Reads back and clears acc[lo..hi] (accounts; and up to a vector past it, where acc is zero),
        /// recording each score that reaches the threshold.</summary>
        // fully optimised from the first call: the loops are hot long before tiering would replace them
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ReadDense(int a, double* acc, int lo, int hi)
        {
            float* lane = stackalloc float[16];
            if (_path == KernelPath.Vector512)
            {
                var floor = Vector512.Create(_floor);
                for (int b = lo; b <= hi; b += 16)
                {
                    var s = Vector512.Narrow(Vector512.Load(acc + b), Vector512.Load(acc + b + 8));
                    Vector512<double>.Zero.Store(acc + b);
                    Vector512<double>.Zero.Store(acc + b + 8);
                    // the floor is > 0, so untouched (zero) lanes never pass
                    var hit = Vector512.GreaterThanOrEqual(s, floor);
                    if (hit == Vector512<float>.Zero) continue;
                    s.Store(lane);
                    for (ulong bits = hit.ExtractMostSignificantBits(); bits != 0; bits &= bits - 1)
                    {
                        int l = System.Numerics.BitOperations.TrailingZeroCount(bits);
                        Pairs!.Add(a, b + l, lane[l]);
                    }
                }
            }
            else if (_path == KernelPath.Vector256)
            {
                var floor = Vector256.Create(_floor);
                for (int b = lo; b <= hi; b += 8)
                {
                    var s = Vector256.Narrow(Vector256.Load(acc + b), Vector256.Load(acc + b + 4));
                    Vector256<double>.Zero.Store(acc + b);
                    Vector256<double>.Zero.Store(acc + b + 4);
                    var hit = Vector256.GreaterThanOrEqual(s, floor);
                    if (hit == Vector256<float>.Zero) continue;
                    s.Store(lane);
                    for (uint bits = hit.ExtractMostSignificantBits(); bits != 0; bits &= bits - 1)
                    {
                        int l = System.Numerics.BitOperations.TrailingZeroCount(bits);
                        Pairs!.Add(a, b + l, lane[l]);
                    }
                }
            }
            else
            {
                for (int b = lo; b <= hi; b++)
                {
                    double v = acc[b];
                    if (v == 0) continue;
                    acc[b] = 0;
                    float sv = (float)v;
                    if (sv >= _floor) Pairs!.Add(a, b, sv);
                }
            }
        }
    }
}

/// <summary>A worker's row-merge state (cursor, start and next per row entry), grown to twice the need when short.</summary>
internal sealed class RowMergeScratch
{
    public int[] Cursor = new int[1024];
    public int[] Start = new int[1024];
    public int[] Next = new int[1024];

    public void Ensure(int entries)
    {
        if (Cursor.Length >= entries) return;
        Cursor = new int[entries * 2];
        Start = new int[entries * 2];
        Next = new int[entries * 2];
    }
}
