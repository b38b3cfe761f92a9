using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetDetect.Core.Data;
using NetDetect.Core.Diagnostics;

namespace NetDetect.Core.Network;

public static partial class CoShareBuilder
{
    // Row aggregation (Gustavson's row-by-row sparse product): every account's edges to higher accounts are gathered
    // from its own shares, in a small hash table of the row's partners, instead of pair records that are written,
    // sorted and reduced. For each share of account a, the object's shares within the window on either side are its
    // pairs; a pair whose other account is higher belongs to a's row (the row of the lower account, so every pair is
    // taken once). A row's partners get slots that accumulate the edge's weights as its pairs arrive, in a's share
    // order, which is (object, time) order: objects arrive in increasing order per partner, as the reduction of a
    // pair's sorted records sees them, so every sum (floating-point evidence included) is added in the same order and
    // each object's evidence example is its first pair in (earlier share, later share) position order, as emitted.
    // Two passes over the rows: the first counts each row's edges and evidence items, which places every row in the
    // network's columns, and writes the edges' partners there; the second accumulates the weights of those edges
    // only (pairs with other partners are skipped after one probe) and writes them in place. No record array, no partition
    // columns to join, every pair looked at twice (once from each of its shares), and row positions fixed by the
    // counts, so the result is the same for any thread count.

    /// <summary>Pairs per share from which the row aggregation is taken (see <see cref="UseRows"/>).</summary>
    internal const double RowsFromPairsPerShare = 6.0;

    /// <summary>
    /// Whether a build aggregates row by row. Both aggregations give the same network; which is faster follows the
    /// pairs per share. A row reaches its account's shares at random positions, twice (counting, gathering), where
    /// the pair records sweep the sorted shares in order: with few pairs a share the records take half the time
    /// (`... -- network 10000000 paths`: 1.0 against 1.8 s at 0.8 a share, 1.7 against 3.0 s at 1.7), from about 7
    /// a share the two are even (0.94 / 0.93 s at 6.7, 1.74 / 1.80 s at 8.1), and with the simulated operations'
    /// 32 a share (10M posts' retweets) the records' sorting and joining cost more than the rows' random reads. The
    /// rows hold no pair in memory, so they are taken from the even point on. The pair count is exact and depends
    /// on the data only. (A row's posts_a/posts_b entries, partner · side · post, take at most 63 bits.)
    /// </summary>
    private static bool UseRows(CoShareOptions options, long pairs, int shares) => options.Aggregation switch
    {
        CoShareAggregation.Rows => true,
        CoShareAggregation.PairRecords => false,
        _ => options.Partitions == 0 && options.PairGroups == 0 && options.ChunkShares == 0 && !options.SortRecords && !options.PartitionColumns
            && pairs >= RowsFromPairsPerShare * shares,
    };

    /// <summary>Shares per block of rows handed to a worker (blocks end at account boundaries; their number depends on the data only).</summary>
    private const int RowBlockShares = 1 << 13;

    /// <summary>Rows with more posts_a/posts_b entries than this sort them by radix, fewer by comparison (a radix sort's
    /// histograms cost more than the comparisons of a small row).</summary>
    private const int LargeRow = 4096;

