using NetDetect.Core.Data;
using NetDetect.Core.Kernels;

namespace NetDetect.Core.Network;

/// <summary>Parameters of the <c>sync</c> modality.</summary>
public sealed record SyncOptions
{
    /// <summary>Width of the absolute time bins an account's activity is counted in.</summary>
    public long BinMicros { get; init; } = 60 * Time.MicrosPerSecond;
    /// <summary>Least cosine similarity of two accounts' bin-count vectors for an edge.</summary>
    public double MinSimilarity { get; init; } = 0.5;
    /// <summary>Accounts with fewer posts are left out (a two-post account is trivially "in sync").</summary>
    public int MinPosts { get; init; } = 5;
    /// <summary>Least number of bins both accounts posted in.</summary>
    public int MinSharedBins { get; init; } = 2;
    /// <summary>Use the dense SIMD cosine kernel when the account × bin matrix fits (<see cref="DenseCellLimit"/>).</summary>
    public bool AllowDense { get; init; } = true;
    public long DenseCellLimit { get; init; } = 1L << 26;
    public int Threads { get; init; }
}

/// <summary>
/// The <c>sync</c> modality: accounts whose activity falls in the same time bins. Each account is a vector of post
/// counts per absolute time bin; an edge joins two accounts whose cosine similarity reaches the threshold. Not a
/// join on objects: bins play the part of objects only for the bookkeeping weights.
/// </summary>
/// <remarks>
/// Weights on a sync edge: <c>Similarity</c> = the cosine; <c>pairs</c> = Σ over bins of c_a·c_b (post pairs
/// in a common bin); <c>objects</c> = common bins; <c>evidence</c> = Σ over common bins of ln(N / n_bin);
/// posts_a/posts_b and Δ are not defined and stay 0. The scalar path walks an inverted index (bin → accounts)
/// and is exact; the dense path (the kernels' SIMD cosine) finds the pairs and the scalar merge recomputes
/// their weights, so both give the same edges up to float rounding of the cosine at the threshold.
/// </remarks>
public static class SyncBuilder
{
    public static CoShareNetwork Build(Dataset dataset, SyncOptions options, CancellationToken cancellationToken = default)
    {
        var shares = Bins(dataset, options.BinMicros);
        var profile = Profile.From(shares, options.MinPosts);
        bool dense = options.AllowDense && (long)profile.ActiveCount * profile.BinCount <= options.DenseCellLimit && profile.ActiveCount > 1;
        var pairs = dense ? DensePairs(profile, options, cancellationToken) : ScalarPairs(profile, options);
        return Finish(shares, profile, pairs, options);
    }

    /// <summary>The exact scalar path regardless of size (the reference the dense path is tested against).</summary>
    public static CoShareNetwork BuildScalar(Dataset dataset, SyncOptions options) =>
        Build(dataset, options with { AllowDense = false });

