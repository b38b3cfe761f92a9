using System.Numerics;

namespace NetDetect.Core.Network;

/// <summary>Stable LSD radix sort of 64-bit keys carrying an int payload, on only the key bits in use.</summary>
/// <remarks>
/// Digits are 8 to 12 bits wide, chosen so that the passes divide the used bits evenly; one read of the keys
/// builds every digit's histogram, and a digit on which all keys agree is skipped.
/// </remarks>
public static class RadixSort
{
    /// <summary>
    /// Sorts <paramref name="keys"/> ascending with <paramref name="values"/> alongside, stably. Only the low
    /// <paramref name="bits"/> bits of the keys may be set. The sorted data ends in the arrays passed in.
    /// </summary>
    public static void Sort(ulong[] keys, int[] values, int bits, ulong[]? scratchKeys = null, int[]? scratchValues = null)
    {
        int n = keys.Length;
        if (values.Length != n) throw new ArgumentException("keys and values differ in length");
        if (n < 2 || bits <= 0) return;
        bits = Math.Min(bits, 64);
        int passes = (bits + 11) / 12;
        int width = (bits + passes - 1) / passes;
        int buckets = 1 << width;
        ulong mask = (ulong)buckets - 1;

        var counts = new int[passes * buckets];
        Histogram(keys, counts, passes, width, buckets, mask);

        var srcK = keys;
        var srcV = values;
        var dstK = scratchKeys is { } sk && sk.Length >= n ? sk : new ulong[n];
        var dstV = scratchValues is { } sv && sv.Length >= n ? sv : new int[n];
        var offsets = new int[buckets];
        for (int p = 0; p < passes; p++)
        {
            var count = counts.AsSpan(p * buckets, buckets);
            // every key has the same digit: this pass would copy without reordering
            if (count[(int)((keys[0] >> (p * width)) & mask)] == n) continue;
            int sum = 0;
            for (int b = 0; b < buckets; b++)
            {
                offsets[b] = sum;
                sum += count[b];
            }
            int shift = p * width;
            Scatter(srcK, srcV, dstK, dstV, offsets, shift, mask, 0, n);
            (srcK, dstK) = (dstK, srcK);
            (srcV, dstV) = (dstV, srcV);
        }
        if (!ReferenceEquals(srcK, keys))
        {
            Array.Copy(srcK, keys, n);
            Array.Copy(srcV, values, n);
        }
    }

    /// <summary>
    /// <see cref="Sort(ulong[], int[], int, ulong[], int[])"/> on <paramref name="threads"/> threads (one below 128k keys):
    /// each pass counts the digits of each thread's slice, places every slice after the earlier slices' keys of the same
    /// digit, and scatters the slices at once. The order is the one-thread order, stable.
    /// </summary>
    public static void Sort(ulong[] keys, int[] values, int bits, int threads)
    {
        int n = keys.Length;
        if (values.Length != n) throw new ArgumentException("keys and values differ in length");
        if (threads < 2 || n < (1 << 17))
        {
            Sort(keys, values, bits);
            return;
        }
        if (bits <= 0) return;
        bits = Math.Min(bits, 64);
        int passes = (bits + 11) / 12;
        int width = (bits + passes - 1) / passes;
        int buckets = 1 << width;
        ulong mask = (ulong)buckets - 1;
        int parts = threads;
        var histogram = new int[parts][];
        for (int t = 0; t < parts; t++) histogram[t] = new int[buckets];
        var options = new ParallelOptions { MaxDegreeOfParallelism = parts };
        var srcK = keys;
        var srcV = values;
        var dstK = GC.AllocateUninitializedArray<ulong>(n);
        var dstV = GC.AllocateUninitializedArray<int>(n);
        var total = new int[buckets];
        for (int p = 0; p < passes; p++)
        {
            int shift = p * width;
            var k = srcK;
            Parallel.For(0, parts, options, t =>
            {
                var h = histogram[t];
                Array.Clear(h);
                for (int i = (int)((long)n * t / parts), end = (int)((long)n * (t + 1) / parts); i < end; i++) h[(int)((k[i] >> shift) & mask)]++;
            });
            Array.Clear(total);
            foreach (var h in histogram)
                for (int b = 0; b < buckets; b++) total[b] += h[b];
            // every key has the same digit: this pass would copy without reordering
            if (total[(int)((k[0] >> shift) & mask)] == n) continue;
            // slice t's keys of digit b go after every key of a smaller digit and slice t' < t's keys of digit b
            int sum = 0;
            for (int b = 0; b < buckets; b++)
            {
                int at = sum;
                sum += total[b];
                for (int t = 0; t < parts; t++)
                {
                    int c = histogram[t][b];
                    histogram[t][b] = at;
                    at += c;
                }
            }
            var (sk, sv, dk, dv) = (srcK, srcV, dstK, dstV);
            Parallel.For(0, parts, options, t =>
                Scatter(sk, sv, dk, dv, histogram[t], shift, mask, (int)((long)n * t / parts), (int)((long)n * (t + 1) / parts)));
            (srcK, dstK) = (dstK, srcK);
            (srcV, dstV) = (dstV, srcV);
        }
        if (!ReferenceEquals(srcK, keys))
        {
            Array.Copy(srcK, keys, n);
            Array.Copy(srcV, values, n);
        }
    }

