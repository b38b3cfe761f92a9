using System.Runtime.CompilerServices;

namespace NetDetect.Core.Communities;

/// <summary>k-core decomposition: the core number of every node (Batagelj–Zaversnik bucket algorithm, O(m)).</summary>
/// <remarks>Degrees count distinct neighbours and ignore self-loops and weights, as in igraph's coreness.</remarks>
public sealed class KCoreDecomposition
{
    private readonly WeightedGraph _graph;

    /// <summary>Prepares the algorithm for one graph.</summary>
    public KCoreDecomposition(WeightedGraph graph) => _graph = graph ?? throw new ArgumentNullException(nameof(graph));

    /// <summary>Computes the core number of each node.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public KCoreResult Compute()
    {
        int n = _graph.NodeCount;
        var off = _graph.Offsets; var nbr = _graph.Neighbors;
        var deg = new int[n];
        int maxDeg = 0;
        for (int v = 0; v < n; v++)
        {
            int d = 0;
            for (int i = off[v]; i < off[v + 1]; i++) if (nbr[i] != v) d++;
            deg[v] = d;
            if (d > maxDeg) maxDeg = d;
        }
        // bin[d] = start of degree-d block in vert; pos[v] = index of v in vert.
        var bin = new int[maxDeg + 2];
        for (int v = 0; v < n; v++) bin[deg[v] + 1]++;
        for (int d = 0; d <= maxDeg; d++) bin[d + 1] += bin[d];
        var vert = new int[n];
        var pos = new int[n];
        var fill = new int[maxDeg + 1];
        Array.Copy(bin, fill, maxDeg + 1);
        for (int v = 0; v < n; v++) { pos[v] = fill[deg[v]]++; vert[pos[v]] = v; }

        for (int i = 0; i < n; i++)
        {
            int v = vert[i];
            for (int j = off[v]; j < off[v + 1]; j++)
            {
                int u = nbr[j];
                if (u == v || deg[u] <= deg[v]) continue;
                // Move u to the front of its degree block, then shrink the block by one.
                int du = deg[u], pu = pos[u], pw = bin[du], w = vert[pw];
                if (u != w) { pos[u] = pw; vert[pu] = w; pos[w] = pu; vert[pw] = u; }
                bin[du]++;
                deg[u]--;
            }
        }
        int maxCore = 0;
        for (int v = 0; v < n; v++) if (deg[v] > maxCore) maxCore = deg[v];
        return new KCoreResult(deg, maxCore);
    }
}

/// <summary>Core number per node and the graph's degeneracy (largest core number).</summary>
public sealed record KCoreResult(int[] CoreNumbers, int MaxCore);