    // Every post as a share of its time bin.
    private static ShareTable Bins(Dataset dataset, long bin)
    {
        if (bin <= 0) throw new ArgumentOutOfRangeException(nameof(bin), "the sync bin width must be positive");
        var p = dataset.Posts;
        long tmin = long.MaxValue;
        foreach (long t in p.CreatedAt) tmin = Math.Min(tmin, t);
        var obj = new int[p.Count];
        var post = new int[p.Count];
        int objects = 0;
        for (int j = 0; j < p.Count; j++)
        {
            long b = (p.CreatedAt[j] - tmin) / bin;
            if (b > int.MaxValue - 1) throw new ArgumentException("the sync bin width is too small for the data's time span");
            obj[j] = (int)b;
            objects = Math.Max(objects, obj[j] + 1);
            post[j] = j;
        }
        var accounts = dataset.Accounts.Ids;
        var postIds = dataset.Posts.Ids;
        return new ShareTable
        {
            Modality = Modality.Sync,
            Object = obj,
            Account = (int[])p.Account.Clone(),
            Time = p.CreatedAt,
            Post = post,
            ObjectCount = objects,
            AccountCount = dataset.Accounts.Count,
            PostAccount = p.Account,
            TimeResolutionMicros = dataset.TimeResolutionMicros,
            ObjectName = b => Time.ToDateTime(tmin + b * bin).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture),
            AccountName = i => accounts[i],
            PostName = i => postIds[i],
        };
    }

    // Sparse (account, bin, count) lists, both by account and by bin, for the accounts with enough posts.
    private sealed class Profile
    {
        public int AccountCount, BinCount, ActiveCount;
        public int[] ActiveIndex = [];       // account → dense row or -1
        public int[] ActiveAccount = [];     // dense row → account
        public int[] ByAccountOffsets = [], ByAccountBin = [], ByAccountCount = [];
        public int[] ByBinOffsets = [], ByBinRow = [], ByBinCount = [];
        public double[] Norm = [];
        public double[] BinIdf = [];
        public int[] FirstPostOfCell = [];   // parallel to ByAccount*: an example post

        public static Profile From(ShareTable s, int minPosts)
        {
            var perAccount = new int[s.AccountCount];
            foreach (int a in s.Account) perAccount[a]++;
            var pr = new Profile { AccountCount = s.AccountCount, BinCount = s.ObjectCount };
            pr.ActiveIndex = new int[s.AccountCount];
            var active = new List<int>();
            for (int a = 0; a < s.AccountCount; a++)
            {
                pr.ActiveIndex[a] = perAccount[a] >= Math.Max(1, minPosts) ? active.Count : -1;
                if (pr.ActiveIndex[a] >= 0) active.Add(a);
            }
            pr.ActiveAccount = active.ToArray();
            pr.ActiveCount = active.Count;
            // cells (row, bin) sorted by (row, bin) with counts
            int rowBits = RadixSort.BitsFor((ulong)Math.Max(1, pr.ActiveCount));
            int binBits = RadixSort.BitsFor((ulong)Math.Max(1, s.ObjectCount));
            var keys = new List<ulong>();
            var posts = new List<int>();
            for (int i = 0; i < s.Count; i++)
            {
                int r = pr.ActiveIndex[s.Account[i]];
                keys.Add(((ulong)(uint)(r + 1) << binBits) | (uint)s.Object[i]);
                posts.Add(s.Post[i]);
            }
            var k = keys.ToArray();
            var v = posts.ToArray();
            RadixSort.Sort(k, v, rowBits + 1 + binBits);
            ulong binMask = (1UL << binBits) - 1;
            var cellRow = new List<int>(); var cellBin = new List<int>(); var cellCount = new List<int>(); var cellPost = new List<int>();
            for (int i = 0; i < k.Length; i++)
            {
                int row = (int)(k[i] >> binBits) - 1;
                int bin = (int)(k[i] & binMask);
                if (row < 0) continue; // an account under min posts (key row 0 sorts first)
                if (i > 0 && k[i] == k[i - 1]) cellCount[^1]++;
                else
                {
                    cellRow.Add(row); cellBin.Add(bin); cellCount.Add(1); cellPost.Add(v[i]);
                }
            }
            // n_bin of the idf counts every account in the bin, also those under min posts, like the co-share evidence
            var binAccounts = new int[s.ObjectCount];
            var sortedAll = ShareSorter.Sort(s);
            var mark = new int[s.AccountCount];
            Array.Fill(mark, -1);
            for (int i = 0; i < sortedAll.Count; i++)
            {
                int a = sortedAll.Account[i], b = sortedAll.Object[i];
                if (mark[a] != b) { mark[a] = b; binAccounts[b]++; }
            }
            pr.BinIdf = new double[s.ObjectCount];
            double logN = Math.Log(s.AccountCount);
            for (int b = 0; b < s.ObjectCount; b++) pr.BinIdf[b] = binAccounts[b] == 0 ? 0 : logN - Math.Log(binAccounts[b]);

            int cells = cellRow.Count;
            pr.ByAccountOffsets = new int[pr.ActiveCount + 1];
            foreach (int r in cellRow) pr.ByAccountOffsets[r + 1]++;
            for (int r = 0; r < pr.ActiveCount; r++) pr.ByAccountOffsets[r + 1] += pr.ByAccountOffsets[r];
            pr.ByAccountBin = cellBin.ToArray();
            pr.ByAccountCount = cellCount.ToArray();
            pr.FirstPostOfCell = cellPost.ToArray();
            pr.Norm = new double[pr.ActiveCount];
            for (int c = 0; c < cells; c++) pr.Norm[cellRow[c]] += (double)cellCount[c] * cellCount[c];
            for (int r = 0; r < pr.ActiveCount; r++) pr.Norm[r] = Math.Sqrt(pr.Norm[r]);
            pr.ByBinOffsets = new int[s.ObjectCount + 1];
            foreach (int b in cellBin) pr.ByBinOffsets[b + 1]++;
            for (int b = 0; b < s.ObjectCount; b++) pr.ByBinOffsets[b + 1] += pr.ByBinOffsets[b];
            pr.ByBinRow = new int[cells];
            pr.ByBinCount = new int[cells];
            var fill = (int[])pr.ByBinOffsets.Clone();
            for (int c = 0; c < cells; c++)
            {
                int at = fill[cellBin[c]]++;
                pr.ByBinRow[at] = cellRow[c];
                pr.ByBinCount[at] = cellCount[c];
            }
            return pr;
        }
    }

    private readonly record struct RowPair(int Low, int High);

    // Inverted index: every pair of rows meeting in a bin accumulates c_a·c_b.
    private static List<RowPair> ScalarPairs(Profile pr, SyncOptions options)
    {
        var dot = new Dictionary<ulong, double>();
        for (int b = 0; b < pr.BinCount; b++)
        {
            int s = pr.ByBinOffsets[b], e = pr.ByBinOffsets[b + 1];
            for (int x = s; x < e; x++)
                for (int y = x + 1; y < e; y++)
                {
                    int r1 = pr.ByBinRow[x], r2 = pr.ByBinRow[y];
                    ulong key = r1 < r2 ? ((ulong)(uint)r1 << 32) | (uint)r2 : ((ulong)(uint)r2 << 32) | (uint)r1;
                    dot[key] = dot.GetValueOrDefault(key) + (double)pr.ByBinCount[x] * pr.ByBinCount[y];
                }
        }
        var result = new List<RowPair>();
        foreach (var (key, d) in dot)
        {
            int r1 = (int)(key >> 32), r2 = (int)(key & 0xFFFFFFFF);
            if (d / (pr.Norm[r1] * pr.Norm[r2]) >= options.MinSimilarity) result.Add(new RowPair(r1, r2));
        }
        return result;
    }

    // The kernels' dense SIMD cosine over the account × bin matrix.
    private static List<RowPair> DensePairs(Profile pr, SyncOptions options, CancellationToken ct)
    {
        var values = new float[(long)pr.ActiveCount * pr.BinCount];
        for (int r = 0; r < pr.ActiveCount; r++)
            for (int c = pr.ByAccountOffsets[r]; c < pr.ByAccountOffsets[r + 1]; c++)
                values[(long)r * pr.BinCount + pr.ByAccountBin[c]] = pr.ByAccountCount[c];
        var cosine = new DenseCosine(values, pr.ActiveCount, pr.BinCount);
        var pairs = cosine.AllPairs((float)options.MinSimilarity, new DenseCosineOptions { MaxDegreeOfParallelism = options.Threads }, cancellationToken: ct);
        var result = new List<RowPair>(pairs.Count);
        for (int i = 0; i < pairs.Count; i++) result.Add(new RowPair(pairs.Left[i], pairs.Right[i]));
        return result;
    }

    // Exact weights of the kept pairs from a merge of the two rows' sorted bin lists.
    private static CoShareNetwork Finish(ShareTable shares, Profile pr, List<RowPair> rowPairs, SyncOptions options)
    {
        var edges = new List<(int A, int B, long Pairs, int Bins, double Evidence, double Cos, long First, long Last, SharedObjectEvidence[] Top)>();
        foreach (var rp in rowPairs)
        {
            int r1 = rp.Low, r2 = rp.High;
            int i = pr.ByAccountOffsets[r1], ie = pr.ByAccountOffsets[r1 + 1];
            int j = pr.ByAccountOffsets[r2], je = pr.ByAccountOffsets[r2 + 1];
            long dot = 0; int bins = 0; double ev = 0;
            long first = long.MaxValue, last = long.MinValue;
            var top = new List<SharedObjectEvidence>();
            int a = pr.ActiveAccount[r1], b = pr.ActiveAccount[r2];
            bool swap = a > b;
            while (i < ie && j < je)
            {
                int bi = pr.ByAccountBin[i], bj = pr.ByAccountBin[j];
                if (bi < bj) { i++; continue; }
                if (bj < bi) { j++; continue; }
                dot += (long)pr.ByAccountCount[i] * pr.ByAccountCount[j];
                bins++;
                ev += pr.BinIdf[bi];
                int pa = pr.FirstPostOfCell[i], pb = pr.FirstPostOfCell[j];
                long ta = shares.Time[pa], tb = shares.Time[pb];
                first = Math.Min(first, Math.Min(ta, tb));
                last = Math.Max(last, Math.Max(ta, tb));
                top.Add(swap ? new SharedObjectEvidence(bi, pb, pa, Math.Abs(ta - tb)) : new SharedObjectEvidence(bi, pa, pb, Math.Abs(ta - tb)));
                i++; j++;
            }
            if (bins < options.MinSharedBins) continue;
            double cos = dot / (pr.Norm[r1] * pr.Norm[r2]);
            var binIdf = pr.BinIdf;
            top.Sort((x, y) => binIdf[x.Object] != binIdf[y.Object] ? binIdf[y.Object].CompareTo(binIdf[x.Object]) : x.Object.CompareTo(y.Object));
            edges.Add((Math.Min(a, b), Math.Max(a, b), dot, bins, ev, cos, first, last, top.Take(3).ToArray()));
        }
        edges.Sort((x, y) => x.A != y.A ? x.A.CompareTo(y.A) : x.B.CompareTo(y.B));
        int n = edges.Count;
        var (topOffsets, topItems) = CoShareNetwork.FlattenTop(edges.Select(e => e.Top).ToArray());
        return new CoShareNetwork
        {
            Modality = Modality.Sync,
            Options = new CoShareOptions { WindowMicros = options.BinMicros, MinParticipation = options.MinPosts, CountPosts = false },
            Shares = shares,
            AccountA = edges.Select(e => e.A).ToArray(),
            AccountB = edges.Select(e => e.B).ToArray(),
            Pairs = edges.Select(e => e.Pairs <= int.MaxValue ? (int)e.Pairs
                : throw new InvalidOperationException($"accounts {e.A} and {e.B} posted together in {e.Pairs:N0} bin pairs, more than a layer edge counts (2,147,483,647)")).ToArray(),
            Objects = edges.Select(e => e.Bins).ToArray(),
            PostsA = new int[n],
            PostsB = new int[n],
            SumDeltaMicros = new long[n],
            Evidence = edges.Select(e => e.Evidence).ToArray(),
            FirstTime = edges.Select(e => e.First).ToArray(),
            LastTime = edges.Select(e => e.Last).ToArray(),
            TopOffsets = topOffsets,
            TopItems = topItems,
            ObjectIdf = pr.BinIdf,
            Similarity = edges.Select(e => e.Cos).ToArray(),
            SelfLoopPosts = [],
        };
    }
}
