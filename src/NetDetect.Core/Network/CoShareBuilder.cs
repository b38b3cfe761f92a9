using NetDetect.Core.Data;

namespace NetDetect.Core.Network;

/// <summary>
/// Builds the co-share network of one modality: sort shares by (object, time), sweep each object's run with a
/// sliding inclusive window, aggregate pairs per account pair (spec/semantics.md, "A co-share pair").
/// </summary>
/// <remarks>
/// Cost is the number of in-window pairs, never an object's all-pairs: a viral object with 100,000 sharers
/// spread over a day costs only the pairs that fall within the window. The sorted shares are cut at object
/// boundaries into a number of chunks that depends on the data only; threads take chunks. A chunk's sweep writes
/// 16-byte pair records (packed account pair, the two shares) into a bounded buffer; a full buffer is radix-sorted
/// by account pair and reduced run by run into partial edges, so memory is the partial edges plus one buffer per
/// thread, never a hash map of every pair or a set of every matched post. The partial edges of all chunks are
/// sorted once more by account pair and reduced in chunk order, so every number (floating-point sums included) is
/// identical for any thread count.
/// <para>
/// posts_a/posts_b need no set: a pair carries a flag for each side saying it is the first witness of "this post
/// was matched by the other account" inside its object (the other account's earliest share in the post's window,
/// found from each share's previous share by the same account). Counting flags counts distinct posts. Only posts
/// with shares on several objects (list modalities) can be matched again on another object; their flagged
/// matches are kept as (post, account) entries and made distinct by one sort at the end.
/// </para>
/// </remarks>
public static class CoShareBuilder
{
    /// <summary>Pair records a worker buffers before it sorts and reduces them (16 bytes each, twice for the sort).</summary>
    internal const int DefaultBatchPairs = 1 << 20;

    /// <summary>Shares per chunk (about; chunks end at object boundaries and their number depends on the data only).</summary>
    internal const int ChunkShares = 1 << 18;

