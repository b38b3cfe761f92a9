using System.Diagnostics;
using System.Globalization;
using NetDetect.Core.Data;

namespace NetDetect.Benchmarks;

/// <summary>
/// <c>ingest --posts N</c>: generates a canonical dataset once (seeded, cached), then times
/// <see cref="ParquetDatasetReader.ReadAsync(string, IProgress{StageProgress}?, CancellationToken)"/> in fresh child processes so
/// the peak working set belongs to the read alone, and reports posts/s, the dataset's estimated size and the
/// ratio of peak memory to it.
/// </summary>
public static class IngestMeasurement
{
    public const string ChildVerb = "ingest-child";

    public static async Task<int> RunAsync(string[] args)
    {
        int posts = IntArg(args, "--posts", 10_000_000);
        int accounts = IntArg(args, "--accounts", Math.Clamp(posts / 30, 1_000, 1_000_000));
        int seed = IntArg(args, "--seed", 42);
        int runs = IntArg(args, "--runs", 3);
        int threads = IntArg(args, "--threads", 0);
        string cache = StringArg(args, "--cache", Path.Combine(Path.GetTempPath(), "netdetect-bench"));

        var options = new IngestDataOptions(posts, accounts, seed, Dictionary: args.Contains("--dictionary"));
        string dir = await IngestData.EnsureAsync(options, cache, Console.Out);
        long fileBytes = new FileInfo(Path.Combine(dir, CanonicalSchema.PostsFile)).Length + new FileInfo(Path.Combine(dir, CanonicalSchema.AccountsFile)).Length;
        Console.WriteLine($"dataset: {dir} ({fileBytes / 1e6:F0} MB on disk), {Environment.ProcessorCount} cores, {runs} runs in fresh processes, threads={(threads == 0 ? "auto" : threads)}");

        var results = new List<string[]>();
        for (int run = 0; run < runs; run++)
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(typeof(IngestMeasurement).Assembly.Location);
            psi.ArgumentList.Add(ChildVerb);
            psi.ArgumentList.Add(dir);
            psi.ArgumentList.Add(threads.ToString(CultureInfo.InvariantCulture));
            using var child = Process.Start(psi)!;
            string output = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            if (child.ExitCode != 0)
            {
                Console.Error.WriteLine($"run {run + 1} failed (exit {child.ExitCode}): {output}");
                return 1;
            }
            var fields = output.Trim().Split(' ');
            results.Add(fields);
            Console.WriteLine(Describe(run + 1, fields));
        }
        if (results.Count == 0) return 0;
        var best = results.OrderBy(r => double.Parse(r[1], CultureInfo.InvariantCulture)).First();
        Console.WriteLine("best: " + Describe(0, best)[8..]);
        return 0;
    }

    private static string Describe(int run, string[] f)
    {
        long postCount = long.Parse(f[0], CultureInfo.InvariantCulture);
        double seconds = double.Parse(f[1], CultureInfo.InvariantCulture);
        long estimated = long.Parse(f[2], CultureInfo.InvariantCulture);
        long peak = long.Parse(f[3], CultureInfo.InvariantCulture);
        long heapAfter = long.Parse(f[4], CultureInfo.InvariantCulture);
        return $"run {run,2}: {postCount:N0} posts in {seconds:F2} s = {postCount / seconds / 1e6:F2} M posts/s; "
            + $"EstimatedBytes {estimated / 1048576.0:F0} MiB, managed heap after {heapAfter / 1048576.0:F0} MiB, "
            + $"peak working set {peak / 1048576.0:F0} MiB = {(double)peak / estimated:F2}x";
    }

    /// <summary>Child: one timed read; prints "posts seconds estimatedBytes peakWorkingSet heapAfter".</summary>
    public static async Task<int> MeasureChildAsync(string[] args)
    {
        string dir = args[0];
        int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
        using (var me = Process.GetCurrentProcess())
        {
            int warm = int.Parse(Environment.GetEnvironmentVariable("NETDETECT_BENCH_WARM") ?? "0", CultureInfo.InvariantCulture);
            for (int w = 0; w < warm; w++)
            {
                var cpu0 = me.TotalProcessorTime;
                var c = Stopwatch.StartNew();
                var d = await ParquetDatasetReader.ReadAsync(dir, new DatasetReadOptions { MaxDegreeOfParallelism = threads });
                me.Refresh();
                Console.Error.WriteLine($"warm-up {w}: {c.Elapsed.TotalSeconds:F2} s wall, {(me.TotalProcessorTime - cpu0).TotalSeconds:F2} s cpu, {d.Posts.Count:N0} posts");
            }
        }
        var clock = Stopwatch.StartNew();
        var trace = Environment.GetEnvironmentVariable("NETDETECT_BENCH_TRACE") == "1"
            ? new SyncProgress(p => Console.Error.WriteLine($"{clock.Elapsed.TotalSeconds,6:F2} s {p.Stage} {p.Done:N0}/{p.Total:N0}"))
            : null;
        var ds = await ParquetDatasetReader.ReadAsync(dir, new DatasetReadOptions { MaxDegreeOfParallelism = threads }, trace);
        double seconds = clock.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        long peak = self.PeakWorkingSet64;
        Console.Error.WriteLine($"gc pause {GC.GetTotalPauseDuration().TotalSeconds:F2} s, gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, cpu {self.TotalProcessorTime.TotalSeconds:F1} s (user {self.UserProcessorTime.TotalSeconds:F1})");
        if (trace is not null) Breakdown(ds);
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(string.Join(' ', ds.Posts.Count, seconds.ToString("R", CultureInfo.InvariantCulture), ds.EstimatedBytes, peak, heap));
        GC.KeepAlive(ds);
        return 0;
    }

    /// <summary>With NETDETECT_BENCH_TRACE=1: where the dataset's bytes are, column by column (stderr).</summary>
    private static void Breakdown(Dataset ds)
    {
        var p = ds.Posts;
        var a = ds.Accounts;
        Console.Error.WriteLine($"allocated (managed, all) {GC.GetTotalAllocatedBytes(true) / 1048576.0:F0} MiB");
        void Line(string name, long bytes) => Console.Error.WriteLine($"  {name,-14} {bytes / 1048576.0,8:F1} MiB");
        Line("post ids", p.Ids.EstimatedBytes);
        Line("text", p.Text.EstimatedBytes);
        Line("post refs", p.PostRefs.EstimatedBytes);
        Line("account refs", p.AccountRefs.EstimatedBytes);
        Line("post ints", (long)p.Count * 40);
        Line("hashtags", p.Hashtags.EstimatedBytes);
        Line("urls", p.Urls.EstimatedBytes);
        Line("domains", p.Domains.EstimatedBytes);
        Line("mentions", p.Mentions.EstimatedBytes);
        Line("media", p.Media.EstimatedBytes);
        Line("accounts", a.EstimatedBytes);
        Line("account ids", a.Ids.EstimatedBytes);
        Console.Error.WriteLine($"  counts: posts {p.Count:N0}, postrefs {p.PostRefs.Count:N0}, accountrefs {p.AccountRefs.Count:N0}, accounts {a.Count:N0}, tags {p.Hashtags.Values.Length:N0}/{p.Hashtags.Dictionary.Count:N0}, urls {p.Urls.Values.Length:N0}/{p.Urls.Dictionary.Count:N0}, mentions {p.Mentions.Values.Length:N0}/{p.Mentions.Dictionary.Count:N0}");
    }

    private sealed class SyncProgress(Action<StageProgress> report) : IProgress<StageProgress>
    {
        public void Report(StageProgress value) => report(value);
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1].Replace("_", ""), CultureInfo.InvariantCulture) : fallback;
    }

    private static string StringArg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
