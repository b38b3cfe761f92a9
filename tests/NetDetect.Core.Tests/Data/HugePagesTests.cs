using System.Runtime.CompilerServices;
using NetDetect.Core.Data;

namespace NetDetect.Core.Tests.Data;

public class HugePagesTests
{
    [Fact]
    public void AdvisesTheManagedHeapWhereLinuxOffersTransparentHugePages()
    {
        const string Mode = "/sys/kernel/mm/transparent_hugepage/enabled";
        long advised = HugePages.AdviseManagedHeap();
        if (!OperatingSystem.IsLinux() || !File.Exists(Mode) || File.ReadAllText(Mode).Contains("[never]"))
        {
            Assert.Equal(0, advised);
            return;
        }
        Assert.True(advised > 0);
        // a large array allocated afterwards lies in a mapping flagged for huge pages ("hg")
        var array = new long[4 << 20];
        array[^1] = 1;
        ulong address = Address(array);
        string? flags = null;
        bool inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-');
            int space = line.IndexOf(' ');
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out ulong start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), System.Globalization.NumberStyles.HexNumber, null, out ulong end))
                inside = start <= address && address < end;
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                flags = line;
                break;
            }
        }
        Assert.NotNull(flags);
        Assert.Contains(" hg", flags);
        GC.KeepAlive(array);
    }

    [Fact]
    public void TheEnvironmentSwitchTurnsItOff()
    {
        Environment.SetEnvironmentVariable("NETDETECT_HUGEPAGES", "0");
        try { Assert.Equal(0, HugePages.AdviseManagedHeap()); }
        finally { Environment.SetEnvironmentVariable("NETDETECT_HUGEPAGES", null); }
    }

    private static unsafe ulong Address(long[] a) => (ulong)Unsafe.AsPointer(ref a[0]);
}
