using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetDetect.Core.Data;

namespace NetDetect.Core.Kernels;

public sealed partial class SparseTfIdfCosine
{
    /// <summary>The top-k product's inverted index and scaled weights, built with the matrix.</summary>
    private readonly TopKIndex _topK;

    /// <summary>True when top-k defers exact rescoring to the end (screened scores bound the canonical ones from both
    /// sides); false for inputs with negative weights or extreme magnitudes, where each admitted candidate is rescored
    /// at once. Either way the result is the same; tests use this to cover both.</summary>
    internal bool DefersRescoring => _topK.Deferred;

    /// <summary>Each account's <paramref name="k"/> most similar accounts among those sharing a kept object, with
    /// cosine ≥ <paramref name="minScore"/>, best first (score descending, then account ascending).</summary>
    /// <remarks>The scores are the canonical ones (<see cref="Similarity"/>), bit for bit. Each unordered pair is
    /// screened once, by the worker that owns its lower account, with a float score and rigorous bounds on the canonical
    /// score (<see cref="Slack"/>), and offered to both accounts' lists, which all workers share (each behind its own
    /// lock). A list keeps the k best lower bounds, and every candidate whose upper bound still reaches the k-th of
    /// them; a candidate is only dropped when its upper bound is below what the list already guarantees, so it cannot
    /// be in the answer. At the end each account's kept candidates are rescored exactly and the best k taken under the
    /// total order, so the result is the same for any thread count and any order of work.</remarks>
    public NeighborLists TopK(int k, float minScore = 0f, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (float.IsNaN(minScore)) throw new ArgumentException("minScore is NaN.", nameof(minScore));
        if ((long)Accounts * k > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(k), $"{Accounts} x {k} neighbours do not fit one array.");
        // a pair sharing an object has a positive score, so the smallest positive float admits exactly those
        var lists = new SharedTopK(Accounts, k, MathF.Max(minScore, float.Epsilon));
        var workers = RunBlocks("tfidf-topk", () => new TopKWorker(this, lists, _path), (w, block) =>
            w.Rows(block * BlockRows, Math.Min(Accounts, (block + 1) * BlockRows)), progress, cancellationToken);
        var spill = Spill.ByRow(workers, Accounts);
        var score = new float[(long)Accounts * k];
        var index = new int[(long)Accounts * k];
        var count = new int[Accounts];
        RunBlocks("tfidf-topk-rescore", () => new Rescorer(this), (r, block) =>
            lists.Finish(r, spill, block * BlockRows, Math.Min(Accounts, (block + 1) * BlockRows), score, index, count),
            progress, cancellationToken);
        return NeighborLists.FromFixed(Accounts, k, count, index, score);
    }

    /// <summary>Smallest value the screening arithmetic is clamped to (the smallest normal float), so that a touched
    /// accumulator is never zero and nothing it adds is subnormal (a clamp only raises the upper bound).</summary>
    private const float Tiny = 1.17549435e-38f; // 2^-126

    /// <summary>Screened scores below this may have lost their relative accuracy to underflow (possible only for
    /// extreme inputs); such candidates are rescored at once.</summary>
    private const float Small = 8.6736174e-19f; // 2^-60

