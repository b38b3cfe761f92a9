namespace NetDetect.Core.Kernels;

/// <summary>Unordered pairs (Left &lt; Right) with their similarity, sorted by (Left, Right).</summary>
public sealed class SimilarityPairs
{
    public SimilarityPairs(int[] left, int[] right, float[] score)
    {
        if (left.Length != right.Length || left.Length != score.Length)
            throw new ArgumentException("Pair columns must have equal length.");
        Left = left;
        Right = right;
        Score = score;
    }

    public int[] Left { get; }
    public int[] Right { get; }
    public float[] Score { get; }
    public int Count => Left.Length;

    /// <summary>Builds the result from packed keys ((long)left &lt;&lt; 32 | right) and scores, sorting by key.</summary>
    internal static SimilarityPairs FromKeys(long[] keys, float[] scores, int count)
    {
        Array.Sort(keys, scores, 0, count);
        var left = new int[count];
        var right = new int[count];
        var score = new float[count];
        for (int p = 0; p < count; p++)
        {
            left[p] = (int)(keys[p] >> 32);
            right[p] = (int)keys[p];
            score[p] = scores[p];
        }
        return new SimilarityPairs(left, right, score);
    }
}

/// <summary>Per-row neighbour lists in CSR form: row i's neighbours are
/// <c>Neighbor[Offsets[i]..Offsets[i+1]]</c>, best first (score descending, then index ascending).</summary>
public sealed class NeighborLists
{
    public NeighborLists(int[] offsets, int[] neighbor, float[] score)
    {
        Offsets = offsets;
        Neighbor = neighbor;
        Score = score;
    }

    public int[] Offsets { get; }
    public int[] Neighbor { get; }
    public float[] Score { get; }
    public int RowCount => Offsets.Length - 1;

    public ReadOnlySpan<int> NeighborsOf(int row) => Neighbor.AsSpan(Offsets[row], Offsets[row + 1] - Offsets[row]);
    public ReadOnlySpan<float> ScoresOf(int row) => Score.AsSpan(Offsets[row], Offsets[row + 1] - Offsets[row]);

    /// <summary>Concatenates fixed-capacity per-row buffers (count[i] valid entries at i*k) into CSR.</summary>
    internal static NeighborLists FromFixed(int rows, int k, int[] counts, int[] idx, float[] scores)
    {
        var offsets = new int[rows + 1];
        for (int i = 0; i < rows; i++) offsets[i + 1] = offsets[i] + counts[i];
        var nb = new int[offsets[rows]];
        var sc = new float[offsets[rows]];
        for (int i = 0; i < rows; i++)
        {
            Array.Copy(idx, (long)i * k, nb, offsets[i], counts[i]);
            Array.Copy(scores, (long)i * k, sc, offsets[i], counts[i]);
        }
        return new NeighborLists(offsets, nb, sc);
    }
}

/// <summary>A bounded best-k list per row with a total order (score descending, index ascending), so the
/// result does not depend on the order candidates arrive in.</summary>
internal static class TopKHeap
{
    /// <summary>True when (s1, j1) ranks before (s2, j2).</summary>
    public static bool Better(float s1, int j1, float s2, int j2) => s1 > s2 || (s1 == s2 && j1 < j2);

    /// <summary>Offers a candidate to a min-heap (worst at root) of capacity k stored in spans; returns the new count.</summary>
    public static int Offer(Span<float> hs, Span<int> hj, int count, int k, float s, int j)
    {
        if (count < k)
        {
            int c = count++;
            while (c > 0)
            {
                int p = (c - 1) >> 1;
                if (!Better(hs[p], hj[p], s, j)) break;
                hs[c] = hs[p]; hj[c] = hj[p];
                c = p;
            }
            hs[c] = s; hj[c] = j;
            return count;
        }
        if (!Better(s, j, hs[0], hj[0])) return count;
        int i = 0;
        while (true)
        {
            int l = 2 * i + 1;
            if (l >= count) break;
            int r = l + 1;
            int w = r < count && Better(hs[l], hj[l], hs[r], hj[r]) ? r : l;
            if (!Better(s, j, hs[w], hj[w])) break;
            hs[i] = hs[w]; hj[i] = hj[w];
            i = w;
        }
        hs[i] = s; hj[i] = j;
        return count;
    }

    /// <summary>Sorts a heap's entries best first in place (heap sort: the worst goes to the end each round).</summary>
    public static void SortBestFirst(Span<float> hs, Span<int> hj, int count)
    {
        for (int end = count - 1; end > 0; end--)
        {
            float s = hs[end]; int j = hj[end];
            hs[end] = hs[0]; hj[end] = hj[0];
            int i = 0;
            while (true)
            {
                int l = 2 * i + 1;
                if (l >= end) break;
                int r = l + 1;
                int w = r < end && Better(hs[l], hj[l], hs[r], hj[r]) ? r : l;
                if (!Better(s, j, hs[w], hj[w])) break;
                hs[i] = hs[w]; hj[i] = hj[w];
                i = w;
            }
            hs[i] = s; hj[i] = j;
        }
    }
}
