using System.Runtime.CompilerServices;

namespace NetDetect.Core.Communities;

/// <summary>Quality of a partition: Newman–Girvan modularity with a resolution parameter, and the CPM quality.</summary>
public static class Modularity
{
    /// <summary>
    /// Q = Σ_c [ w_in(c)/m − γ (K_c / 2m)² ], where w_in(c) is the weight of edges inside c, K_c the summed
    /// strength of c's nodes and m the total edge weight. A self-loop counts its weight inside its community and
    /// twice in the node's strength (igraph's convention). Returns NaN for a graph without edge weight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Compute(WeightedGraph graph, ReadOnlySpan<int> membership, double resolution = 1.0)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int n = graph.NodeCount;
        if (membership.Length != n)
            throw new ArgumentException($"membership has {membership.Length} entries for {n} nodes.", nameof(membership));
        int k = CommunityCountOf(membership);
        var inside = new double[k];
        var strength = new double[k];
        var off = graph.Offsets; var nbr = graph.Neighbors; var w = graph.Weights;
        double twoM = 0;
        for (int v = 0; v < n; v++)
        {
            int cv = membership[v];
            for (int i = off[v]; i < off[v + 1]; i++)
            {
                int u = nbr[i];
                // Each non-loop edge is seen from both ends; a loop once, so it gets double weight here.
                double x = u == v ? 2 * w[i] : w[i];
                strength[cv] += x;
                twoM += x;
                if (membership[u] == cv) inside[cv] += x;
            }
        }
        if (twoM == 0) return double.NaN;
        double q = 0;
        for (int c = 0; c < k; c++)
        {
            double f = strength[c] / twoM;
            q += inside[c] / twoM - resolution * f * f;
        }
        return q;
    }

    /// <summary>CPM quality Σ_c [ w_in(c) − γ n_c (n_c − 1) / 2 ] (Traag's constant Potts model, unit node sizes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ComputeCpm(WeightedGraph graph, ReadOnlySpan<int> membership, double resolution)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int n = graph.NodeCount;
        if (membership.Length != n)
            throw new ArgumentException($"membership has {membership.Length} entries for {n} nodes.", nameof(membership));
        int k = CommunityCountOf(membership);
        var size = new double[k];
        double inside = 0;
        var off = graph.Offsets; var nbr = graph.Neighbors; var w = graph.Weights;
        for (int v = 0; v < n; v++)
        {
            size[membership[v]]++;
            for (int i = off[v]; i < off[v + 1]; i++)
            {
                int u = nbr[i];
                if (u == v) inside += w[i];
                else if (u > v && membership[u] == membership[v]) inside += w[i];
            }
        }
        double penalty = 0;
        for (int c = 0; c < k; c++) penalty += size[c] * (size[c] - 1) / 2;
        return inside - resolution * penalty;
    }

    private static int CommunityCountOf(ReadOnlySpan<int> membership)
    {
        int max = -1;
        foreach (int c in membership)
        {
            if (c < 0) throw new ArgumentException("membership contains a negative community id.", nameof(membership));
            if (c > max) max = c;
        }
        return max + 1;
    }
}
