namespace NetDetect.Core.Diagnostics;

/// <summary>A diagnostic stage clock for performance work: with NETDETECT_LAPS=1 each mark prints the time since the previous one to stderr.</summary>
internal static class Lap
{
    private static readonly bool On = Environment.GetEnvironmentVariable("NETDETECT_LAPS") == "1";

    /// <summary>Whether marks print (a caller can skip building a costly message).</summary>
    public static bool Enabled => On;

    private static long _last = System.Diagnostics.Stopwatch.GetTimestamp();
    private static TimeSpan _lastCpu = Environment.CpuUsage.TotalTime;

    /// <summary>Prints the wall time since the previous mark, the process's CPU time in it (both cores busy: twice the
    /// wall time), the working set, the managed heap and the GC's pauses so far.</summary>
    public static void Mark(string what)
    {
        if (!On) return;
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        var cpu = Environment.CpuUsage.TotalTime;
        Console.Error.WriteLine($"  lap {what}: {(now - _last) * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F0} ms, CPU {(cpu - _lastCpu).TotalMilliseconds:F0} ms (working set {Environment.WorkingSet >> 20} MB, managed {GC.GetTotalMemory(false) >> 20} MB, GC pauses {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms so far)");
        _last = now;
        _lastCpu = cpu;
    }
}