    /// <summary>The factor that turns a screened score s̃ into bounds s̃/g ≤ s ≤ s̃·g on the canonical score s, for a
    /// row with <paramref name="nnz"/> objects (+infinity, i.e. no information, where the bound would be loose).</summary>
    /// <remarks>For a pair sharing m ≤ nnz objects, let R = Σ |w_a,o|·|tf_b,o|·idf_o·inv_b in exact arithmetic over the
    /// double idf and inverse norm the weights were made from. The canonical s has w_b,o = tf·idf·inv in double rounded
    /// once to float, a double sum and one final rounding: |s| ≤ R·(1 + 2.01u), u = 2^-24, and s ≥ R·(1 - 2.01u) when
    /// no weight is negative. The screened s̃ is R computed in float: per term the rounded |w_a,o|·idf_o, tf and their
    /// product (3u), m - 1 additions of positive terms ((m - 1)u), the rounded inverse norm and the final product (2u);
    /// with every value a normal float, |s̃ - R| ≤ (m + 4.01)u·R. Hence s ≤ s̃·(1 + 2(m + 8)u) and
    /// s ≥ s̃·(1 - 2(m + 8)u) while (m + 8)u ≤ 1/4; g = 1 + 4(nnz + 16)u has twice that margin, which also covers
    /// the roundings of s̃·g and s̃/g (1/g ≤ 1 - 2(m + 8)u for g - 1 ≤ 1/2).</remarks>
    private static float Slack(int nnz) => nnz <= (1 << 19) - 16 ? 1f + (nnz + 16) * (1f / (1 << 22)) : float.PositiveInfinity;

    /// <summary>The inverted index of the top-k product, for screening in float: per object the accounts holding it,
    /// ascending, as bare 32-bit account numbers, and per CSR entry |w_a,o|·idf_o. Built with the weights
    /// (<see cref="Weigh"/>).</summary>
    /// <remarks>The weights factor as w_b,o = tf_b,o · idf_o · inv_b, so a row scales its entry once by idf and a
    /// list needs no weights: a pair's screened score is inv_b · Σ_o (|w_a,o|·idf_o) · |tf_b,o| and most entries have
    /// tf 1 (one share), so the hot loop adds one float per account read. An entry of more than one share (or a
    /// fractional count) is stored as (account | <see cref="Marked"/>) followed by its |tf|'s float bits, which drops it out of the fast loop's
    /// range test into a slower step. <see cref="End"/> (≥ any span end, &lt; Marked) closes every list.</remarks>
    private sealed class TopKIndex
    {
        public const uint Marked = 0x8000_0000, End = int.MaxValue;
        public const int Pad = 16;
        public readonly uint[] List;
        /// <summary>Per CSR entry: the list position just after that entry (and its tf slot), where the row's partners
        /// (later accounts) begin.</summary>
        public readonly int[] After;
        /// <summary>Per CSR entry: |w_a,o|·idf_o rounded to float, at least <see cref="Tiny"/>.</summary>
        public readonly float[] Scaled;
        /// <summary>Per account: the inverse norm rounded to float, at least Tiny; zero in the padding.</summary>
        public readonly float[] InvNorm;
        /// <summary>True when no weight is negative and every factor of the screened score is a float far from
        /// underflow and overflow (always so for counts of shares), so that s̃/g is a lower bound as well and exact
        /// rescoring can wait for the end; otherwise every candidate that passes screening is rescored at once.</summary>
        public readonly bool Deferred;

        public TopKIndex(uint[] list, int[] after, float[] scaled, float[] invNorm, bool deferred)
        {
            List = list;
            After = after;
            Scaled = scaled;
            InvNorm = invNorm;
            Deferred = deferred;
        }
    }

    /// <summary>One candidate list per account shared by all workers, each behind its own spin lock: a min-heap of the
    /// k best (lower bound, account) under the total order, each with its upper bound, and the level a candidate's
    /// upper bound must reach to matter.</summary>
    /// <remarks>Admit[a] is the floor until a's heap is full, then the larger of the floor and the heap's k-th best
    /// lower bound: k candidates are known to score at least that, so a candidate whose upper bound is below it cannot be
    /// in the answer. A candidate that reaches it but loses to the heap's k-th (or is pushed out by a better one) may
    /// still tie or beat it exactly, so it goes to the spill list, to be rescored at the end.</remarks>
    private sealed class SharedTopK
    {
        public readonly int K;
        public readonly float Floor;
        /// <summary>Row a's heap at a*K: a candidate's bounds and account side by side, so an offer touches few cache
        /// lines.</summary>
        private readonly Slot[] _slots;
        /// <summary>Per row the heap's size, with <see cref="Locked"/> set while a worker changes the heap.</summary>
        private readonly int[] _state;
        private const int Locked = int.MinValue;
        /// <summary>Only rises, so a stale read admits more, never less. +infinity in the padding, so vector reads past
        /// the end admit nothing.</summary>
        public readonly float[] Admit;