    // Keys [from, to) of one pass to their places (the whole array on one thread, a slice on several).
    private static unsafe void Scatter(ulong[] srcK, int[] srcV, ulong[] dstK, int[] dstV, int[] offsets, int shift, ulong mask, int from, int to)
    {
        fixed (ulong* sk = srcK)
        fixed (int* sv = srcV)
        fixed (ulong* dk = dstK)
        fixed (int* dv = dstV)
        fixed (int* off = offsets)
        {
            for (int i = from; i < to; i++)
            {
                ulong k = sk[i];
                int pos = off[(int)((k >> shift) & mask)]++;
                dk[pos] = k;
                dv[pos] = sv[i];
            }
        }
    }

    // One read of the keys counts every pass's digits. Pointers: the offsets are bounded by construction, and
    // bounds checks in these two loops cost a third of the sort.
    private static unsafe void Histogram(ulong[] keys, int[] counts, int passes, int width, int buckets, ulong mask)
    {
        fixed (ulong* k = keys)
        fixed (int* c = counts)
        {
            int n = keys.Length;
            for (int i = 0; i < n; i++)
            {
                ulong key = k[i];
                int* cp = c;
                for (int p = 0; p < passes; p++, cp += buckets, key >>= width)
                    cp[(int)(key & mask)]++;
            }
        }
    }

    /// <summary>
    /// Sorts the first <paramref name="count"/> records (<paramref name="keys"/>, <paramref name="values"/>) stably by
    /// the low <paramref name="bits"/> bits of the key; higher key bits are carried along as data (flags) and ignored.
    /// The scratch arrays must hold <paramref name="count"/> records; the sorted records end in the arrays passed in.
    /// </summary>
    /// <remarks>11-bit digits, one histogram read for every digit, and a digit on which all keys agree is skipped.</remarks>
    public static void SortRecords(ulong[] keys, ulong[] values, int count, int bits, ulong[] scratchKeys, ulong[] scratchValues)
    {
        if (count < 2 || bits <= 0) return;
        bits = Math.Min(bits, 64);
        ulong keyMask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        if (count <= 48)
        {
            InsertionSort(keys, values, count, keyMask);
            return;
        }
        const int Width = 11;
        const int Buckets = 1 << Width;
        int passes = (bits + Width - 1) / Width;
        var counts = new int[passes * Buckets];
        RecordHistogram(keys, count, counts, passes, keyMask);
        var srcK = keys;
        var srcV = values;
        var dstK = scratchKeys;
        var dstV = scratchValues;
        var offsets = new int[Buckets];
        ulong first = keys[0] & keyMask;
        for (int p = 0; p < passes; p++)
        {
            int shift = p * Width;
            var c = counts.AsSpan(p * Buckets, Buckets);
            if (c[(int)((first >> shift) & (Buckets - 1))] == count) continue;
            int sum = 0;
            for (int b = 0; b < Buckets; b++)
            {
                offsets[b] = sum;
                sum += c[b];
            }
            RecordScatter(srcK, srcV, dstK, dstV, offsets, shift, keyMask, count);
            (srcK, dstK) = (dstK, srcK);
            (srcV, dstV) = (dstV, srcV);
        }
        if (!ReferenceEquals(srcK, keys))
        {
            Array.Copy(srcK, keys, count);
            Array.Copy(srcV, values, count);
        }
    }

    private static void InsertionSort(ulong[] keys, ulong[] values, int count, ulong keyMask)
    {
        for (int i = 1; i < count; i++)
        {
            ulong k = keys[i], v = values[i], m = k & keyMask;
            int j = i - 1;
            while (j >= 0 && (keys[j] & keyMask) > m)
            {
                keys[j + 1] = keys[j];
                values[j + 1] = values[j];
                j--;
            }
            keys[j + 1] = k;
            values[j + 1] = v;
        }
    }

