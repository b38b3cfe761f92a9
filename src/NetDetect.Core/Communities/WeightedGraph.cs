using System.Runtime.CompilerServices;

namespace NetDetect.Core.Communities;

/// <summary>Undirected weighted graph in compressed sparse row form: each edge {u,v} appears in both adjacency lists.</summary>
/// <remarks>
/// Adjacency lists are sorted by neighbour id, so iteration order (and everything derived from it) is
/// deterministic. A self-loop {u,u} appears once in u's list with its full weight; by the usual convention
/// it contributes twice its weight to the degree of u (<see cref="NodeStrength"/>).
/// </remarks>
public sealed class WeightedGraph
{
    /// <summary>Number of nodes; node ids are 0..NodeCount-1.</summary>
    public int NodeCount { get; }

    /// <summary>Neighbours of node u are <c>Neighbors[Offsets[u]..Offsets[u+1]]</c>; length NodeCount+1.</summary>
    public int[] Offsets { get; }

    /// <summary>Neighbour ids, sorted ascending within each node's range.</summary>
    public int[] Neighbors { get; }

    /// <summary>Edge weight parallel to <see cref="Neighbors"/>.</summary>
    public double[] Weights { get; }

    /// <summary>Number of distinct undirected edges (self-loops counted once).</summary>
    public int EdgeCount { get; }

    /// <summary>Sum of undirected edge weights (each edge once, self-loops included once).</summary>
    public double TotalWeight { get; }

    /// <summary>Wraps existing CSR arrays; they are validated but not copied.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public WeightedGraph(int nodeCount, int[] offsets, int[] neighbors, double[] weights)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(neighbors);
        ArgumentNullException.ThrowIfNull(weights);
        if (offsets.Length != nodeCount + 1)
            throw new ArgumentException($"offsets has length {offsets.Length}, expected {nodeCount + 1}.", nameof(offsets));
        if (neighbors.Length != weights.Length || offsets[nodeCount] != neighbors.Length || offsets[0] != 0)
            throw new ArgumentException("offsets, neighbors and weights are inconsistent.");

        NodeCount = nodeCount;
        Offsets = offsets;
        Neighbors = neighbors;
        Weights = weights;

