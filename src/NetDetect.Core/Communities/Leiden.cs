namespace NetDetect.Core.Communities;

/// <summary>
/// Leiden community detection (Traag, Waltman &amp; van Eck 2019): queue-based local moving, refinement into
/// well-connected sub-communities, aggregation on the refined partition with the unrefined one as the start.
/// </summary>
/// <remarks>
/// Every community it returns is connected. Deterministic for a seed: the algorithm runs on one thread, so the
/// partition is the same whatever the machine's core count. Defaults follow python-igraph's community_leiden
/// (two iterations, θ = 0.01).
/// </remarks>
public sealed class Leiden
{
    private readonly WeightedGraph _graph;
    private readonly CommunityOptions _options;

    /// <summary>Prepares a run on <paramref name="graph"/> with <paramref name="options"/>.</summary>
    public Leiden(WeightedGraph graph, CommunityOptions options)
    {
        _graph = graph ?? throw new ArgumentNullException(nameof(graph));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
    }

    /// <summary>Finds communities starting from singletons, or from <paramref name="initialMembership"/> if given.</summary>
    public CommunityResult Compute(ReadOnlySpan<int> initialMembership = default) =>
        MultilevelRunner.Run(_graph, _options, refine: true, initialMembership);

    /// <summary>
    /// Communities of the graph that <paramref name="layout"/> describes, given its compact form (the graph this run was
    /// made with: <see cref="WeightedGraph.CompactInPlace"/>): the membership is over all of that graph's nodes, and is
    /// the one <see cref="Compute"/> finds on it, without the compact copy of the adjacency that run makes.
    /// </summary>
    internal CommunityResult ComputeCompacted(IdleLayout layout) => MultilevelRunner.Run(_graph, _options, refine: true, default, layout);
}

/// <summary>
/// Louvain community detection (Blondel et al. 2008) with queue-based local moving; kept as the stepping stone to
/// <see cref="Leiden"/>, whose refinement fixes Louvain's badly connected communities.
/// </summary>
public sealed class Louvain
{
    private readonly WeightedGraph _graph;
    private readonly CommunityOptions _options;

    /// <summary>Prepares a run on <paramref name="graph"/> with <paramref name="options"/> (Randomness is unused).</summary>
    public Louvain(WeightedGraph graph, CommunityOptions options)
    {
        _graph = graph ?? throw new ArgumentNullException(nameof(graph));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
    }

    /// <summary>Finds communities starting from singletons, or from <paramref name="initialMembership"/> if given.</summary>
    public CommunityResult Compute(ReadOnlySpan<int> initialMembership = default) =>
        MultilevelRunner.Run(_graph, _options, refine: false, initialMembership);
}

