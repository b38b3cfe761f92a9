using System.Runtime.CompilerServices;

namespace NetDetect.Core.Communities;

/// <summary>Connected components of a <see cref="WeightedGraph"/>, numbered in order of their smallest node id.</summary>
public sealed class ConnectedComponents
{
    private readonly WeightedGraph _graph;

    /// <summary>Prepares the algorithm for one graph.</summary>
    public ConnectedComponents(WeightedGraph graph) => _graph = graph ?? throw new ArgumentNullException(nameof(graph));

    /// <summary>Labels every node with its component by breadth-first search.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public PartitionResult Compute()
    {
        int n = _graph.NodeCount;
        var off = _graph.Offsets; var nbr = _graph.Neighbors;
        var membership = new int[n];
        Array.Fill(membership, -1);
        var queue = new int[n];
        var sizes = new List<int>();
        int count = 0;
        for (int s = 0; s < n; s++)
        {
            if (membership[s] >= 0) continue;
            int head = 0, tail = 0;
            queue[tail++] = s; membership[s] = count;
            while (head < tail)
            {
                int v = queue[head++];
                for (int i = off[v]; i < off[v + 1]; i++)
                {
                    int u = nbr[i];
                    if (membership[u] < 0) { membership[u] = count; queue[tail++] = u; }
                }
            }
            sizes.Add(tail);
            count++;
        }
        return new PartitionResult(membership, count, sizes.ToArray());
    }
}

/// <summary>A partition of a graph's nodes: community id per node (0..Count-1) and each community's size.</summary>
public sealed record PartitionResult(int[] Membership, int Count, int[] Sizes);