    private static CoShareNetwork BuildRows(ShareTable shares, SortedShares sorted, int[]? chunks, double[] idf, bool[]? multi, bool[]? inPair,
        CoShareOptions options, ParallelOptions parallel, int threads)
    {
        int accounts = shares.AccountCount;
        int n = sorted.Count;
        var acc = sorted.Account;
        // each account's sorted shares, in sorted order
        var rowStart = new int[accounts + 1];
        foreach (int a in acc) rowStart[a + 1]++;
        for (int a = 0; a < accounts; a++) rowStart[a + 1] += rowStart[a];
        var rowShares = GC.AllocateUninitializedArray<int>(n);
        {
            var at = rowStart.AsSpan(0, accounts).ToArray();
            for (int i = 0; i < n; i++) rowShares[at[acc[i]]++] = i;
        }
        // the previous share on the same object: over the chunks the pair count made when it did (any object-aligned chunks do)
        var prev = options.CountPosts ? PreviousShares(sorted, chunks ?? Chunk(sorted), accounts, threads, parallel.CancellationToken) : null;
        // the sorted shares' columns side by side: a row reaches its shares at random positions, and each costs one
        // cache miss here instead of one per column
        var rowData = GC.AllocateUninitializedArray<RowShare>(n);
        // and the share times' range and coarsest quantum (the dataset's own resolution rule), for 32-bit time columns
        var timeMin = new long[threads];
        var timeMax = new long[threads];
        var quantum = new long[threads];
        Parallel.For(0, threads, parallel, part =>
        {
            int lo = (int)((long)n * part / threads), hi = (int)((long)n * (part + 1) / threads);
            var obj = sorted.Object;
            var time = sorted.Time;
            var post = sorted.Post;
            long min = long.MaxValue, max = long.MinValue;
            for (int i = lo; i < hi; i++)
            {
                int p = prev is null ? -1 : prev[i];
                long t = time[i];
                rowData[i] = new RowShare { Time = t, PrevTime = p < 0 ? long.MinValue : time[p], Object = obj[i], Account = acc[i], Post = post[i], Prev = p };
                if (t < min) min = t;
                if (t > max) max = t;
            }
            timeMin[part] = min;
            timeMax[part] = max;
            // an empty part says nothing of the quantum
            quantum[part] = hi > lo ? DatasetBuilder.ObservedResolution(time.AsSpan(lo, hi - lo)) : Time.MicrosPerMinute;
        });
        Lap.Mark("rows");
        var blocks = new List<int> { 0 };
        for (int a = 0; a < accounts; a++)
            if (rowStart[a + 1] - rowStart[blocks[^1]] >= RowBlockShares) blocks.Add(a + 1);
        if (blocks[^1] != accounts) blocks.Add(accounts);
        var ctx = new RowContext(rowData, idf, rowStart, rowShares, multi, inPair, options, accounts, shares.PostAccount.Length);
        var pool = new System.Collections.Concurrent.ConcurrentBag<RowWorker>();
        // pass 1: each row's edges and evidence items (written at a + 1 and summed into starts below), and its edges'
        // partners in order, kept per block until the columns are placed
        var edgeStart = new int[accounts + 1];
        var topStart = new int[accounts + 1];
        var blockPartners = new GrowArray<int>[blocks.Count - 1];
        Parallel.For(0, blocks.Count - 1, parallel,
            () => pool.TryTake(out var w) ? w : new RowWorker(ctx),
            (k, _, worker) =>
            {
                var partners = new GrowArray<int>(64);
                for (int a = blocks[k]; a < blocks[k + 1]; a++)
                    if (rowStart[a + 1] > rowStart[a]) (edgeStart[a + 1], topStart[a + 1]) = worker.Count(a, partners);
                blockPartners[k] = partners;
                return worker;
            },
            pool.Add);
        for (int a = 0; a < accounts; a++)
        {
            edgeStart[a + 1] = checked(edgeStart[a + 1] + edgeStart[a]);
            topStart[a + 1] = checked(topStart[a + 1] + topStart[a]);
        }
        Lap.Mark("rows: count");
        // the columns are the build's one large allocation: collect first what earlier layers and stages dropped, so
        // they reuse that memory instead of faulting in fresh pages beside it
        if ((long)edgeStart[accounts] * Columns.BytesPerEdge >= LargeArrays.ReclaimThreshold) LargeArrays.Reclaim();
        int maxPairs = 0;
        foreach (var worker in pool) maxPairs = Math.Max(maxPairs, worker.MaxEdgePairs);
        var (narrowQuantum, timeBase) = NarrowTimes(timeMin.Min(), timeMax.Max(), quantum.Min(), options.WindowMicros, maxPairs, n);
        bool narrowCounts = maxPairs <= Columns.MaxNarrowCount;
        var columns = new Columns(edgeStart[accounts], topStart[accounts], shares.PostTime is null, $"the {shares.Modality.Name()} layer's edges", narrowQuantum, timeBase, narrowCounts);
        if (Lap.Enabled) Lap.Mark($"rows: columns (edges' pairs at most {maxPairs:N0}, counts in {(narrowCounts ? 16 : 32)} bits, times {(narrowQuantum > 0 ? $"in 32 bits, {Data.Time.DescribeResolution(narrowQuantum)}" : "in 64 bits")})");
        Parallel.For(0, blocks.Count - 1, parallel, k =>
        {
            blockPartners[k].AsSpan().CopyTo(columns.B.AsSpan(edgeStart[blocks[k]]));
            blockPartners[k] = null!;
        });
        // pass 2: the edges' weights, gathered for the partners pass 1 found (the rest of a row's pairs are skipped)
        var selfLoops = new int[options.SelfLoops ? accounts : 0];
        Parallel.For(0, blocks.Count - 1, parallel,
            () => pool.TryTake(out var w) ? w : new RowWorker(ctx),
            (k, _, worker) =>
            {
                for (int a = blocks[k]; a < blocks[k + 1]; a++)
                    if (rowStart[a + 1] > rowStart[a] && (edgeStart[a + 1] > edgeStart[a] || options.SelfLoops))
                        worker.Fill(a, columns, edgeStart, topStart, selfLoops);
                return worker;
            },
            pool.Add);
        pool.Clear();
        Lap.Mark("rows: fill");
        return Network(shares, options, columns, selfLoops, inPair, idf);
    }

