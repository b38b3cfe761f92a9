using NetDetect.Core.Data;

namespace NetDetect.Core.Tests.Data;

public class StringArenaTests
{
    [Fact]
    public void Null_empty_and_values_stay_apart_through_growth_and_overwrites()
    {
        var arena = new StringArena(capacity: 4);
        const int n = 20_000;
        for (int i = 0; i < n; i++)
        {
            int index = (i % 3) switch { 0 => arena.AddNull(), 1 => arena.Add(""), _ => arena.Add("v" + i) };
            Assert.Equal(i, index);
        }
        Assert.Equal(n, arena.Count);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(i % 3 == 0, arena.IsNull(i));
            Assert.Equal(i % 3 == 0 ? null : i % 3 == 1 ? "" : "v" + i, arena[i]);
        }

        // a value over a null, a null over a value, then nulls appended after the rewritten entries
        arena.Set(0, "first");
        arena.Set(2, null);
        Assert.Equal("first", arena[0]);
        Assert.Null(arena[2]);
        Assert.True(arena.IsNull(2));
        int more = arena.AddNull();
        Assert.Null(arena[more]);
        arena.FillEmpty("?");
        Assert.Equal("?", arena[1]);
        Assert.Equal("?", arena[2]);
        Assert.Equal("?", arena[more]);
        Assert.Equal("v5", arena[5]);
    }

    [Fact]
    public void A_column_of_nulls_reads_as_nulls()
    {
        var arena = new StringArena(capacity: 100_000);
        for (int i = 0; i < 100_000; i++) arena.AddNull();
        Assert.Equal(100_000, arena.Count);
        Assert.All(Enumerable.Range(0, 100_000).Where(i => i % 997 == 0), i => Assert.Null(arena[i]));
        Assert.Equal(0, arena.CharCount);
    }

    [Fact]
    public void Strings_longer_than_a_chunk_keep_their_own()
    {
        var arena = new StringArena();
        var big = new string('b', (1 << 22) + 5);
        arena.Add("small");
        arena.Add(big);
        arena.Add("after");
        Assert.Equal("small", arena[0]);
        Assert.Equal(big, arena[1]);
        Assert.Equal("after", arena[2]);
    }

    [Fact]
    public void A_released_arena_keeps_its_count_and_refuses_reads_and_writes()
    {
        var arena = new StringArena();
        arena.Add("first");
        arena.AddNull();
        arena.Add(new string('x', 5_000));
        Assert.False(arena.Released);
        arena.Release();
        Assert.True(arena.Released);
        Assert.Equal(3, arena.Count);
        Assert.Equal(0, arena.EstimatedBytes);
        Assert.Throws<InvalidOperationException>(() => arena.GetSpan(0));
        Assert.Throws<InvalidOperationException>(() => arena[1]);
        Assert.Throws<InvalidOperationException>(() => arena.IsNull(2));
        Assert.Throws<InvalidOperationException>(() => arena.Add("more"));
    }
}
