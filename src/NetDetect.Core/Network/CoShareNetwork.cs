namespace NetDetect.Core.Network;

/// <summary>One of the strongest objects an account pair co-shared: which object, an example post on each side, and Δt.</summary>
/// <param name="PostA">Post of the pair's lower account id.</param>
/// <param name="PostB">Post of the pair's higher account id.</param>
/// <param name="DeltaMicros">|Δt| of the example pair.</param>
/// <remarks>The value a layer's evidence is read as. A layer stores its items more compactly (<see cref="EvidenceItems"/>:
/// 12 bytes when Δ comes from the posts' times; 99M items in the layers of 10M posts), and the object's idf is the
/// layer's (<see cref="CoShareNetwork.ObjectIdf"/>): one number per object instead of one per item.</remarks>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Pack = 4)]
public readonly record struct SharedObjectEvidence(int Object, int PostA, int PostB, long DeltaMicros);

/// <summary>Which edge weight of the spec a threshold or a projection reads.</summary>
public enum EdgeWeight
{
    Pairs,
    Objects,
    /// <summary>The larger of posts_a and posts_b.</summary>
    Posts,
    Evidence,
}

/// <summary>How a builder counts an account's participation for <see cref="CoShareOptions.MinParticipation"/>.</summary>
public enum ParticipationCount
{
    /// <summary>Distinct posts with at least one share in the modality (NetDetect's default).</summary>
    DistinctPosts,
    /// <summary>Share rows, as CooRTweet counts them.</summary>
    ShareRows,
}

/// <summary>Parameters of a co-share network; every output records them.</summary>
public sealed record CoShareOptions
{
    /// <summary>Sliding inclusive window: two shares pair when |t1 − t2| &lt;= window.</summary>
    public long WindowMicros { get; init; } = 60 * Data.Time.MicrosPerSecond;
    /// <summary>Accounts with fewer participations than this are dropped before pairing.</summary>
    public int MinParticipation { get; init; } = 1;
    public ParticipationCount Participation { get; init; } = ParticipationCount.DistinctPosts;
    /// <summary>Also record an account matching itself with a second post (QUT self-loops).</summary>
    public bool SelfLoops { get; init; }
    /// <summary>
    /// Account pairs with fewer co-share pairs than this in the modality are not edges of it (1 = every pair that met,
    /// the spec's network). Detection's scale mode sets 2: most edges of a large dataset are two accounts that met
    /// once, by chance or in a huge operation's random subsets, and dropping them is what lets 10M posts fit in memory.
    /// The edges kept have exactly the weights and evidence they have in the full network.
    /// </summary>
    public int MinEdgePairs { get; init; } = 1;
    /// <summary>How many strongest shared objects each edge keeps as evidence.</summary>
    public int TopObjects { get; init; } = 3;
    /// <summary>Worker threads; 0 = all cores. Results do not depend on it.</summary>
    public int Threads { get; init; }
    /// <summary>Accept a window finer than the data's timestamp resolution.</summary>
    public bool ForceWindow { get; init; }
    /// <summary>Count posts_a/posts_b (and QUT weights); costs a set insert per pair side.</summary>
    public bool CountPosts { get; init; } = true;
    /// <summary>Mark on the result every post that is on a pair (CooRTweet's refinement reads them).</summary>
    internal bool KeepMatches { get; init; }
    /// <summary>Which aggregation builds the edges (the same network either way); the pair-record knobs below imply
    /// pair records. Tests and benchmarks force one.</summary>
    internal CoShareAggregation Aggregation { get; init; }
    /// <summary>Shares per sweep chunk, 0 = the default (tests set it small to spread pairs over many chunks).</summary>
    internal int ChunkShares { get; init; }
    /// <summary>Aggregation partitions, 0 = by data size (tests set several on small data).</summary>
    internal int Partitions { get; init; }
    /// <summary>Partition groups swept and aggregated one after another, 0 = by pair count (tests force several).</summary>
    internal int PairGroups { get; init; }
    /// <summary>Reduce one group through per-partition columns joined afterwards, as several groups do (tests compare the two paths).</summary>
    internal bool PartitionColumns { get; init; }
    /// <summary>Sort each partition's records themselves through every radix pass, as when key range and index do not fit one word (tests compare the two sorts).</summary>
    internal bool SortRecords { get; init; }
}