    /// <summary>
    /// The quantum (0: none) and base of 32-bit time columns for shares with times in [min, max], all multiples of
    /// <paramref name="quantum"/>: first and last times are counts of it from min, and a Δ sum of at most
    /// <paramref name="maxPairs"/> pairs of Δ ≤ window each is a count of it from 0; 64-bit where either could pass 2³² − 1.
    /// </summary>
    internal static (long Quantum, long Base) NarrowTimes(long min, long max, long quantum, long window, int maxPairs, int shares)
    {
        if (shares == 0) return (0, 0);
        // max − min as unsigned is exact for any two longs with max ≥ min
        ulong span = (ulong)(max - min) / (ulong)quantum;
        ulong perPair = (ulong)Math.Max(0, window) / (ulong)quantum;
        bool fits = span <= uint.MaxValue && (maxPairs == 0 || perPair <= uint.MaxValue / (ulong)maxPairs);
        return fits ? (quantum, min) : (0, 0);
    }

    /// <summary>A sorted share as the rows read it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct RowShare
    {
        public long Time;
        /// <summary>The time of <see cref="Prev"/> (long.MinValue when none).</summary>
        public long PrevTime;
        public int Object;
        public int Account;
        public int Post;
        /// <summary>The same account's previous share on the same object (sorted position), or −1; always −1 where posts are not counted.</summary>
        public int Prev;
    }

    private sealed class RowContext(RowShare[] shares, double[] idf, int[] rowStart, int[] rowShares, bool[]? multi, bool[]? inPair,
        CoShareOptions options, int accounts, int posts)
    {
        public readonly RowShare[] Shares = shares;
        public readonly double[] Idf = idf;
        public readonly int[] RowStart = rowStart;
        public readonly int[] RowShares = rowShares;
        public readonly bool[]? Multi = multi;
        public readonly bool[]? InPair = inPair;
        public readonly long Window = options.WindowMicros;
        public readonly int MinPairs = options.MinEdgePairs;
        public readonly int TopK = Math.Max(0, options.TopObjects);
        public readonly bool CountPosts = options.CountPosts;
        public readonly bool SelfLoops = options.SelfLoops;
        public readonly int Accounts = accounts;
        public readonly int PostBits = Math.Max(1, RadixSort.BitsFor((ulong)Math.Max(1, posts - 1)));
        public readonly int AccountBits = Math.Max(1, RadixSort.BitsFor((ulong)Math.Max(1, accounts - 1)));
    }

