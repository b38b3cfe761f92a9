using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetDetect.Core.Data;
using NetDetect.Core.Diagnostics;

namespace NetDetect.Core.Network;

/// <summary>
/// Builds the co-share network of one modality: sort shares by (object, time), sweep each object's run with a
/// sliding inclusive window, aggregate pairs per account pair (spec/semantics.md, "A co-share pair").
/// </summary>
/// <remarks>
/// Cost is the number of in-window pairs, never an object's all-pairs: a viral object with 100,000 sharers
/// spread over a day costs only the pairs that fall within the window. Two aggregations give the same network bit
/// for bit, chosen by the data's pairs per share (CoShareBuilder.Rows.cs, UseRows): row by row where shares have many
/// pairs each (each account's edges to higher accounts gathered from its own shares, no pair records), and through
/// pair records, described here, where they have few. The pair-record aggregation sorts instead of hashing:
/// the sorted shares are cut at object boundaries into chunks (a number that depends on the data only) that
/// threads sweep; each in-window pair becomes one 48-byte record (packed account pair, time, Δ, object, idf,
/// the two posts) routed by its lower account to one of a few dozen account-range partitions. Each partition
/// gathers its records from every chunk in chunk order, radix-sorts them stably by account pair and reduces each
/// pair's run to one edge, written straight into the network's columns at the partition's offset. No hash map of
/// pairs, no set of matched posts, no partial edges to merge: memory is the records plus the network, and since a
/// pair's records are reduced in emission order every number (floating-point sums included) is identical for any
/// thread count, chunking or partitioning.
/// <para>
/// posts_a/posts_b need no set: a pair carries a flag for each side saying it is the first witness of "this post
/// was matched by the other account" inside its object (the other account's earliest share in the post's window,
/// found from each share's previous share by the same account). Counting flags counts distinct posts. Only posts
/// with shares on several objects (list modalities) can be matched again on another object; their flagged
/// matches are kept as (post, account) entries and made distinct by one sort at the end.
/// </para>
/// </remarks>
public static partial class CoShareBuilder
{
    /// <summary>Shares per chunk (about; chunks end at object boundaries and their number depends on the data only).</summary>
    internal const int ChunkShares = 1 << 18;

    /// <summary>Shares per aggregation partition (their number depends on the data only).</summary>
    internal const int PartitionShares = 1 << 16;

    /// <summary>Pair records held at once before the sweep is split into partition groups (bytes).</summary>
    internal const long RecordBudget = 512L << 20;

