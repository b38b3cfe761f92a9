using NetDetect.Core.Data;

namespace NetDetect.Core.Tests.Data;

public class LargeArraysTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(3_000_000)] // 12 MB: pinned and advised for huge pages on Linux
    public void Arrays_are_zeroed_and_resizing_keeps_the_contents(int length)
    {
        var a = LargeArrays.Allocate<int>(length);
        Assert.Equal(length, a.Length);
        Assert.All(a.Where((_, i) => i % 4099 == 0), x => Assert.Equal(0, x));
        for (int i = 0; i < length; i++) a[i] = i;
        LargeArrays.Resize(ref a, length * 2, used: length);
        Assert.Equal(length * 2, a.Length);
        Assert.Equal(length - 1, a[length - 1]);
        Assert.Equal(0, a[length]);
        Assert.Equal(0, a[^1]);
        // only the used prefix is carried over
        LargeArrays.Resize(ref a, length * 3, used: length / 2);
        Assert.Equal(length / 2 - 1, a[length / 2 - 1]);
        Assert.Equal(0, a[length - 1]);
    }

    /// <summary>Large arrays are allocated uninitialised and zeroed by the kernel: memory the GC hands out again,
    /// full of an earlier array's values, must still read as zeros, to the last element of odd-sized arrays.</summary>
    [Fact]
    public void Reused_memory_comes_back_zeroed()
    {
        for (int round = 0; round < 6; round++)
        {
            int length = 3_000_000 + round * 1_237; // not a whole number of pages
            var dirty = LargeArrays.Allocate<long>(length);
            dirty.AsSpan().Fill(-1);
            dirty = null;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var fresh = LargeArrays.Allocate<long>(length);
            Assert.Equal(-1, fresh.AsSpan().IndexOfAnyExcept(0L));
            var bytes = LargeArrays.Allocate<byte>(length * 3 + 5);
            Assert.Equal(-1, bytes.AsSpan().IndexOfAnyExcept((byte)0));
            fresh.AsSpan().Fill(round);
            bytes.AsSpan().Fill(7);
            GC.KeepAlive(dirty);
        }
    }
}