/// <summary>How a co-share build turns in-window pairs into edges. Both give the same network bit for bit.</summary>
internal enum CoShareAggregation
{
    /// <summary>By the data's pair density (<see cref="CoShareBuilder"/>).</summary>
    Auto,
    /// <summary>Row by row: each account's edges gathered from its own shares.</summary>
    Rows,
    /// <summary>Pair records swept, partitioned, sorted and reduced.</summary>
    PairRecords,
}

/// <summary>A window finer than the data's timestamp resolution, refused unless forced.</summary>
public sealed class WindowTooFineException(string message) : ArgumentException(message);

/// <summary>
/// Account-pair edges of one modality with every weight of the spec, sorted by (A, B) with A &lt; B.
/// Columns, not objects: edge e is <c>AccountA[e]</c>–<c>AccountB[e]</c>.
/// </summary>
public sealed class CoShareNetwork
{
    public required Modality Modality { get; init; }
    public required CoShareOptions Options { get; init; }
    public required ShareTable Shares { get; init; }
    private int[]? _accountA, _accountB;
    public required int[] AccountA { get => _accountA ?? throw AccountsReleased(); init => _accountA = value; }
    public required int[] AccountB { get => _accountB ?? throw AccountsReleased(); init => _accountB = value; }

    /// <summary>Drops <see cref="AccountA"/> and <see cref="AccountB"/> once a fused network holds its own copy of the
    /// edges' accounts and the caller reads the layer's edges only through it (detection: 8 bytes a layer edge, 0.4 GB at
    /// 10M posts, freed before the community graph and Leiden, where the run peaks). The other columns stay.</summary>
    internal void ReleaseAccounts()
    {
        _accountA = null;
        _accountB = null;
    }

    private static InvalidOperationException AccountsReleased() =>
        new("this layer's account columns were released after fusion (DetectionNetworkOptions.ReleaseLayerAccounts): read its edges' accounts from the fused network");
    /// <summary>Co-share pairs (the CooRTweet weight). 32-bit: 0.2 GB less for the 53M layer edges of 10M posts; a pair of
    /// accounts with more than 2³¹ − 1 co-share pairs in one layer is refused with a message naming them.</summary>
    public required CountColumn Pairs { get; init; }
    /// <summary>Distinct objects co-shared (the CooRnet weight).</summary>
    public required CountColumn Objects { get; init; }
    /// <summary>A's distinct posts matched by B within the window: the directed QUT weight w(A→B).</summary>
    public required CountColumn PostsA { get; init; }
    /// <summary>B's distinct posts matched by A: w(B→A).</summary>
    public required CountColumn PostsB { get; init; }
    public required TimeColumn SumDeltaMicros { get; init; }
    /// <summary>Σ over co-shared objects of ln(N / n_o).</summary>
    public required double[] Evidence { get; init; }
    /// <summary>Earliest and latest share time in the pair's co-shares (µs).</summary>
    public required TimeColumn FirstTime { get; init; }
    public required TimeColumn LastTime { get; init; }
    /// <summary>Edge e's evidence is <c>TopItems[TopOffsets[e]..TopOffsets[e+1]]</c>, strongest first (flat: no array per edge).</summary>
    public required int[] TopOffsets { get; init; }
    public required EvidenceItems TopItems { get; init; }

    /// <summary>ln(N / n_o) of every object the layer's evidence names (the idf of <see cref="SharedObjectEvidence.Object"/>).</summary>
    public required double[] ObjectIdf { get; init; }

    /// <summary>The idf of an evidence item's object.</summary>
    public double Idf(in SharedObjectEvidence item) => ObjectIdf[item.Object];

    /// <summary>The strongest shared objects of edge e, strongest first.</summary>
    public EvidenceSpan TopObjects(int e) => TopItems.Slice(TopOffsets[e], TopOffsets[e + 1] - TopOffsets[e]);

    /// <summary>Flat evidence columns from one list per edge.</summary>
    public static (int[] Offsets, SharedObjectEvidence[] Items) FlattenTop(IReadOnlyList<SharedObjectEvidence[]> perEdge)
    {
        var offsets = new int[perEdge.Count + 1];
        for (int e = 0; e < perEdge.Count; e++) offsets[e + 1] = offsets[e] + perEdge[e].Length;
        var items = new SharedObjectEvidence[offsets[^1]];
        for (int e = 0; e < perEdge.Count; e++) perEdge[e].CopyTo(items, offsets[e]);
        return (offsets, items);
    }
    /// <summary>Per account: its distinct posts matched by another of its own posts (only with <see cref="CoShareOptions.SelfLoops"/>).</summary>
    public required int[] SelfLoopPosts { get; init; }
    /// <summary>Cosine similarity of the two accounts' activity (the <c>sync</c> modality only; null for co-share joins).</summary>
    public double[]? Similarity { get; init; }
    /// <summary>Per post: it is on some co-share pair (only when <see cref="CoShareOptions.KeepMatches"/>; CooRTweet's refinement reads it).</summary>
    internal bool[]? PostInPair { get; init; }