    /// <summary>One partner of the row being gathered: the edge's weights so far and the current object's example pair.
    /// 64 bytes: every pair updates its partner's slot, and a row with many partners keeps its slots in the
    /// second-level cache or beyond. (Aligning the slots to cache lines measured no difference.)</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct RowSlot
    {
        public long SumDelta;
        public long First;
        public long Last;
        public double Evidence;
        public int Partner;
        public int Pairs;
        /// <summary>The object whose pairs are arriving (−1 before the first).</summary>
        public int Object;
        /// <summary>Its first pair in emission order so far: the earlier and the later share's sorted positions.</summary>
        public int ExampleX;
        public int ExampleY;
        public int PostsA;
        public int PostsB;
        public int Objects;
    }

    /// <summary>One partner of the row being counted (pass 1): 16 bytes, four to a cache line.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct CountSlot
    {
        public int Partner;
        public int Pairs;
        public int Object;
        public int Objects;
    }

    private sealed class RowWorker
    {
        private readonly RowContext _c;
        // The row's partners by hash (open addressing, linear probing): slot + 1, 0 when free. A dense partner-to-slot
        // array over all accounts missed the cache on almost every pair (10 MB at 2.5M accounts); this table is sized
        // to the row and its probe reads the slot the pair updates next. Rows clear only the entries they used.
        private int[] _table = new int[1024];
        private int _shift = 32 - 10;
        // the slots, 64-byte aligned in a pinned array (see RowSlot); beside them what only offers touch
        private RowSlot[] _slots = new RowSlot[256];
        private int[] _topCount = new int[256];
        // pass 1's slots, and every slot's partner (either pass) for clearing and rehashing the table
        private CountSlot[] _counts = new CountSlot[256];
        private int[] _partner = new int[256];
        private SharedObjectEvidence[] _top;
        private double[] _topIdf;
        private ulong[] _order = new ulong[256];
        private ulong[] _scratch = [];
        private readonly GrowArray<ulong> _entries = new(64);
        private readonly GrowArray<int> _self = new(64);
        // slots whose partner co-shared the object of a's shares being gathered (Fill)
        private readonly GrowArray<int> _touched = new(64);
        private readonly int[] _digitCounts = new int[2048];
        private int _used;

        /// <summary>The most pairs of an edge pass 1 counted (for the width of the Δ sums).</summary>
        public int MaxEdgePairs;

