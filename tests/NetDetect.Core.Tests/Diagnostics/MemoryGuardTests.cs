using NetDetect.Core.Data;
using NetDetect.Core.Diagnostics;
using NetDetect.Core.Network;

namespace NetDetect.Core.Tests.Diagnostics;

public class MemoryGuardTests
{
    [Fact]
    public void A_reservation_within_the_limit_passes_and_one_past_it_is_refused_naming_the_allocation()
    {
        long heap = GC.GetTotalMemory(false);
        using (MemoryGuard.Limit(heap + (4L << 30)))
        {
            MemoryGuard.Reserve("a small column", 1 << 20);
            var e = Assert.Throws<InsufficientMemoryException>(() => MemoryGuard.Reserve("the test's edges", 64L << 30));
            Assert.Contains("not enough memory for the test's edges", e.Message);
            Assert.Contains("64.0 GiB more", e.Message);
            Assert.Contains("min edge pairs 2", e.Message);
        }
    }

    [Fact]
    public void A_scoped_limit_ends_with_its_scope_and_scopes_nest()
    {
        long outside = MemoryGuard.LimitBytes;
        Assert.True(outside > 0);
        using (MemoryGuard.Limit(1L << 40))
        {
            Assert.Equal(1L << 40, MemoryGuard.LimitBytes);
            using (MemoryGuard.Limit(1L << 30)) Assert.Equal(1L << 30, MemoryGuard.LimitBytes);
            Assert.Equal(1L << 40, MemoryGuard.LimitBytes);
        }
        Assert.Equal(outside, MemoryGuard.LimitBytes);
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryGuard.Limit(0));
    }

    [Fact]
    public void The_default_limit_is_a_share_of_what_the_process_can_use()
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.Equal((long)(available * MemoryGuard.DefaultFraction), MemoryGuard.LimitBytes);
    }

    [Fact]
    public void A_refusal_is_found_inside_the_aggregate_of_parallel_workers()
    {
        var refusal = new InsufficientMemoryException("not enough memory for x");
        Assert.Same(refusal, MemoryGuard.Refusal(refusal));
        Assert.Same(refusal, MemoryGuard.Refusal(new AggregateException(new OperationCanceledException(), new AggregateException(refusal))));
        Assert.Null(MemoryGuard.Refusal(new AggregateException(new InvalidOperationException())));
        Assert.Null(MemoryGuard.Refusal(new OutOfMemoryException()));
    }

    [Theory]
    [InlineData(1, 0)] // one group: the records of the whole layer
    [InlineData(1, 3)] // several groups, one shared record array
    public void A_co_share_build_past_the_limit_is_refused_before_it_allocates(int seed, int groups)
    {
        var rng = new Random(seed);
        int n = 4_000;
        var obj = new int[n];
        var acc = new int[n];
        var time = new long[n];
        var post = new int[n];
        for (int i = 0; i < n; i++)
        {
            obj[i] = i % 20;
            acc[i] = rng.Next(200);
            time[i] = rng.Next(600) * Time.MicrosPerSecond;
            post[i] = i;
        }
        var shares = ShareTable.FromColumns(Modality.Repost, obj, acc, time, post, 20, 200, acc);
        var options = new CoShareOptions { WindowMicros = 60 * Time.MicrosPerSecond, Partitions = 6, PairGroups = groups };
        // a cap below anything the process holds: the first large allocation is refused whatever other tests allocate
        using (MemoryGuard.Limit(1))
        {
            // refused as itself, naming the layer
            var e = Assert.Throws<InsufficientMemoryException>(() => CoShareBuilder.Build(shares, options));
            Assert.Contains("the repost layer's", e.Message);
        }
        Assert.True(CoShareBuilder.Build(shares, options).EdgeCount > 0);
    }
}