    public int EdgeCount => Evidence.Length;

    public long TotalPairs
    {
        get
        {
            long s = 0;
            for (int e = 0, n = Pairs.Length; e < n; e++) s += Pairs[e];
            return s;
        }
    }

    public double MeanDeltaSeconds(int e) => Pairs[e] == 0 ? 0 : SumDeltaMicros[e] / (double)Pairs[e] / Data.Time.MicrosPerSecond;

    /// <summary>The value of one of the spec's weights on edge e.</summary>
    public double Weight(int e, EdgeWeight weight) => weight switch
    {
        EdgeWeight.Pairs => Pairs[e],
        EdgeWeight.Objects => Objects[e],
        EdgeWeight.Posts => Math.Max(PostsA[e], PostsB[e]),
        EdgeWeight.Evidence => Evidence[e],
        _ => throw new ArgumentOutOfRangeException(nameof(weight)),
    };

    /// <summary>Every edge's value of <paramref name="weight"/>.</summary>
    public double[] Weights(EdgeWeight weight)
    {
        var w = new double[EdgeCount];
        for (int e = 0; e < w.Length; e++) w[e] = Weight(e, weight);
        return w;
    }

    /// <summary>Number of distinct accounts on at least one edge.</summary>
    public int AccountsInNetwork()
    {
        var seen = new bool[Shares.AccountCount];
        int n = 0;
        for (int e = 0; e < EdgeCount; e++)
        {
            if (!seen[AccountA[e]]) { seen[AccountA[e]] = true; n++; }
            if (!seen[AccountB[e]]) { seen[AccountB[e]] = true; n++; }
        }
        return n;
    }

    /// <summary>The edges for which <paramref name="keep"/> is true, every column carried along.</summary>
    public CoShareNetwork Where(bool[] keep)
    {
        int n = 0;
        foreach (bool k in keep) if (k) n++;
        var idx = new int[n];
        n = 0;
        for (int e = 0; e < keep.Length; e++) if (keep[e]) idx[n++] = e;
        return Select(idx);
    }

    /// <summary>The edges <paramref name="idx"/> in that order (tests use it to fuse layers out of (A, B) order).</summary>
    internal CoShareNetwork Select(int[] idx)
    {
        var topOffsets = new int[idx.Length + 1];
        for (int i = 0; i < idx.Length; i++) topOffsets[i + 1] = topOffsets[i] + TopOffsets[idx[i] + 1] - TopOffsets[idx[i]];
        var topItems = new SharedObjectEvidence[topOffsets[^1]];
        for (int i = 0; i < idx.Length; i++) TopObjects(idx[i]).ToArray().CopyTo(topItems.AsSpan(topOffsets[i]));
        return new CoShareNetwork
        {
            Modality = Modality,
            Options = Options,
            Shares = Shares,
            AccountA = Pick(AccountA, idx),
            AccountB = Pick(AccountB, idx),
            Pairs = Pick(Pairs.ToArray(), idx),
            Objects = Pick(Objects.ToArray(), idx),
            PostsA = Pick(PostsA.ToArray(), idx),
            PostsB = Pick(PostsB.ToArray(), idx),
            SumDeltaMicros = Pick(SumDeltaMicros.ToArray(), idx),
            Evidence = Pick(Evidence, idx),
            FirstTime = Pick(FirstTime.ToArray(), idx),
            LastTime = Pick(LastTime.ToArray(), idx),
            TopOffsets = topOffsets,
            TopItems = topItems,
            ObjectIdf = ObjectIdf,
            Similarity = Similarity is null ? null : Pick(Similarity, idx),
            SelfLoopPosts = SelfLoopPosts,
            PostInPair = PostInPair,
        };
    }

    private static T[] Pick<T>(T[] source, int[] idx)
    {
        var r = new T[idx.Length];
        for (int i = 0; i < idx.Length; i++) r[i] = source[idx[i]];
        return r;
    }
}