        private struct Slot
        {
            public float Lower, Upper;
            public int Index;
        }

        public SharedTopK(int rows, int k, float floor)
        {
            K = k;
            Floor = floor;
            _slots = new Slot[(long)rows * k];
            _state = new int[rows];
            Admit = new float[rows + TopKIndex.Pad];
            Admit.AsSpan(0, rows).Fill(floor);
            Admit.AsSpan(rows).Fill(float.PositiveInfinity);
        }

        /// <summary>Starts fetching row's size word and heap.</summary>
        public unsafe void Prefetch(int row)
        {
            if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
            fixed (int* state = &_state[row]) System.Runtime.Intrinsics.X86.Sse.Prefetch0(state);
            fixed (Slot* slot = &_slots[(long)row * K]) System.Runtime.Intrinsics.X86.Sse.Prefetch0(slot);
        }

        /// <summary>Offers neighbour j with canonical score in [lower, upper] to row's list.</summary>
        public void Offer(int row, int j, float lower, float upper, Spill spill)
        {
            ref int state = ref _state[row];
            int c = Volatile.Read(ref state);
            if (c < 0 || Interlocked.CompareExchange(ref state, c | Locked, c) != c)
            {
                var spin = new SpinWait();
                do
                {
                    spin.SpinOnce();
                    c = Volatile.Read(ref state);
                } while (c < 0 || Interlocked.CompareExchange(ref state, c | Locked, c) != c);
            }
            if (upper >= Admit[row])
            {
                int k = K;
                var h = _slots.AsSpan(row * k, k);
                if (c < k)
                {
                    // sift up from the end: the worst (root) rises to the top
                    int i = c++;
                    while (i > 0)
                    {
                        int parent = (i - 1) >> 1;
                        if (!TopKHeap.Better(h[parent].Lower, h[parent].Index, lower, j)) break;
                        h[i] = h[parent];
                        i = parent;
                    }
                    h[i] = new Slot { Lower = lower, Upper = upper, Index = j };
                    if (c == k) Volatile.Write(ref Admit[row], MathF.Max(Floor, h[0].Lower));
                }
                else if (TopKHeap.Better(lower, j, h[0].Lower, h[0].Index))
                {
                    var evicted = h[0];
                    int i = 0;
                    while (true)
                    {
                        int l = 2 * i + 1;
                        if (l >= k) break;
                        int r = l + 1;
                        int worse = r < k && TopKHeap.Better(h[l].Lower, h[l].Index, h[r].Lower, h[r].Index) ? r : l;
                        if (!TopKHeap.Better(lower, j, h[worse].Lower, h[worse].Index)) break;
                        h[i] = h[worse];
                        i = worse;
                    }
                    h[i] = new Slot { Lower = lower, Upper = upper, Index = j };
                    float admit = MathF.Max(Floor, h[0].Lower);
                    Volatile.Write(ref Admit[row], admit);
                    if (evicted.Upper >= admit) spill.Add(row, evicted.Index);
                }
                else spill.Add(row, j);
            }
            Volatile.Write(ref state, c);
        }

