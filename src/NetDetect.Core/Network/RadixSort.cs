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
            Scatter(srcK, srcV, dstK, dstV, offsets, shift, mask, n);
            (srcK, dstK) = (dstK, srcK);
            (srcV, dstV) = (dstV, srcV);
        }
        if (!ReferenceEquals(srcK, keys))
        {
            Array.Copy(srcK, keys, n);
            Array.Copy(srcV, values, n);
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

    private static unsafe void Scatter(ulong[] srcK, int[] srcV, ulong[] dstK, int[] dstV, int[] offsets, int shift, ulong mask, int n)
    {
        fixed (ulong* sk = srcK)
        fixed (int* sv = srcV)
        fixed (ulong* dk = dstK)
        fixed (int* dv = dstV)
        fixed (int* off = offsets)
        {
            for (int i = 0; i < n; i++)
            {
                ulong k = sk[i];
                int pos = off[(int)((k >> shift) & mask)]++;
                dk[pos] = k;
                dv[pos] = sv[i];
            }
        }
    }

    /// <summary>Number of bits needed to hold values 0..max.</summary>
    public static int BitsFor(ulong max) => max == 0 ? 0 : 64 - BitOperations.LeadingZeroCount(max);
}
