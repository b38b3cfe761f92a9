using System.Runtime.CompilerServices;

namespace NetDetect.Core.Communities;

/// <summary>Working graph of one aggregation level: CSR without self-loops, plus explicit node weights.</summary>
/// <remarks>
/// Self-loops never change a move's quality difference, so they are dropped; node weights carry what the
/// objective needs (strength for modularity, node count for CPM) through aggregation. Arrays may be longer than
/// the level needs (aggregates reuse two buffer sets); only the first NodeCount nodes are meaningful. Level 0 may
/// share the caller's arrays and is never written to.
/// </remarks>
internal sealed class LevelGraph
{
    public int NodeCount;
    public int[] Offsets;
    public int[] Neighbors;
    public double[] Weights;
    public double[] NodeWeights;

    public LevelGraph(int nodeCount, int[] offsets, int[] neighbors, double[] weights, double[] nodeWeights)
    {
        NodeCount = nodeCount; Offsets = offsets; Neighbors = neighbors; Weights = weights; NodeWeights = nodeWeights;
    }

    /// <summary>Allocates an empty buffer able to hold any aggregate of a graph with these sizes.</summary>
    public static LevelGraph Buffer(int nodeCount, int entryCount) =>
        new(0, new int[nodeCount + 1], GC.AllocateUninitializedArray<int>(entryCount),
            GC.AllocateUninitializedArray<double>(entryCount), new double[nodeCount]);

    /// <summary>
    /// The input level: shares <paramref name="g"/>'s arrays when it has no self-loops (the engine never writes to
    /// level 0), otherwise copies them without the loops. Node weights are strengths (modularity) or 1 (CPM).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static LevelGraph From(WeightedGraph g, QualityFunction quality)
    {
        int n = g.NodeCount;
        var off = g.Offsets; var nbr = g.Neighbors; var w = g.Weights;
        var nodeW = new double[n];
        int loops = 0;
        for (int v = 0; v < n; v++)
        {
            double s = 0;
            for (int i = off[v]; i < off[v + 1]; i++)
            {
                double x = w[i];
                if (!(x >= 0)) throw new ArgumentException($"edge ({v},{nbr[i]}) has weight {x}; community detection needs non-negative weights.");
                if (nbr[i] == v) { loops++; s += 2 * x; }
                else s += x;
            }
            nodeW[v] = quality == QualityFunction.Modularity ? s : 1.0;
        }
        if (loops == 0) return new LevelGraph(n, off, nbr, w, nodeW);

        var newOff = new int[n + 1];
        var newNbr = new int[nbr.Length - loops];
        var newW = new double[nbr.Length - loops];
        int k = 0;
        for (int v = 0; v < n; v++)
        {
            newOff[v] = k;
            for (int i = off[v]; i < off[v + 1]; i++)
            {
                if (nbr[i] == v) continue;
                newNbr[k] = nbr[i]; newW[k] = w[i]; k++;
            }
        }
        newOff[n] = k;
        return new LevelGraph(n, newOff, newNbr, newW, nodeW);
    }

    /// <summary>
    /// Collapses each community (ids 0..count-1) into one node of <paramref name="target"/>; internal edges vanish,
    /// parallel edges merge. Neighbour order follows first appearance, so the result is deterministic.
    /// </summary>
    /// <param name="acc">Scratch of at least <paramref name="count"/> doubles, all negative on entry and on exit.</param>
    /// <param name="touched">Scratch of at least <paramref name="count"/> ints.</param>
    /// <param name="start">Scratch of at least <paramref name="count"/> + 1 ints.</param>
    /// <param name="order">Scratch of at least NodeCount ints.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void AggregateInto(LevelGraph target, int[] membershipArray, int count, double[] accArray, int[] touchedArray, int[] startArray, int[] orderArray)
    {
        int n = NodeCount;
        // Raw pointers: every index below is a node or community id read from the graph.
        fixed (int* membership = membershipArray, touched = touchedArray, start = startArray, order = orderArray)
        fixed (int* off = Offsets, nbr = Neighbors, newOff = target.Offsets, newNbr = target.Neighbors)
        fixed (double* acc = accArray, w = Weights, nw = NodeWeights, newW = target.Weights, nodeW = target.NodeWeights)
        {
            // Counting sort of nodes by community so each aggregate row is built in one pass.
            new Span<int>(start, count + 1).Clear();
            for (int v = 0; v < n; v++) start[membership[v] + 1]++;
            for (int c = 0; c < count; c++) start[c + 1] += start[c];
            for (int v = 0; v < n; v++) order[start[membership[v]]++] = v;
            // start[c] now holds the end of c's block; shift back so start[c] is its beginning.
            for (int c = count; c > 0; c--) start[c] = start[c - 1];
            start[0] = 0;

            int k = 0;
            for (int c = 0; c < count; c++)
            {
                newOff[c] = k;
                int nt = 0;
                double weight = 0;
                int blockEnd = start[c + 1];
                for (int j = start[c]; j < blockEnd; j++)
                {
                    // Nodes of a community are scattered over the graph: prefetch their adjacency ahead of use.
                    if (j + CommunityEngine.FarAhead < n)
                    {
                        CommunityEngine.Prefetch(off + order[j + CommunityEngine.FarAhead]);
                        int ahead = off[order[j + CommunityEngine.NearAhead]];
                        CommunityEngine.Prefetch(nbr + ahead);
                        CommunityEngine.Prefetch(w + ahead);
                        CommunityEngine.Prefetch(w + ahead + 8);
                    }
                    int v = order[j];
                    weight += nw[v];
                    int end = off[v + 1];
                    for (int i = off[v]; i < end; i++)
                    {
                        int cu = membership[nbr[i]];
                        if (cu == c) continue;
                        double e = acc[cu];
                        if (e < 0) { acc[cu] = w[i]; touched[nt++] = cu; }
                        else acc[cu] = e + w[i];
                    }
                }
                nodeW[c] = weight;
                for (int t = 0; t < nt; t++)
                {
                    int cu = touched[t];
                    newNbr[k] = cu; newW[k] = acc[cu]; k++;
                    acc[cu] = -1;
                }
            }
            newOff[count] = k;
        }
        target.NodeCount = count;
    }
}