        /// <summary>Rescores the kept candidates of rows a0..a1-1 exactly and writes each row's best k (score ≥ the
        /// floor, score descending, then account ascending) to its slots of <paramref name="score"/> and
        /// <paramref name="index"/>.</summary>
        public void Finish(Rescorer rescorer, Spill.Rows spill, int a0, int a1, float[] score, int[] index, int[] count)
        {
            int k = K;
            var candidates = new List<int>(2 * k);
            for (int a = a0; a < a1; a++)
            {
                candidates.Clear();
                for (int e = a * k, ee = e + _state[a]; e < ee; e++) candidates.Add(_slots[e].Index);
                foreach (int j in spill.Of(a)) candidates.Add(j);
                if (candidates.Count == 0) continue;
                var s = score.AsSpan(a * k, k);
                var ix = index.AsSpan(a * k, k);
                int c = 0;
                rescorer.Use(a);
                for (int i = 0; i < candidates.Count; i++)
                {
                    if (i + 4 < candidates.Count) rescorer.Prefetch(candidates[i + 4]);
                    int j = candidates[i];
                    float exact = rescorer.Score(j);
                    if (exact >= Floor) c = TopKHeap.Offer(s, ix, c, k, exact, j);
                }
                TopKHeap.SortBestFirst(s, ix, c);
                count[a] = c;
            }
        }
    }

    /// <summary>Candidates set aside by one worker as (row, neighbour): they could not enter the row's heap but may tie
    /// or beat its k-th exactly.</summary>
    private sealed class Spill
    {
        private long[] _items = [];
        private int _count;

        public void Add(int row, int j)
        {
            if (_count == _items.Length) Array.Resize(ref _items, Math.Max(1024, 2 * _items.Length));
            _items[_count++] = ((long)row << 32) | (uint)j;
        }

        /// <summary>All workers' spills grouped by row.</summary>
        public static Rows ByRow(List<TopKWorker> workers, int rows)
        {
            var start = new int[rows + 1];
            foreach (var w in workers)
                for (int i = 0; i < w.Spill._count; i++) start[(int)(w.Spill._items[i] >> 32) + 1]++;
            for (int r = 0; r < rows; r++) start[r + 1] += start[r];
            var items = new int[start[rows]];
            var fill = start[..rows];
            foreach (var w in workers)
                for (int i = 0; i < w.Spill._count; i++)
                {
                    long x = w.Spill._items[i];
                    items[fill[(int)(x >> 32)]++] = (int)x;
                }
            return new Rows(start, items);
        }

        public sealed class Rows(int[] start, int[] items)
        {
            public ReadOnlySpan<int> Of(int row) => items.AsSpan(start[row], start[row + 1] - start[row]);
        }
    }

    /// <summary>Exact canonical scores of one account against others: that account's weights spread over the objects
    /// (zero elsewhere) and the set of its objects as bits, which stay in cache where the weights would not.</summary>
    /// <remarks>The score walks the other row in ascending object order, adding in double the products of the objects
    /// both hold: exactly the merge join of <see cref="Similarity"/>.</remarks>
    private sealed unsafe class Rescorer(SparseTfIdfCosine m)
    {
        private readonly float[] _aw = new float[m.Objects];
        private readonly ulong[] _bits = new ulong[(m.Objects >> 6) + 1];
        private int _row = -1;

        public void Use(int a)
        {
            if (_row == a) return;
            int[] rowPtr = m._rowPtr, col = m._col;
            if (_row >= 0)
                for (int p = rowPtr[_row]; p < rowPtr[_row + 1]; p++)
                {
                    _aw[col[p]] = 0;
                    _bits[col[p] >> 6] = 0;
                }
            for (int p = rowPtr[a]; p < rowPtr[a + 1]; p++)
            {
                _aw[col[p]] = m._w[p];
                _bits[col[p] >> 6] |= 1UL << col[p];
            }
            _row = a;
        }

        // called for about k candidates per account, in one burst at the end: no time to tier up
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public float Score(int b)
        {
            int[] col = m._col;
            float[] w = m._w, aw = _aw;
            ulong[] bits = _bits;
            double sum = 0;
            for (int q = m._rowPtr[b], q1 = m._rowPtr[b + 1]; q < q1; q++)
            {
                int o = col[q];
                if ((bits[o >> 6] & (1UL << o)) != 0) sum += (double)aw[o] * w[q];
            }
            return (float)sum;
        }

