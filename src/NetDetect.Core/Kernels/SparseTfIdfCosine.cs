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
}

/// <summary>
/// Exact TF-IDF cosine between accounts over account x object counts (co-retweet, co-hashtag, ...), as in
/// Pacheco et al. 2021: sublinear tf, idf, minimum document frequency, L2-normalised rows. All-pairs at a
/// threshold and per-account top-k run as a sparse product through an impact-ordered inverted index with
/// threshold-algorithm pruning (the long postings of popular objects are cut where their remaining weight can no
/// longer lift any account over the threshold or the current k-th best), never densifying the matrix.
/// </summary>
/// <remarks>
/// The score of a pair is defined canonically as the double sum, in ascending object order, of the products of
/// the two rows' float weights, rounded to float; every reported score is recomputed that way, so results do not
/// depend on traversal order or thread count and equal a plain merge-join reference bit for bit.
/// </remarks>
public sealed class SparseTfIdfCosine
{
    // bounds are compared with this slack so float rounding of a final score can never hide a qualifying pair
    private const double Slack = 1e-6;

    private readonly int[] _rowPtr, _col;
    private readonly float[] _w;
    private readonly int[] _colPtr, _colRow;
    private readonly int _threads;

    /// <summary>Builds the weighted matrix from CSR counts: row a's objects are
    /// <c>columns[rowOffsets[a]..rowOffsets[a+1]]</c> with <c>counts</c> (repeats within a row are summed;
    /// zero counts are ignored).</summary>
    public SparseTfIdfCosine(int accounts, int objects, ReadOnlySpan<int> rowOffsets, ReadOnlySpan<int> columns,
        ReadOnlySpan<float> counts, TfIdfOptions? options = null)
    {
        options ??= new TfIdfOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(accounts);
        ArgumentOutOfRangeException.ThrowIfNegative(objects);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinDocumentFrequency, 1);
        if (rowOffsets.Length != accounts + 1) throw new ArgumentException($"rowOffsets needs {accounts + 1} entries.", nameof(rowOffsets));
        if (columns.Length != counts.Length || rowOffsets[accounts] != columns.Length || rowOffsets[0] != 0)
            throw new ArgumentException("rowOffsets, columns and counts do not describe one CSR matrix.");
        Accounts = accounts;
        Objects = objects;
        Options = options;
        _threads = KernelPaths.Threads(options.MaxDegreeOfParallelism);

        // canonical rows: sorted, repeats summed, zero counts dropped
        var ptr = new int[accounts + 1];
        var col = new int[columns.Length];
        var cnt = new double[columns.Length];
        var order = new int[columns.Length];
        int nz = 0;
        for (int a = 0; a < accounts; a++)
        {
            int s = rowOffsets[a], e = rowOffsets[a + 1];
            if (e < s) throw new ArgumentException($"rowOffsets decreases at account {a}.", nameof(rowOffsets));
            var keys = col.AsSpan(nz, e - s);
            var idx = order.AsSpan(0, e - s);
            for (int p = s; p < e; p++)
            {
                if ((uint)columns[p] >= (uint)objects) throw new ArgumentOutOfRangeException(nameof(columns), $"Object {columns[p]} of account {a} is outside 0..{objects - 1}.");
                if (!(counts[p] >= 0) || float.IsInfinity(counts[p])) throw new ArgumentException($"Count {counts[p]} of account {a} is not a finite non-negative number.", nameof(counts));
                keys[p - s] = columns[p];
                idx[p - s] = p;
            }
            keys.Sort(idx);
            int w = nz;
            for (int q = 0; q < keys.Length; q++)
            {
                float c = counts[idx[q]];
                if (c == 0) continue;
                if (w > nz && col[w - 1] == keys[q]) { cnt[w - 1] += c; continue; }
                col[w] = keys[q];
                cnt[w] = c;
                w++;
            }
            nz = w;
            ptr[a + 1] = nz;
        }

        var df = new int[objects];
        for (int p = 0; p < nz; p++) df[col[p]]++;
        var idf = new double[objects];
        for (int o = 0; o < objects; o++)
            idf[o] = df[o] < options.MinDocumentFrequency || df[o] == 0 ? 0 : Idf(options.Idf, accounts, df[o]);

