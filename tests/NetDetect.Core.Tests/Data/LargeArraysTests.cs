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
}
