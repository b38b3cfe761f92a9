namespace NetDetect.Core.Diagnostics;

/// <summary>
/// Stops a batch too large for the machine with a clear <see cref="InsufficientMemoryException"/> before the network
/// stage allocates what it cannot hold, instead of the kernel killing the process (or the whole verdict service) when
/// memory runs out: Linux hands out memory it does not have and kills the largest process later, with no message.
/// </summary>
/// <remarks>
/// The network builders call <see cref="Reserve"/> before their large allocations (pair records, edge columns,
/// fusion, the community graph), whose sizes they know exactly at that point. The limit is
/// <see cref="DefaultFraction"/> of the memory the runtime sees (physical memory, or the container's or
/// <c>DOTNET_GCHeapHardLimit</c>'s limit), leaving the rest to what the managed heap does not count (the runtime,
/// native buffers, pages the collector has not returned: the resident set of the 10M-post runs is 2–3 GB above the
/// managed heap); <see cref="Limit"/> sets another one for a scope (the CLI's
/// <c>--memory-limit</c>). A check costs a read of the heap size; a collection runs only when it would fail.
/// </remarks>
public static class MemoryGuard
{
    /// <summary>Share of the available memory the managed heap may reach by default.</summary>
    public const double DefaultFraction = 0.75;

    private static readonly AsyncLocal<long?> Scoped = new();

    /// <summary>The limit in force here, in bytes.</summary>
    public static long LimitBytes => Scoped.Value ?? (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * DefaultFraction);

    /// <summary>Sets <paramref name="bytes"/> as the limit for the calling flow (and the work it starts) until disposed.</summary>
    public static IDisposable Limit(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        var previous = Scoped.Value;
        Scoped.Value = bytes;
        return new Restore(previous);
    }

    /// <summary>
    /// Throws <see cref="InsufficientMemoryException"/> when <paramref name="bytes"/> more would take the managed heap
    /// past the limit, even after a full collection; <paramref name="what"/> names the allocation in the message.
    /// </summary>
    public static void Reserve(string what, long bytes)
    {
        if (bytes <= 0) return;
        long limit = LimitBytes;
        if (GC.GetTotalMemory(false) + bytes <= limit) return;
        // what the heap holds includes garbage: count only what is alive before refusing
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
        long live = GC.GetTotalMemory(false);
        if (live + bytes <= limit) return;
        throw new InsufficientMemoryException(
            $"not enough memory for {what}: it needs {Gb(bytes)} more with {Gb(live)} in use, over the limit of {Gb(limit)}"
            + (Scoped.Value is null ? $" ({DefaultFraction:P0} of the {Gb(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)} this process can use)" : "")
            + ". Most of a large network's edges are account pairs that met once: scale mode (min edge pairs 2) leaves them out; "
            + "or split the batch, or run on a machine with more memory");
    }

    /// <summary>The refusal in <paramref name="e"/>: itself, or the first one inside an <see cref="AggregateException"/>
    /// (parallel workers wrap what they throw); null when there is none.</summary>
    public static InsufficientMemoryException? Refusal(Exception e) => e switch
    {
        InsufficientMemoryException m => m,
        AggregateException a => a.Flatten().InnerExceptions.OfType<InsufficientMemoryException>().FirstOrDefault(),
        _ => null,
    };

    private static string Gb(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.0} GiB" : $"{bytes / (double)(1L << 20):0.0} MiB";

    private sealed class Restore(long? previous) : IDisposable
    {
        public void Dispose() => Scoped.Value = previous;
    }
}