        // weights: tf * idf, normalised in double, rounded once to float; zero-weight objects leave the matrix
        _rowPtr = new int[accounts + 1];
        int kept = 0;
        for (int p = 0; p < nz; p++) if (idf[col[p]] > 0) kept++;
        _col = new int[kept];
        _w = new float[kept];
        int at = 0;
        for (int a = 0; a < accounts; a++)
        {
            double sum = 0;
            for (int p = ptr[a]; p < ptr[a + 1]; p++)
            {
                double x = Tf(options.SublinearTf, cnt[p]) * idf[col[p]];
                sum += x * x;
            }
            double inv = sum > 0 ? 1.0 / Math.Sqrt(sum) : 0;
            for (int p = ptr[a]; p < ptr[a + 1]; p++)
            {
                if (idf[col[p]] <= 0) continue;
                _col[at] = col[p];
                _w[at] = (float)(Tf(options.SublinearTf, cnt[p]) * idf[col[p]] * inv);
                at++;
            }
            _rowPtr[a + 1] = at;
        }

        // inverted index in impact order: each object's accounts by weight descending, so a scan can stop where
        // w_a,o * (weight at the cursor) no longer matters; the order of equal weights is fixed by the sort
        _colPtr = new int[objects + 1];
        for (int p = 0; p < kept; p++) _colPtr[_col[p] + 1]++;
        for (int o = 0; o < objects; o++) _colPtr[o + 1] += _colPtr[o];
        _colRow = new int[kept];
        _colW = new float[kept];
        var fill = _colPtr[..objects];
        for (int a = 0; a < accounts; a++)
            for (int p = _rowPtr[a]; p < _rowPtr[a + 1]; p++)
            {
                int o = _col[p];
                _colRow[fill[o]] = a;
                _colW[fill[o]++] = -_w[p];
            }
        for (int o = 0; o < objects; o++)
        {
            var keys = _colW.AsSpan(_colPtr[o], _colPtr[o + 1] - _colPtr[o]);
            keys.Sort(_colRow.AsSpan(_colPtr[o], keys.Length));
            for (int q = 0; q < keys.Length; q++) keys[q] = -keys[q];
        }
    }

    private readonly float[] _colW;

    /// <summary>Builds the matrix from one (account, object) occurrence per share, e.g. a post's repost target.</summary>
    public static SparseTfIdfCosine FromOccurrences(int accounts, int objects, ReadOnlySpan<int> account,
        ReadOnlySpan<int> obj, TfIdfOptions? options = null)
    {
        if (account.Length != obj.Length) throw new ArgumentException("account and obj must have equal length.");
        var ptr = new int[accounts + 1];
        foreach (int a in account)
        {
            if ((uint)a >= (uint)accounts) throw new ArgumentOutOfRangeException(nameof(account), $"Account {a} is outside 0..{accounts - 1}.");
            ptr[a + 1]++;
        }
        for (int a = 0; a < accounts; a++) ptr[a + 1] += ptr[a];
        var cols = new int[account.Length];
        var next = ptr[..accounts];
        for (int p = 0; p < account.Length; p++) cols[next[account[p]]++] = obj[p];
        var ones = new float[account.Length];
        Array.Fill(ones, 1f);
        return new SparseTfIdfCosine(accounts, objects, ptr, cols, ones, options);
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
        var blocks = new PairBuffer[BlockCount];
        RunBlocks("tfidf-pairs", (w, block) =>
        {
            var buf = new PairBuffer();
            for (int a = block * BlockRows, end = Math.Min(Accounts, a + BlockRows); a < end; a++)
                w.Row(a, threshold, 0, buf, null);
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

    /// <summary>Each account's <paramref name="k"/> most similar accounts among those sharing a kept object, with
    /// cosine ≥ <paramref name="minScore"/>, best first (score descending, then account ascending).</summary>
    public NeighborLists TopK(int k, float minScore = 0f, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (float.IsNaN(minScore)) throw new ArgumentException("minScore is NaN.", nameof(minScore));
        var counts = new int[Accounts];
        var idx = new int[(long)Accounts * k];
        var sc = new float[(long)Accounts * k];
        RunBlocks("tfidf-topk", (w, block) =>
        {
            for (int a = block * BlockRows, end = Math.Min(Accounts, a + BlockRows); a < end; a++)
                counts[a] = w.Row(a, minScore, k, null, (idx, sc));
        }, progress, cancellationToken);
        return NeighborLists.FromFixed(Accounts, k, counts, idx, sc);
    }

    private const int BlockRows = 256;
    private int BlockCount => (Accounts + BlockRows - 1) / BlockRows;

    private void RunBlocks(string stage, Action<Worker, int> body, IProgress<StageProgress>? progress, CancellationToken ct)
    {
        int blocks = BlockCount;
        if (blocks == 0) return;
        int next = -1, done = 0;
        int threads = Math.Clamp(_threads, 1, blocks);
        void Work()
        {
            var w = new Worker(this);
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

    /// <summary>Per-thread scratch: a dense accumulator over accounts (touched entries listed so clearing is
    /// proportional to the work), and a dense scatter of the current row over objects for exact rescoring.</summary>
    private sealed class Worker
    {
        private readonly SparseTfIdfCosine _m;
        private readonly double[] _acc;
        private readonly int[] _touched;
        private readonly double[] _scatter;
        private int[] _cursor = new int[64];
        private int[] _end = new int[64];
        private double[] _select = new double[64];
        private float[] _heapS = [];
        private int[] _heapJ = [];

        public Worker(SparseTfIdfCosine m)
        {
            _m = m;
            _acc = new double[m.Accounts];
            _touched = new int[m.Accounts];
            _scatter = new double[m.Objects];
        }

        /// <summary>Scores row a. Threshold mode (k = 0): pairs a &lt; b with score ≥ t into <paramref name="pairs"/>.
        /// Top-k mode: the best k with score ≥ t into the row's slots of <paramref name="top"/>; returns their count.</summary>
        /// <remarks>The threshold algorithm over impact-ordered postings: each of a's objects has a cursor; rounds scan
        /// every posting down to a falling level. R = Σ w_a,o * (weight at o's cursor) bounds what any account can still
        /// gain, so once R is below theta (the threshold, or the k-th best partial score, a lower bound of the k-th
        /// best final score because weights are non-negative) no unseen account can qualify, and a seen one only if
        /// its partial score plus R can; those few are rescored exactly.</remarks>
        public int Row(int a, float t, int k, PairBuffer? pairs, (int[] Idx, float[] Score)? top)
        {
            var m = _m;
            int rs = m._rowPtr[a], len = m._rowPtr[a + 1] - rs;
            if (len == 0) return 0;
            if (_cursor.Length < len) { _cursor = new int[len * 2]; _end = new int[len * 2]; }
            var cursor = _cursor.AsSpan(0, len);
            var end = _end.AsSpan(0, len);
            double level = 0;
            for (int q = 0; q < len; q++)
            {
                int o = m._col[rs + q];
                cursor[q] = m._colPtr[o];
                end[q] = m._colPtr[o + 1];
                level = Math.Max(level, (double)m._w[rs + q] * m._colW[cursor[q]]);
            }

            int touched = 0;
            bool topK = k > 0;
            double theta = t, rest, maxAcc = 0;
            int lastSelect = 0;
            while (true)
            {
                level *= 0.25;
                if (level < 1e-7) level = 0; // last round: everything left
                rest = 0;
                long remaining = 0;
                for (int q = 0; q < len; q++)
                {
                    double wa = m._w[rs + q];
                    int r = cursor[q], re = end[q];
                    for (; r < re; r++)
                    {
                        double c = wa * m._colW[r];
                        if (c <= level && level > 0) break;
                        int b = m._colRow[r];
                        if (b == a || (!topK && b < a)) continue;
                        // products of positive weights are positive, so a zero accumulator means "not seen yet"
                        double v = _acc[b];
                        if (v == 0) _touched[touched++] = b;
                        v += c;
                        _acc[b] = v;
                        if (v > maxAcc) maxAcc = v;
                    }
                    cursor[q] = r;
                    if (r < re)
                    {
                        rest += wa * m._colW[r];
                        remaining += re - r;
                    }
                }
                if (rest == 0) break;
                // selection and the stop test are O(touched): worth it only while the postings left are clearly
                // longer than that, and the selection only when it could stop the scan (theta ≤ the best partial)
                bool worthChecking = remaining > 2L * touched;
                if (topK && worthChecking && touched >= k && rest < maxAcc - Slack && touched >= lastSelect + (lastSelect >> 1))
                {
                    theta = Math.Max(t, KthLargest(touched, k));
                    lastSelect = touched;
                }
                if (!worthChecking) level = 0.25e-7; // finish in one more round
                else if (rest < theta - Slack)
                {
                    // no unseen account can reach theta; stop if rescoring the seen ones that still might is cheaper
                    // than scanning the rest of the postings (then the final selection needs only ~k rescorings)
                    long rescore = 0;
                    double cut = theta - Slack - rest;
                    for (int c = 0; c < touched; c++)
                    {
                        int b = _touched[c];
                        if (_acc[b] >= cut) rescore += m._rowPtr[b + 1] - m._rowPtr[b];
                    }
                    if (rescore <= remaining) break;
                    level = 0.25e-7; // next round scans everything
                }
            }
            if (topK && touched >= k) theta = Math.Max(t, KthLargest(touched, k));

            // rescore the survivors exactly, in canonical order, from a scatter of row a
            for (int p = rs; p < rs + len; p++) _scatter[m._col[p]] = m._w[p];
            int count = 0;
            Span<float> hs = default;
            Span<int> hj = default;
            if (topK)
            {
                if (_heapS.Length < k) { _heapS = new float[k]; _heapJ = new int[k]; }
                hs = _heapS.AsSpan(0, k);
                hj = _heapJ.AsSpan(0, k);
            }
            int kept = 0;
            for (int c = 0; c < touched; c++)
            {
                int b = _touched[c];
                bool survives = _acc[b] + rest >= theta - Slack;
                _acc[b] = 0;
                if (survives) _touched[kept++] = b;
            }
            // ascending b so threshold-mode pairs come out in order and rescoring walks memory forwards
            _touched.AsSpan(0, kept).Sort();
            for (int c = 0; c < kept; c++)
            {
                int b = _touched[c];
                double s = 0;
                for (int p = m._rowPtr[b], pe = m._rowPtr[b + 1]; p < pe; p++) s += _scatter[m._col[p]] * m._w[p];
                float score = (float)s;
                if (score < t || score <= 0) continue;
                if (topK) count = TopKHeap.Offer(hs, hj, count, k, score, b);
                else pairs!.Add(a, b, score);
            }
            for (int p = rs; p < rs + len; p++) _scatter[m._col[p]] = 0;
            if (topK && count > 0)
            {
                TopKHeap.SortBestFirst(hs, hj, count);
                hs[..count].CopyTo(top!.Value.Score.AsSpan(a * k, count));
                hj[..count].CopyTo(top!.Value.Idx.AsSpan(a * k, count));
            }
            return count;
        }

        /// <summary>The k-th largest partial score among touched accounts: a lower bound of the k-th best final score
        /// because all weights are non-negative.</summary>
        private double KthLargest(int touched, int k)
        {
            if (_select.Length < touched) _select = new double[Math.Max(touched, _select.Length * 2)];
            var v = _select.AsSpan(0, touched);
            for (int c = 0; c < touched; c++) v[c] = _acc[_touched[c]];
            int lo = 0, hi = touched - 1, target = k - 1;
            // quickselect for descending order, median-of-three pivot
            while (lo < hi)
            {
                int mid = lo + ((hi - lo) >> 1);
                double x = Median(v[lo], v[mid], v[hi]);
                int i = lo, j = hi;
                while (i <= j)
                {
                    while (v[i] > x) i++;
                    while (v[j] < x) j--;
                    if (i <= j) { (v[i], v[j]) = (v[j], v[i]); i++; j--; }
                }
                if (target <= j) hi = j;
                else if (target >= i) lo = i;
                else break;
            }
            return v[target];
        }

        private static double Median(double x, double y, double z) => Math.Max(Math.Min(x, y), Math.Min(Math.Max(x, y), z));
    }
}
