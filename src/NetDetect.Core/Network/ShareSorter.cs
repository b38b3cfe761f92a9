namespace NetDetect.Core.Network;

/// <summary>Shares reordered by (object, time, original order): every object's shares are one run sorted by time.</summary>
public sealed class SortedShares
{
    public required int[] Object { get; init; }
    public required long[] Time { get; init; }
    public required int[] Account { get; init; }
    public required int[] Post { get; init; }
    /// <summary>Index of each sorted share in the original <see cref="ShareTable"/>.</summary>
    public required int[] Order { get; init; }
    public int Count => Object.Length;
}

/// <summary>Sorts a share table by (object, time) with one LSD radix sort on a packed 64-bit key.</summary>
public static class ShareSorter
{
    /// <summary>
    /// Key = object in the high bits, (time − min) / quantum in the low bits. The quantum is the data's
    /// timestamp resolution (whole seconds need 25 bits for a year instead of 45), coarsened further only when
    /// object and time bits would not fit in 64; a final linear pass repairs any order a coarse key left open.
    /// </summary>
    public static SortedShares Sort(ShareTable shares) => Sort(shares, 1);

    /// <summary><see cref="Sort(ShareTable)"/> with the keys, the radix sort and the gather on <paramref name="threads"/> threads; the same result.</summary>
    public static SortedShares Sort(ShareTable shares, int threads)
    {
        int n = shares.Count;
        var time = shares.Time;
        long tmin = long.MaxValue, tmax = long.MinValue;
        for (int i = 0; i < n; i++)
        {
            long t = time[i];
            if (t < tmin) tmin = t;
            if (t > tmax) tmax = t;
        }
        int objectBits = RadixSort.BitsFor((ulong)Math.Max(0, shares.ObjectCount - 1));
        ulong range = n == 0 ? 0 : (ulong)(tmax - tmin);
        ulong quantum = (ulong)Math.Max(1, shares.TimeResolutionMicros);
        int timeBits = RadixSort.BitsFor(range / quantum);
        if (objectBits + timeBits > 64)
        {
            timeBits = 64 - objectBits;
            quantum = (range >> timeBits) + 1;
        }
        var keys = GC.AllocateUninitializedArray<ulong>(n);
        var order = GC.AllocateUninitializedArray<int>(n);
        var obj = shares.Object;
        threads = Math.Max(1, threads);
        ForRanges(n, threads, (from, to) =>
        {
            for (int i = from; i < to; i++)
            {
                keys[i] = ((ulong)obj[i] << timeBits) | ((ulong)(time[i] - tmin) / quantum);
                order[i] = i;
            }
        });
        RadixSort.Sort(keys, order, objectBits + timeBits, threads);
        return Gather(shares, order, repair: quantum > 1, threads);
    }

    // [0, n) in one range per thread (one range below 64k items), each on its own thread
    private static void ForRanges(int n, int threads, Action<int, int> body)
    {
        int parts = n < (1 << 16) ? 1 : threads;
        if (parts == 1)
        {
            body(0, n);
            return;
        }
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, t => body((int)((long)n * t / parts), (int)((long)n * (t + 1) / parts)));
    }

    internal static SortedShares Gather(ShareTable shares, int[] order, bool repair, int threads = 1)
    {
        int n = order.Length;
        // every element is written below
        var o = GC.AllocateUninitializedArray<int>(n);
        var t = GC.AllocateUninitializedArray<long>(n);
        var a = GC.AllocateUninitializedArray<int>(n);
        var p = GC.AllocateUninitializedArray<int>(n);
        var srcO = shares.Object;
        var srcT = shares.Time;
        var srcA = shares.Account;
        var srcP = shares.Post;
        ForRanges(n, threads, (from, to) =>
        {
            for (int i = from; i < to; i++)
            {
                int s = order[i];
                o[i] = srcO[s];
                t[i] = srcT[s];
                a[i] = srcA[s];
                p[i] = srcP[s];
            }
        });
        if (repair) RepairTimeOrder(o, t, a, p, order);
        return new SortedShares { Object = o, Time = t, Account = a, Post = p, Order = order };
    }

    // Insertion sort inside runs of one object; a no-op pass when the quantum divided every timestamp.
    private static void RepairTimeOrder(int[] o, long[] t, int[] a, int[] p, int[] order)
    {
        for (int i = 1; i < o.Length; i++)
        {
            if (o[i] != o[i - 1] || t[i] >= t[i - 1]) continue;
            int j = i;
            while (j > 0 && o[j - 1] == o[j] && t[j - 1] > t[j])
            {
                (t[j - 1], t[j]) = (t[j], t[j - 1]);
                (a[j - 1], a[j]) = (a[j], a[j - 1]);
                (p[j - 1], p[j]) = (p[j], p[j - 1]);
                (order[j - 1], order[j]) = (order[j], order[j - 1]);
                j--;
            }
        }
    }
}
