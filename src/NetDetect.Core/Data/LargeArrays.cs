using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDetect.Core.Data;

/// <summary>Allocates the big, randomly probed arrays of ingest (interner tables, string chunks) on transparent huge pages where Linux offers them.</summary>
/// <remarks>
/// Ingest probes hash tables and string chunks of hundreds of MB at random: with 4 KiB pages nearly every probe
/// is a TLB miss as well as a cache miss, and filling the memory takes one page fault per 4 KiB. Where the
/// kernel hands out transparent huge pages on request (<c>madvise</c> mode, the common default), advising the
/// array's range before it is first touched gets 2 MiB pages: 512 times fewer faults and TLB entries. Arrays
/// of at least <see cref="Threshold"/> bytes are allocated pinned (the pinned heap, never moved) so the advice
/// stays with the memory. Elsewhere, or if the call fails, these are plain arrays; results never depend on it.
/// They are allocated uninitialised and zeroed page by page according to <c>mincore</c>: pages already in memory
/// (the GC handing out memory it had used) are cleared in place, pages not in memory are left to the kernel
/// (<c>MADV_DONTNEED</c>, which also discards anything swapped out: zero-filled on first touch, as huge pages where
/// advised). A zeroing allocation had the GC write every page before the advice, so fresh pages were faulted in
/// small and written twice (measured: a seventh of ingest's page-zeroing time); reused pages stay reused.
/// </remarks>
internal static class LargeArrays
{
    /// <summary>Arrays smaller than this are ordinary arrays (huge pages only pay off over several MiB).</summary>
    public const long Threshold = 4L << 20;

    private const long HugePage = 2L << 20;
    private const int MadvHugePage = 14;
    private const int MadvDontNeed = 4;
    private static bool _available = OperatingSystem.IsLinux();

    /// <summary>Dropped arrays at least this large are worth a <see cref="Reclaim"/>.</summary>
    public const long ReclaimThreshold = 128L << 20;

    /// <summary>
    /// A full, non-compacting, blocking collection, called right after a stage drops arrays of hundreds of MB and is
    /// about to allocate as much again. Without it the freed memory waits for the GC's own schedule and the new
    /// arrays fault in fresh pages, which on the virtual machines we measure on costs about 1.4 s of kernel time per
    /// GB; the collection itself is cheap, since large arrays of numbers hold no references to trace. The co-share
    /// builder calls it between the columns it joins from its partitions: on the 10M-post retweet layer (64M edges)
    /// the join took 12–14 s and left 18.5 GB resident without it, 4.5–6 s and 15.0 GB with it.
    /// </summary>
    public static void Reclaim() => Reclaim(decommit: false);

    /// <summary>As <see cref="Reclaim()"/>; with <paramref name="decommit"/> the collection also hands the free memory back
    /// to the system (an aggressive, compacting collection), for a point past the run's peak after which far less is
    /// allocated than was just freed: kept, that memory would stay in the resident set to the end.</summary>
    public static void Reclaim(bool decommit)
    {
        if (decommit) GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        else GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
        Diagnostics.Lap.Mark(decommit ? "reclaim, decommitting" : "reclaim");
    }

    /// <summary>A zeroed array of <paramref name="length"/> elements, on huge pages when it is large.</summary>
    public static T[] Allocate<T>(int length) where T : unmanaged
    {
        long bytes = (long)length * Unsafe.SizeOf<T>();
        if (!_available || bytes < Threshold) return new T[length];
        var array = GC.AllocateUninitializedArray<T>(length, pinned: true);
        Advise(array, bytes);
        if (!ZeroByKernel(array, bytes)) array.AsSpan().Clear();
        return array;
    }

    /// <summary>Like <see cref="Array.Resize{T}"/>, with the new array from <see cref="Allocate{T}"/>, copying only the first <paramref name="used"/> elements (the rest are zero in both).</summary>
    /// <remarks>Copying a presized, still empty array would page in and zero both arrays for nothing.</remarks>
    public static void Resize<T>(ref T[] array, int length, int used) where T : unmanaged
    {
        var bigger = Allocate<T>(length);
        array.AsSpan(0, Math.Min(used, Math.Min(array.Length, length))).CopyTo(bigger);
        array = bigger;
    }

    private static unsafe void Advise<T>(T[] array, long bytes) where T : unmanaged
    {
        long start = (long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        long first = (start + HugePage - 1) & ~(HugePage - 1);
        long last = (start + bytes) & ~(HugePage - 1);
        if (last <= first) return;
        try
        {
            if (madvise((nint)first, (nuint)(last - first), MadvHugePage) != 0) _available = false;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _available = false;
        }
    }

    /// <summary>Zeroes the array: resident whole pages cleared here, the others dropped (the kernel maps zeroed pages
    /// on first touch, huge ones where advised), the partial pages at both ends cleared here. False (nothing done)
    /// when the kernel refuses, and the caller clears it all.</summary>
    private static unsafe bool ZeroByKernel<T>(T[] array, long bytes) where T : unmanaged
    {
        long page = Environment.SystemPageSize;
        long start = (long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        long first = (start + page - 1) & ~(page - 1);
        long last = (start + bytes) & ~(page - 1);
        if (last <= first) return false;
        long pages = (last - first) / page;
        var resident = System.Buffers.ArrayPool<byte>.Shared.Rent((int)pages);
        try
        {
            fixed (byte* vec = resident)
            {
                if (mincore((nint)first, (nuint)(last - first), vec) != 0) return false;
            }
            // Runs of pages with the same residency: one clear or one madvise per run.
            for (long p = 0; p < pages;)
            {
                bool inMemory = (resident[p] & 1) != 0;
                long q = p + 1;
                while (q < pages && ((resident[q] & 1) != 0) == inMemory) q++;
                long at = first + p * page, length = (q - p) * page;
                if (inMemory || madvise((nint)at, (nuint)length, MadvDontNeed) != 0) Clear(at, length);
                p = q;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(resident);
        }
        new Span<byte>((void*)start, (int)(first - start)).Clear();
        new Span<byte>((void*)last, (int)(start + bytes - last)).Clear();
        return true;
    }

    private static unsafe void Clear(long at, long length)
    {
        for (long done = 0; done < length; done += 1 << 30)
            new Span<byte>((void*)(at + done), (int)Math.Min(1 << 30, length - done)).Clear();
    }

    [DllImport("libc", EntryPoint = "mincore")]
    private static extern unsafe int mincore(nint address, nuint length, byte* vector);

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int madvise(nint address, nuint length, int advice);
}