        int selfLoops = 0;
        double total = 0;
        for (int u = 0; u < nodeCount; u++)
        {
            for (int i = offsets[u]; i < offsets[u + 1]; i++)
            {
                int v = neighbors[i];
                if ((uint)v >= (uint)nodeCount)
                    throw new ArgumentException($"node {u} has neighbour {v} outside 0..{nodeCount - 1}.", nameof(neighbors));
                if (v == u) { selfLoops++; total += 2 * weights[i]; }
                else total += weights[i];
            }
        }
        EdgeCount = (neighbors.Length - selfLoops) / 2 + selfLoops;
        TotalWeight = total / 2;
    }

    // A graph over the same arrays whose totals are known (no validating pass).
    private WeightedGraph(int nodeCount, int[] offsets, int[] neighbors, double[] weights, int edgeCount, double totalWeight)
    {
        NodeCount = nodeCount;
        Offsets = offsets;
        Neighbors = neighbors;
        Weights = weights;
        EdgeCount = edgeCount;
        TotalWeight = totalWeight;
    }

    /// <summary>
    /// This graph's nodes that have neighbours, numbered 0..k−1 in order, as a graph over this graph's own arrays: the
    /// neighbours are renumbered in place (no copy of the adjacency) and this graph is unusable until
    /// <see cref="ExpandInPlace"/> gives the numbering back. Null (nothing changed) when every node has a neighbour.
    /// The layout is the one <see cref="IdleLayout.Compact"/> makes of a loop-free graph's modularity level, so a
    /// community search on the compact graph with it finds the partition of the search on this graph.
    /// </summary>
    internal (WeightedGraph Graph, IdleLayout Layout)? CompactInPlace(int threads = 1)
    {
        int n = NodeCount;
        var off = Offsets;
        int kept = 0;
        for (int v = 0; v < n; v++) if (off[v + 1] > off[v]) kept++;
        if (kept == n) return null;
        var compactOf = new int[n];
        var virtualOf = new int[kept];
        var offsets = new int[kept + 1];
        int m = 0;
        for (int v = 0; v < n; v++)
        {
            if (off[v + 1] == off[v]) { compactOf[v] = -1; continue; }
            compactOf[v] = m;
            virtualOf[m] = v;
            offsets[m] = off[v];
            m++;
        }
        offsets[kept] = off[n];
        Renumber(Neighbors, compactOf, threads);
        return (new WeightedGraph(kept, offsets, Neighbors, Weights, EdgeCount, TotalWeight), new IdleLayout { VirtualCount = n, CompactOf = compactOf, VirtualOf = virtualOf });
    }

    /// <summary>Gives this graph (compacted by <see cref="CompactInPlace"/> with <paramref name="layout"/>) its own numbering back.</summary>
    internal void ExpandInPlace(IdleLayout layout, int threads = 1) => Renumber(Neighbors, layout.VirtualOf, threads);

    private static void Renumber(int[] neighbors, int[] map, int threads)
    {
        int parts = Math.Clamp(threads, 1, 2);
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, r =>
        {
            int lo = (int)((long)neighbors.Length * r / parts), hi = (int)((long)neighbors.Length * (r + 1) / parts);
            for (int i = lo; i < hi; i++) neighbors[i] = map[neighbors[i]];
        });
    }

    /// <summary>Degree (number of adjacency entries) of node u.</summary>
    public int Degree(int u) => Offsets[u + 1] - Offsets[u];

    /// <summary>Weighted degree of u: sum of incident edge weights, a self-loop counted twice.</summary>
    public double NodeStrength(int u)
    {
        double s = 0;
        for (int i = Offsets[u]; i < Offsets[u + 1]; i++)
            s += Neighbors[i] == u ? 2 * Weights[i] : Weights[i];
        return s;
    }

    /// <summary>Weighted degree of every node (self-loops counted twice); sums to 2·TotalWeight.</summary>
    public double[] NodeStrengths()
    {
        var s = new double[NodeCount];
        for (int u = 0; u < NodeCount; u++) s[u] = NodeStrength(u);
        return s;
    }

    /// <summary>
    /// Builds a graph from an undirected edge list (a[i], b[i], w[i]). Duplicate edges, in either orientation,
    /// are merged by summing their weights; a self-loop appears only when given.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static WeightedGraph FromEdges(int nodeCount, ReadOnlySpan<int> a, ReadOnlySpan<int> b, ReadOnlySpan<double> w) =>
        FromEdges(nodeCount, a, b, w, double.NegativeInfinity);

    /// <summary>As <see cref="FromEdges(int, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{double})"/>, each weight raised to at least
    /// <paramref name="minWeight"/> on the way in (no clamped copy of the weights needed).</summary>
    public static WeightedGraph FromEdges(int nodeCount, ReadOnlySpan<int> a, ReadOnlySpan<int> b, ReadOnlySpan<double> w, double minWeight)
    {
        Validate(nodeCount, a, b, w);
        var counts = new int[nodeCount + 1];
        Count(a, b, counts, 0, (uint)nodeCount);
        var (nbr, wt, pos) = Lists(counts, nodeCount);
        Fill(a, b, w, minWeight, nbr, wt, pos, 0, (uint)nodeCount);
        return Compact(nodeCount, counts, nbr, wt);
    }

    /// <summary>As <see cref="FromEdges(int, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{double}, double)"/>, the
    /// counting and filling passes on two threads when <paramref name="threads"/> allows, each for half of the nodes:
    /// every list still takes its entries in edge order, so the graph is the one-thread graph.</summary>
    public static WeightedGraph FromEdges(int nodeCount, int[] a, int[] b, double[] w, double minWeight, int threads)
    {
        if (threads < 2 || nodeCount < 2) return FromEdges(nodeCount, a, b, w, minWeight);
        Validate(nodeCount, a, b, w);
        var options = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        int mid = nodeCount / 2;
        var counts = new int[nodeCount + 1];
        Parallel.For(0, 2, options, r => Count(a, b, counts, r == 0 ? 0 : (uint)mid, r == 0 ? (uint)mid : (uint)(nodeCount - mid)));
        var (nbr, wt, pos) = Lists(counts, nodeCount);
        Parallel.For(0, 2, options, r => Fill(a, b, w, minWeight, nbr, wt, pos, r == 0 ? 0 : (uint)mid, r == 0 ? (uint)mid : (uint)(nodeCount - mid)));
        // Edges given in (a, b) order, each pair once (as a fused network's are), fill every list strictly ascending:
        // then the lists are the graph as they stand. Both halves are checked at once; any other list leaves the
        // one-thread compaction (sort and merge) to do, a pass over every entry.
        var ascending = new bool[2];
        Parallel.For(0, 2, options, r =>
        {
            bool ok = true;
            for (int u = r == 0 ? 0 : mid, end = r == 0 ? mid : nodeCount; u < end && ok; u++)
                ok = StrictlyAscending(nbr.AsSpan(counts[u], counts[u + 1] - counts[u]));
            ascending[r] = ok;
        });
        if (ascending[0] && ascending[1]) return new WeightedGraph(nodeCount, counts, nbr, wt);
        return Compact(nodeCount, counts, nbr, wt);
    }

    private static void Validate(int nodeCount, ReadOnlySpan<int> a, ReadOnlySpan<int> b, ReadOnlySpan<double> w)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        if (a.Length != b.Length || a.Length != w.Length)
            throw new ArgumentException($"edge arrays differ in length: a={a.Length}, b={b.Length}, w={w.Length}.");
        for (int i = 0; i < a.Length; i++)
            if ((uint)a[i] >= (uint)nodeCount || (uint)b[i] >= (uint)nodeCount)
                throw new ArgumentOutOfRangeException(nameof(a), $"edge {i} ({a[i]},{b[i]}) has an endpoint outside 0..{nodeCount - 1}.");
    }

    // Counting pass for nodes [lo, lo + span): each non-loop edge goes into both lists, a loop into one.
    private static void Count(ReadOnlySpan<int> a, ReadOnlySpan<int> b, int[] counts, uint lo, uint span)
    {
        for (int i = 0; i < a.Length; i++)
        {
            int u = a[i], v = b[i];
            if ((uint)u - lo < span) counts[u + 1]++;
            if (u != v && (uint)v - lo < span) counts[v + 1]++;
        }
    }

    // Prefix sums of the counts (list starts), and the lists with a write position per node.
    private static (int[] Nbr, double[] Wt, int[] Pos) Lists(int[] counts, int nodeCount)
    {
        for (int u = 0; u < nodeCount; u++) counts[u + 1] += counts[u];
        var pos = new int[nodeCount];
        Array.Copy(counts, pos, nodeCount);
        return (new int[counts[nodeCount]], new double[counts[nodeCount]], pos);
    }

    // Filling pass for nodes [lo, lo + span), edges in order.
    private static void Fill(ReadOnlySpan<int> a, ReadOnlySpan<int> b, ReadOnlySpan<double> w, double minWeight, int[] nbr, double[] wt, int[] pos, uint lo, uint span)
    {
        for (int i = 0; i < a.Length; i++)
        {
            int u = a[i], v = b[i];
            bool inU = (uint)u - lo < span, inV = u != v && (uint)v - lo < span;
            if (!inU && !inV) continue;
            double x = Math.Max(w[i], minWeight);
            if (inU) { nbr[pos[u]] = v; wt[pos[u]++] = x; }
            if (inV) { nbr[pos[v]] = u; wt[pos[v]++] = x; }
        }
    }

    private static WeightedGraph Compact(int nodeCount, int[] counts, int[] nbr, double[] wt)
    {
        // Sort each list by neighbour and merge duplicates in place, compacting as we go.
        var offsets = new int[nodeCount + 1];
        int write = 0;
        for (int u = 0; u < nodeCount; u++)
        {
            int start = counts[u], end = counts[u + 1];
            // Edges given in (a, b) order already fill every list in ascending order; only others need the sort.
            if (end - start > 1 && !StrictlyAscending(nbr.AsSpan(start, end - start)))
                nbr.AsSpan(start, end - start).Sort(wt.AsSpan(start, end - start));
            offsets[u] = write;
            for (int i = start; i < end; i++)
            {
                if (write > offsets[u] && nbr[write - 1] == nbr[i]) wt[write - 1] += wt[i];
                else { nbr[write] = nbr[i]; wt[write] = wt[i]; write++; }
            }
        }
        offsets[nodeCount] = write;
        if (write != nbr.Length)
        {
            Array.Resize(ref nbr, write);
            Array.Resize(ref wt, write);
        }
        return new WeightedGraph(nodeCount, offsets, nbr, wt);
    }

    private static bool StrictlyAscending(ReadOnlySpan<int> values)
    {
        for (int i = 1; i < values.Length; i++) if (values[i] <= values[i - 1]) return false;
        return true;
    }
}
