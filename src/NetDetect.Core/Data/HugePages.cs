using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDetect.Core.Data;

/// <summary>
/// Asks Linux to back the managed heap with transparent huge pages (madvise MADV_HUGEPAGE on the GC's reserved
/// range), as Go's runtime, mimalloc and the JVMs do. On machines whose THP setting is "madvise" (the usual
/// default) the columns and buffers of a large run otherwise fault in 4 KiB at a time: on virtual machines each
/// fault costs microseconds, and a gigabyte of fresh memory costs seconds. Off with NETDETECT_HUGEPAGES=0;
/// a no-op elsewhere and where THP is "never".
/// </summary>
public static partial class HugePages
{
    private const int MadvHugepage = 14;

    /// <summary>Advises the GC heap's reservation; returns the bytes advised (0 when nothing was done).</summary>
    public static long AdviseManagedHeap()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("NETDETECT_HUGEPAGES") == "0") return 0;
        try
        {
            var mode = File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled");
            if (mode.Contains("[never]", StringComparison.Ordinal)) return 0;
            long total = 0;
            // an object in the small-object heap and one in the large-object heap: with regions both sit in one
            // reservation, without them in separate segments
            var small = new object();
            var large = new byte[128 * 1024];
            foreach (ulong address in new[] { AddressOf(small), AddressOf(large) })
            {
                var (start, end) = ReservationAround(address);
                if (end <= start) continue;
                if (Madvise((nint)start, (nuint)(end - start), MadvHugepage) == 0) total += (long)(end - start);
            }
            GC.KeepAlive(small);
            GC.KeepAlive(large);
            return total;
        }
        catch (IOException) { return 0; }
        catch (UnauthorizedAccessException) { return 0; }
    }

    private static unsafe ulong AddressOf(object o)
    {
        // a pointer to the reference's target, read once: the address is only used to find a mapping
        return (ulong)*(nint*)Unsafe.AsPointer(ref o);
    }

    // The run of adjacent anonymous mappings around the address (the GC reserves its range once and commits
    // and decommits inside it, which splits it into neighbouring mappings).
    private static (ulong Start, ulong End) ReservationAround(ulong address)
    {
        var maps = new List<(ulong Start, ulong End, bool Anonymous)>();
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            int dash = line.IndexOf('-');
            int space = line.IndexOf(' ', dash + 1);
            if (dash <= 0 || space <= dash) continue;
            ulong s = ulong.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            ulong e = ulong.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            bool anonymous = fields.Length < 6 || fields[5].Length == 0;
            maps.Add((s, e, anonymous));
        }
        int at = maps.FindIndex(m => m.Start <= address && address < m.End);
        if (at < 0 || !maps[at].Anonymous) return (0, 0);
        int lo = at, hi = at;
        while (lo > 0 && maps[lo - 1].Anonymous && maps[lo - 1].End == maps[lo].Start) lo--;
        while (hi + 1 < maps.Count && maps[hi + 1].Anonymous && maps[hi + 1].Start == maps[hi].End) hi++;
        return (maps[lo].Start, maps[hi].End);
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
