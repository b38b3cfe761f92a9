namespace NetDetect.Core.Network;

/// <summary>The bare sliding-window sweep over sorted shares, for measuring it apart from the aggregation.</summary>
internal static class PairSweep
{
    /// <summary>Low account in the high half, high account in the low half.</summary>
    public static ulong PackPair(int low, int high) => ((ulong)(uint)low << 32) | (uint)high;

    /// <summary>
    /// The bare sort-based edge aggregation: sorts <paramref name="n"/> (pair key, Δ) records by key (low
    /// <paramref name="bits"/> bits) and reduces each key's run to a pair count and a Δ sum, as the builder does per batch.
    /// Returns the number of edges, written to the front of the arrays passed in.
    /// </summary>
    public static int Aggregate(ulong[] keys, ulong[] deltas, int n, int bits, ulong[] scratchKeys, ulong[] scratchDeltas, int[] pairs)
    {
        RadixSort.SortRecords(keys, deltas, n, bits, scratchKeys, scratchDeltas);
        int e = 0, i = 0;
        while (i < n)
        {
            ulong key = keys[i];
            ulong sum = 0;
            int c = 0;
            for (; i < n && keys[i] == key; i++)
            {
                sum += deltas[i];
                c++;
            }
            keys[e] = key;
            deltas[e] = sum;
            pairs[e] = c;
            e++;
        }
        return e;
    }

    /// <summary>Counts the in-window pairs of different accounts and sums their Δ, touching nothing else.</summary>
    public static long Count(SortedShares s, long window, out long sumDelta)
    {
        var obj = s.Object;
        var time = s.Time;
        var acc = s.Account;
        long pairs = 0, sum = 0;
        int n = s.Count;
        int start = 0;
        while (start < n)
        {
            int o = obj[start];
            int end = start + 1;
            while (end < n && obj[end] == o) end++;
            for (int x = start; x < end - 1; x++)
            {
                long limit = time[x] + window;
                int ax = acc[x];
                for (int y = x + 1; y < end && time[y] <= limit; y++)
                {
                    if (acc[y] == ax) continue;
                    pairs++;
                    sum += time[y] - time[x];
                }
            }
            start = end;
        }
        sumDelta = sum;
        return pairs;
    }

    /// <summary>Writes up to <paramref name="max"/> in-window pairs as packed account keys with their Δ and object.</summary>
    public static int Emit(SortedShares s, long window, ulong[] keys, long[] deltas, int[] objects, int max)
    {
        var obj = s.Object;
        var time = s.Time;
        var acc = s.Account;
        int k = 0;
        int n = s.Count;
        int start = 0;
        while (start < n && k < max)
        {
            int o = obj[start];
            int end = start + 1;
            while (end < n && obj[end] == o) end++;
            for (int x = start; x < end - 1 && k < max; x++)
            {
                long limit = time[x] + window;
                int ax = acc[x];
                for (int y = x + 1; y < end && time[y] <= limit && k < max; y++)
                {
                    int ay = acc[y];
                    if (ay == ax) continue;
                    keys[k] = ax < ay ? PackPair(ax, ay) : PackPair(ay, ax);
                    deltas[k] = time[y] - time[x];
                    objects[k] = o;
                    k++;
                }
            }
            start = end;
        }
        return k;
    }
}
