using NetDetect.Core.Data;
using NetDetect.Core.Kernels;
using NetDetect.Core.Network;

namespace NetDetect.Core.Features;

/// <summary>A dense row-major feature matrix: <c>Values[account * Names.Count + f]</c>; NaN means "unknown".</summary>
public sealed class FeatureMatrix
{
    public required IReadOnlyList<string> Names { get; init; }
    public required int Rows { get; init; }
    public required float[] Values { get; init; }

    public int Columns => Names.Count;

    public float this[int row, int column] => Values[row * Names.Count + column];

    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Names.Count, Names.Count);
}

/// <summary>
/// Per-account features in four groups (network, temporal, content, profile), documented one by one in
/// <c>docs/features.md</c>. The order of <see cref="Names"/> is part of a model's contract.
/// </summary>
public static class AccountFeatures
{
    /// <summary>Version of the feature definitions; a model trained on another version is refused.</summary>
    public const int Version = 1;

    /// <summary>Modalities with their own partner-count feature (others still count in the totals).</summary>
    public static readonly Modality[] PerModality =
        [Modality.Repost, Modality.Hashtag, Modality.Url, Modality.Domain, Modality.Text, Modality.Media, Modality.Reply];

    public static readonly IReadOnlyList<string> Names = BuildNames();

    private static string[] BuildNames()
    {
        var names = new List<string>
        {
            "net_partners", "net_pairs", "net_evidence", "net_max_edge_evidence", "net_modalities",
        };
        foreach (var m in PerModality) names.Add("net_partners_" + m.Name());
        names.AddRange(
        [
            "net_coordinated_share", "net_mean_delta_s", "net_community_size", "net_community_density",
            "net_community_evidence_per_member", "net_kcore", "net_partner_share_of_community",
            "t_posts", "t_active_days", "t_hour_entropy", "t_office_share", "t_interval_cv", "t_burstiness",
            "t_top_interval_share", "t_interval_entropy", "t_median_interval_s", "t_night_share",
            "c_repost_share", "c_reply_share", "c_quote_share", "c_dup_text_share", "c_hashtag_diversity",
            "c_domain_diversity", "c_hashtags_per_post", "c_urls_per_post", "c_repost_source_diversity", "c_shared_object_share",
            "p_age_days", "p_creation_day_burst", "p_followers", "p_following", "p_follow_ratio",
            "p_name_digit_suffix", "p_post_languages", "p_language_switch_share", "p_clients", "p_client_rarity",
        ]);
        return names.ToArray();
    }