    public static CoShareNetwork Build(ShareTable shares, CoShareOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return BuildCore(shares, options, progress, cancellationToken);
        }
        catch (Exception e) when (TooManyPairs(e) is { } overflow)
        {
            throw new InvalidOperationException($"accounts {shares.AccountName(overflow.A)} and {shares.AccountName(overflow.B)} co-shared "
                + $"{overflow.Pairs:N0} times in the {shares.Modality.Name()} layer, more than a layer edge counts (2,147,483,647)", overflow);
        }
        catch (AggregateException e) when (Diagnostics.MemoryGuard.Refusal(e) is { } refusal)
        {
            // the memory guard's refusal from a worker, as itself rather than wrapped by Parallel.For
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(refusal);
            throw;
        }
    }

    private static CoShareNetwork BuildCore(ShareTable shares, CoShareOptions options, IProgress<StageProgress>? progress, CancellationToken cancellationToken)
    {
        CheckWindow(options.WindowMicros, shares.TimeResolutionMicros, options.ForceWindow);
        if (options.MinParticipation < 0) throw new ArgumentOutOfRangeException(nameof(options), "min participation must be >= 0");
        if (options.MinEdgePairs < 1) throw new ArgumentOutOfRangeException(nameof(options), "min edge pairs must be >= 1");
        // CooRTweet's matched-post marks are taken from every pair, kept as an edge or not
        if (options.KeepMatches && options.MinEdgePairs > 1) throw new ArgumentException("matched posts are kept only for the full network (min edge pairs 1)", nameof(options));
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        Lap.Mark("build start");
        var active = ActiveAccounts(shares, options);
        Lap.Mark("active");
        progress?.Report(new StageProgress($"{shares.Modality.Name()}: sort", 0, 3));
        var sorted = ShareSorter.Sort(shares, threads);
        Lap.Mark("sort");
        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new StageProgress($"{shares.Modality.Name()}: pairs", 1, 3));
        // n_o counts every account that shared the object, filtered or not; then the filtered accounts' shares go
        var idf = ObjectIdf(sorted, shares.ObjectCount, shares.AccountCount, threads, cancellationToken);
        Lap.Mark("idf");
        if (active is not null) sorted = Filter(sorted, active);
        Lap.Mark("filter");
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        long pairEstimate = 0;
        int[]? workChunks = options.ChunkShares > 0 ? null : ChunkByWork(sorted, options.WindowMicros, out pairEstimate);
        Lap.Mark("chunk");
        if (UseRows(options, pairEstimate, sorted.Count))
        {
            var rowNetwork = BuildRows(shares, sorted, workChunks, idf, options.CountPosts ? MultiSharePosts(shares) : null,
                options.KeepMatches ? new bool[shares.PostAccount.Length] : null, options, parallel, threads);
            progress?.Report(new StageProgress($"{shares.Modality.Name()}: done", 3, 3));
            return rowNetwork;
        }
        var chunks = workChunks ?? Chunk(sorted, options.ChunkShares);
        var multi = options.CountPosts ? MultiSharePosts(shares) : null;
        Lap.Mark("multi");
        var inPair = options.KeepMatches ? new bool[shares.PostAccount.Length] : null;
        // partitions hold pair records: size them by the (exact, data-only) in-window pair count
        int partitions = options.Partitions > 0 ? options.Partitions : (int)Math.Clamp(Math.Max(sorted.Count, pairEstimate) / PartitionShares, 1, 128);
        var context = new SweepContext(sorted, idf, options, shares.AccountCount, PartitionOf(shares.AccountCount, partitions), partitions);
        if (options.CountPosts) context.Prev = PreviousShares(sorted, chunks, shares.AccountCount, threads, cancellationToken);
        Lap.Mark("previous shares");
        // Memory follows the edges, not the pairs: when the pair records (48 bytes each) would pass RecordBudget, the
        // partitions are taken in groups, and for each group the shares are swept again, keeping only that group's
        // records, which are sorted and reduced before the next group is swept. The group count depends on the data only.
        int groups = options.PairGroups > 0 ? Math.Min(options.PairGroups, partitions)
            : (int)Math.Clamp((pairEstimate * Unsafe.SizeOf<PairRecord>() + RecordBudget - 1) / RecordBudget, 1, partitions);
        var aggregation = new Aggregation(partitions) { What = $"the {shares.Modality.Name()} layer's edges", KeepDelta = shares.PostTime is null };
        // Parallel.For calls localInit again for every replica it starts, so workers (and their grown buffers) are pooled
        var pool = new System.Collections.Concurrent.ConcurrentBag<Worker>();
        // Two passes over the chunks: the first counts each chunk's records per partition, which places every record
        // in one exactly sized array (partition by partition, chunk order inside a partition); the second writes them
        // there. No buffer grows and no record is copied before the sort. The count covers every partition at once, so
        // with several groups only the writing pass is repeated per group.
        int chunkCount = chunks.Length - 1;
        var counts = new int[chunkCount][];
        Parallel.For(0, chunkCount, parallel,
            () => pool.TryTake(out var w) ? w : new Worker(context),
            (c, _, worker) =>
            {
                counts[c] = worker.Count(chunks[c], chunks[c + 1]);
                return worker;
            },
            pool.Add);
        Lap.Mark("count");
        // With several groups, one record array sized for the largest group serves them all: each group's records
        // overwrite the previous group's, so after the first group no record lands in fresh memory.
        long largest = 0;
        for (int g = 0; g < groups; g++)
        {
            int qLo = (int)((long)partitions * g / groups), qHi = (int)((long)partitions * (g + 1) / groups);
            long records = 0;
            foreach (var c in counts)
                for (int q = qLo; q < qHi; q++) records += c[q];
            largest = Math.Max(largest, records);
        }
        if (largest > Array.MaxLength) throw new InvalidOperationException($"{largest:N0} pair records do not fit one array: use more partition groups");
        Diagnostics.MemoryGuard.Reserve($"the {shares.Modality.Name()} layer's pair records", largest * Unsafe.SizeOf<PairRecord>());
        // every record is written by a group's emit pass before that group reads it (one group: Place sizes its own)
        PairRecord[]? shared = groups > 1 ? GC.AllocateUninitializedArray<PairRecord>((int)largest) : null;
        for (int g = 0; g < groups; g++)
        {
            int qLo = (int)((long)partitions * g / groups), qHi = (int)((long)partitions * (g + 1) / groups);
            var store = PairStore.Place(counts, partitions, qLo, qHi, context.PartitionStart, shares.AccountCount, shared);
            var selfPosts = new GrowArray<int>?[chunkCount];
            Parallel.For(0, chunkCount, parallel,
                () => pool.TryTake(out var w) ? w : new Worker(context),
                (c, _, worker) =>
                {
                    selfPosts[c] = worker.Emit(chunks[c], chunks[c + 1], qLo, qHi, selfLoops: g == 0, store.Records, store.Cursor[c]);
                    return worker;
                },
                pool.Add);
            store.Cursor = null!;
            Lap.Mark("sweep");
            if (g == 0 && options.SelfLoops) aggregation.SelfPosts = selfPosts.Select(r => r!).ToArray();
            progress?.Report(new StageProgress($"{shares.Modality.Name()}: aggregate", 2, 3));
            if (groups == 1 && !options.PartitionColumns && Aggregation.CanReduceDirect(shares.AccountCount, shares.ObjectCount))
                aggregation.ReduceDirect(store, partitions, shares.AccountCount, shares.ObjectCount, shares.PostAccount, options, multi, inPair, parallel);
            else
                aggregation.Reduce(store, qLo, qHi, shares.AccountCount, shares.PostAccount, options, multi, inPair, parallel);
        }
        pool.Clear();
        Lap.Mark("reduce");
        var network = Finish(shares, options, aggregation, inPair, parallel, idf);
        Lap.Mark("finish");
        progress?.Report(new StageProgress($"{shares.Modality.Name()}: done", 3, 3));
        return network;
    }

    /// <summary>An account pair with more co-share pairs than a layer edge's 32-bit count holds (named by <see cref="Build"/>).</summary>
    private sealed class PairCountOverflow(int a, int b, long pairs) : Exception($"accounts {a} and {b}: {pairs:N0} co-share pairs")
    {
        public int A { get; } = a;
        public int B { get; } = b;
        public long Pairs { get; } = pairs;
    }

    private static PairCountOverflow? TooManyPairs(Exception e) => e switch
    {
        PairCountOverflow o => o,
        AggregateException a => a.Flatten().InnerExceptions.OfType<PairCountOverflow>().FirstOrDefault(),
        _ => null,
    };

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
        if (shares.Participation is { } counted)
        {
            if (options.Participation == ParticipationCount.ShareRows && shares.Modality != Modality.Text)
                throw new ArgumentException("a table's own participation counts are posts (one share a post: the text modality)", nameof(options));
            var kept = new bool[shares.AccountCount];
            for (int a = 0; a < kept.Length; a++) kept[a] = counted[a] >= options.MinParticipation;
            return kept;
        }
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
        // commonly nobody with a share in this modality is filtered: keep the arrays rather than copy them
        if (m == acc.Length) return s;
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

    // Each sorted share's previous share by the same account on the same object (−1 for none), found once per layer
    // rather than by every group's sweep. An object's shares lie in one chunk, so a worker's last-seen arrays need no
    // clearing between chunks: an entry left by another chunk names another object.
    private static int[] PreviousShares(SortedShares sorted, int[] chunks, int accountCount, int threads, CancellationToken cancellationToken)
    {
        var obj = sorted.Object;
        var acc = sorted.Account;
        // every entry is written by its chunk's pass
        var prev = GC.AllocateUninitializedArray<int>(sorted.Count);
        Parallel.For(0, chunks.Length - 1, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken },
            () =>
            {
                var lastObject = GC.AllocateUninitializedArray<int>(accountCount);
                lastObject.AsSpan().Fill(-1);
                return (LastObject: lastObject, LastPos: GC.AllocateUninitializedArray<int>(accountCount));
            },
            (c, _, last) =>
            {
                var (lastObject, lastPos) = last;
                for (int i = chunks[c], end = chunks[c + 1]; i < end; i++)
                {
                    int a = acc[i];
                    prev[i] = lastObject[a] == obj[i] ? lastPos[a] : -1;
                    lastObject[a] = obj[i];
                    lastPos[a] = i;
                }
                return last;
            },
            _ => { });
        return prev;
    }

    // Chunk boundaries at object starts; the count depends on the data size only.
    private static int[] Chunk(SortedShares sorted, int chunkShares = 0)
    {
        int n = sorted.Count;
        // large chunks: an account pair met twice inside one chunk is one partial edge, not two
        int target = Math.Clamp(n / (chunkShares > 0 ? chunkShares : ChunkShares), 1, 64);
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

    // Sweep chunks of about equal work, shares plus in-window pairs, with boundaries at object starts. Chunking by
    // shares alone left data whose pairs outnumber its shares a hundredfold (crowds reposting in one window) in one
    // chunk, swept by one thread. The work is counted exactly per object with two pointers (same-account pairs
    // included: they cost the sweep a step too), so the boundaries depend on the data only, never on the threads.
    internal static int[] ChunkByWork(SortedShares sorted, long windowMicros, out long pairs)
    {
        int n = sorted.Count;
        var obj = sorted.Object;
        var time = sorted.Time;
        var objectWork = new GrowArray<long>(1024);
        long total = 0;
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && obj[j] == obj[i]) j++;
            long work = j - i;
            for (int x = i, y = i; x < j; x++)
            {
                long limit = time[x] > long.MaxValue - windowMicros ? long.MaxValue : time[x] + windowMicros;
                if (y < x + 1) y = x + 1;
                while (y < j && time[y] <= limit) y++;
                work += y - x - 1;
            }
            objectWork.Add(work);
            total += work;
            i = j;
        }
        pairs = total - n;
        int target = (int)Math.Clamp(total / ChunkShares, 1, 64);
        var bounds = new List<int>(target + 1) { 0 };
        long done = 0;
        int c = 1, at = 0;
        var works = objectWork.AsSpan();
        for (int k = 0; k < works.Length && c < target; k++)
        {
            int j = at + 1;
            while (j < n && obj[j] == obj[at]) j++;
            done += works[k];
            at = j;
            if (done >= total * c / target)
            {
                if (at < n) bounds.Add(at);
                while (c < target && done >= total * c / target) c++;
            }
        }
        bounds.Add(n);
        return bounds.ToArray();
    }

    private sealed class SweepContext(SortedShares sorted, double[] idf, CoShareOptions options, int accountCount, int[] partitionOf, int partitions)
    {
        public readonly SortedShares Sorted = sorted;
        public readonly double[] Idf = idf;
        public readonly CoShareOptions Options = options;
        public readonly int AccountBits = Math.Max(1, RadixSort.BitsFor((ulong)Math.Max(1, accountCount - 1)));
        public readonly int AccountCount = accountCount;
        /// <summary>Partition of every account as the lower account of a pair.</summary>
        public readonly int[] PartitionOf = partitionOf;
        public readonly int Partitions = partitions;
        /// <summary>Where posts are counted: each sorted share's previous share by the same account on the same object, or −1.</summary>
        public int[] Prev = [];
        /// <summary>First account of each partition (and the account count at the end): <see cref="PartitionOf"/> never
        /// decreases, so a group of partitions [qLo, qHi) is the account range [Start[qLo], Start[qHi]).</summary>
        public readonly int[] PartitionStart = Starts(partitionOf, accountCount, partitions);

        private static int[] Starts(int[] partitionOf, int accountCount, int partitions)
        {
            var start = new int[partitions + 1];
            int a = 0;
            for (int q = 0; q <= partitions; q++)
            {
                while (a < accountCount && partitionOf[a] < q) a++;
                start[q] = a;
            }
            return start;
        }
    }

    /// <summary>One co-share pair as the sweep emits it: everything the reduction reads, so it reads no share column.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PairRecord
    {
        /// <summary>Low account &lt;&lt; account bits | high account, plus the first-witness flags in bits 62 and 63.</summary>
        public ulong Key;
        /// <summary>The earlier of the two share times (µs).</summary>
        public long First;
        public long Delta;
        /// <summary>ln N − ln n_o of the object, read once per object in the sweep instead of once per pair in the reduction.</summary>
        public double Idf;
        public int Object;
        /// <summary>Post of the low account.</summary>
        public int PostA;
        /// <summary>Post of the high account.</summary>
        public int PostB;
    }

    private sealed class PairStore
    {
        public PairRecord[] Records = [];
        public int[] Start = [];
        /// <summary>Per chunk, where its next record of each partition goes (the emit pass advances it).</summary>
        public int[][] Cursor = [];
        /// <summary>Partition q's records have lower accounts [AccountStart[q], AccountStart[q + 1]) (see <see cref="SweepContext.PartitionStart"/>).</summary>
        public int[] AccountStart = [];
        public int AccountCount;

        public ReadOnlySpan<PairRecord> Partition(int q) => Records.AsSpan(Start[q], Start[q + 1] - Start[q]);

        /// <summary>Places partitions [qLo, qHi) at the start of <paramref name="records"/> when given (large enough), else of a new exactly sized array.</summary>
        public static PairStore Place(int[][] counts, int partitions, int qLo, int qHi, int[] accountStart, int accountCount, PairRecord[]? records = null)
        {
            var store = new PairStore
            {
                Start = new int[partitions + 1],
                Cursor = new int[counts.Length][],
                AccountStart = accountStart,
                AccountCount = accountCount,
            };
            for (int c = 0; c < counts.Length; c++) store.Cursor[c] = new int[partitions];
            long at = 0;
            for (int q = 0; q < partitions; q++)
            {
                store.Start[q] = (int)at;
                if (q >= qLo && q < qHi)
                    for (int c = 0; c < counts.Length; c++)
                    {
                        store.Cursor[c][q] = (int)at;
                        at += counts[c][q];
                    }
                if (at > Array.MaxLength) throw new InvalidOperationException($"{at:N0} pair records do not fit one array: use more partition groups");
            }
            store.Start[partitions] = (int)at;
            if (records is not null && records.Length < at) throw new InvalidOperationException($"the shared record array holds {records.Length:N0} of {at:N0} records");
            // every record is written by the emit pass before it is read
            store.Records = records ?? GC.AllocateUninitializedArray<PairRecord>((int)at);
            return store;
        }
    }

    // Flags in the two top key bits (account pairs use at most 62): the low account's post is matched for the first
    // time in its object by this pair / the high account's post is.
    private const ulong FlagA = 1UL << 62;
    private const ulong FlagB = 1UL << 63;

    private sealed class Worker(SweepContext ctx)
    {
        private PairRecord[] _out = [];
        private int[] _cursor = [];
        private GrowArray<int>? _self;
        private int _aLo, _aHi;
        private bool _recordSelf;

        /// <summary>The records shares [start, end) make in each partition.</summary>
        public int[] Count(int start, int end)
        {
            var counts = new int[ctx.Partitions];
            var obj = ctx.Sorted.Object;
            var time = ctx.Sorted.Time;
            var acc = ctx.Sorted.Account;
            var partitionOf = ctx.PartitionOf;
            long w = ctx.Options.WindowMicros;
            int x0 = start;
            while (x0 < end)
            {
                int o = obj[x0];
                int j = x0 + 1;
                while (j < end && obj[j] == o) j++;
                for (int x = x0; x < j - 1; x++)
                {
                    long tx = time[x];
                    long limit = tx > long.MaxValue - w ? long.MaxValue : tx + w;
                    int ax = acc[x];
                    for (int y = x + 1; y < j; y++)
                    {
                        if (time[y] > limit) break;
                        int ay = acc[y];
                        if (ay == ax) continue;
                        counts[partitionOf[ax < ay ? ax : ay]]++;
                    }
                }
                x0 = j;
            }
            return counts;
        }

        /// <summary>Sweeps shares [start, end) writing the records of partitions [qLo, qHi) at the cursor (advanced);
        /// returns the self-loop posts when asked (once per build).</summary>
        public GrowArray<int>? Emit(int start, int end, int qLo, int qHi, bool selfLoops, PairRecord[] output, int[] cursor)
        {
            var s = ctx.Sorted;
            _aLo = ctx.PartitionStart[qLo];
            _aHi = ctx.PartitionStart[qHi];
            _out = output;
            _cursor = cursor;
            _recordSelf = selfLoops && ctx.Options.SelfLoops;
            _self = _recordSelf ? new GrowArray<int>(64) : null;
            var obj = s.Object;
            int x0 = start;
            while (x0 < end)
            {
                int o = obj[x0];
                int j = x0 + 1;
                while (j < end && obj[j] == o) j++;
                if (j - x0 >= 2) Sweep(x0, j, o);
                x0 = j;
            }
            _out = [];
            _cursor = [];
            var self = _self;
            _self = null;
            return self;
        }

        // The sliding inclusive window over one object's run sorted by time: for each share, the later shares with
        // t − t_x <= w. The same account is never a pair (a self-loop at most); the same post is always the same account.
        private void Sweep(int start, int end, int o)
        {
            var time = ctx.Sorted.Time;
            var acc = ctx.Sorted.Account;
            var post = ctx.Sorted.Post;
            var prev = ctx.Prev;
            var partitionOf = ctx.PartitionOf;
            long w = ctx.Options.WindowMicros;
            bool flags = ctx.Options.CountPosts;
            bool selfLoops = _recordSelf;
            int aLo = _aLo, aSpan = _aHi - _aLo;
            int shift = ctx.AccountBits;
            double idf = ctx.Idf[o];
            for (int x = start; x < end - 1; x++)
            {
                int ax = acc[x];
                // a pair's lower account is at most ax: below the group's range, none of x's pairs is kept (a group
                // with self-loops to record starts at account 0, so this never skips one)
                if (ax < aLo) continue;
                long tx = time[x];
                long limit = tx > long.MaxValue - w ? long.MaxValue : tx + w;
                int px = post[x];
                int prevX = flags ? prev[x] : -1;
                // the earliest share of ax in a later share's window is x unless ax's previous share is in it too
                long prevXTime = prevX < 0 ? long.MinValue : time[prevX];
                for (int y = x + 1; y < end; y++)
                {
                    long ty = time[y];
                    if (ty > limit) break;
                    int ay = acc[y];
                    if (ay == ax)
                    {
                        if (selfLoops && post[y] != px)
                        {
                            _self!.Add(px);
                            _self.Add(post[y]);
                        }
                        continue;
                    }
                    // this pass keeps the records of its partition group only: its range of lower accounts, so the
                    // (cache-missing) partition lookup is made for the kept pairs alone
                    int low = ax < ay ? ax : ay;
                    if ((uint)(low - aLo) >= (uint)aSpan) continue;
                    int q = partitionOf[low];
                    ulong fx = 0, fy = 0;
                    if (flags)
                    {
                        // (post x, ay) first witnessed here: no ay share between x and y, none before x within w of x
                        int prevY = prev[y];
                        if (prevY < x && (prevY < 0 || tx - time[prevY] > w)) fx = 1;
                        // (post y, ax) first witnessed here: ax's share before x is out of y's window
                        if (prevX < 0 || ty - prevXTime > w) fy = 1;
                    }
                    PairRecord r;
                    r.First = tx;
                    r.Delta = ty - tx;
                    r.Object = o;
                    r.Idf = idf;
                    if (ax < ay)
                    {
                        r.Key = ((ulong)(uint)ax << shift) | (uint)ay | (fx << 62) | (fy << 63);
                        r.PostA = px;
                        r.PostB = post[y];
                    }
                    else
                    {
                        r.Key = ((ulong)(uint)ay << shift) | (uint)ax | (fy << 62) | (fx << 63);
                        r.PostA = post[y];
                        r.PostB = px;
                    }
                    _out[_cursor[q]++] = r;
                }
            }
        }
    }

    // Lower-account ranges with about equal numbers of pairs: the lower of two random accounts is skewed to small
    // ids (P(low < x) = 1 − (1 − x/N)²), so the bounds follow that curve. Partitions in order give edges sorted by (A, B).
    private static int[] PartitionOf(int accounts, int partitions)
    {
        var of = new int[Math.Max(1, accounts)];
        int q = 0;
        for (int a = 0; a < accounts; a++)
        {
            while (q + 1 < partitions && a >= (int)(accounts * (1 - Math.Sqrt(1 - (q + 1) / (double)partitions)))) q++;
            of[a] = q;
        }
        return of;
    }

    /// <summary>A worker's two reusable record buffers: every partition is gathered and radix sorted between them.</summary>
    private sealed class SortBuffers
    {
        public PairRecord[] A = [];
        public PairRecord[] B = [];
        public SharedObjectEvidence[] Top = [];
        public double[] TopIdf = [];
        public ulong[] Packed = [];
        public ulong[] PackedScratch = [];
        public ulong[] EntryScratch = [];
    }

    // Sorts partition q's records (every chunk's, in chunk order) stably by account pair: by packed index (see
    // SortByIndex) when it fits, else (or when byRecords) the records themselves (LSD radix, 11-bit digits, one histogram
    // read, trivial digits skipped) between the worker's two buffers, the first scatter reading the store directly.
    // Within a pair the records stay in emission order, hence in object order. Returns the buffer holding the n sorted
    // records, with the partition's edge count and evidence-list length.
    private static PairRecord[] SortPartition(PairStore store, int q, int bits, int topK, int minPairs, bool byRecords, SortBuffers buffers, out int n, out int edges, out long top)
    {
        const int Width = 11;
        const int Buckets = 1 << Width;
        var part = store.Partition(q);
        n = part.Length;
        ulong keyMask = (1UL << bits) - 1;
        int kept = n;
        // the partition's key range from its account range: lower accounts [lo, hi), higher ones below the account count
        int accountShift = bits / 2;
        ulong minKey = (ulong)store.AccountStart[q] << accountShift;
        ulong maxKey = ((ulong)Math.Max(store.AccountStart[q], store.AccountStart[q + 1] - 1) << accountShift) | (uint)Math.Max(0, store.AccountCount - 1);
        var sortedRecords = byRecords ? null : SortByIndex(part, keyMask, minKey, maxKey, minPairs, buffers, out kept);
        if (sortedRecords is not null)
        {
            n = kept;
            return CountEdges(sortedRecords, n, keyMask, topK, minPairs, out edges, out top);
        }
        int passes = Math.Max(1, (bits + Width - 1) / Width);
        var counts = new int[passes * Buckets];
        foreach (ref readonly var rec in part)
        {
            ulong k = rec.Key & keyMask;
            for (int p = 0; p < passes; p++, k >>= Width) counts[p * Buckets + (int)(k & (Buckets - 1))]++;
        }
        // both buffers are the worker's, grown by half again when short: partitions after the first allocate nothing
        if (buffers.A.Length < n) buffers.A = GC.AllocateUninitializedArray<PairRecord>(Math.Max(n, buffers.A.Length + buffers.A.Length / 2));
        if (buffers.B.Length < n) buffers.B = GC.AllocateUninitializedArray<PairRecord>(Math.Max(n, buffers.B.Length + buffers.B.Length / 2));
        var src = buffers.A;
        var dst = buffers.B;
        bool gathered = false;
        var offsets = new int[Buckets];
        for (int p = 0; p < passes && n > 0; p++)
        {
            var c = counts.AsSpan(p * Buckets, Buckets);
            int shift = p * Width;
            int firstDigit = -1;
            for (int b = 0; b < Buckets && firstDigit < 0; b++) if (c[b] > 0) firstDigit = b;
            if (c[firstDigit] == n) continue;
            int sum = 0;
            for (int b = 0; b < Buckets; b++)
            {
                offsets[b] = sum;
                sum += c[b];
            }
            if (!gathered)
            {
                foreach (ref readonly var rec in part)
                    src[offsets[(int)(((rec.Key & keyMask) >> shift) & (Buckets - 1))]++] = rec;
                gathered = true;
                continue;
            }
            foreach (ref readonly var rec in src.AsSpan(0, n))
                dst[offsets[(int)(((rec.Key & keyMask) >> shift) & (Buckets - 1))]++] = rec;
            (src, dst) = (dst, src);
        }
        if (!gathered) part.CopyTo(src);
        return CountEdges(src, n, keyMask, topK, minPairs, out edges, out top);
    }

    // Sorts a partition's records by pair key without moving them through the passes: each record's key, less the
    // partition's smallest possible key (a partition is a range of low accounts, so its keys span far fewer bits than
    // two account ids; the range comes from the accounts, with no pass over the records), is packed above the record's
    // index into one 64-bit word; those words are radix sorted on the key bits
    // only (the index bits already count up, and the sort is stable) and the records gathered once in that order.
    // Moving 8 bytes per pass instead of 48 takes most of the sort's memory traffic away. The sorted words alone show
    // each pair's run, so with minPairs > 1 the pairs met fewer times (never edges; in scale mode most pairs meet
    // once) are left out of the gather and everything after it: kept is the number of records gathered. Null when
    // key range and index do not fit 64 bits together (the caller then sorts the records themselves).
    private static PairRecord[]? SortByIndex(ReadOnlySpan<PairRecord> part, ulong keyMask, ulong min, ulong max, int minPairs, SortBuffers buffers, out int kept)
    {
        int n = part.Length;
        kept = n;
        if (n < 2) return null;
        int indexBits = RadixSort.BitsFor((ulong)(n - 1));
        int keyBits = RadixSort.BitsFor(max - min);
        if (indexBits + keyBits > 64) return null;
        if (buffers.Packed.Length < n) buffers.Packed = GC.AllocateUninitializedArray<ulong>(Math.Max(n, buffers.Packed.Length + buffers.Packed.Length / 2));
        var packed = buffers.Packed.AsSpan(0, n);
        for (int i = 0; i < n; i++) packed[i] = ((part[i].Key & keyMask) - min) << indexBits | (uint)i;
        RadixSort.SortKeys(packed, indexBits, indexBits + keyBits, ref buffers.PackedScratch);
        if (buffers.A.Length < n) buffers.A = GC.AllocateUninitializedArray<PairRecord>(Math.Max(n, buffers.A.Length + buffers.A.Length / 2));
        var sorted = buffers.A;
        ulong indexMask = (1UL << indexBits) - 1;
        if (minPairs <= 1)
        {
            for (int i = 0; i < n; i++) sorted[i] = part[(int)(packed[i] & indexMask)];
            return sorted;
        }
        int m = 0;
        for (int i = 0; i < n;)
        {
            ulong key = packed[i] >> indexBits;
            int j = i + 1;
            while (j < n && packed[j] >> indexBits == key) j++;
            if (j - i >= minPairs)
                for (; i < j; i++) sorted[m++] = part[(int)(packed[i] & indexMask)];
            i = j;
        }
        kept = m;
        return sorted;
    }

    // Edges (pairs with at least minPairs records) and evidence entries (an edge keeps min(K, its distinct objects) of
    // them) of n records sorted by pair key; returns the records.
    private static PairRecord[] CountEdges(PairRecord[] src, int n, ulong keyMask, int topK, int minPairs, out int edges, out long top)
    {
        edges = 0;
        top = 0;
        int objects = 0, run = 0;
        for (int i = 0; i < n; i++)
        {
            if (i == 0 || (src[i].Key & keyMask) != (src[i - 1].Key & keyMask))
            {
                if (run >= minPairs) { top += Math.Min(topK, objects); edges++; }
                objects = 1;
                run = 1;
            }
            else
            {
                run++;
                if (src[i].Object != src[i - 1].Object) objects++;
            }
        }
        if (run >= minPairs) { top += Math.Min(topK, objects); edges++; }
        return src;
    }

    /// <summary>Where the reduction writes: the network's columns, filled partition by partition at known offsets.</summary>
    private sealed class Columns
    {
        public int[] A = null!;
        public int[] B = null!;
        public int[] Pairs = null!;
        public int[] Objects = null!;
        public long[] SumDelta = null!;
        public double[] Evidence = null!;
        public long[] First = null!;
        public long[] Last = null!;
        public int[] PostsA = null!;
        public int[] PostsB = null!;
        public int[] TopOffsets = null!;
        /// <summary>Of the row aggregation, where the layer's times allow (see <see cref="TimeColumn"/>): First, Last and
        /// SumDelta as 32-bit counts of <see cref="Quantum"/> (First and Last from <see cref="TimeBase"/>), the 64-bit columns null.</summary>
        public uint[]? FirstUnits, LastUnits, SumDeltaUnits;
        /// <summary>Of the row aggregation, where no edge has more than 65,535 pairs: Pairs, Objects, PostsA and PostsB in
        /// 16 bits (see <see cref="CountColumn"/>), the 32-bit columns null.</summary>
        public ushort[]? Pairs16, Objects16, PostsA16, PostsB16;
        public long TimeBase, Quantum = 1;
        public StoredEvidence[] TopItems = null!;
        /// <summary>The items' Δ (µs), parallel to <see cref="TopItems"/>; null when the shares' posts give it (<see cref="ShareTable.PostTime"/>).</summary>
        public long[]? TopDelta;
        /// <summary>Of concatenated columns: the partitions' <see cref="TopItems"/> (and <see cref="TopDelta"/>), kept as segments (see <see cref="EvidenceItems"/>).</summary>
        public EvidenceItems? TopSegments;

        private Columns() { }

        /// <summary>Bytes of one edge's weight columns (evidence items apart), with 64-bit times.</summary>
        public const int BytesPerEdge = 4 + 4 + 4 + 4 + 8 + 8 + 8 + 8 + 4 + 4 + 4;

        /// <summary>Bytes the 32-bit times save an edge.</summary>
        public const int NarrowTimeSaving = 3 * 4;

        /// <summary>Bytes the 16-bit counts save an edge.</summary>
        public const int NarrowCountSaving = 4 * 2;

        /// <summary>Most pairs an edge may have for 16-bit counts (objects and matched posts never exceed pairs).</summary>
        public const int MaxNarrowCount = ushort.MaxValue;

        /// <param name="quantum">0: 64-bit times; else First, Last and SumDelta in 32-bit counts of it (First and Last from <paramref name="timeBase"/>)</param>
        /// <param name="narrowCounts">Pairs, Objects, PostsA and PostsB in 16 bits (no edge has more than <see cref="MaxNarrowCount"/> pairs)</param>
        public Columns(int edges, long top, bool keepDelta, string what, long quantum = 0, long timeBase = 0, bool narrowCounts = false)
        {
            Diagnostics.MemoryGuard.Reserve(what, (long)edges * (BytesPerEdge - (quantum > 0 ? NarrowTimeSaving : 0) - (narrowCounts ? NarrowCountSaving : 0))
                + top * (Unsafe.SizeOf<StoredEvidence>() + (keepDelta ? sizeof(long) : 0)));
            A = new int[edges];
            B = new int[edges];
            if (narrowCounts)
            {
                Pairs16 = new ushort[edges];
                Objects16 = new ushort[edges];
                PostsA16 = new ushort[edges];
                PostsB16 = new ushort[edges];
            }
            else
            {
                Pairs = new int[edges];
                Objects = new int[edges];
                PostsA = new int[edges];
                PostsB = new int[edges];
            }
            Evidence = new double[edges];
            if (quantum > 0)
            {
                Quantum = quantum;
                TimeBase = timeBase;
                FirstUnits = new uint[edges];
                LastUnits = new uint[edges];
                SumDeltaUnits = new uint[edges];
            }
            else
            {
                SumDelta = new long[edges];
                First = new long[edges];
                Last = new long[edges];
            }
            TopOffsets = new int[edges + 1];
            // on the pinned-object heap: a layer keeps its partitions' evidence arrays (see EvidenceItems) while their
            // other columns are freed around them, and in the large-object heap they held those regions half empty
            TopItems = GC.AllocateArray<StoredEvidence>(checked((int)top), pinned: true);
            if (keepDelta) TopDelta = GC.AllocateArray<long>((int)top, pinned: true);
        }

        // The partitions' columns one after another, joined column by column: each partition's copy of a column is
        // dropped as soon as it is joined, so the peak holds the edges once plus one column, not twice. The evidence
        // items are not joined: the partitions' arrays become the segments of one EvidenceItems.
        public static Columns Concatenate(Columns[] parts, long[]? postTime, ParallelOptions parallel, string what)
        {
            var edgeStart = new int[parts.Length + 1];
            var topStart = new int[parts.Length + 1];
            for (int q = 0; q < parts.Length; q++)
            {
                edgeStart[q + 1] = edgeStart[q] + parts[q].A.Length;
                topStart[q + 1] = checked(topStart[q] + parts[q].TopItems.Length);
            }
            var c = new Columns();
            c.A = Join(parts, p => p.A, p => p.A = null!, edgeStart, parallel, what);
            c.B = Join(parts, p => p.B, p => p.B = null!, edgeStart, parallel, what);
            c.Pairs = Join(parts, p => p.Pairs, p => p.Pairs = null!, edgeStart, parallel, what);
            c.Objects = Join(parts, p => p.Objects, p => p.Objects = null!, edgeStart, parallel, what);
            c.SumDelta = Join(parts, p => p.SumDelta, p => p.SumDelta = null!, edgeStart, parallel, what);
            c.Evidence = Join(parts, p => p.Evidence, p => p.Evidence = null!, edgeStart, parallel, what);
            c.First = Join(parts, p => p.First, p => p.First = null!, edgeStart, parallel, what);
            c.Last = Join(parts, p => p.Last, p => p.Last = null!, edgeStart, parallel, what);
            c.PostsA = Join(parts, p => p.PostsA, p => p.PostsA = null!, edgeStart, parallel, what);
            c.PostsB = Join(parts, p => p.PostsB, p => p.PostsB = null!, edgeStart, parallel, what);
            // the evidence items, the largest column, stay in the partitions' arrays: no copy into fresh memory
            c.TopSegments = new EvidenceItems(parts.Select(p => p.TopItems).ToArray(), parts[0].TopDelta is null ? null : parts.Select(p => p.TopDelta!).ToArray(), postTime);
            foreach (var p in parts)
            {
                p.TopItems = null!;
                p.TopDelta = null;
            }
            var offsets = new int[edgeStart[^1] + 1];
            Parallel.For(0, parts.Length, parallel, q =>
            {
                var local = parts[q].TopOffsets;
                int e0 = edgeStart[q], t0 = topStart[q];
                for (int e = 1; e < local.Length; e++) offsets[e0 + e] = local[e] + t0;
            });
            c.TopOffsets = offsets;
            // the partitions' copies of the smaller columns are garbage now, none of them large enough for Join to
            // have collected after it: collect them here, or the next layer faults in fresh memory beside them
            if ((long)edgeStart[^1] * BytesPerEdge >= LargeArrays.ReclaimThreshold) LargeArrays.Reclaim();
            return c;
        }

        private static T[] Join<T>(Columns[] parts, Func<Columns, T[]> column, Action<Columns> release, int[] start, ParallelOptions parallel, string what)
        {
            Diagnostics.MemoryGuard.Reserve($"joining {what}", (long)start[^1] * Unsafe.SizeOf<T>());
            // every element is overwritten by a partition's copy
            var joined = GC.AllocateUninitializedArray<T>(start[^1]);
            Parallel.For(0, parts.Length, parallel, q => column(parts[q]).CopyTo(joined, start[q]));
            foreach (var p in parts) release(p);
            // the next column reuses the memory of this one's partition copies instead of faulting in fresh pages
            if ((long)start[^1] * Unsafe.SizeOf<T>() >= LargeArrays.ReclaimThreshold) LargeArrays.Reclaim();
            return joined;
        }
    }

    // Reduces one sorted partition into the columns from edge e0 and evidence entry t0. Returns the (post, other
    // account) entries of posts with shares on several objects.
    private static GrowArray<ulong>? ReducePartition(PairRecord[] recs, int n, Columns c, int e0, int t0, int accountBits,
        bool[]? multi, bool[]? inPair, int topK, int minPairs, SharedObjectEvidence[] topBuffer, double[] topIdf)
    {
        ulong pairMask = (1UL << (2 * accountBits)) - 1;
        ulong lowMask = (1UL << accountBits) - 1;
        var entries = multi is null ? null : new GrowArray<ulong>(64);
        int e = e0, t = t0, i = 0;
        while (i < n)
        {
            ulong key = recs[i].Key & pairMask;
            int lo = (int)(key >> accountBits), hi = (int)(key & lowMask);
            long pairs = 0, sumDelta = 0, first = long.MaxValue, last = long.MinValue;
            int objects = 0, lastObject = -1, postsA = 0, postsB = 0, topCount = 0;
            double evidence = 0;
            int entriesBefore = entries?.Count ?? 0;
            for (; i < n && (recs[i].Key & pairMask) == key; i++)
            {
                ref readonly var r = ref recs[i];
                pairs++;
                sumDelta += r.Delta;
                if (r.First < first) first = r.First;
                if (r.First + r.Delta > last) last = r.First + r.Delta;
                if (r.Object != lastObject)
                {
                    // objects arrive in increasing order inside a pair: a new object is a change of object
                    double v = r.Idf;
                    evidence += v;
                    objects++;
                    lastObject = r.Object;
                    if (topK > 0) topCount = OfferTop(topBuffer, topIdf, topCount, topK, new SharedObjectEvidence(r.Object, r.PostA, r.PostB, r.Delta), v);
                }
                if ((r.Key & FlagA) != 0)
                {
                    if (multi is not null && multi[r.PostA]) entries!.Add(((ulong)(uint)(r.PostA + 1) << accountBits) | (uint)hi);
                    else postsA++;
                }
                if ((r.Key & FlagB) != 0)
                {
                    if (multi is not null && multi[r.PostB]) entries!.Add(((ulong)(uint)(r.PostB + 1) << accountBits) | (uint)lo);
                    else postsB++;
                }
                if (inPair is not null)
                {
                    inPair[r.PostA] = true;
                    inPair[r.PostB] = true;
                }
            }
            if (pairs < minPairs)
            {
                // not an edge: its posts_a/posts_b entries go too
                entries?.Truncate(entriesBefore);
                continue;
            }
            c.A[e] = lo;
            c.B[e] = hi;
            if (pairs > int.MaxValue) throw new PairCountOverflow(lo, hi, pairs);
            c.Pairs[e] = (int)pairs;
            c.Objects[e] = objects;
            c.SumDelta[e] = sumDelta;
            c.Evidence[e] = evidence;
            c.First[e] = first;
            c.Last[e] = last;
            c.PostsA[e] = postsA;
            c.PostsB[e] = postsB;
            for (int k = 0; k < topCount; k++, t++)
            {
                var item = topBuffer[k];
                c.TopItems[t] = new StoredEvidence(item.Object, item.PostA, item.PostB);
                if (c.TopDelta is not null) c.TopDelta[t] = item.DeltaMicros;
            }
            c.TopOffsets[e + 1] = t;
            e++;
        }
        return entries;
    }

    // Keeps the K objects of highest idf, strongest first; an equal idf keeps the earlier (smaller) object id.
    private static int OfferTop(Span<SharedObjectEvidence> top, Span<double> topIdf, int count, int k, SharedObjectEvidence item, double idf)
    {
        if (count == k && !(idf > topIdf[k - 1])) return count;
        int at = count < k ? count : k - 1;
        while (at > 0 && idf > topIdf[at - 1])
        {
            top[at] = top[at - 1];
            topIdf[at] = topIdf[at - 1];
            at--;
        }
        top[at] = item;
        topIdf[at] = idf;
        return count < k ? count + 1 : count;
    }

    /// <summary>The reduced partitions as the groups complete them: each partition's columns, posts_a/posts_b complete.</summary>
    private sealed class Aggregation(int partitions)
    {
        public readonly Columns[] Parts = new Columns[partitions];
        /// <summary>The edges' name in a <see cref="Diagnostics.MemoryGuard"/> refusal.</summary>
        public string What { get; init; } = "co-share edges";
        /// <summary>Whether the evidence items keep their Δ (shares without <see cref="ShareTable.PostTime"/>).</summary>
        public bool KeepDelta { get; init; }
        /// <summary>Set by <see cref="ReduceDirect"/>: the network's columns, written in place.</summary>
        public Columns? Final;
        /// <summary>Posts on self-loops, per chunk, from the first group's sweep.</summary>
        public GrowArray<int>[] SelfPosts = [];
        private readonly System.Collections.Concurrent.ConcurrentBag<SortBuffers> _buffers = new();

        // Per partition of [qLo, qHi): sort its records (from the group's store) between a worker's two buffers and
        // reduce them at once into the partition's own exactly sized columns. The store holds one group's records, so
        // the pair records in memory stay within the record budget plus the workers' sort buffers.
        public void Reduce(PairStore store, int qLo, int qHi, int accountCount, int[] postAccount, CoShareOptions options, bool[]? multi, bool[]? inPair, ParallelOptions parallel)
        {
            int accountBits = Math.Max(1, RadixSort.BitsFor((ulong)Math.Max(1, accountCount - 1)));
            int topK = Math.Max(0, options.TopObjects);
            Parallel.For(qLo, qHi, parallel,
                () => _buffers.TryTake(out var b) ? b : new SortBuffers { Top = new SharedObjectEvidence[Math.Max(1, topK)], TopIdf = new double[Math.Max(1, topK)] },
                (q, _, buffers) =>
                {
                    var records = SortPartition(store, q, 2 * accountBits, topK, options.MinEdgePairs, options.SortRecords, buffers, out int n, out int edges, out long top);
                    Parts[q] = new Columns(edges, top, KeepDelta, What);
                    var entries = ReducePartition(records, n, Parts[q], 0, 0, accountBits, multi, inPair, topK, options.MinEdgePairs, buffers.Top, buffers.TopIdf);
                    if (entries is not null) ApplyEntries(entries, Parts[q], postAccount, accountBits, 0, Parts[q].A.Length, buffers);
                    return buffers;
                },
                _buffers.Add);
        }

        public void ReleaseBuffers() => _buffers.Clear();

        /// <summary>Whether (pair key, object) packs into 64 bits, as <see cref="ReduceDirect"/> needs.</summary>
        public static bool CanReduceDirect(int accountCount, int objectCount) =>
            2 * AccountBits(accountCount) + RadixSort.BitsFor((ulong)Math.Max(1, objectCount - 1)) <= 64;

        private static int AccountBits(int accountCount) => Math.Max(1, RadixSort.BitsFor((ulong)Math.Max(1, accountCount - 1)));

        // All partitions at once, straight into the network's columns: a first pass counts each partition's edges
        // and evidence entries (sorting packed (pair, object) keys in the worker's buffers), which places every
        // partition in the columns; the second sorts each partition's records and reduces them in place. No
        // partition columns and no joining copy: for one group this touches the least fresh memory.
        public void ReduceDirect(PairStore store, int partitions, int accountCount, int objectCount, int[] postAccount, CoShareOptions options,
            bool[]? multi, bool[]? inPair, ParallelOptions parallel)
        {
            int accountBits = AccountBits(accountCount);
            int objectBits = Math.Max(1, RadixSort.BitsFor((ulong)Math.Max(1, objectCount - 1)));
            int topK = Math.Max(0, options.TopObjects);
            var edges = new int[partitions];
            var tops = new long[partitions];
            Parallel.For(0, partitions, parallel,
                () => _buffers.TryTake(out var b) ? b : new SortBuffers { Top = new SharedObjectEvidence[Math.Max(1, topK)], TopIdf = new double[Math.Max(1, topK)] },
                (q, _, buffers) =>
                {
                    (edges[q], tops[q]) = CountPartition(store, q, 2 * accountBits, objectBits, topK, options.MinEdgePairs, buffers);
                    return buffers;
                },
                _buffers.Add);
            var edgeStart = new int[partitions + 1];
            var topStart = new int[partitions + 1];
            for (int q = 0; q < partitions; q++)
            {
                edgeStart[q + 1] = checked(edgeStart[q] + edges[q]);
                topStart[q + 1] = checked((int)(topStart[q] + tops[q]));
            }
            var c = new Columns(edgeStart[^1], topStart[^1], KeepDelta, What);
            Parallel.For(0, partitions, parallel,
                () => _buffers.TryTake(out var b) ? b : new SortBuffers { Top = new SharedObjectEvidence[Math.Max(1, topK)], TopIdf = new double[Math.Max(1, topK)] },
                (q, _, buffers) =>
                {
                    var records = SortPartition(store, q, 2 * accountBits, topK, options.MinEdgePairs, options.SortRecords, buffers, out int n, out int e, out long t);
                    if (e != edges[q] || t != tops[q]) throw new InvalidOperationException($"partition {q}: counted {edges[q]} edges, sorted {e}");
                    var entries = ReducePartition(records, n, c, edgeStart[q], topStart[q], accountBits, multi, inPair, topK, options.MinEdgePairs, buffers.Top, buffers.TopIdf);
                    if (entries is not null) ApplyEntries(entries, c, postAccount, accountBits, edgeStart[q], edgeStart[q + 1], buffers);
                    return buffers;
                },
                _buffers.Add);
            Final = c;
        }

        // Edges (distinct pair keys) and evidence entries (Σ min(K, distinct objects)) of partition q, from its records
        // packed as pair key << object bits | object and radix sorted in the worker's buffers; the chunks keep their records.
        private static (int Edges, long Top) CountPartition(PairStore store, int q, int pairBits, int objectBits, int topK, int minPairs, SortBuffers buffers)
        {
            var part = store.Partition(q);
            int n = part.Length;
            if (n == 0) return (0, 0);
            if (buffers.Packed.Length < n) buffers.Packed = GC.AllocateUninitializedArray<ulong>(Math.Max(n, buffers.Packed.Length + buffers.Packed.Length / 2));
            if (buffers.PackedScratch.Length < n) buffers.PackedScratch = GC.AllocateUninitializedArray<ulong>(Math.Max(n, buffers.PackedScratch.Length + buffers.PackedScratch.Length / 2));
            var packed = buffers.Packed;
            ulong keyMask = (1UL << pairBits) - 1;
            int i = 0;
            foreach (ref readonly var rec in part)
                packed[i++] = ((rec.Key & keyMask) << objectBits) | (uint)rec.Object;
            var sorted = SortKeys(packed, buffers.PackedScratch, n, pairBits + objectBits);
            int edges = 0, objects = 0, run = 0;
            long top = 0;
            for (int k = 0; k < n; k++)
            {
                if (k == 0 || (sorted[k] >> objectBits) != (sorted[k - 1] >> objectBits))
                {
                    if (run >= minPairs) { top += Math.Min(topK, objects); edges++; }
                    objects = 1;
                    run = 1;
                }
                else
                {
                    run++;
                    if (sorted[k] != sorted[k - 1]) objects++;
                }
            }
            if (run >= minPairs) { top += Math.Min(topK, objects); edges++; }
            return (edges, top);
        }

        // LSD radix sort of the first n keys (11-bit digits, digits all keys share skipped) between the two arrays;
        // returns the one holding the sorted keys.
        private static ulong[] SortKeys(ulong[] keys, ulong[] scratch, int n, int bits)
        {
            const int Width = 11;
            const int Buckets = 1 << Width;
            int passes = Math.Max(1, (bits + Width - 1) / Width);
            var counts = new int[passes * Buckets];
            for (int i = 0; i < n; i++)
            {
                ulong k = keys[i];
                for (int p = 0; p < passes; p++, k >>= Width) counts[p * Buckets + (int)(k & (Buckets - 1))]++;
            }
            var offsets = new int[Buckets];
            var src = keys;
            var dst = scratch;
            for (int p = 0; p < passes; p++)
            {
                var c = counts.AsSpan(p * Buckets, Buckets);
                int shift = p * Width;
                if (c[(int)((src[0] >> shift) & (Buckets - 1))] == n) continue;
                int sum = 0;
                for (int b = 0; b < Buckets; b++)
                {
                    offsets[b] = sum;
                    sum += c[b];
                }
                for (int i = 0; i < n; i++)
                {
                    ulong k = src[i];
                    dst[offsets[(int)((k >> shift) & (Buckets - 1))]++] = k;
                }
                (src, dst) = (dst, src);
            }
            return src;
        }

        // posts_a/posts_b of posts with shares on several objects: each distinct (post, other account) entry counts
        // once. Every entry of a post and another account belongs to that account pair, so to this partition: the
        // entries are sorted, deduplicated and counted here, against the partition's own edges (sorted by pair).
        // An entry is (post + 1) << accountBits | other account; a radix sort on its used bits puts duplicates together.
        private static void ApplyEntries(GrowArray<ulong> entries, Columns c, int[] postAccount, int accountBits, int e0, int e1, SortBuffers buffers)
        {
            var span = entries.AsSpan();
            RadixSort.SortKeys(span, accountBits + RadixSort.BitsFor((ulong)postAccount.Length), ref buffers.EntryScratch);
            // Distinct (post, other account) entries, rewritten in place as (edge, side) keys: (low << bits | high) << 1,
            // plus 1 for the high account's side. Sorted, they meet the partition's edges (sorted by (A, B)) in order,
            // so one merge walk finds every entry's edge instead of a binary search (a cache miss a step) per entry.
            ulong previous = 0; // (post + 1) << accountBits | account is never 0
            ulong accountMask = (1UL << accountBits) - 1;
            int distinct = 0;
            foreach (ulong m in span)
            {
                if (m == previous) continue;
                previous = m;
                int p = (int)(m >> accountBits) - 1;
                uint other = (uint)(m & accountMask);
                uint owner = (uint)postAccount[p];
                span[distinct++] = owner < other ? (((ulong)owner << accountBits) | other) << 1 : ((((ulong)other << accountBits) | owner) << 1) | 1;
            }
            var keys = span[..distinct];
            RadixSort.SortKeys(keys, 2 * accountBits + 1, ref buffers.EntryScratch);
            int e = e0;
            foreach (ulong k in keys)
            {
                int a = (int)(k >> (accountBits + 1)), b = (int)((k >> 1) & accountMask);
                while (e < e1 && (c.A[e] < a || (c.A[e] == a && c.B[e] < b))) e++;
                if (e == e1 || c.A[e] != a || c.B[e] != b) throw new InvalidOperationException($"no edge ({a}, {b}) in its partition");
                if ((k & 1) == 0) c.PostsA[e]++;
                else c.PostsB[e]++;
            }
        }
    }

    private static CoShareNetwork Finish(ShareTable shares, CoShareOptions options, Aggregation aggregation, bool[]? inPair, ParallelOptions parallel, double[] idf)
    {
        aggregation.ReleaseBuffers();
        var parts = aggregation.Parts;
        // the network's columns, each partition's edges after the previous partition's (one partition: its own)
        var columns = aggregation.Final ?? (parts.Length == 1 ? parts[0] : Columns.Concatenate(parts, shares.PostTime, parallel, aggregation.What));

        var selfLoops = new int[options.SelfLoops ? shares.AccountCount : 0];
        if (options.SelfLoops)
        {
            var seen = new bool[shares.PostAccount.Length];
            foreach (var list in aggregation.SelfPosts)
                foreach (int p in list.AsSpan())
                {
                    if (seen[p]) continue;
                    seen[p] = true;
                    selfLoops[shares.PostAccount[p]]++;
                }
        }
        return Network(shares, options, columns, selfLoops, inPair, idf);
    }

    private static CoShareNetwork Network(ShareTable shares, CoShareOptions options, Columns columns, int[] selfLoops, bool[]? inPair, double[] idf) =>
        new()
        {
            Modality = shares.Modality,
            Options = options,
            Shares = shares,
            AccountA = columns.A,
            AccountB = columns.B,
            Pairs = columns.Pairs16 is { } pairs ? new CountColumn(pairs) : columns.Pairs,
            Objects = columns.Objects16 is { } objects ? new CountColumn(objects) : columns.Objects,
            PostsA = columns.PostsA16 is { } postsA ? new CountColumn(postsA) : columns.PostsA,
            PostsB = columns.PostsB16 is { } postsB ? new CountColumn(postsB) : columns.PostsB,
            SumDeltaMicros = columns.SumDeltaUnits is { } sumDelta ? new TimeColumn(sumDelta, 0, columns.Quantum) : columns.SumDelta,
            Evidence = columns.Evidence,
            FirstTime = columns.FirstUnits is { } first ? new TimeColumn(first, columns.TimeBase, columns.Quantum) : columns.First,
            LastTime = columns.LastUnits is { } last ? new TimeColumn(last, columns.TimeBase, columns.Quantum) : columns.Last,
            TopOffsets = columns.TopOffsets,
            TopItems = columns.TopSegments ?? new EvidenceItems([columns.TopItems], columns.TopDelta is null ? null : [columns.TopDelta], columns.TopDelta is null ? shares.PostTime : null),
            ObjectIdf = idf,
            SelfLoopPosts = selfLoops,
            PostInPair = inPair,
        };
}
