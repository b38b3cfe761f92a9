using NetDetect.Core.Network;

namespace NetDetect.Core.Tests.Network;

public class RadixSortTests
{
    [Theory]
    [InlineData(0, 1, 5)]
    [InlineData(1, 1000, 7)]
    [InlineData(2, 50_000, 33)]
    [InlineData(3, 20_000, 64)]
    [InlineData(4, 10_000, 1)]
    public void Sorts_stably_like_a_comparison_sort(int seed, int n, int bits)
    {
        var rng = new Random(seed);
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var keys = new ulong[n];
        for (int i = 0; i < n; i++) keys[i] = (ulong)rng.NextInt64() * 2654435761UL & mask & (rng.Next(4) == 0 ? 0xFFUL : ulong.MaxValue);
        var values = Enumerable.Range(0, n).ToArray();
        var expected = keys.Select((k, i) => (k, i)).OrderBy(x => x.k).ThenBy(x => x.i).ToArray();
        var keys2 = keys.ToArray();
        RadixSort.Sort(keys, values, bits);
        Assert.Equal(expected.Select(x => x.k), keys);
        Assert.Equal(expected.Select(x => x.i), values);
        // on several threads (slices counted and scattered at once): the same order, stable
        var values2 = Enumerable.Range(0, n).ToArray();
        RadixSort.Sort(keys2, values2, bits, threads: 3);
        Assert.Equal(keys, keys2);
        Assert.Equal(values, values2);
    }

    [Theory]
    [InlineData(0, 300_000, 45)]
    [InlineData(1, 200_000, 20)]
    [InlineData(2, 150_000, 64)]
    public void Sorts_on_several_threads_as_on_one(int seed, int n, int bits)
    {
        // above the size where the slices are sorted on their own threads; few distinct low digits so some passes are trivial
        var rng = new Random(seed);
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var keys = new ulong[n];
        for (int i = 0; i < n; i++) keys[i] = ((ulong)rng.NextInt64() & mask & ~0xFFFUL) | (uint)rng.Next(3);
        var one = keys.ToArray();
        var oneValues = Enumerable.Range(0, n).ToArray();
        RadixSort.Sort(one, oneValues, bits);
        foreach (int threads in new[] { 2, 3 })
        {
            var many = keys.ToArray();
            var manyValues = Enumerable.Range(0, n).ToArray();
            RadixSort.Sort(many, manyValues, bits, threads);
            Assert.Equal(one, many);
            Assert.Equal(oneValues, manyValues);
        }
        for (int i = 1; i < n; i++) Assert.True(one[i - 1] < one[i] || (one[i - 1] == one[i] && oneValues[i - 1] < oneValues[i]));
    }

    [Fact]
    public void Share_sort_orders_by_object_then_time_even_when_the_key_must_coarsen_time()
    {
        // times spread over the whole long range force a coarse time key; the repair pass restores exact order
        var rng = new Random(5);
        int n = 5000;
        var obj = Enumerable.Range(0, n).Select(_ => rng.Next(1 << 20)).ToArray();
        var time = Enumerable.Range(0, n).Select(_ => rng.NextInt64(long.MinValue / 2, long.MaxValue / 2)).ToArray();
        var shares = ShareTable.FromColumns(Modality.Repost, obj, new int[n], time, Enumerable.Range(0, n).ToArray(), 1 << 20, 1, [0]);
        var sorted = ShareSorter.Sort(shares);
        var two = ShareSorter.Sort(shares, threads: 2);
        Assert.Equal(sorted.Order, two.Order);
        Assert.Equal(sorted.Time, two.Time);
        for (int i = 1; i < n; i++)
        {
            Assert.True(sorted.Object[i - 1] < sorted.Object[i] || (sorted.Object[i - 1] == sorted.Object[i] && sorted.Time[i - 1] <= sorted.Time[i]));
            Assert.Equal(time[sorted.Order[i]], sorted.Time[i]);
        }
    }

    [Theory]
    [InlineData(0, 40, 38)]      // insertion-sort path
    [InlineData(1, 30_000, 38)]  // 4 digits of 11 bits, flags in bits 62-63 left out of the order
    [InlineData(2, 30_000, 62)]  // the widest pair key: the last digit must not read the flag bits
    [InlineData(3, 5_000, 12)]
    public void Record_sort_orders_by_the_low_bits_only_and_keeps_equal_keys_in_order(int seed, int n, int bits)
    {
        var rng = new Random(seed);
        ulong mask = (1UL << bits) - 1;
        var keys = new ulong[n];
        var values = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            // few distinct keys so runs of equal keys are long, with random flags above the sorted bits
            keys[i] = ((ulong)rng.Next(1000) * 0x9E3779B97F4AUL & mask) | ((ulong)rng.Next(4) << 62);
            values[i] = (ulong)i;
        }
        var expected = keys.Select((k, i) => (k, v: (ulong)i)).OrderBy(x => x.k & mask).ThenBy(x => x.v).ToArray();
        RadixSort.SortRecords(keys, values, n, bits, new ulong[n], new ulong[n]);
        Assert.Equal(expected.Select(x => x.k), keys);
        Assert.Equal(expected.Select(x => x.v), values);
    }

    [Theory]
    [InlineData(0, 30, 40)]       // insertion-sort path
    [InlineData(1, 50_000, 40)]   // 4 digits, many duplicates
    [InlineData(2, 20_000, 64)]   // every bit in use
    [InlineData(3, 20_000, 23)]   // a digit on which every key agrees is skipped
    public void Key_sort_matches_a_comparison_sort_and_reuses_its_scratch(int seed, int n, int bits)
    {
        var rng = new Random(seed);
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var keys = new ulong[n];
        for (int i = 0; i < n; i++)
            keys[i] = (i % 3 == 0 ? (ulong)rng.Next(500) * 0x9E3779B97F4A7C15UL : (ulong)rng.NextInt64()) & mask & (bits == 23 ? ~0x7FFUL : ulong.MaxValue);
        var expected = keys.OrderBy(k => k).ToArray();
        ulong[] scratch = [];
        RadixSort.SortKeys(keys, bits, ref scratch);
        Assert.Equal(expected, keys);
        Assert.True(n <= 48 || scratch.Length >= n);
        var again = expected.Reverse().ToArray();
        var before = scratch;
        RadixSort.SortKeys(again, bits, ref scratch);
        Assert.Equal(expected, again);
        Assert.Same(before, scratch);
    }

    [Theory]
    [InlineData(0, 40, 12, 50)]       // insertion-sort path
    [InlineData(1, 60_000, 16, 48)]   // 3 digits above the low bits
    [InlineData(2, 30_000, 15, 64)]   // every bit in use
    [InlineData(3, 30_000, 20, 20)]   // nothing above the low bits: order kept
    public void Key_sort_above_a_low_bit_keeps_the_order_of_equal_high_bits(int seed, int n, int lowBit, int bits)
    {
        // the low bits are noise, not an ascending index: equal high bits must keep their input order, not be sorted by them
        var rng = new Random(seed);
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var keys = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            ulong high = (ulong)rng.Next(i % 2 == 0 ? 4 : int.MaxValue) * 0x9E3779B97F4A7C15UL;
            keys[i] = (high << lowBit | (ulong)rng.NextInt64() & ((1UL << lowBit) - 1)) & mask;
        }
        var expected = keys.Select((k, i) => (k, i)).OrderBy(x => x.k >> lowBit).ThenBy(x => x.i).Select(x => x.k).ToArray();
        ulong[] scratch = [];
        RadixSort.SortKeys(keys, lowBit, bits, ref scratch);
        Assert.Equal(expected, keys);
    }
}
