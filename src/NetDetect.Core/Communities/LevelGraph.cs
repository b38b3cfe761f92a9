namespace NetDetect.Core.Communities;

/// <summary>Working graph of one aggregation level: CSR without self-loops, plus explicit node weights.</summary>
/// <remarks>
/// Self-loops never change a move's quality difference, so they are dropped; node weights carry what the
/// objective needs (strength for modularity, node count for CPM) through aggregation.
/// </remarks>
internal sealed class LevelGraph
{
    public readonly int NodeCount;
    public readonly int[] Offsets;
    public readonly int[] Neighbors;
    public readonly double[] Weights;
    public readonly double[] NodeWeights;

    public LevelGraph(int nodeCount, int[] offsets, int[] neighbors, double[] weights, double[] nodeWeights)
    {
        NodeCount = nodeCount; Offsets = offsets; Neighbors = neighbors; Weights = weights; NodeWeights = nodeWeights;
    }

    public static LevelGraph From(WeightedGraph g, QualityFunction quality)
    {
        int n = g.NodeCount;
        var off = g.Offsets; var nbr = g.Neighbors; var w = g.Weights;
        var newOff = new int[n + 1];
        int loops = 0;
        for (int v = 0; v < n; v++)
            for (int i = off[v]; i < off[v + 1]; i++) if (nbr[i] == v) loops++;
        var newNbr = new int[nbr.Length - loops];
        var newW = new double[nbr.Length - loops];
        var nodeW = new double[n];
        int k = 0;
        for (int v = 0; v < n; v++)
        {
            newOff[v] = k;
            double s = 0;
            for (int i = off[v]; i < off[v + 1]; i++)
            {
                int u = nbr[i];
                if (u == v) { s += 2 * w[i]; continue; }
                s += w[i];
                newNbr[k] = u; newW[k] = w[i]; k++;
            }
            nodeW[v] = quality == QualityFunction.Modularity ? s : 1.0;
        }
        newOff[n] = k;
        return new LevelGraph(n, newOff, newNbr, newW, nodeW);
    }

    /// <summary>Collapses each community (ids 0..count-1) to one node; internal edges vanish, parallel edges merge.</summary>
    /// <param name="stamp">Scratch of at least <paramref name="count"/> ints, any contents.</param>
    /// <param name="acc">Scratch of at least <paramref name="count"/> doubles.</param>
    /// <param name="touched">Scratch of at least <paramref name="count"/> ints.</param>
    public LevelGraph Aggregate(int[] membership, int count, int[] stamp, double[] acc, int[] touched)
    {
        int n = NodeCount;
        // Counting sort of nodes by community so each aggregate row is built in one pass.
        var start = new int[count + 1];
        for (int v = 0; v < n; v++) start[membership[v] + 1]++;
        for (int c = 0; c < count; c++) start[c + 1] += start[c];
        var order = new int[n];
        var fill = new int[count];
        Array.Copy(start, fill, count);
        for (int v = 0; v < n; v++) order[fill[membership[v]]++] = v;

        var newOff = new int[count + 1];
        var newNbr = new int[Neighbors.Length];
        var newW = new double[Neighbors.Length];
        var nodeW = new double[count];
        Array.Fill(stamp, -1, 0, count);
        int k = 0;
        for (int c = 0; c < count; c++)
        {
            newOff[c] = k;
            int nt = 0;
            double weight = 0;
            for (int j = start[c]; j < start[c + 1]; j++)
            {
                int v = order[j];
                weight += NodeWeights[v];
                for (int i = Offsets[v]; i < Offsets[v + 1]; i++)
                {
                    int cu = membership[Neighbors[i]];
                    if (cu == c) continue;
                    if (stamp[cu] != c) { stamp[cu] = c; acc[cu] = Weights[i]; touched[nt++] = cu; }
                    else acc[cu] += Weights[i];
                }
            }
            nodeW[c] = weight;
            for (int t = 0; t < nt; t++) { newNbr[k] = touched[t]; newW[k] = acc[touched[t]]; k++; }
        }
        newOff[count] = k;
        Array.Resize(ref newNbr, k);
        Array.Resize(ref newW, k);
        return new LevelGraph(count, newOff, newNbr, newW, nodeW);
    }
}