        public RowWorker(RowContext c)
        {
            _c = c;
            _top = new SharedObjectEvidence[_slots.Length * Math.Max(1, c.TopK)];
            _topIdf = new double[_top.Length];
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private ref RowSlot At(int s) => ref _slots[s];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private uint Home(int b) => ((uint)b * 0x9E3779B1u) >> _shift;

        // The slot of partner b in the current row, or −1 with h at the free entry where it would go; counting: among
        // pass 1's slots, else among the gathering pass's (a constant at every call, so the test folds away)
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int Probe(int b, bool counting, out uint h)
        {
            var table = _table;
            uint mask = (uint)table.Length - 1;
            h = Home(b);
            while (true)
            {
                int e = table[h];
                if (e == 0) return -1;
                if ((counting ? _counts[e - 1].Partner : At(e - 1).Partner) == b) return e - 1;
                h = (h + 1) & mask;
            }
        }

        // The slot of partner b in the current row (a new one the first time)
        private int Slot(int b)
        {
            int s = Probe(b, counting: false, out uint h);
            return s >= 0 ? s : NewSlot(b, h);
        }

        // Pass 1's slot of partner b in the current row (a new one the first time)
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int CountSlotOf(int b)
        {
            int s = Probe(b, counting: true, out uint h);
            return s >= 0 ? s : NewCountSlot(b, h);
        }

        // The slot of partner b in the current row, −1 when it has none
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int Find(int b) => Probe(b, counting: false, out _);

        private int NewCountSlot(int b, uint h)
        {
            int s = _used++;
            if (s == _counts.Length) Array.Resize(ref _counts, s * 2);
            if (s == _partner.Length) Array.Resize(ref _partner, s * 2);
            _table[h] = s + 1;
            _counts[s] = new CountSlot { Partner = b, Object = -1 };
            _partner[s] = b;
            if (2 * _used > _table.Length) Grow();
            return s;
        }

        private int NewSlot(int b, uint h)
        {
            int s = _used++;
            if (s == _slots.Length)
            {
                Array.Resize(ref _slots, s * 2);
                Array.Resize(ref _topCount, _slots.Length);
                Array.Resize(ref _top, _slots.Length * Math.Max(1, _c.TopK));
                Array.Resize(ref _topIdf, _top.Length);
            }
            if (s >= _partner.Length) Array.Resize(ref _partner, Math.Max(s + 1, _partner.Length * 2));
            _partner[s] = b;
            _table[h] = s + 1;
            _topCount[s] = 0;
            ref var slot = ref At(s);
            slot = default;
            slot.Partner = b;
            slot.Object = -1;
            slot.First = long.MaxValue;
            slot.Last = long.MinValue;
            // at most half full
            if (2 * _used > _table.Length) Grow();
            return s;
        }

        private void Grow()
        {
            _table = new int[_table.Length * 2];
            _shift--;
            uint mask = (uint)_table.Length - 1;
            for (int s = 0; s < _used; s++)
            {
                uint h = Home(_partner[s]);
                while (_table[h] != 0) h = (h + 1) & mask;
                _table[h] = s + 1;
            }
        }

        private void EndRow()
        {
            // free the entries the row used: each slot's partner is found again from its home
            var table = _table;
            uint mask = (uint)table.Length - 1;
            if (_used > table.Length / 8) Array.Clear(table);
            else
                for (int s = 0; s < _used; s++)
                {
                    uint h = Home(_partner[s]);
                    while (table[h] != s + 1) h = (h + 1) & mask;
                    table[h] = 0;
                }
            _used = 0;
        }
        /// <summary>Row a's edges (partners with at least min pairs) and their evidence items (min(K, distinct objects) each);
        /// appends the edges' partners in order to <paramref name="partners"/>.</summary>
        public (int Edges, int Top) Count(int a, GrowArray<int> partners)
        {
            var sh = _c.Shares;
            var rowShares = _c.RowShares;
            long w = _c.Window;
            int n = sh.Length;
            for (int r = _c.RowStart[a], rEnd = _c.RowStart[a + 1]; r < rEnd; r++)
            {
                int i = rowShares[r];
                int o = sh[i].Object;
                long t = sh[i].Time;
                for (int j = i - 1; j >= 0 && sh[j].Object == o; j--)
                {
                    if (Reach(sh[j].Time, w) < t) break;
                    int b = sh[j].Account;
                    if (b > a) Touch(a, b, o);
                }
                long limit = Reach(t, w);
                for (int j = i + 1; j < n && sh[j].Object == o; j++)
                {
                    if (sh[j].Time > limit) break;
                    int b = sh[j].Account;
                    if (b > a) Touch(a, b, o);
                }
            }
            int edges = 0, top = 0;
            if (_order.Length < _used) _order = new ulong[Math.Max(_used, _order.Length * 2)];
            for (int s = 0; s < _used; s++)
            {
                ref var slot = ref _counts[s];
                if (slot.Pairs < _c.MinPairs) continue;
                if (slot.Pairs > MaxEdgePairs) MaxEdgePairs = slot.Pairs;
                _order[edges++] = (ulong)(uint)slot.Partner;
                top += Math.Min(_c.TopK, slot.Objects);
            }
            var order = _order.AsSpan(0, edges);
            SortPartners(order);
            var output = partners.Append(edges);
            for (int e = 0; e < edges; e++) output[e] = (int)order[e];
            EndRow();
            return (edges, top);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Touch(int a, int b, int o)
        {
            int s = CountSlotOf(b); // before reading the slots: a new one may move them
            ref var slot = ref _counts[s];
            if (slot.Pairs == int.MaxValue) throw new PairCountOverflow(a, b, (long)int.MaxValue + 1);
            slot.Pairs++;
            if (slot.Object != o)
            {
                slot.Object = o;
                slot.Objects++;
            }
        }

        private static long Reach(long t, long w) => t > long.MaxValue - w ? long.MaxValue : t + w;

        /// <summary>Gathers row a and writes its edges at edgeStart[a], their evidence at topStart[a].</summary>
        public void Fill(int a, Columns c, int[] edgeStart, int[] topStart, int[] selfLoops)
        {
            var sh = _c.Shares;
            var rowShares = _c.RowShares;
            long w = _c.Window;
            int n = sh.Length;
            bool self = _c.SelfLoops;
            bool flags = _c.CountPosts;
            _entries.Truncate(0);
            _self.Truncate(0);
            int k = Math.Max(1, _c.TopK);
            int e0 = edgeStart[a], m = edgeStart[a + 1] - e0;
            // the row's edges, found by pass 1, are its only slots: slot r is edge e0 + r (partners in order)
            foreach (int b in c.B.AsSpan(e0, m)) Slot(b);
            int current = -1;
            double idf = 0;
            for (int r = _c.RowStart[a], rEnd = _c.RowStart[a + 1]; r < rEnd; r++)
            {
                int i = rowShares[r];
                ref readonly var si = ref sh[i];
                int o = si.Object;
                long t = si.Time;
                if (o != current)
                {
                    // a's shares of the previous object are done, and with them that object's pairs with every partner:
                    // offer it while its example pairs are still in the cache
                    OfferTouched(a, k, idf);
                    current = o;
                    idf = _c.Idf[o];
                }
                int pi = si.Post;
                // a's previous share on the object and its time, for the first-witness flags (−1 where posts are not counted)
                int prevI = si.Prev;
                long prevITime = si.PrevTime;
                for (int j = i - 1; j >= 0 && sh[j].Object == o; j--)
                {
                    ref readonly var sj = ref sh[j];
                    long tj = sj.Time;
                    if (Reach(tj, w) < t) break;
                    int b = sj.Account;
                    if (b <= a) continue;
                    int s = Find(b);
                    if (s < 0) continue; // not an edge
                    // the pair (x = j, y = i): a's post is y's.
                    // (post i, b) first witnessed here: b's share before j is out of i's window
                    bool fa = flags && (sj.Prev < 0 || t - sj.PrevTime > w);
                    // (post j, a) first witnessed here: no share of a between j and i, none before j within w of j
                    bool fb = flags && prevI < j && (prevI < 0 || tj - prevITime > w);
                    Pair(a, s, o, idf, j, i, tj, t, pi, sj.Post, fa, fb);
                }
                long limit = Reach(t, w);
                for (int j = i + 1; j < n && sh[j].Object == o; j++)
                {
                    ref readonly var sj = ref sh[j];
                    long tj = sj.Time;
                    if (tj > limit) break;
                    int b = sj.Account;
                    if (b <= a)
                    {
                        if (b == a && self && sj.Post != pi)
                        {
                            _self.Add(pi);
                            _self.Add(sj.Post);
                        }
                        continue;
                    }
                    int s = Find(b);
                    if (s < 0) continue; // not an edge
                    // the pair (x = i, y = j): a's post is x's.
                    // (post i, b) first witnessed here: no share of b between i and j, none before i within w of i
                    bool fa = flags && sj.Prev < i && (sj.Prev < 0 || t - sj.PrevTime > w);
                    // (post j, a) first witnessed here: a's share before i is out of j's window
                    bool fb = flags && (prevI < 0 || tj - prevITime > w);
                    Pair(a, s, o, idf, i, j, t, tj, pi, sj.Post, fa, fb);
                }
            }
            OfferTouched(a, k, idf);
            if (_entries.Count > 0) CountEntries();
            if (self && _self.Count > 0)
            {
                var posts = _self.AsSpan();
                posts.Sort();
                int distinct = 0;
                for (int p = 0; p < posts.Length; p++) if (p == 0 || posts[p] != posts[p - 1]) distinct++;
                selfLoops[a] = distinct;
            }
            int tp = topStart[a];
            for (int sl = 0; sl < m; sl++)
            {
                ref var slot = ref At(sl);
                int e = e0 + sl;
                if (slot.Pairs < _c.MinPairs) throw new InvalidOperationException($"row {a}: partner {slot.Partner} counted as an edge, gathered {slot.Pairs} pairs");
                c.A[e] = a;
                if (c.Pairs16 is { } pairs16)
                {
                    // every count is at most the pairs, at most MaxNarrowCount here
                    pairs16[e] = (ushort)slot.Pairs;
                    c.Objects16![e] = (ushort)slot.Objects;
                    c.PostsA16![e] = (ushort)slot.PostsA;
                    c.PostsB16![e] = (ushort)slot.PostsB;
                }
                else
                {
                    c.Pairs[e] = slot.Pairs;
                    c.Objects[e] = slot.Objects;
                    c.PostsA[e] = slot.PostsA;
                    c.PostsB[e] = slot.PostsB;
                }
                c.Evidence[e] = slot.Evidence;
                if (c.FirstUnits is { } firstUnits)
                {
                    // exact: every time is a multiple of the quantum, and the base is one of them
                    long q = c.Quantum;
                    firstUnits[e] = (uint)TimeColumn.Units(slot.First - c.TimeBase, q);
                    c.LastUnits![e] = (uint)TimeColumn.Units(slot.Last - c.TimeBase, q);
                    c.SumDeltaUnits![e] = (uint)TimeColumn.Units(slot.SumDelta, q);
                }
                else
                {
                    c.SumDelta[e] = slot.SumDelta;
                    c.First[e] = slot.First;
                    c.Last[e] = slot.Last;
                }
                for (int q = 0, count = _topCount[sl]; q < count; q++, tp++)
                {
                    var item = _top[sl * k + q];
                    c.TopItems[tp] = new StoredEvidence(item.Object, item.PostA, item.PostB);
                    if (c.TopDelta is not null) c.TopDelta[tp] = item.DeltaMicros;
                }
                c.TopOffsets[e + 1] = tp;
            }
            if (tp != topStart[a + 1]) throw new InvalidOperationException($"row {a}: counted {topStart[a + 1] - topStart[a]} evidence items, gathered {tp - topStart[a]}");
            EndRow();
        }

        // Sorts partners (distinct): insertion for a few, else LSD radix on the partner's
        // 11-bit digits with the worker's own histograms (no allocation per row).
        private void SortPartners(Span<ulong> keys)
        {
            int m = keys.Length;
            if (m <= 32)
            {
                for (int i = 1; i < m; i++)
                {
                    ulong key = keys[i];
                    int j = i - 1;
                    while (j >= 0 && keys[j] > key) { keys[j + 1] = keys[j]; j--; }
                    keys[j + 1] = key;
                }
                return;
            }
            if (_scratch.Length < m) _scratch = new ulong[Math.Max(m, 2 * _scratch.Length)];
            var src = keys;
            var dst = _scratch.AsSpan(0, m);
            bool inScratch = false;
            var counts = _digitCounts;
            for (int shift = 0; shift < _c.AccountBits; shift += 11)
            {
                Array.Clear(counts);
                foreach (ulong key in src) counts[(int)(key >> shift) & 2047]++;
                int sum = 0;
                for (int d = 0; d < 2048; d++) { int c = counts[d]; counts[d] = sum; sum += c; }
                foreach (ulong key in src) dst[counts[(int)(key >> shift) & 2047]++] = key;
                var swap = src;
                src = dst;
                dst = swap;
                inScratch = !inScratch;
            }
            if (inScratch) src.CopyTo(keys);
        }

        // One co-share pair of row a: shares x < y (sorted positions, times tx <= ty) of object o, one of them a's (post
        // pa), the other b's (b > a, post pb); fa/fb: a's/b's post is matched by the other account for the first time.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Pair(int a, int s, int o, double idf, int x, int y, long tx, long ty, int pa, int pb, bool fa, bool fb)
        {
            ref var slot = ref At(s);
            int b = slot.Partner;
            if (slot.Pairs == int.MaxValue) throw new PairCountOverflow(a, b, (long)int.MaxValue + 1);
            slot.Pairs++;
            slot.SumDelta += ty - tx;
            if (tx < slot.First) slot.First = tx;
            if (ty > slot.Last) slot.Last = ty;
            if (slot.Object != o)
            {
                // the partner's first pair on this object
                slot.Object = o;
                slot.Objects++;
                slot.Evidence += idf;
                slot.ExampleX = x;
                slot.ExampleY = y;
                _touched.Add(s);
            }
            else if (x < slot.ExampleX || (x == slot.ExampleX && y < slot.ExampleY))
            {
                slot.ExampleX = x;
                slot.ExampleY = y;
            }
            if (fa)
            {
                if (_c.Multi is { } multi && multi[pa]) _entries.Add(((ulong)(uint)b << (_c.PostBits + 1)) | (uint)pa);
                else slot.PostsA++;
            }
            if (fb)
            {
                if (_c.Multi is { } multi && multi[pb]) _entries.Add(((ulong)(uint)b << (_c.PostBits + 1)) | (1UL << _c.PostBits) | (uint)pb);
                else slot.PostsB++;
            }
            if (_c.InPair is { } inPair)
            {
                inPair[pa] = true;
                inPair[pb] = true;
            }
        }

        // Offers the object just done (idf given) to the strongest K of every partner (edge) that co-shared it, while
        // its example pair is still in the cache.
        private void OfferTouched(int a, int k, double idf)
        {
            if (_touched.Count == 0) return;
            foreach (int s in _touched.AsSpan()) Offer(a, s, k, idf);
            _touched.Truncate(0);
        }

        // The slot's current object (idf given), complete, offered to its strongest K with its first pair as the example.
        private void Offer(int a, int s, int k, double idf)
        {
            ref var slot = ref At(s);
            if (_c.TopK == 0) return;
            int x = slot.ExampleX, y = slot.ExampleY;
            var sh = _c.Shares;
            bool aIsX = sh[x].Account == a;
            var item = new SharedObjectEvidence(slot.Object, sh[aIsX ? x : y].Post, sh[aIsX ? y : x].Post, sh[y].Time - sh[x].Time);
            _topCount[s] = OfferTop(_top.AsSpan(s * k, k), _topIdf.AsSpan(s * k, k), _topCount[s], _c.TopK, item, idf);
        }

        // posts_a/posts_b of posts with shares on several objects: each distinct (partner, side, post) entry of the row counts once.
        private void CountEntries()
        {
            var span = _entries.AsSpan();
            if (span.Length > LargeRow) RadixSort.SortKeys(span, _c.AccountBits + 1 + _c.PostBits, ref _scratch);
            else span.Sort();
            ulong previous = ulong.MaxValue;
            int postBits = _c.PostBits;
            foreach (ulong m in span)
            {
                if (m == previous) continue;
                previous = m;
                ref var slot = ref At(Find((int)(m >> (postBits + 1))));
                if (((m >> postBits) & 1) == 0) slot.PostsA++;
                else slot.PostsB++;
            }
        }
    }
}