    private static unsafe void RecordHistogram(ulong[] keys, int count, int[] counts, int passes, ulong keyMask)
    {
        const int Width = 11;
        const int Buckets = 1 << Width;
        fixed (ulong* k = keys)
        fixed (int* c = counts)
        {
            for (int i = 0; i < count; i++)
            {
                ulong key = k[i] & keyMask;
                int* cp = c;
                for (int p = 0; p < passes; p++, cp += Buckets, key >>= Width)
                    cp[(int)(key & (Buckets - 1))]++;
            }
        }
    }

    private static unsafe void RecordScatter(ulong[] srcK, ulong[] srcV, ulong[] dstK, ulong[] dstV, int[] offsets, int shift, ulong keyMask, int count)
    {
        fixed (ulong* sk = srcK)
        fixed (ulong* sv = srcV)
        fixed (ulong* dk = dstK)
        fixed (ulong* dv = dstV)
        fixed (int* off = offsets)
        {
            for (int i = 0; i < count; i++)
            {
                ulong k = sk[i];
                int pos = off[(int)(((k & keyMask) >> shift) & 2047)]++;
                dk[pos] = k;
                dv[pos] = sv[i];
            }
        }
    }

    /// <summary>
    /// Sorts <paramref name="keys"/> ascending; only their low <paramref name="bits"/> bits may be set.
    /// <paramref name="scratch"/> is grown to the keys' length when shorter and kept for the next call.
    /// </summary>
    /// <remarks>11-bit digits, one histogram read for every digit, a digit on which all keys agree skipped.</remarks>
    public static void SortKeys(Span<ulong> keys, int bits, ref ulong[] scratch) => SortKeys(keys, 0, bits, ref scratch);

    /// <summary>
    /// Sorts <paramref name="keys"/> stably by their bits [<paramref name="lowBit"/>, <paramref name="bits"/>); no bit at or
    /// above <paramref name="bits"/> may be set. Keys equal in those bits keep their order, so keys whose low bits count
    /// up (an index) come out fully sorted without passes over those bits.
    /// </summary>
    public static unsafe void SortKeys(Span<ulong> keys, int lowBit, int bits, ref ulong[] scratch)
    {
        int count = keys.Length;
        if (count < 2 || bits <= lowBit) return;
        if (count <= 48)
        {
            for (int i = 1; i < count; i++)
            {
                ulong k = keys[i], high = k >> lowBit;
                int j = i - 1;
                while (j >= 0 && (keys[j] >> lowBit) > high) { keys[j + 1] = keys[j]; j--; }
                keys[j + 1] = k;
            }
            return;
        }
        const int Width = 11;
        const int Buckets = 1 << Width;
        int passes = (Math.Min(bits, 64) - lowBit + Width - 1) / Width;
        if (scratch.Length < count) scratch = new ulong[Math.Max(count, scratch.Length * 2)];
        var counts = new int[passes * Buckets];
        var offsets = new int[Buckets];
        fixed (ulong* k0 = keys, s0 = scratch)
        fixed (int* c0 = counts, off = offsets)
        {
            for (int i = 0; i < count; i++)
            {
                ulong key = k0[i] >> lowBit;
                int* cp = c0;
                for (int p = 0; p < passes; p++, cp += Buckets, key >>= Width)
                    cp[(int)(key & (Buckets - 1))]++;
            }
            ulong* src = k0, dst = s0;
            ulong first = k0[0];
            for (int p = 0; p < passes; p++)
            {
                int shift = lowBit + p * Width;
                int* c = c0 + p * Buckets;
                if (c[(int)((first >> shift) & (Buckets - 1))] == count) continue;
                int sum = 0;
                for (int b = 0; b < Buckets; b++) { off[b] = sum; sum += c[b]; }
                for (int i = 0; i < count; i++)
                {
                    ulong k = src[i];
                    dst[off[(int)((k >> shift) & (Buckets - 1))]++] = k;
                }
                ulong* swap = src; src = dst; dst = swap;
            }
            if (src != k0) new Span<ulong>(src, count).CopyTo(keys);
        }
    }

    /// <summary>Number of bits needed to hold values 0..max.</summary>
    public static int BitsFor(ulong max) => max == 0 ? 0 : 64 - BitOperations.LeadingZeroCount(max);
}