/// <summary>Iteration loop, scaling of γ and final numbering shared by Louvain and Leiden.</summary>
internal static class MultilevelRunner
{
    /// <param name="compacted">When given, <paramref name="graph"/> is the compact form of a graph with this layout (its
    /// idle nodes left out, as <see cref="IdleLayout.Compact"/> leaves them out of a modularity level): the run and its
    /// membership are over the layout's nodes.</param>
    public static CommunityResult Run(WeightedGraph graph, CommunityOptions options, bool refine, ReadOnlySpan<int> initial, IdleLayout? compacted = null)
    {
        if (compacted is not null && (options.Quality != QualityFunction.Modularity || options.VisitIdleNodes || !options.CompactIdleNodes || !initial.IsEmpty))
            throw new ArgumentException("a compacted graph is searched for modularity, from singletons, with idle nodes left out", nameof(compacted));
        int n = compacted?.VirtualCount ?? graph.NodeCount;
        var level = LevelGraph.From(graph, options.Quality);
        var membership = new int[n];
        if (initial.IsEmpty)
        {
            for (int v = 0; v < n; v++) membership[v] = v;
        }
        else
        {
            if (initial.Length != n)
                throw new ArgumentException($"initial membership has {initial.Length} entries for {n} nodes.", nameof(initial));
            for (int v = 0; v < n; v++)
            {
                if ((uint)initial[v] >= (uint)n)
                    throw new ArgumentOutOfRangeException(nameof(initial), $"node {v} has community {initial[v]} outside 0..{n - 1}.");
            }
            initial.CopyTo(membership);
        }

        double gamma = options.Resolution;
        if (options.Quality == QualityFunction.Modularity)
        {
            double twoM = 0;
            foreach (double x in level.NodeWeights) twoM += x;
            gamma = twoM > 0 ? gamma / twoM : 0;
        }

        // nodes without neighbours or weight never move (see CommunityEngine.MarkIdle): the engine runs on the others only
        var layout = compacted ?? (!options.VisitIdleNodes && options.CompactIdleNodes ? IdleLayout.Compact(ref level) : null);
        var engine = new CommunityEngine(level.NodeCount, refine, gamma, options.Randomness, options.Seed, layout) { VisitIdleNodes = options.VisitIdleNodes };
        int iterations = 0;
        int count = 0;
        var previous = new int[n];
        while (options.Iterations < 0 || iterations < options.Iterations)
        {
            Array.Copy(membership, previous, n);
            count = engine.RunIteration(level, membership);
            iterations++;
            if (options.Iterations < 0 && iterations > 1 && membership.AsSpan().SequenceEqual(previous)) break;
        }

        var sizes = RelabelBySize(membership, count);
        // on a compacted graph, over its nodes: an idle node, a community of its own with no weight, adds nothing
        var graphMembership = membership;
        if (compacted is not null)
        {
            graphMembership = new int[graph.NodeCount];
            for (int c = 0; c < graphMembership.Length; c++) graphMembership[c] = membership[compacted.VirtualOf[c]];
        }
        double quality = options.Quality == QualityFunction.Modularity
            ? Modularity.Compute(graph, graphMembership, options.Resolution)
            : Modularity.ComputeCpm(graph, graphMembership, options.Resolution);
        double modularity = options.Quality == QualityFunction.Modularity && options.Resolution == 1.0
            ? quality
            : Modularity.Compute(graph, graphMembership);
        return new CommunityResult(membership, count, sizes, quality, modularity, iterations, options);
    }

    /// <summary>Renames communities so 0 is the largest, ties broken by smallest member; returns the sizes.</summary>
    private static int[] RelabelBySize(int[] membership, int count)
    {
        var sizes = new int[count];
        var firstNode = new int[count];
        Array.Fill(firstNode, int.MaxValue);
        for (int v = 0; v < membership.Length; v++)
        {
            int c = membership[v];
            sizes[c]++;
            if (firstNode[c] == int.MaxValue) firstNode[c] = v;
        }
        var ids = new int[count];
        // Communities numbered in order of first appearance (what every run returns) have increasing first nodes: then
        // the order is a stable counting sort by size, descending (2.3M communities at 10M posts, mostly singletons:
        // a comparison sort took 0.3 s there). Any other numbering takes the comparison sort.
        bool firstAppearance = true;
        for (int c = 1; c < count && firstAppearance; c++) firstAppearance = firstNode[c] > firstNode[c - 1];
        if (firstAppearance)
        {
            int largest = 0;
            foreach (int s in sizes) largest = Math.Max(largest, s);
            var at = new int[largest + 2];
            foreach (int s in sizes) at[largest - s + 1]++;
            for (int k = 1; k < at.Length; k++) at[k] += at[k - 1];
            for (int c = 0; c < count; c++) ids[at[largest - sizes[c]]++] = c;
        }
        else
        {
            for (int c = 0; c < count; c++) ids[c] = c;
            Array.Sort(ids, (x, y) => sizes[x] != sizes[y] ? sizes[y].CompareTo(sizes[x]) : firstNode[x].CompareTo(firstNode[y]));
        }
        var rank = new int[count];
        var sorted = new int[count];
        for (int r = 0; r < count; r++) { rank[ids[r]] = r; sorted[r] = sizes[ids[r]]; }
        for (int v = 0; v < membership.Length; v++) membership[v] = rank[membership[v]];
        return sorted;
    }
}