    /// <summary>Computes every account's features. Single pass per group over columnar data; no per-post allocation.</summary>
    /// <remarks>
    /// With two or more <paramref name="threads"/> the network group runs beside the other three: the groups write
    /// disjoint columns and each is sequential inside, so the values do not depend on the thread count.
    /// </remarks>
    public static FeatureMatrix Compute(Dataset dataset, CoordinationNetwork network, CancellationToken cancellationToken = default, int threads = 1)
    {
        var builder = new Builder(dataset);
        if (threads >= 2) Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            () => builder.AddNetworkGroup(network), () => builder.AddOtherGroups(network.Network, cancellationToken));
        else
        {
            builder.AddNetworkGroup(network);
            cancellationToken.ThrowIfCancellationRequested();
            builder.AddOtherGroups(network.Network, cancellationToken);
        }
        cancellationToken.ThrowIfCancellationRequested();
        return builder.Matrix;
    }

    /// <summary>
    /// The matrix filled group by group, for a caller that computes the groups at different times: detection computes
    /// the temporal, content and profile groups (which read the fused layers but not the communities) beside the
    /// single-threaded Leiden run, and the network group once communities and k-cores exist. Each group writes its own
    /// columns, so the values are those of <see cref="Compute"/> whatever the order.
    /// </summary>
    public sealed class Builder(Dataset dataset)
    {
        private readonly Lock _lock = new();
        private FeatureMatrix? _matrix;
        private Writer? _writer;

        /// <summary>The matrix (allocated at the first group, not before: the caller may hold the builder through the
        /// network's layers, and at 2.5M accounts it is half a gigabyte); complete once both groups were added.</summary>
        public FeatureMatrix Matrix
        {
            get
            {
                lock (_lock)
                {
                    if (_matrix is null)
                    {
                        int n = dataset.Accounts.Count;
                        var values = new float[(long)n * Names.Count];
                        _writer = new Writer(values, Names.Count);
                        _matrix = new FeatureMatrix { Names = Names, Rows = n, Values = values };
                    }
                    return _matrix;
                }
            }
        }

        private Writer W
        {
            get
            {
                _ = Matrix;
                return _writer!;
            }
        }

        private SharedPosts? _shared;

        /// <summary>Takes what the content features need from a layer's shares as soon as it is built, so that its share
        /// columns can be dropped before the next layer (<see cref="ShareTable.ReleaseColumns"/>); <see cref="AddOtherGroups"/>
        /// then reads these marks instead of the shares, once every layer of its network was marked.</summary>
        public void MarkSharedPosts(CoShareNetwork layer)
        {
            _shared ??= new SharedPosts(dataset.Posts.Count);
            _shared.Add(layer);
        }

        /// <summary>Temporal, content and profile features: the posts, and the fused network's layers (shares only, or the
        /// marks <see cref="MarkSharedPosts"/> took from them).</summary>
        public void AddOtherGroups(FusedNetwork fused, CancellationToken cancellationToken = default)
        {
            var w = W;
            Diagnostics.Lap.Mark("features: matrix");
            var byAccount = PostsByAccount(dataset.Posts, dataset.Accounts.Count);
            Diagnostics.Lap.Mark("features: posts by account");
            var shared = _shared;
            if (shared is null || !shared.Covers(fused))
            {
                shared = new SharedPosts(dataset.Posts.Count);
                foreach (var layer in fused.Layers) shared.Add(layer);
            }
            _shared = null;
            Content(dataset, shared, byAccount, w);
            Diagnostics.Lap.Mark("features: content");
            cancellationToken.ThrowIfCancellationRequested();
            Profile(dataset, byAccount, w);
            Diagnostics.Lap.Mark("features: profile");
            // the content and profile groups come first: after them only the posts' authors and times are read, and
            // the columns they alone read can go before the temporal statistics allocate (the groups write disjoint
            // columns, so their order changes no value)
            if (ReleaseReadColumns)
            {
                dataset.Posts.ReleaseFeatureColumns();
                dataset.Accounts.ReleaseProfileColumns();
                LargeArrays.Reclaim();
            }
            cancellationToken.ThrowIfCancellationRequested();
            // on the run's threads: it is the last of these groups, and Leiden (the other side) is usually done by then
            Temporal(dataset, byAccount, w, Threads);
            Diagnostics.Lap.Mark("features: temporal");
        }

        /// <summary>Threads of the temporal group (1 by default; the values do not depend on it).</summary>
        public int Threads { get; init; } = 1;

        /// <summary>Drop the post and account columns that only the content and profile features read once they have read
        /// them (<see cref="PostTable.ReleaseFeatureColumns"/>, <see cref="AccountTable.ReleaseProfileColumns"/>): for callers
        /// that own the dataset and read none of those columns afterwards.</summary>
        public bool ReleaseReadColumns { get; init; }

        /// <summary>Network features: edges, communities, k-cores; the edge pass on two threads when <paramref name="threads"/> allows.</summary>
        public void AddNetworkGroup(CoordinationNetwork network, int threads = 1)
        {
            Network(dataset, network, W, threads);
            Diagnostics.Lap.Mark("features: network rows");
        }
    }

    private sealed class Writer(float[] values, int columns)
    {
        private readonly Dictionary<string, int> _index = BuildIndex();

        private static Dictionary<string, int> BuildIndex()
        {
            var d = new Dictionary<string, int>();
            for (int i = 0; i < Names.Count; i++) d[Names[i]] = i;
            return d;
        }

        public int Column(string name) => _index[name];

        public void Set(int row, int column, double value) => values[(long)row * columns + column] = (float)value;
    }

    /// <summary>Posts grouped by author (CSR), each account's posts in time order (ties by post index).</summary>
    internal sealed record AccountPosts(int[] Offsets, int[] Posts);

    internal static AccountPosts PostsByAccount(PostTable posts, int accounts)
    {
        var offsets = new int[accounts + 1];
        for (int j = 0; j < posts.Count; j++) offsets[posts.Account[j] + 1]++;
        for (int a = 0; a < accounts; a++) offsets[a + 1] += offsets[a];
        var fill = offsets[..accounts];
        var order = new int[posts.Count];
        for (int j = 0; j < posts.Count; j++) order[fill[posts.Account[j]]++] = j;
        var keys = new long[0];
        for (int a = 0; a < accounts; a++)
        {
            int len = offsets[a + 1] - offsets[a];
            if (len < 2) continue;
            if (keys.Length < len) keys = new long[Math.Max(len, keys.Length * 2)];
            var span = order.AsSpan(offsets[a], len);
            for (int k = 0; k < len; k++) keys[k] = posts.CreatedAt[span[k]];
            keys.AsSpan(0, len).Sort(span); // equal times: the order is arbitrary but fixed for a given input
        }
        return new AccountPosts(offsets, order);
    }

    // The sums of the edge loop for one account side by side, and for one account in one layer: each edge touches
    // both its ends, and at millions of accounts one array per sum meant a cache miss per sum and end.
    private struct AccountSums
    {
        public double Pairs, Evidence, MaxEvidence, DeltaSeconds;
        public int Partners, Posts;
    }

    private struct LayerSums
    {
        public int Edges;
        // Largest share of the account's posts matched by one partner in this layer. Kept as float: rounding is
        // monotone, so the maximum of the rounded shares is the rounded maximum the feature stores.
        public float Matched;
    }

    private static void Network(Dataset dataset, CoordinationNetwork cn, Writer w, int threads = 1)
    {
        int n = dataset.Accounts.Count;
        var net = cn.Network;
        var accountA = net.AccountA;
        var accountB = net.AccountB;
        // The sums are kept for the accounts with edges only, numbered in account order (189K of 2.5M at 10M posts):
        // the edge loop reaches B's sums at random, and over every account they took 0.26 GB, a cache miss an edge;
        // compact, they stay in the last-level cache. Each sum still takes its terms in edge order.
        var slotOf = new int[n];
        foreach (int a in accountA) slotOf[a] = 1;
        foreach (int b in accountB) slotOf[b] = 1;
        int m = 0;
        for (int a = 0; a < n; a++) slotOf[a] = slotOf[a] != 0 ? m++ : -1;
        var sums = new AccountSums[m];
        {
            var postAccount = dataset.Posts.Account;
            for (int j = 0; j < postAccount.Length; j++)
                if (slotOf[postAccount[j]] is var slot and >= 0) sums[slot].Posts++;
        }
        // The layers' columns as plain arrays, hoisted out of the edge loop (11M fused edges × 7 layers at 2M posts):
        // the arithmetic and its order are those of a walk through net.Layers, so the features are unchanged.
        int layerCount = net.Layers.Count;
        var layerPairs = new CountColumn[layerCount];
        var layerDelta = new TimeColumn[layerCount];
        var layerPostsA = new CountColumn[layerCount];
        var layerPostsB = new CountColumn[layerCount];
        var layerSlot = new int[layerCount];
        for (int l = 0; l < layerCount; l++)
        {
            var layer = net.Layers[l];
            layerPairs[l] = layer.Pairs;
            layerDelta[l] = layer.SumDeltaMicros;
            layerPostsA[l] = layer.PostsA;
            layerPostsB[l] = layer.PostsB;
            layerSlot[l] = Array.IndexOf(PerModality, layer.Modality);
        }
        // per account with edges and layer (account-major): its edges there and its best matched share
        var layerSums = new LayerSums[(long)m * layerCount];
        var entryStart = net.EntryStart;
        var entryLayer = net.EntryLayer;
        var entryEdge = net.EntryEdge;
        var edgeEvidence = cn.EdgeEvidence;
        // Accounts (slots) [lo, hi) only: each account still takes its edges in edge order, so two threads with halves
        // of the accounts give every sum bit for bit what one thread gives. Edges are sorted by (A, B) with A < B, and
        // slots follow account order, so a range's edges end where A's slot reaches hi; the upper range scans them all,
        // the lower stops early.
        void Edges(int lo, int hi)
        {
            for (int e = 0; e < accountA.Length; e++)
            {
                int a = slotOf[accountA[e]], b = slotOf[accountB[e]];
                if (a >= hi) break;
                bool inA = a >= lo, inB = b >= lo && b < hi;
                if (!inA && !inB) continue;
                double ev = edgeEvidence[e];
                if (inA) AddEdge(ref sums[a], ev);
                if (inB) AddEdge(ref sums[b], ev);
                long rowA = (long)a * layerCount, rowB = (long)b * layerCount;
                for (int k = entryStart[e], end = entryStart[e + 1]; k < end; k++)
                {
                    int l = entryLayer[k], le = entryEdge[k];
                    long p = layerPairs[l][le];
                    long delta = layerDelta[l][le];
                    if (inA) AddLayerEdge(ref sums[a], ref layerSums[rowA + l], p, delta, layerPostsA[l][le]);
                    if (inB) AddLayerEdge(ref sums[b], ref layerSums[rowB + l], p, delta, layerPostsB[l][le]);
                }
            }
        }
        static void AddEdge(ref AccountSums s, double evidence)
        {
            s.Partners++;
            s.Evidence += evidence;
            if (evidence > s.MaxEvidence) s.MaxEvidence = evidence;
        }
        // one layer's edge of an account: its pairs, Δ, and the share of its posts the partner matched there
        static void AddLayerEdge(ref AccountSums s, ref LayerSums ls, long pairs, long delta, int matchedPosts)
        {
            s.Pairs += pairs;
            s.DeltaSeconds += delta / (double)Time.MicrosPerSecond;
            ls.Edges++;
            float share = (float)(s.Posts == 0 ? 0 : (double)matchedPosts / s.Posts);
            if (share > ls.Matched) ls.Matched = share;
        }
        // community internal edges and evidence (in edge order, whichever thread does it)
        int communities = cn.CommunitySizes.Length;
        var internalEdges = new double[communities];
        var internalEvidence = new double[communities];
        void Internal()
        {
            for (int e = 0; e < net.EdgeCount; e++)
            {
                int ca = cn.Community[net.AccountA[e]];
                if (ca != cn.Community[net.AccountB[e]]) continue;
                internalEdges[ca]++;
                internalEvidence[ca] += cn.EdgeEvidence[e];
            }
        }
        Diagnostics.Lap.Mark("features: network sums prepared");
        if (threads >= 2 && m >= 2)
        {
            // the lower half of the accounts scans only the edges whose A is in it: give it more accounts; the
            // community pass, which touches none of their sums, goes to whichever thread is free first
            int mid = (int)(m * 0.6);
            Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = 2 }, () => Edges(0, mid), () => Edges(mid, m), Internal);
        }
        else
        {
            Edges(0, m);
            Internal();
        }
        Diagnostics.Lap.Mark("features: network edge sums");
        int cPartners = w.Column("net_partners"), cPairs = w.Column("net_pairs"), cEv = w.Column("net_evidence"),
            cMax = w.Column("net_max_edge_evidence"), cMod = w.Column("net_modalities"), cShare = w.Column("net_coordinated_share"),
            cDelta = w.Column("net_mean_delta_s"), cSize = w.Column("net_community_size"), cDens = w.Column("net_community_density"),
            cCev = w.Column("net_community_evidence_per_member"), cCore = w.Column("net_kcore"), cPsc = w.Column("net_partner_share_of_community");
        var cPer = new int[PerModality.Length];
        for (int i = 0; i < PerModality.Length; i++) cPer[i] = w.Column("net_partners_" + PerModality[i].Name());
        // blocks of accounts, each writing its own rows: the values do not depend on the thread count
        const int Block = 1 << 14;
        Parallel.For(0, (n + Block - 1) / Block, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, block =>
        {
            var perModality = new int[PerModality.Length];
            var none = default(AccountSums);
            for (int a = block * Block, last = Math.Min(n, a + Block); a < last; a++)
            {
                int slot = slotOf[a];
                // an account without edges has no sums (zero) and no layers
                ref readonly var sa = ref slot >= 0 ? ref sums[slot] : ref none;
                // the account's layers: how many it has edges in, its edges per modality, its best matched share
                int modalities = 0;
                float matched = 0;
                Array.Clear(perModality);
                for (int l = 0; slot >= 0 && l < layerCount; l++)
                {
                    var ls = layerSums[(long)slot * layerCount + l];
                    if (ls.Edges == 0) continue;
                    modalities++;
                    if (layerSlot[l] >= 0) perModality[layerSlot[l]] += ls.Edges;
                    matched = Math.Max(matched, ls.Matched);
                }
                w.Set(a, cPartners, Math.Log(1 + sa.Partners));
                w.Set(a, cPairs, Math.Log(1 + sa.Pairs));
                w.Set(a, cEv, Math.Log(1 + sa.Evidence));
                w.Set(a, cMax, Math.Log(1 + sa.MaxEvidence));
                w.Set(a, cMod, modalities);
                for (int i = 0; i < PerModality.Length; i++) w.Set(a, cPer[i], Math.Log(1 + perModality[i]));
                w.Set(a, cShare, Math.Min(1, matched));
                w.Set(a, cDelta, sa.Pairs > 0 ? Math.Log(1 + sa.DeltaSeconds / sa.Pairs) : float.NaN);
                int c = cn.Community[a];
                int size = cn.CommunitySizes[c];
                w.Set(a, cSize, Math.Log(size));
                w.Set(a, cDens, size > 1 ? internalEdges[c] / (size * (size - 1) / 2.0) : 0);
                w.Set(a, cCev, Math.Log(1 + internalEvidence[c] / size));
                w.Set(a, cCore, Math.Log(1 + cn.CoreNumber[a]));
                w.Set(a, cPsc, size > 1 ? sa.Partners / (double)(size - 1) : 0);
            }
        });
    }

    /// <summary>Hour of week 0..167 with Monday 00:00 UTC = 0 (the Unix epoch was a Thursday).</summary>
    internal static int HourOfWeek(long micros)
    {
        long hour = Math.DivRem(micros, 3600 * Time.MicrosPerSecond, out long rem);
        if (rem < 0) hour--;
        long how = (hour + 72) % 168;
        return (int)(how < 0 ? how + 168 : how);
    }

    /// <summary>True when local hour-of-week <paramref name="how"/> is Monday–Friday 09:00–17:59.</summary>
    internal static bool IsOfficeHour(int how) => how / 24 < 5 && how % 24 >= 9 && how % 24 < 18;

    // For each UTC offset -12..14 (row offset + 12) and UTC hour of week: whether that hour is an office hour, or a
    // night hour (00:00–05:59), in the offset's local time. Looked up per account and offset instead of computed.
    private static readonly bool[] OfficeHourAt = LocalHourTable(IsOfficeHour);
    private static readonly bool[] NightHourAt = LocalHourTable(local => local % 24 < 6);

    private static bool[] LocalHourTable(Func<int, bool> test)
    {
        var table = new bool[27 * 168];
        for (int offset = -12; offset <= 14; offset++)
            for (int h = 0; h < 168; h++)
                table[(offset + 12) * 168 + h] = test(((h + offset) % 168 + 168) % 168);
        return table;
    }

    private static void Temporal(Dataset dataset, AccountPosts byAccount, Writer w, int threads)
    {
        int n = dataset.Accounts.Count;
        var posts = dataset.Posts;
        var stats = TemporalProfiles.Statistics(dataset, TemporalBinning.HourOfWeek(), Math.Max(1, threads));
        int cPosts = w.Column("t_posts"), cDays = w.Column("t_active_days"), cEnt = w.Column("t_hour_entropy"),
            cOffice = w.Column("t_office_share"), cCv = w.Column("t_interval_cv"), cBurst = w.Column("t_burstiness"),
            cTop = w.Column("t_top_interval_share"), cIe = w.Column("t_interval_entropy"), cMed = w.Column("t_median_interval_s"),
            cNight = w.Column("t_night_share");
        // blocks of accounts on the given threads: every account's values depend on its own posts only, and each
        // block writes its own rows, so the values are the same for any thread count
        const int Block = 1 << 14;
        Parallel.For(0, (n + Block - 1) / Block, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, b =>
        {
            var hist = new int[168];
            // The hours of week an account posted in: most accounts post in a handful, so the time-zone search below
            // walks those instead of all 168 hours for each of the 27 offsets (2.5M accounts × 27 × 168 steps before).
            var used = new int[168];
            for (int a = b * Block, last = Math.Min(n, a + Block); a < last; a++)
            {
                int start = byAccount.Offsets[a], end = byAccount.Offsets[a + 1];
                int count = end - start;
                int distinct = 0;
                int days = 0;
                long lastDay = long.MinValue;
                for (int k = start; k < end; k++)
                {
                    long t = posts.CreatedAt[byAccount.Posts[k]];
                    int how = HourOfWeek(t);
                    if (hist[how]++ == 0) used[distinct++] = how;
                    long day = t / (86_400 * Time.MicrosPerSecond);
                    if (day != lastDay) { days++; lastDay = day; }
                }
                // office-hours share in the operator's most likely time zone: the UTC offset that maximises it
                // (integer sums, so the order the hours are visited in changes nothing)
                int best = 0, bestOffset = 0;
                for (int offset = -12; offset <= 14; offset++)
                {
                    int office = 0;
                    var isOffice = OfficeHourAt.AsSpan((offset + 12) * 168, 168);
                    for (int u = 0; u < distinct; u++)
                    {
                        int h = used[u];
                        if (isOffice[h]) office += hist[h];
                    }
                    if (office > best) { best = office; bestOffset = offset; }
                }
                // night share (00:00–05:59) in the same time zone: people sleep, shifts and schedulers do not
                int night = 0;
                for (int u = 0; u < distinct; u++)
                {
                    int h = used[u];
                    if (NightHourAt[(bestOffset + 12) * 168 + h]) night += hist[h];
                    hist[h] = 0; // ready for the next account
                }
                bool many = count >= 3;
                w.Set(a, cPosts, Math.Log(1 + count));
                w.Set(a, cDays, Math.Log(1 + days));
                w.Set(a, cEnt, many ? stats.BinEntropy[a] : float.NaN);
                w.Set(a, cOffice, many ? best / (double)count : float.NaN);
                w.Set(a, cNight, many ? night / (double)count : float.NaN);
                w.Set(a, cCv, count >= 3 ? stats.IntervalCv[a] : float.NaN);
                w.Set(a, cBurst, count >= 3 ? stats.Burstiness[a] : float.NaN);
                w.Set(a, cTop, count >= 3 ? stats.TopIntervalShare[a] : float.NaN);
                w.Set(a, cIe, count >= 3 ? stats.IntervalEntropy[a] : float.NaN);
                w.Set(a, cMed, count >= 2 ? Math.Log(1 + stats.MedianIntervalSeconds[a]) : float.NaN);
            }
        });
    }

    /// <summary>
    /// What the content features read from the layers' shares, per post: its object was shared by another account too
    /// (in any layer), and its text was (near-duplicate text). Filled layer by layer, so detection can drop each layer's
    /// share columns as soon as it is built.
    /// </summary>
    private sealed class SharedPosts(int posts)
    {
        public readonly bool[] TextDup = new bool[posts];
        public readonly bool[] SharedObject = new bool[posts];
        /// <summary>The layers taken, to check the set is the fused network's.</summary>
        public readonly HashSet<CoShareNetwork> Layers = new(ReferenceEqualityComparer.Instance);

        public void Add(CoShareNetwork layer)
        {
            if (layer.Modality == Modality.Sync || !Layers.Add(layer)) return;
            var s = layer.Shares;
            var firstAccount = new int[s.ObjectCount];
            var multi = new bool[s.ObjectCount];
            Array.Fill(firstAccount, -1);
            for (int i = 0; i < s.Count; i++)
            {
                int o = s.Object[i];
                if (firstAccount[o] < 0) firstAccount[o] = s.Account[i];
                else if (firstAccount[o] != s.Account[i]) multi[o] = true;
            }
            bool isText = layer.Modality is Modality.Text or Modality.SimilarText;
            for (int i = 0; i < s.Count; i++)
            {
                if (!multi[s.Object[i]]) continue;
                if (isText) TextDup[s.Post[i]] = true;
                SharedObject[s.Post[i]] = true;
            }
        }

        /// <summary>Whether every co-share layer of <paramref name="fused"/> was taken (and no other).</summary>
        public bool Covers(FusedNetwork fused)
        {
            int layers = 0;
            foreach (var layer in fused.Layers)
            {
                if (layer.Modality == Modality.Sync) continue;
                if (!Layers.Contains(layer)) return false;
                layers++;
            }
            return layers == Layers.Count;
        }
    }

    private static void Content(Dataset dataset, SharedPosts marks, AccountPosts byAccount, Writer w)
    {
        int n = dataset.Accounts.Count;
        var posts = dataset.Posts;
        // near-duplicate text: a post whose normalised text was also posted by another account
        var textDup = marks.TextDup;
        var sharedObject = marks.SharedObject;
        int cRepost = w.Column("c_repost_share"), cReply = w.Column("c_reply_share"), cQuote = w.Column("c_quote_share"),
            cDup = w.Column("c_dup_text_share"), cHd = w.Column("c_hashtag_diversity"), cDd = w.Column("c_domain_diversity"),
            cHpp = w.Column("c_hashtags_per_post"), cUpp = w.Column("c_urls_per_post"), cRsd = w.Column("c_repost_source_diversity"),
            cShared = w.Column("c_shared_object_share");
        // distinct hashtags, domains and repost sources per account: the value last seen by account a holds a + 1 (no
        // clearing between accounts, no hashing; 30M list values at 10M posts)
        var seenHashtag = new int[posts.Hashtags.Dictionary.Count];
        var seenDomain = new int[posts.Domains.Dictionary.Count];
        var seenSource = new int[posts.AccountRefs.Count];
        for (int a = 0; a < n; a++)
        {
            int start = byAccount.Offsets[a], end = byAccount.Offsets[a + 1];
            int count = end - start;
            if (count == 0)
            {
                for (int c = cRepost; c <= cShared; c++) w.Set(a, c, float.NaN);
                continue;
            }
            int reposts = 0, replies = 0, quotes = 0, dup = 0, originals = 0, hashtags = 0, urls = 0, domains = 0, shared = 0;
            int stamp = a + 1, distinctHashtags = 0, distinctDomains = 0, distinctSources = 0;
            for (int k = start; k < end; k++)
            {
                int j = byAccount.Posts[k];
                if (posts.RepostOfPost[j] >= 0)
                {
                    reposts++;
                    int source = posts.RepostOfAccount[j];
                    if (source >= 0 && seenSource[source] != stamp) { seenSource[source] = stamp; distinctSources++; }
                }
                else
                {
                    originals++;
                    if (textDup[j]) dup++;
                }
                if (posts.ReplyToPost[j] >= 0 || posts.ReplyToAccount[j] >= 0) replies++;
                if (posts.QuoteOfPost[j] >= 0) quotes++;
                if (sharedObject[j]) shared++;
                foreach (int h in posts.Hashtags.Row(j))
                {
                    hashtags++;
                    if (seenHashtag[h] != stamp) { seenHashtag[h] = stamp; distinctHashtags++; }
                }
                foreach (int d in posts.Domains.Row(j))
                {
                    domains++;
                    if (seenDomain[d] != stamp) { seenDomain[d] = stamp; distinctDomains++; }
                }
                urls += posts.Urls.RowLength(j);
            }
            w.Set(a, cRepost, reposts / (double)count);
            w.Set(a, cReply, replies / (double)count);
            w.Set(a, cQuote, quotes / (double)count);
            w.Set(a, cDup, originals > 0 ? dup / (double)originals : float.NaN);
            w.Set(a, cHd, hashtags > 0 ? distinctHashtags / (double)hashtags : float.NaN);
            w.Set(a, cDd, domains > 0 ? distinctDomains / (double)domains : float.NaN);
            w.Set(a, cHpp, hashtags / (double)count);
            w.Set(a, cUpp, urls / (double)count);
            w.Set(a, cRsd, reposts > 0 && distinctSources > 0 ? distinctSources / (double)reposts : float.NaN);
            w.Set(a, cShared, shared / (double)count);
        }
    }

    private static void Profile(Dataset dataset, AccountPosts byAccount, Writer w)
    {
        var acc = dataset.Accounts;
        var posts = dataset.Posts;
        int n = acc.Count;
        // accounts created on the same UTC day: bought or mass-registered batches come in bursts
        var perDay = new Dictionary<long, int>();
        for (int a = 0; a < n; a++)
        {
            if (acc.CreatedAt[a] == Time.Null) continue;
            long day = Math.DivRem(acc.CreatedAt[a], 86_400 * Time.MicrosPerSecond, out long r) - (r < 0 ? 1 : 0);
            perDay[day] = perDay.GetValueOrDefault(day) + 1;
        }
        // main client per account, and how many accounts use each client as their main one
        var mainClient = new int[n];
        var clientAccounts = new int[Math.Max(1, posts.Clients.Count)];
        int withClient = 0;
        var langCounts = new Dictionary<int, int>();
        var clientCounts = new Dictionary<int, int>();
        int cAge = w.Column("p_age_days"), cBurst = w.Column("p_creation_day_burst"), cFol = w.Column("p_followers"),
            cFing = w.Column("p_following"), cRatio = w.Column("p_follow_ratio"), cDigits = w.Column("p_name_digit_suffix"),
            cLangs = w.Column("p_post_languages"), cSwitch = w.Column("p_language_switch_share"), cClients = w.Column("p_clients"),
            cRarity = w.Column("p_client_rarity");
        for (int a = 0; a < n; a++)
        {
            int start = byAccount.Offsets[a], end = byAccount.Offsets[a + 1];
            langCounts.Clear(); clientCounts.Clear();
            int withLang = 0;
            for (int k = start; k < end; k++)
            {
                int j = byAccount.Posts[k];
                if (posts.Language[j] >= 0) { langCounts[posts.Language[j]] = langCounts.GetValueOrDefault(posts.Language[j]) + 1; withLang++; }
                if (posts.Client[j] >= 0) clientCounts[posts.Client[j]] = clientCounts.GetValueOrDefault(posts.Client[j]) + 1;
            }
            int mainLang = 0;
            foreach (var kv in langCounts) mainLang = Math.Max(mainLang, kv.Value);
            mainClient[a] = -1;
            int best = 0;
            foreach (var kv in clientCounts)
                if (kv.Value > best || (kv.Value == best && kv.Key < mainClient[a])) { best = kv.Value; mainClient[a] = kv.Key; }
            if (mainClient[a] >= 0) { clientAccounts[mainClient[a]]++; withClient++; }
            w.Set(a, cLangs, withLang > 0 ? langCounts.Count : float.NaN);
            w.Set(a, cSwitch, withLang > 0 ? 1 - mainLang / (double)withLang : float.NaN);
            w.Set(a, cClients, clientCounts.Count > 0 ? clientCounts.Count : float.NaN);

            long created = acc.CreatedAt[a];
            if (created != Time.Null && end > start)
            {
                long first = posts.CreatedAt[byAccount.Posts[start]];
                w.Set(a, cAge, Math.Log(1 + Math.Max(0, (first - created) / (86_400.0 * Time.MicrosPerSecond))));
            }
            else w.Set(a, cAge, float.NaN);
            if (created != Time.Null)
            {
                long day = Math.DivRem(created, 86_400 * Time.MicrosPerSecond, out long r) - (r < 0 ? 1 : 0);
                w.Set(a, cBurst, Math.Log(perDay[day]));
            }
            else w.Set(a, cBurst, float.NaN);
            long fol = acc.FollowerCount[a], fing = acc.FollowingCount[a];
            w.Set(a, cFol, fol >= 0 ? Math.Log(1 + fol) : float.NaN);
            w.Set(a, cFing, fing >= 0 ? Math.Log(1 + fing) : float.NaN);
            w.Set(a, cRatio, fol >= 0 && fing >= 0 ? Math.Log((1.0 + fol) / (1.0 + fing)) : float.NaN);
            var name = acc.ScreenName.GetSpan(a);
            if (acc.ScreenName.IsNull(a) || name.IsEmpty) w.Set(a, cDigits, float.NaN);
            else
            {
                int digits = 0;
                for (int i = name.Length - 1; i >= 0 && char.IsAsciiDigit(name[i]); i--) digits++;
                w.Set(a, cDigits, digits);
            }
        }
        for (int a = 0; a < n; a++)
            w.Set(a, cRarity, mainClient[a] >= 0 ? Math.Log(withClient / (double)clientAccounts[mainClient[a]]) : float.NaN);
    }
}
