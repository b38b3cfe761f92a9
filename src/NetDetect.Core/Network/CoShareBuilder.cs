using NetDetect.Core.Data;

namespace NetDetect.Core.Network;

/// <summary>
/// Builds the co-share network of one modality: sort shares by (object, time), sweep each object's run with a
/// sliding inclusive window, aggregate pairs per account pair (spec/semantics.md, "A co-share pair").
/// </summary>
/// <remarks>
/// Cost is the number of in-window pairs, never an object's all-pairs: a viral object with 100,000 sharers
/// spread over a day costs only the pairs that fall within the window. The sorted shares are cut at object
/// boundaries into a number of chunks that depends on the data only; threads take chunks, and chunk results
/// are merged in chunk order, so every number (floating-point sums included) is identical for any thread count.
/// </remarks>
public static class CoShareBuilder
{
    public static CoShareNetwork Build(ShareTable shares, CoShareOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckWindow(options.WindowMicros, shares.TimeResolutionMicros, options.ForceWindow);
        if (options.MinParticipation < 0) throw new ArgumentOutOfRangeException(nameof(options), "min participation must be >= 0");
        var active = ActiveAccounts(shares, options);
        progress?.Report(new StageProgress($"{shares.Modality.Name()}: sort", 0, 3));
        var sorted = ShareSorter.Sort(shares);
        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new StageProgress($"{shares.Modality.Name()}: pairs", 1, 3));
        var chunks = Chunk(sorted);
        bool local = OneSharePerPost(shares);
        var results = new ChunkResult[chunks.Length - 1];
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken },
            () => new Worker(shares.AccountCount),
            (c, _, worker) =>
            {
                results[c] = worker.Run(sorted, chunks[c], chunks[c + 1], shares.AccountCount, active, options, local, options.KeepMatches, shares.PostAccount);
                return worker;
            },
            _ => { });
        progress?.Report(new StageProgress($"{shares.Modality.Name()}: merge", 2, 3));
        var network = Merge(shares, options, results);
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

    // True when no post has two shares (repost, reply, text): then a post's matches all fall in one chunk.
    private static bool OneSharePerPost(ShareTable shares)
    {
        var post = shares.Post;
        for (int i = 1; i < post.Length; i++)
            if (post[i] == post[i - 1]) return false;
        return true;
    }

    // Chunk boundaries at object starts; the count depends on the data size only.
    private static int[] Chunk(SortedShares sorted)
    {
        int n = sorted.Count;
        int target = Math.Clamp(n / 32_768, 1, 256);
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

    private sealed class ChunkResult(PairAccumulator pairs, MatchSet? matches, List<int>? selfLoopOwners)
    {
        public PairAccumulator Pairs { get; } = pairs;
        /// <summary>Kept for the global merge (posts with shares in several chunks) or for CooRTweet's refinement.</summary>
        public MatchSet? Matches { get; } = matches;
        /// <summary>Owners of self-matched posts, when counted in the chunk.</summary>
        public List<int>? SelfLoopOwners { get; } = selfLoopOwners;
    }

    private sealed class Worker(int accountCount)
    {
        private readonly int[] _mark = new int[accountCount];
        private long[] _t = new long[64];
        private int[] _a = new int[64];
        private int[] _p = new int[64];

        public ChunkResult Run(SortedShares s, int start, int end, int accountCount, bool[]? active, CoShareOptions options,
            bool local, bool keepMatches, int[] postAccount)
        {
            var pairs = new PairAccumulator(Math.Max(16, (end - start) / 2), options.TopObjects);
            var matches = options.CountPosts || options.SelfLoops ? new MatchSet(Math.Max(16, end - start)) : null;
            var obj = s.Object;
            var time = s.Time;
            var acc = s.Account;
            var post = s.Post;
            long w = options.WindowMicros;
            double logN = Math.Log(accountCount);
            int i = start;
            while (i < end)
            {
                int o = obj[i];
                int j = i + 1;
                while (j < end && obj[j] == o) j++;
                if (j - i >= 2)
                {
                    // n_o counts every account that shared the object, filtered or not
                    int stamp = o + 1, distinct = 0;
                    for (int k = i; k < j; k++)
                    {
                        if (_mark[acc[k]] != stamp) { _mark[acc[k]] = stamp; distinct++; }
                    }
                    if (distinct >= 2 || options.SelfLoops)
                    {
                        double idf = logN - Math.Log(distinct);
                        if (active is null) Sweep(time, acc, post, i, j, o, idf, w, pairs, matches, options.SelfLoops);
                        else
                        {
                            int m = Compact(time, acc, post, i, j, active);
                            if (m >= 2) Sweep(_t, _a, _p, 0, m, o, idf, w, pairs, matches, options.SelfLoops);
                        }
                    }
                }
                i = j;
            }
            if (matches is null || !local) return new ChunkResult(pairs, matches, null);
            // Every post lives in this chunk only, so its (post, other account) entries are already distinct:
            // count posts_a/posts_b into the chunk's own slots (a small table) instead of a global sort and index.
            var selfOwners = new List<int>();
            foreach (ulong m in matches.Keys)
            {
                if (m == 0) continue;
                int p = (int)(m >> 32) - 1;
                int other = (int)(m & 0xFFFFFFFFUL);
                int owner = postAccount[p];
                if (owner == other)
                {
                    selfOwners.Add(owner);
                    continue;
                }
                if (owner < other) pairs.Existing(PairAccumulator.PackPair(owner, other)).PostsA++;
                else pairs.Existing(PairAccumulator.PackPair(other, owner)).PostsB++;
            }
            return new ChunkResult(pairs, keepMatches ? matches : null, selfOwners);
        }

        private int Compact(long[] time, int[] acc, int[] post, int i, int j, bool[] active)
        {
            if (_t.Length < j - i)
            {
                int cap = Math.Max(j - i, _t.Length * 2);
                _t = new long[cap];
                _a = new int[cap];
                _p = new int[cap];
            }
            int m = 0;
            for (int k = i; k < j; k++)
            {
                if (!active[acc[k]]) continue;
                _t[m] = time[k];
                _a[m] = acc[k];
                _p[m] = post[k];
                m++;
            }
            return m;
        }
    }

    // The sliding inclusive window over one object's run sorted by time: for each share, the later shares
    // with t - t_x <= w. Same account is never a pair (a self-loop at most); the same post is always the same account.
    private static void Sweep(long[] time, int[] acc, int[] post, int start, int end, int obj, double idf, long w,
        PairAccumulator pairs, MatchSet? matches, bool selfLoops)
    {
        for (int x = start; x < end - 1; x++)
        {
            long tx = time[x];
            long limit = tx > long.MaxValue - w ? long.MaxValue : tx + w;
            int ax = acc[x];
            int px = post[x];
            for (int y = x + 1; y < end; y++)
            {
                long ty = time[y];
                if (ty > limit) break;
                int ay = acc[y];
                int py = post[y];
                if (ay == ax)
                {
                    if (selfLoops && py != px && matches is not null)
                    {
                        matches.Add(px, ax);
                        matches.Add(py, ax);
                    }
                    continue;
                }
                if (ax < ay) pairs.Add(PairAccumulator.PackPair(ax, ay), ty - tx, obj, idf, px, py, tx, ty);
                else pairs.Add(PairAccumulator.PackPair(ay, ax), ty - tx, obj, idf, py, px, tx, ty);
                if (matches is not null)
                {
                    matches.Add(px, ay);
                    matches.Add(py, ax);
                }
            }
        }
    }

    private static CoShareNetwork Merge(ShareTable shares, CoShareOptions options, ChunkResult[] results)
    {
        // Every chunk's edges, tagged with their chunk and slot, sorted by account pair; a stable sort keeps
        // chunk order inside a pair so sums are added in the same order whatever the thread count.
        int total = 0;
        foreach (var r in results) total += r.Pairs.Count;
        int accountBits = RadixSort.BitsFor((ulong)Math.Max(1, shares.AccountCount - 1));
        var keys = new ulong[total];
        var refs = new int[total];
        var chunkOf = new int[total];
        var slotOf = new int[total];
        int g = 0;
        for (int c = 0; c < results.Length; c++)
        {
            var slots = results[c].Pairs.Slots;
            for (int s = 0; s < slots.Length; s++)
            {
                ulong key = slots[s].Key;
                if (key == 0) continue;
                keys[g] = ((key >> 32) << accountBits) | (key & 0xFFFFFFFFUL);
                refs[g] = g;
                chunkOf[g] = c;
                slotOf[g] = s;
                g++;
            }
        }
        RadixSort.Sort(keys, refs, 2 * accountBits);

        int edges = 0;
        for (int i = 0; i < total; i++) if (i == 0 || keys[i] != keys[i - 1]) edges++;
        var a = new int[edges];
        var b = new int[edges];
        var pairs = new long[edges];
        var objects = new int[edges];
        var sumDelta = new long[edges];
        var evidence = new double[edges];
        var first = new long[edges];
        var last = new long[edges];
        var postsA = new int[edges];
        var postsB = new int[edges];
        var topOffsets = new int[edges + 1];
        var topItems = new List<SharedObjectEvidence>(Math.Min(edges, 1 << 20) * Math.Max(1, options.TopObjects));
        var topList = new List<SharedObjectEvidence>();
        ulong lowMask = (1UL << accountBits) - 1;
        int e = -1;
        for (int i = 0; i < total; i++)
        {
            if (i == 0 || keys[i] != keys[i - 1])
            {
                if (e >= 0) topOffsets[e + 1] = FinishTop(topList, options.TopObjects, topItems);
                e++;
                a[e] = (int)(keys[i] >> accountBits);
                b[e] = (int)(keys[i] & lowMask);
                first[e] = long.MaxValue;
                last[e] = long.MinValue;
                topList.Clear();
            }
            int r = refs[i];
            var acc = results[chunkOf[r]].Pairs;
            ref readonly var slot = ref acc.Slots[slotOf[r]];
            pairs[e] += slot.Pairs;
            objects[e] += slot.Objects;
            sumDelta[e] += slot.SumDeltaMicros;
            evidence[e] += slot.Evidence;
            postsA[e] += slot.PostsA;
            postsB[e] += slot.PostsB;
            first[e] = Math.Min(first[e], slot.FirstTime);
            last[e] = Math.Max(last[e], slot.LastTime);
            if (options.TopObjects > 0) acc.CopyTop(slot.Top, topList);
        }
        if (e >= 0) topOffsets[e + 1] = FinishTop(topList, options.TopObjects, topItems);

        var selfLoops = new int[options.SelfLoops ? shares.AccountCount : 0];
        bool local = results.Length > 0 && results.All(r => r.SelfLoopOwners is not null);
        ulong[] matches;
        if (local)
        {
            if (selfLoops.Length > 0)
                foreach (var r in results)
                    foreach (int owner in r.SelfLoopOwners!) selfLoops[owner]++;
            matches = options.KeepMatches ? ConcatMatches(results) : [];
        }
        else matches = MergeMatches(shares, results);
        if (!local && matches.Length > 0)
        {
            var index = new EdgeIndex(a, b);
            var postAccount = shares.PostAccount;
            foreach (ulong m in matches)
            {
                int p = (int)(m >> 32) - 1;
                int other = (int)(m & 0xFFFFFFFFUL);
                int owner = postAccount[p];
                if (owner == other)
                {
                    if (selfLoops.Length > 0) selfLoops[owner]++;
                    continue;
                }
                int edge = owner < other ? index.Find(owner, other) : index.Find(other, owner);
                if (owner < other) postsA[edge]++;
                else postsB[edge]++;
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
            TopItems = topItems.ToArray(),
            SelfLoopPosts = selfLoops,
            Matches = matches,
        };
    }

    // Strongest first; ties by object id, which makes the merged list independent of chunking.
    // Appends the edge's strongest k to the flat list and returns the list's new end.
    private static int FinishTop(List<SharedObjectEvidence> list, int k, List<SharedObjectEvidence> into)
    {
        // one chunk's list is already in order; only lists merged from several chunks need a sort
        bool sorted = true;
        for (int i = 1; i < list.Count && sorted; i++)
            sorted = list[i - 1].Idf > list[i].Idf || (list[i - 1].Idf == list[i].Idf && list[i - 1].Object < list[i].Object);
        if (!sorted) list.Sort(static (x, y) => x.Idf != y.Idf ? y.Idf.CompareTo(x.Idf) : x.Object.CompareTo(y.Object));
        int n = Math.Min(k, list.Count);
        for (int i = 0; i < n; i++) into.Add(list[i]);
        return into.Count;
    }

    // Distinct already (each post in one chunk); order is the chunks' table order, deterministic for the data.
    private static ulong[] ConcatMatches(ChunkResult[] results)
    {
        int total = 0;
        foreach (var r in results) total += r.Matches?.Count ?? 0;
        var keys = new ulong[total];
        int at = 0;
        foreach (var r in results) if (r.Matches is not null) at = r.Matches.CopyTo(keys, at);
        return keys;
    }

    private static ulong[] MergeMatches(ShareTable shares, ChunkResult[] results)
    {
        int total = 0;
        foreach (var r in results) total += r.Matches?.Count ?? 0;
        if (total == 0) return [];
        var keys = new ulong[total];
        int at = 0;
        foreach (var r in results) if (r.Matches is not null) at = r.Matches.CopyTo(keys, at);
        // (post + 1) << 32 | account: re-pack densely so the radix sort reads only the bits in use
        int accountBits = Math.Max(1, RadixSort.BitsFor((ulong)Math.Max(1, shares.AccountCount - 1)));
        int postBits = RadixSort.BitsFor((ulong)shares.PostAccount.Length + 1);
        for (int i = 0; i < total; i++) keys[i] = ((keys[i] >> 32) << accountBits) | (keys[i] & 0xFFFFFFFFUL);
        var dummy = new int[total];
        RadixSort.Sort(keys, dummy, postBits + accountBits);
        ulong low = (1UL << accountBits) - 1;
        int n = 0;
        for (int i = 0; i < total; i++)
        {
            if (i > 0 && keys[i] == keys[i - 1]) continue;
            keys[n++] = ((keys[i] >> accountBits) << 32) | (keys[i] & low);
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