    public static CoShareNetwork Build(ShareTable shares, CoShareOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckWindow(options.WindowMicros, shares.TimeResolutionMicros, options.ForceWindow);
        if (options.MinParticipation < 0) throw new ArgumentOutOfRangeException(nameof(options), "min participation must be >= 0");
        if (options.BatchPairs < 1) throw new ArgumentOutOfRangeException(nameof(options), "batch size must be >= 1");
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var __sw = System.Diagnostics.Stopwatch.StartNew();
        var __cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        void T(string what) { var c = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime; if (Environment.GetEnvironmentVariable("ND_TRACE") is not null) Console.Error.WriteLine($"  {what}: wall {__sw.Elapsed.TotalSeconds:F3} cpu {(c - __cpu).TotalSeconds:F3} gc2 {GC.CollectionCount(2)} gc0 {GC.CollectionCount(0)} alloc {GC.GetTotalAllocatedBytes() / 1e6:F0} MB"); __sw.Restart(); __cpu = c; }
        var active = ActiveAccounts(shares, options);
        progress?.Report(new StageProgress($"{shares.Modality.Name()}: sort", 0, 3));
        var sorted = ShareSorter.Sort(shares);
        T("sort");
        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new StageProgress($"{shares.Modality.Name()}: pairs", 1, 3));
        // n_o counts every account that shared the object, filtered or not; then the filtered accounts' shares go
        var idf = ObjectIdf(sorted, shares.ObjectCount, shares.AccountCount, threads, cancellationToken);
        if (active is not null) sorted = Filter(sorted, active);
        T("idf+filter");
        var chunks = Chunk(sorted);
        var multi = options.CountPosts ? MultiSharePosts(shares) : null;
        var inPair = options.KeepMatches ? new bool[shares.PostAccount.Length] : null;
        var results = new ChunkResult[chunks.Length - 1];
        var context = new SweepContext(sorted, idf, options, shares.AccountCount, multi, inPair);
        // Parallel.For calls localInit again for every replica it starts, so workers (and their grown buffers) are pooled
        var pool = new System.Collections.Concurrent.ConcurrentBag<Worker>();
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken },
            () => pool.TryTake(out var w) ? w : new Worker(context),
            (c, _, worker) =>
            {
                results[c] = worker.Run(chunks[c], chunks[c + 1]);
                return worker;
            },
            pool.Add);
        T("sweep+reduce");
        progress?.Report(new StageProgress($"{shares.Modality.Name()}: merge", 2, 3));
        var network = Merge(shares, options, results, inPair);
        T("merge");
        progress?.Report(new StageProgress($"{shares.Modality.Name()}: done", 3, 3));
        return network;
    }

    /// <summary>Refuses a window finer than the data's timestamp resolution (a zero window, "same stored time", is allowed).</summary>
    public static void CheckWindow(long windowMicros, long resolutionMicros, bool force)
    {
        if (windowMicros < 0) throw new ArgumentOutOfRangeException(nameof(windowMicros), "the time window must not be negative");
        if (!force && windowMicros > 0 && windowMicros < resolutionMicros)
            throw new WindowTooFineException(
                $"time window {DescribeWindow(windowMicros)} is finer than the data's timestamp resolution ({Time.DescribeResolution(resolutionMicros)}): "
                + $"every Δ is a multiple of {Time.DescribeResolution(resolutionMicros)}, so this window behaves like a zero window. "
                + $"Use a window of at least {Time.DescribeResolution(resolutionMicros)}, or force it.");
    }

    internal static string DescribeWindow(long micros) =>
        micros % Time.MicrosPerSecond == 0 ? $"{micros / Time.MicrosPerSecond} s" : $"{micros / (double)Time.MicrosPerSecond:0.######} s";

    // Accounts meeting min participation; null when nobody is filtered.
    private static bool[]? ActiveAccounts(ShareTable shares, CoShareOptions options)
    {
        if (options.MinParticipation <= 1) return null;
        var count = new int[shares.AccountCount];
        var acc = shares.Account;
        if (options.Participation == ParticipationCount.ShareRows)
        {
            foreach (int a in acc) count[a]++;
        }
        else
        {
            // shares of one post are contiguous, so a change of post is a new distinct post
            var post = shares.Post;
            for (int i = 0; i < acc.Length; i++)
                if (i == 0 || post[i] != post[i - 1]) count[acc[i]]++;
        }
        var active = new bool[shares.AccountCount];
        for (int a = 0; a < active.Length; a++) active[a] = count[a] >= options.MinParticipation;
        return active;
    }

    // idf = ln N − ln n_o of every object with at least two shares, n_o its distinct accounts (objects are
    // disjoint between chunks, so the workers write disjoint entries).
    private static double[] ObjectIdf(SortedShares sorted, int objectCount, int accountCount, int threads, CancellationToken cancellationToken)
    {
        var idf = new double[objectCount];
        var chunks = Chunk(sorted);
        var obj = sorted.Object;
        var acc = sorted.Account;
        double logN = Math.Log(accountCount);
        Parallel.For(0, chunks.Length - 1, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken },
            () => new int[accountCount],
            (c, _, mark) =>
            {
                int i = chunks[c], end = chunks[c + 1];
                while (i < end)
                {
                    int o = obj[i];
                    int j = i + 1;
                    while (j < end && obj[j] == o) j++;
                    if (j - i >= 2)
                    {
                        int stamp = o + 1, distinct = 0;
                        for (int k = i; k < j; k++)
                        {
                            if (mark[acc[k]] != stamp) { mark[acc[k]] = stamp; distinct++; }
                        }
                        idf[o] = logN - Math.Log(distinct);
                    }
                    i = j;
                }
                return mark;
            },
            _ => { });
        return idf;
    }

    // The sorted shares of active accounts only (order kept).
    private static SortedShares Filter(SortedShares s, bool[] active)
    {
        int m = 0;
        var acc = s.Account;
        for (int i = 0; i < acc.Length; i++) if (active[acc[i]]) m++;
        var o = new int[m];
        var t = new long[m];
        var a = new int[m];
        var p = new int[m];
        var order = new int[m];
        m = 0;
        for (int i = 0; i < acc.Length; i++)
        {
            if (!active[acc[i]]) continue;
            o[m] = s.Object[i];
            t[m] = s.Time[i];
            a[m] = acc[i];
            p[m] = s.Post[i];
            order[m] = s.Order[i];
            m++;
        }
        return new SortedShares { Object = o, Time = t, Account = a, Post = p, Order = order };
    }

    // Posts with shares on several objects (list modalities); null when there is none (repost, reply, text):
    // then every (post, other account) match lies in one object and its first-witness flag counts it exactly once.
    private static bool[]? MultiSharePosts(ShareTable shares)
    {
        var post = shares.Post;
        bool[]? multi = null;
        for (int i = 1; i < post.Length; i++)
        {
            if (post[i] != post[i - 1]) continue;
            multi ??= new bool[shares.PostAccount.Length];
            multi[post[i]] = true;
        }
        return multi;
    }

    // Chunk boundaries at object starts; the count depends on the data size only.
    private static int[] Chunk(SortedShares sorted)
    {
        int n = sorted.Count;
        // large chunks: an account pair met twice inside one chunk is one partial edge, not two
        int target = Math.Clamp(n / ChunkShares, 1, 64);
        var bounds = new List<int> { 0 };
        var obj = sorted.Object;
        for (int c = 1; c < target; c++)
        {
            int i = (int)((long)n * c / target);
            if (i <= bounds[^1]) continue;
            while (i < n && obj[i] == obj[i - 1]) i++;
            if (i < n && i > bounds[^1]) bounds.Add(i);
        }
        bounds.Add(n);
        return bounds.ToArray();
    }

    /// <summary>Everything a worker reads; shared by all workers, never written except the idempotent in-pair marks.</summary>
    private sealed class SweepContext(SortedShares sorted, double[] idf, CoShareOptions options, int accountCount, bool[]? multi, bool[]? inPair)
    {
        public readonly SortedShares Sorted = sorted;
        public readonly double[] Idf = idf;
        public readonly CoShareOptions Options = options;
        public readonly int AccountCount = accountCount;
        public readonly int AccountBits = Math.Max(1, RadixSort.BitsFor((ulong)Math.Max(1, accountCount - 1)));
        public readonly bool[]? Multi = multi;
        /// <summary>Posts on some pair (CooRTweet's refinement); every writer writes true, so the result does not depend on timing.</summary>
        public readonly bool[]? InPair = inPair;
    }

    /// <summary>One account pair's totals over one sorted batch of pair records.</summary>
    internal struct PartialEdge
    {
        public ulong Key;
        public long SumDelta;
        public long First;
        public long Last;
        /// <summary>Σ idf over the batch's objects, in object order.</summary>
        public double Evidence;
        /// <summary>The same sum without the first object, for when an earlier batch already counted that object.</summary>
        public double Rest;
        public int Pairs;
        public int Objects;
        public int FirstObject;
        public int LastObject;
        public int PostsA;
        public int PostsB;
        public int TopStart;
        public int TopCount;
    }

    private sealed class ChunkResult(PartialEdge[] edges, int[] batchEnds, SharedObjectEvidence[] top, GrowArray<ulong>? entries, GrowArray<int>? selfPosts)
    {
        /// <summary>Partial edges, sorted by key inside each batch.</summary>
        public readonly PartialEdge[] Edges = edges;
        /// <summary>End of each batch's run in <see cref="Edges"/>.</summary>
        public readonly int[] BatchEnds = batchEnds;
        public readonly SharedObjectEvidence[] Top = top;
        /// <summary>(post + 1) &lt;&lt; 32 | other account: first witnesses inside an object for posts with shares on several objects.</summary>
        public readonly GrowArray<ulong>? Entries = entries;
        /// <summary>Posts matched by another post of their own account (self-loops), possibly repeated.</summary>
        public readonly GrowArray<int>? SelfPosts = selfPosts;
    }

    // Flags in the two top key bits (account pairs use at most 62): the low account's post is matched for the first
    // time in its object by this pair / the high account's post is.
    private const ulong FlagA = 1UL << 62;
    private const ulong FlagB = 1UL << 63;

    private sealed class Worker(SweepContext ctx)
    {
        private readonly int[] _lastObject = new int[ctx.AccountCount];
        private readonly int[] _lastPos = new int[ctx.AccountCount];
        private int[] _prev = new int[64];
        private ulong[] _keys = new ulong[Math.Min(1024, ctx.Options.BatchPairs)];
        private ulong[] _pay = new ulong[Math.Min(1024, ctx.Options.BatchPairs)];
        private ulong[] _scratchKeys = new ulong[Math.Min(1024, ctx.Options.BatchPairs)];
        private ulong[] _scratchPay = new ulong[Math.Min(1024, ctx.Options.BatchPairs)];
        private int _n;
        private readonly SharedObjectEvidence[] _top = new SharedObjectEvidence[Math.Max(1, ctx.Options.TopObjects)];
        // reused from chunk to chunk; each chunk's result is an exact copy (fresh memory costs page faults)
        private readonly List<PartialEdge> _edges = new(1024);
        private readonly List<int> _batchEnds = new(4);
        private readonly List<SharedObjectEvidence> _topItems = new(1024);
        private GrowArray<ulong>? _entries;
        private GrowArray<int>? _self;

        public ChunkResult Run(int start, int end)
        {
            var s = ctx.Sorted;
            var options = ctx.Options;
            _edges.Clear();
            _batchEnds.Clear();
            _topItems.Clear();
            _entries = ctx.Multi is null ? null : new GrowArray<ulong>(64);
            _self = options.SelfLoops ? new GrowArray<int>(64) : null;
            _lastObject.AsSpan().Fill(-1);
            if (_prev.Length < end - start) _prev = new int[Math.Max(end - start, _prev.Length * 2)];
            var obj = s.Object;
            var acc = s.Account;
            // previous share of the same account on the same object (or −1), by position in the sorted shares
            for (int i = start; i < end; i++)
            {
                int a = acc[i];
                _prev[i - start] = _lastObject[a] == obj[i] ? _lastPos[a] : -1;
                _lastObject[a] = obj[i];
                _lastPos[a] = i;
            }
            int x0 = start;
            while (x0 < end)
            {
                int o = obj[x0];
                int j = x0 + 1;
                while (j < end && obj[j] == o) j++;
                if (j - x0 >= 2) Sweep(x0, j, start);
                x0 = j;
            }
            Flush();
            return new ChunkResult(_edges.ToArray(), _batchEnds.ToArray(), _topItems.ToArray(), _entries, _self);
        }

        // The sliding inclusive window over one object's run sorted by time: for each share, the later shares with
        // t − t_x <= w. The same account is never a pair (a self-loop at most); the same post is always the same account.
        private void Sweep(int start, int end, int chunkStart)
        {
            var time = ctx.Sorted.Time;
            var acc = ctx.Sorted.Account;
            var post = ctx.Sorted.Post;
            var prev = _prev;
            long w = ctx.Options.WindowMicros;
            bool flags = ctx.Options.CountPosts;
            bool selfLoops = ctx.Options.SelfLoops;
            int shift = ctx.AccountBits;
            for (int x = start; x < end - 1; x++)
            {
                long tx = time[x];
                long limit = tx > long.MaxValue - w ? long.MaxValue : tx + w;
                int ax = acc[x];
                int prevX = prev[x - chunkStart];
                // the earliest share of ax in a later share's window is x unless ax's previous share is in it too
                long prevXTime = prevX < 0 ? long.MinValue : time[prevX];
                for (int y = x + 1; y < end; y++)
                {
                    long ty = time[y];
                    if (ty > limit) break;
                    int ay = acc[y];
                    if (ay == ax)
                    {
                        if (selfLoops && post[y] != post[x])
                        {
                            _self!.Add(post[x]);
                            _self.Add(post[y]);
                        }
                        continue;
                    }
                    ulong fx = 0, fy = 0;
                    if (flags)
                    {
                        // (post x, ay) first witnessed here: no ay share between x and y, none before x within w of x
                        int prevY = prev[y - chunkStart];
                        if (prevY < x && (prevY < 0 || tx - time[prevY] > w)) fx = 1;
                        // (post y, ax) first witnessed here: ax's share before x is out of y's window
                        if (prevX < 0 || ty - prevXTime > w) fy = 1;
                    }
                    if (_n == _keys.Length) Grow();
                    if (ax < ay)
                    {
                        _keys[_n] = ((ulong)(uint)ax << shift) | (uint)ay | (fx << 62) | (fy << 63);
                        _pay[_n] = ((ulong)(uint)x << 32) | (uint)y;
                    }
                    else
                    {
                        _keys[_n] = ((ulong)(uint)ay << shift) | (uint)ax | (fy << 62) | (fx << 63);
                        _pay[_n] = ((ulong)(uint)y << 32) | (uint)x;
                    }
                    _n++;
                }
            }
        }

        // A full buffer doubles up to the batch size; at the batch size it is sorted and reduced instead.
        private void Grow()
        {
            int batch = ctx.Options.BatchPairs;
            if (_keys.Length >= batch)
            {
                Flush();
                return;
            }
            int cap = (int)Math.Min(batch, _keys.Length * 2L);
            Array.Resize(ref _keys, cap);
            Array.Resize(ref _pay, cap);
            _scratchKeys = new ulong[cap];
            _scratchPay = new ulong[cap];
        }

        // Sorts the buffered records by account pair (stable: emission order, hence object order, inside a pair)
        // and reduces each pair's run to one partial edge.
        private void Flush()
        {
            int n = _n;
            _n = 0;
            if (n == 0) return;
            int shift = ctx.AccountBits;
            if (_scratchKeys.Length < n)
            {
                _scratchKeys = new ulong[_keys.Length];
                _scratchPay = new ulong[_keys.Length];
            }
            RadixSort.SortRecords(_keys, _pay, n, 2 * shift, _scratchKeys, _scratchPay);
            var s = ctx.Sorted;
            var time = s.Time;
            var obj = s.Object;
            var post = s.Post;
            var idf = ctx.Idf;
            var multi = ctx.Multi;
            var inPair = ctx.InPair;
            int topK = ctx.Options.TopObjects;
            ulong pairMask = (1UL << (2 * shift)) - 1;
            ulong lowMask = (1UL << shift) - 1;
            int i = 0;
            while (i < n)
            {
                ulong key = _keys[i] & pairMask;
                int lo = (int)(key >> shift), hi = (int)(key & lowMask);
                var e = new PartialEdge { Key = key, First = long.MaxValue, Last = long.MinValue, FirstObject = -1, LastObject = -1 };
                int topCount = 0;
                for (; i < n && (_keys[i] & pairMask) == key; i++)
                {
                    ulong k = _keys[i];
                    ulong p = _pay[i];
                    int sa = (int)(p >> 32), sb = (int)(uint)p;
                    long ta = time[sa], tb = time[sb];
                    long d = ta > tb ? ta - tb : tb - ta;
                    e.Pairs++;
                    e.SumDelta += d;
                    long first = Math.Min(ta, tb), last = Math.Max(ta, tb);
                    if (first < e.First) e.First = first;
                    if (last > e.Last) e.Last = last;
                    int o = obj[sa];
                    if (o != e.LastObject)
                    {
                        double v = idf[o];
                        if (e.Objects == 0) e.FirstObject = o;
                        else e.Rest += v;
                        e.Evidence += v;
                        e.Objects++;
                        e.LastObject = o;
                        if (topK > 0) topCount = OfferTop(topCount, topK, new SharedObjectEvidence(o, post[sa], post[sb], d, v));
                    }
                    if ((k & FlagA) != 0)
                    {
                        int pa = post[sa];
                        if (multi is not null && multi[pa]) _entries!.Add(((ulong)(uint)(pa + 1) << 32) | (uint)hi);
                        else e.PostsA++;
                    }
                    if ((k & FlagB) != 0)
                    {
                        int pb = post[sb];
                        if (multi is not null && multi[pb]) _entries!.Add(((ulong)(uint)(pb + 1) << 32) | (uint)lo);
                        else e.PostsB++;
                    }
                    if (inPair is not null)
                    {
                        inPair[post[sa]] = true;
                        inPair[post[sb]] = true;
                    }
                }
                e.TopStart = _topItems.Count;
                e.TopCount = topCount;
                for (int t = 0; t < topCount; t++) _topItems.Add(_top[t]);
                _edges.Add(e);
            }
            _batchEnds.Add(_edges.Count);
        }

        // Keeps the K objects of highest idf, strongest first; an equal idf keeps the earlier (smaller) object id.
        private int OfferTop(int count, int k, SharedObjectEvidence item)
        {
            if (count == k && !(item.Idf > _top[k - 1].Idf)) return count;
            int at = count < k ? count : k - 1;
            while (at > 0 && item.Idf > _top[at - 1].Idf)
            {
                _top[at] = _top[at - 1];
                at--;
            }
            _top[at] = item;
            return count < k ? count + 1 : count;
        }
    }

    private static CoShareNetwork Merge(ShareTable shares, CoShareOptions options, ChunkResult[] results, bool[]? inPair)
    {
        // Every batch's partial edges are sorted by account pair: a k-way merge (ties in chunk and batch order) reads
        // each batch front to back, so partials are added in the same order whatever the thread count, and memory
        // is read in streams rather than at random (a random read of a partial costs a TLB miss).
        var runs = new List<(ChunkResult Result, int Start, int End)>();
        long total = 0, topBound = 0;
        foreach (var r in results)
        {
            int at = 0;
            foreach (int end in r.BatchEnds)
            {
                if (end > at) runs.Add((r, at, end));
                at = end;
            }
            total += r.Edges.Length;
            topBound += r.Top.Length;
        }
        int accountBits = Math.Max(1, RadixSort.BitsFor((ulong)Math.Max(1, shares.AccountCount - 1)));
        // pass 1 reads only the keys: the exact edge count, so the columns are allocated once at their size
        var heap = new RunHeap(runs.Count);
        var position = new int[runs.Count];
        for (int q = 0; q < runs.Count; q++)
        {
            position[q] = runs[q].Start;
            heap.Push(runs[q].Result.Edges[runs[q].Start].Key, q);
        }
        int cap = 0, topRun = 0;
        long topExact = 0;
        ulong currentKey = ulong.MaxValue;
        int k = Math.Max(0, options.TopObjects);
        while (heap.Count > 0)
        {
            int q = heap.TopRun;
            var run = runs[q];
            ref readonly var p = ref run.Result.Edges[position[q]];
            if (++position[q] < run.End) heap.ReplaceTop(run.Result.Edges[position[q]].Key, q);
            else heap.Pop();
            if (p.Key != currentKey)
            {
                if (cap > 0) topExact += Math.Min(k, topRun);
                cap++;
                currentKey = p.Key;
                topRun = 0;
            }
            topRun += p.TopCount;
        }
        if (cap > 0) topExact += Math.Min(k, topRun);
        if (Environment.GetEnvironmentVariable("ND_TRACE") is not null) Console.Error.WriteLine($"  partials {total}, runs {runs.Count}, edges {cap}, top {topBound}/{topExact}");
        var a = new int[cap];
        var b = new int[cap];
        var pairs = new long[cap];
        var objects = new int[cap];
        var sumDelta = new long[cap];
        var evidence = new double[cap];
        var first = new long[cap];
        var last = new long[cap];
        var postsA = new int[cap];
        var postsB = new int[cap];
        var topOffsets = new int[cap + 1];
        // exact unless an object cut across batches sits in two partial lists
        var topItems = new SharedObjectEvidence[(int)Math.Min(topBound, topExact)];
        int topAt = 0;
        var topList = new List<(SharedObjectEvidence Item, int Seq)>();
        ulong lowMask = (1UL << accountBits) - 1;

        for (int q = 0; q < runs.Count; q++)
        {
            position[q] = runs[q].Start;
            heap.Push(runs[q].Result.Edges[runs[q].Start].Key, q);
        }
        int e = -1, lastObject = -1, parts = 0;
        currentKey = ulong.MaxValue;
        while (heap.Count > 0)
        {
            int q = heap.TopRun;
            var run = runs[q];
            ref readonly var p = ref run.Result.Edges[position[q]];
            if (++position[q] < run.End) heap.ReplaceTop(run.Result.Edges[position[q]].Key, q);
            else heap.Pop();
            if (p.Key != currentKey)
            {
                if (e >= 0) topAt = FinishTop(topList, parts, options.TopObjects, topItems, topAt, ref topOffsets[e + 1]);
                e++;
                currentKey = p.Key;
                a[e] = (int)(p.Key >> accountBits);
                b[e] = (int)(p.Key & lowMask);
                first[e] = long.MaxValue;
                last[e] = long.MinValue;
                lastObject = -1;
                parts = 0;
                topList.Clear();
            }
            pairs[e] += p.Pairs;
            sumDelta[e] += p.SumDelta;
            postsA[e] += p.PostsA;
            postsB[e] += p.PostsB;
            first[e] = Math.Min(first[e], p.First);
            last[e] = Math.Max(last[e], p.Last);
            // an object cut across two batches was counted in both: the later batch adds all but its first object
            if (p.FirstObject == lastObject)
            {
                objects[e] += p.Objects - 1;
                evidence[e] += p.Rest;
            }
            else
            {
                objects[e] += p.Objects;
                evidence[e] += p.Evidence;
            }
            lastObject = p.LastObject;
            var top = run.Result.Top;
            for (int t = 0; t < p.TopCount; t++) topList.Add((top[p.TopStart + t], topList.Count));
            parts++;
        }
        if (e >= 0) topAt = FinishTop(topList, parts, options.TopObjects, topItems, topAt, ref topOffsets[e + 1]);
        if (topAt < topItems.Length) Array.Resize(ref topItems, topAt);

        // posts_a/posts_b of posts with shares on several objects: distinct (post, other account) entries
        var entries = MergeEntries(shares, results);
        if (entries.Length > 0)
        {
            var index = new EdgeIndex(a, b);
            var postAccount = shares.PostAccount;
            foreach (ulong m in entries)
            {
                int p = (int)(m >> 32) - 1;
                int other = (int)(m & 0xFFFFFFFFUL);
                int owner = postAccount[p];
                if (owner < other) postsA[index.Find(owner, other)]++;
                else postsB[index.Find(other, owner)]++;
            }
        }

        var selfLoops = new int[options.SelfLoops ? shares.AccountCount : 0];
        if (options.SelfLoops)
        {
            var seen = new bool[shares.PostAccount.Length];
            foreach (var r in results)
                foreach (int p in r.SelfPosts!.AsSpan())
                {
                    if (seen[p]) continue;
                    seen[p] = true;
                    selfLoops[shares.PostAccount[p]]++;
                }
        }
        return new CoShareNetwork
        {
            Modality = shares.Modality,
            Options = options,
            Shares = shares,
            AccountA = a,
            AccountB = b,
            Pairs = pairs,
            Objects = objects,
            PostsA = postsA,
            PostsB = postsB,
            SumDeltaMicros = sumDelta,
            Evidence = evidence,
            FirstTime = first,
            LastTime = last,
            TopOffsets = topOffsets,
            TopItems = topItems,
            SelfLoopPosts = selfLoops,
            PostInPair = inPair,
        };
    }

    /// <summary>Binary min-heap of sorted runs by (current key, run number): equal keys leave in run order.</summary>
    private sealed class RunHeap(int capacity)
    {
        private readonly ulong[] _key = new ulong[Math.Max(1, capacity)];
        private readonly int[] _run = new int[Math.Max(1, capacity)];
        public int Count { get; private set; }
        public int TopRun => _run[0];

        public void Push(ulong key, int run)
        {
            int i = Count++;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (!Less(key, run, _key[parent], _run[parent])) break;
                _key[i] = _key[parent];
                _run[i] = _run[parent];
                i = parent;
            }
            _key[i] = key;
            _run[i] = run;
        }

        public void Pop()
        {
            Count--;
            if (Count > 0) SiftDown(_key[Count], _run[Count]);
        }

        public void ReplaceTop(ulong key, int run) => SiftDown(key, run);

        private void SiftDown(ulong key, int run)
        {
            int i = 0, n = Count;
            while (true)
            {
                int c = 2 * i + 1;
                if (c >= n) break;
                if (c + 1 < n && Less(_key[c + 1], _run[c + 1], _key[c], _run[c])) c++;
                if (!Less(_key[c], _run[c], key, run)) break;
                _key[i] = _key[c];
                _run[i] = _run[c];
                i = c;
            }
            _key[i] = key;
            _run[i] = run;
        }

        private static bool Less(ulong k1, int r1, ulong k2, int r2) => k1 < k2 || (k1 == k2 && r1 < r2);
    }

    // Strongest first; ties by object id, then by arrival (chunk order), which makes the merged list independent of
    // chunking; an object seen in two batches keeps its first example. Writes the edge's strongest k and returns the new end.
    private static int FinishTop(List<(SharedObjectEvidence Item, int Seq)> list, int parts, int k, SharedObjectEvidence[] into, int at, ref int end)
    {
        // one partial's list is already in order; only lists merged from several need a sort
        if (parts > 1 && list.Count > 1)
            list.Sort(static (x, y) => x.Item.Idf != y.Item.Idf ? y.Item.Idf.CompareTo(x.Item.Idf)
                : x.Item.Object != y.Item.Object ? x.Item.Object.CompareTo(y.Item.Object) : x.Seq.CompareTo(y.Seq));
        int taken = 0;
        for (int i = 0; i < list.Count && taken < k; i++)
        {
            if (i > 0 && list[i].Item.Object == list[i - 1].Item.Object) continue;
            into[at++] = list[i].Item;
            taken++;
        }
        end = at;
        return at;
    }

    private static ulong[] MergeEntries(ShareTable shares, ChunkResult[] results)
    {
        long total = 0;
        foreach (var r in results) total += r.Entries?.Count ?? 0;
        if (total == 0) return [];
        var keys = new ulong[total];
        int at = 0;
        foreach (var r in results)
        {
            if (r.Entries is null) continue;
            r.Entries.AsSpan().CopyTo(keys.AsSpan(at));
            at += r.Entries.Count;
        }
        // (post + 1) << 32 | account: re-pack densely so the radix sort reads only the bits in use
        int accountBits = Math.Max(1, RadixSort.BitsFor((ulong)Math.Max(1, shares.AccountCount - 1)));
        int postBits = RadixSort.BitsFor((ulong)shares.PostAccount.Length + 1);
        for (int i = 0; i < keys.Length; i++) keys[i] = ((keys[i] >> 32) << accountBits) | (keys[i] & 0xFFFFFFFFUL);
        var dummy = new int[keys.Length];
        RadixSort.Sort(keys, dummy, postBits + accountBits);
        ulong low = (1UL << accountBits) - 1;
        int n = 0;
        ulong previous = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            // compare with the previous packed key: keys[i - 1] may already hold an unpacked entry
            ulong k = keys[i];
            if (i > 0 && k == previous) continue;
            previous = k;
            keys[n++] = ((k >> accountBits) << 32) | (k & low);
        }
        Array.Resize(ref keys, n);
        return keys;
    }
}

/// <summary>Hash index from an account pair to its edge number.</summary>
internal sealed class EdgeIndex
{
    private readonly ulong[] _keys;
    private readonly int[] _edge;
    private readonly int _mask;
    private readonly int _shift;

    public EdgeIndex(int[] a, int[] b)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, a.Length * 2));
        _keys = new ulong[size];
        _edge = new int[size];
        _mask = size - 1;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
        for (int e = 0; e < a.Length; e++)
        {
            ulong k = Key(a[e], b[e]);
            int i = (int)((k * 0x9E3779B97F4A7C15UL) >> _shift);
            while (_keys[i] != 0) i = (i + 1) & _mask;
            _keys[i] = k;
            _edge[i] = e;
        }
    }

    private static ulong Key(int low, int high) => (((ulong)(uint)low << 32) | (uint)high) + 1;

    /// <summary>The edge of (low, high), or -1.</summary>
    public int Find(int low, int high)
    {
        ulong k = Key(low, high);
        int i = (int)((k * 0x9E3779B97F4A7C15UL) >> _shift);
        while (true)
        {
            ulong x = _keys[i];
            if (x == k) return _edge[i];
            if (x == 0) return -1;
            i = (i + 1) & _mask;
        }
    }
}
