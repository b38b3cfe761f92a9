using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetDetect.Core.Kernels;

namespace NetDetect.Benchmarks.Kernels;

/// <summary>Measures this machine's fp32 FMA throughput: independent register-only FMA chains (more chains than
/// latency x issue width), so the result is the core's sustained peak, not a datasheet number.</summary>
public static class FmaPeakProbe
{
    private const long Iterations = 4_000_000;

    /// <summary>Best GFLOP/s over <paramref name="repeats"/> runs with <paramref name="threads"/> threads each running
    /// the widest supported chain loop at once.</summary>
    public static double MeasureGflops(int threads, int repeats = 5) => Measure(threads, repeats).Wall;

    /// <summary>Best GFLOP/s by wall clock, and best GFLOP/s per CPU-second (process CPU time, which does not count
    /// time the threads spent descheduled while other processes ran).</summary>
    public static (double Wall, double PerCpuSecond) Measure(int threads, int repeats = 5)
    {
        double best = 0, bestCpu = 0;
        for (int rep = 0; rep < repeats; rep++)
        {
            var path = KernelPaths.Best;
            long flopsPerThread = path switch
            {
                KernelPath.Vector512 => Iterations * 16 * 16 * 2,
                KernelPath.Vector256 => Iterations * 16 * 8 * 2,
                _ => Iterations * 8 * 2,
            };
            using var start = new Barrier(threads + 1);
            var workers = new Thread[threads];
            // each worker stamps its own start and end: the main thread may resume from the barrier after the
            // workers have begun, and a clock started there missed part of the work (2 threads once "measured" 805
            // GFLOP/s on 2 cores that give 213 each)
            var begin = new long[threads];
            var end = new long[threads];
            float sink = 0;
            for (int t = 0; t < threads; t++)
            {
                int id = t;
                workers[t] = new Thread(() =>
                {
                    start.SignalAndWait();
                    begin[id] = Stopwatch.GetTimestamp();
                    float r = path switch
                    {
                        KernelPath.Vector512 => Chains512(Iterations),
                        KernelPath.Vector256 => Chains256(Iterations),
                        _ => ChainsScalar(Iterations),
                    };
                    end[id] = Stopwatch.GetTimestamp();
                    Volatile.Write(ref sink, r);
                });
                workers[t].Start();
            }
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            start.SignalAndWait();
            foreach (var w in workers) w.Join();
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            double seconds = (end.Max() - begin.Min()) / (double)Stopwatch.Frequency;
            best = Math.Max(best, flopsPerThread * threads / seconds / 1e9);
            bestCpu = Math.Max(bestCpu, flopsPerThread * threads / cpu / 1e9);
            GC.KeepAlive(sink);
        }
        return (best, bestCpu);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long iterations)
    {
        var m = Vector512.Create(0.999999f);
        var x = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0,
            c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, m, x); c1 = Vector512.FusedMultiplyAdd(c1, m, x);
            c2 = Vector512.FusedMultiplyAdd(c2, m, x); c3 = Vector512.FusedMultiplyAdd(c3, m, x);
            c4 = Vector512.FusedMultiplyAdd(c4, m, x); c5 = Vector512.FusedMultiplyAdd(c5, m, x);
            c6 = Vector512.FusedMultiplyAdd(c6, m, x); c7 = Vector512.FusedMultiplyAdd(c7, m, x);
            c8 = Vector512.FusedMultiplyAdd(c8, m, x); c9 = Vector512.FusedMultiplyAdd(c9, m, x);
            c10 = Vector512.FusedMultiplyAdd(c10, m, x); c11 = Vector512.FusedMultiplyAdd(c11, m, x);
            c12 = Vector512.FusedMultiplyAdd(c12, m, x); c13 = Vector512.FusedMultiplyAdd(c13, m, x);
            c14 = Vector512.FusedMultiplyAdd(c14, m, x); c15 = Vector512.FusedMultiplyAdd(c15, m, x);
        }
        var s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15;
        return Vector512.Sum(s);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(long iterations)
    {
        var m = Vector256.Create(0.999999f);
        var x = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0,
            c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, m, x); c1 = Vector256.FusedMultiplyAdd(c1, m, x);
            c2 = Vector256.FusedMultiplyAdd(c2, m, x); c3 = Vector256.FusedMultiplyAdd(c3, m, x);
            c4 = Vector256.FusedMultiplyAdd(c4, m, x); c5 = Vector256.FusedMultiplyAdd(c5, m, x);
            c6 = Vector256.FusedMultiplyAdd(c6, m, x); c7 = Vector256.FusedMultiplyAdd(c7, m, x);
            c8 = Vector256.FusedMultiplyAdd(c8, m, x); c9 = Vector256.FusedMultiplyAdd(c9, m, x);
            c10 = Vector256.FusedMultiplyAdd(c10, m, x); c11 = Vector256.FusedMultiplyAdd(c11, m, x);
            c12 = Vector256.FusedMultiplyAdd(c12, m, x); c13 = Vector256.FusedMultiplyAdd(c13, m, x);
            c14 = Vector256.FusedMultiplyAdd(c14, m, x); c15 = Vector256.FusedMultiplyAdd(c15, m, x);
        }
        var s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15;
        return Vector256.Sum(s);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float ChainsScalar(long iterations)
    {
        float c0 = 1, c1 = 1, c2 = 1, c3 = 1, c4 = 1, c5 = 1, c6 = 1, c7 = 1;
        const float m = 0.999999f, x = 1e-7f;
        for (long i = 0; i < iterations; i++)
        {
            c0 = MathF.FusedMultiplyAdd(c0, m, x); c1 = MathF.FusedMultiplyAdd(c1, m, x);
            c2 = MathF.FusedMultiplyAdd(c2, m, x); c3 = MathF.FusedMultiplyAdd(c3, m, x);
            c4 = MathF.FusedMultiplyAdd(c4, m, x); c5 = MathF.FusedMultiplyAdd(c5, m, x);
            c6 = MathF.FusedMultiplyAdd(c6, m, x); c7 = MathF.FusedMultiplyAdd(c7, m, x);
        }
        return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7;
    }
}