        /// <summary>Starts fetching row b, whose place in the matrix is unrelated to the current row's.</summary>
        public void Prefetch(int b)
        {
            if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || m._col.Length == 0) return;
            fixed (int* c = &m._col[0]) System.Runtime.Intrinsics.X86.Sse.Prefetch0(c + m._rowPtr[b]);
        }
    }

    /// <summary>Per-thread state of the top-k product (row-wise, Gustavson, upper triangle): a dense float accumulator
    /// over one span of accounts, per-entry cursors into the inverted index, the candidates that passed screening and
    /// the worker's spill list.</summary>
    /// <remarks>A block of rows is multiplied against the accounts span by span (<see cref="TfIdfOptions.AccumulatorSpan"/>
    /// accounts, so the accumulator stays in the core's own cache): row a walks its objects and, for each, the accounts of that object's list that
    /// are after a and inside the span, adding |w_a,o|·idf_o·|tf_b,o| into acc[b]. Each row's part of the span is then
    /// read back, densely over its touched range with SIMD compares or by walking its list segments again, and cleared
    /// as it is read. A candidate b is offered (<see cref="OfferHits"/>) only when its screened score acc[b]·inv_b
    /// times <see cref="Slack"/> reaches the lower of the two accounts' admission levels; below that the canonical score
    /// cannot be in either answer.</remarks>
    private sealed unsafe class TopKWorker
    {
        private const int Pad = TopKIndex.Pad;
        private readonly int _span;
        private readonly SparseTfIdfCosine _m;
        private readonly TopKIndex _ix;
        private readonly SharedTopK _lists;
        private readonly KernelPath _path;
        private readonly float[] _acc;
        private readonly RowMergeScratch _merge = new();
        /// <summary>Candidates of the current row and span that passed screening, with their screened scores.</summary>
        private readonly int[] _hits;
        private readonly float[] _hitScore;
        private int _hitCount;
        /// <summary>Exact scores for candidates whose screened score gives no lower bound (<see cref="TopKIndex.Deferred"/>
        /// false, or a screened score that may have underflowed), made on first use.</summary>
        private Rescorer? _rescorer;
        public readonly Spill Spill = new();

        public TopKWorker(SparseTfIdfCosine m, SharedTopK lists, KernelPath path)
        {
            _m = m;
            _ix = m._topK;
            _lists = lists;
            _path = path;
            _span = m.Options.AccumulatorSpan;
            int width = Math.Min(_span, m.Accounts) + Pad;
            _acc = new float[width];
            _hits = new int[width];
            _hitScore = new float[width];
        }

        /// <summary>Screens rows a0..a1-1 against every later account sharing an object and offers the pairs that may
        /// be in an answer, with bounds on their scores.</summary>
        // fully optimised from the first call: the loops are hot long before tiering would replace them
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Rows(int a0, int a1)
        {
            const uint Marked = TopKIndex.Marked;
            var m = _m;
            int nz0 = m._rowPtr[a0], nz1 = m._rowPtr[a1];
            if (nz0 == nz1) return;
            _merge.Ensure(nz1 - nz0);
            fixed (int* rowPtr = m._rowPtr, after = _ix.After)
            fixed (uint* list = _ix.List)
            fixed (float* scaled = _ix.Scaled, acc = _acc)
            fixed (int* cursor0 = _merge.Cursor, start0 = _merge.Start, next0 = _merge.Next)
            {
                // indexed by CSR entry: the list position of the entry's next account, that account (kept here so
                // that entries with nothing in a span cost no visit to the list), and where the span's segment began
                int* cursor = cursor0 - nz0, next = next0 - nz0, start = start0 - nz0;
                int firstAfter = int.MaxValue;
                for (int p = nz0; p < nz1; p++)
                {
                    cursor[p] = after[p];
                    next[p] = (int)(list[cursor[p]] & ~Marked);
                    firstAfter = Math.Min(firstAfter, next[p]);
                }
                int span = _span;
                for (int b0 = firstAfter == int.MaxValue ? m.Accounts : firstAfter / span * span; b0 < m.Accounts; b0 += span)
                {
                    int b1 = (int)Math.Min(m.Accounts, (long)b0 + span);
                    uint ub1 = (uint)b1;
                    float* accB = acc - b0; // indexed by account
                    for (int a = a0; a < a1; a++)
                    {
                        int rs = rowPtr[a], re = rowPtr[a + 1];
                        long adds = 0;
                        int lo = int.MaxValue, hi = -1;
                        for (int p = rs; p < re; p++)
                        {
                            int r = cursor[p];
                            start[p] = r;
                            // each segment starts somewhere else in the index: ask for the one a few entries ahead now
                            if (p + 4 < re && System.Runtime.Intrinsics.X86.Sse.IsSupported)
                                System.Runtime.Intrinsics.X86.Sse.Prefetch0(list + cursor[p + 4]);
                            if (next[p] >= b1) continue;
                            lo = Math.Min(lo, next[p]);
                            float c = scaled[p];
                            uint* q = list + r;
                            uint x = *q;
                            while (true)
                            {
                                // End and marked entries are ≥ any span end, so one compare bounds the fast loop
                                while (x < ub1)
                                {
                                    accB[x] += c;
                                    x = *++q;
                                }
                                if (x < Marked) break;
                                uint bm = x ^ Marked;
                                if (bm >= ub1) break;
                                accB[bm] += MathF.Max(c * BitConverter.UInt32BitsToSingle(q[1]), Tiny);
                                q += 2;
                                x = *q;
                            }
                            // the last account added: the entry before q, or the marked one before its tf slot (a tf
                            // slot holds a positive float, never Marked; q - 2 is at or after the row's own entry)
                            uint prev = q[-2];
                            hi = Math.Max(hi, (int)((prev & Marked) != 0 ? prev ^ Marked : q[-1]));
                            r = (int)(q - list);
                            adds += r - start[p];
                            cursor[p] = r;
                            next[p] = (int)(x & ~Marked);
                        }
                        if (hi < 0) continue;
                        float g = Slack(re - rs);
                        // a dense read costs about a sixteenth of an add per account of the range (vector loads,
                        // compares and clears from L1); walking the lists again costs about one add per add
                        _hitCount = 0;
                        if (adds * 8 >= hi - lo + 1) ReadDense(a, accB, lo, hi, g);
                        else
                        {
                            for (int p = rs; p < re; p++)
                                for (int r = start[p], r1 = cursor[p]; r < r1; r++)
                                {
                                    uint x = list[r];
                                    if (x >= Marked) { x ^= Marked; r++; }
                                    float v = accB[x];
                                    if (v == 0) continue; // already read through an earlier object
                                    accB[x] = 0;
                                    Screen(a, (int)x, v, g);
                                }
                        }
                        if (_hitCount > 0) OfferHits(a, g);
                    }
                }
            }
        }

        /// <summary>Reads back and clears acc[lo..hi] (accounts; and up to a vector past it, where acc is zero),
        /// rescoring and offering each candidate whose bound reaches an admission level.</summary>
        // fully optimised from the first call: the loops are hot long before tiering would replace them
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ReadDense(int a, float* acc, int lo, int hi, float g)
        {
            fixed (float* admit = _lists.Admit, inv = _ix.InvNorm)
            {
                float* lane = stackalloc float[16];
                // untouched lanes are zero: their bound is 0, below every admission level (≥ the floor > 0), and the
                // underflow escape needs acc > 0
                if (_path == KernelPath.Vector512)
                {
                    var gv = Vector512.Create(g);
                    var small = Vector512.Create(Small);
                    for (int b = lo; b <= hi; b += 16)
                    {
                        var v = Vector512.Load(acc + b);
                        Vector512<float>.Zero.Store(acc + b);
                        var s = v * Vector512.Load(inv + b);
                        var bar = Vector512.Min(Vector512.Load(admit + b), Vector512.Create(admit[a]));
                        var hit = Vector512.GreaterThanOrEqual(s * gv, bar)
                            | (Vector512.LessThan(s, small) & Vector512.GreaterThan(v, Vector512<float>.Zero));
                        if (hit == Vector512<float>.Zero) continue;
                        s.Store(lane);
                        for (ulong bits = hit.ExtractMostSignificantBits(); bits != 0; bits &= bits - 1)
                        {
                            int l = System.Numerics.BitOperations.TrailingZeroCount(bits);
                            _hits[_hitCount] = b + l;
                            _hitScore[_hitCount++] = lane[l];
                        }
                    }
                }
                else if (_path == KernelPath.Vector256)
                {
                    var gv = Vector256.Create(g);
                    var small = Vector256.Create(Small);
                    for (int b = lo; b <= hi; b += 8)
                    {
                        var v = Vector256.Load(acc + b);
                        Vector256<float>.Zero.Store(acc + b);
                        var s = v * Vector256.Load(inv + b);
                        var bar = Vector256.Min(Vector256.Load(admit + b), Vector256.Create(admit[a]));
                        var hit = Vector256.GreaterThanOrEqual(s * gv, bar)
                            | (Vector256.LessThan(s, small) & Vector256.GreaterThan(v, Vector256<float>.Zero));
                        if (hit == Vector256<float>.Zero) continue;
                        s.Store(lane);
                        for (uint bits = hit.ExtractMostSignificantBits(); bits != 0; bits &= bits - 1)
                        {
                            int l = System.Numerics.BitOperations.TrailingZeroCount(bits);
                            _hits[_hitCount] = b + l;
                            _hitScore[_hitCount++] = lane[l];
                        }
                    }
                }
                else
                {
                    for (int b = lo; b <= hi; b++)
                    {
                        float v = acc[b];
                        if (v == 0) continue;
                        acc[b] = 0;
                        Screen(a, b, v, g);
                    }
                }
            }
        }

        /// <summary>Keeps (a, b) if its screened accumulator v (&gt; 0) bounds a score that could be in an answer.</summary>
        private void Screen(int a, int b, float v, float g)
        {
            float s = v * _ix.InvNorm[b];
            if (s * g >= MathF.Min(_lists.Admit[a], _lists.Admit[b]) || s < Small)
            {
                _hits[_hitCount] = b;
                _hitScore[_hitCount++] = s;
            }
        }

        /// <summary>Offers row a's kept candidates to the lists of a (as neighbour b) and of b (as neighbour a) where
        /// their upper bounds reach the admission level: with the bounds s̃/g and s̃·g, or rescored at once where those do
        /// not hold.</summary>
        private void OfferHits(int a, float g)
        {
            var lists = _lists;
            const int Ahead = 4;
            for (int i = 0; i < Math.Min(_hitCount, Ahead); i++) lists.Prefetch(_hits[i]);
            for (int i = 0; i < _hitCount; i++)
            {
                // b's list is anywhere in memory: fetch the one a few candidates ahead while this one is offered
                if (i + Ahead < _hitCount) lists.Prefetch(_hits[i + Ahead]);
                int b = _hits[i];
                float s = _hitScore[i], lower, upper;
                if (_ix.Deferred && s >= Small)
                {
                    lower = s / g;
                    upper = s * g;
                }
                else
                {
                    var r = _rescorer ??= new Rescorer(_m);
                    r.Use(a);
                    lower = upper = r.Score(b);
                }
                if (upper >= lists.Admit[b]) lists.Offer(b, a, lower, upper, Spill);
                if (upper >= lists.Admit[a]) lists.Offer(a, b, lower, upper, Spill);
            }
            _hitCount = 0;
        }
    }
}
