using System.Diagnostics;
using System.Globalization;
using NetDetect.Core.Data;
using NetDetect.Core.Network;

namespace NetDetect.Benchmarks.Network;

/// <summary>
/// Hand-timed network benchmarks: <c>dotnet run -c Release --project tests/NetDetect.Benchmarks -- network [posts] [part]</c>.
/// Parts: sort, sweep, aggregate, build, e2e, csv (writes the input for the R data.table comparison), all.
/// Each figure is the best of a few runs after a warm-up (the csv part's too: R's data.table is compiled code).
/// </summary>
internal static class NetworkBench
{
    public static int Run(string[] args)
    {
        int posts = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        string part = args.Length > 1 ? args[1] : "all";
        long window = 60 * Time.MicrosPerSecond;
        Console.WriteLine($"network benchmarks: {posts:N0} reposts, window 60 s, {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        var shares = NetworkData.Shares(posts);

        if (part is "all" or "sort")
        {
            // the radix sort alone on the packed keys, and the whole share sort (keys + sort + gather)
            var (keys, bits) = Keys(shares);
            double best = Best(3, () =>
            {
                var k = (ulong[])keys.Clone();
                var v = new int[k.Length];
                for (int i = 0; i < v.Length; i++) v[i] = i;
                var sw = Stopwatch.StartNew();
                RadixSort.Sort(k, v, bits);
                return sw.Elapsed.TotalSeconds;
            });
            Console.WriteLine($"radix sort, {posts:N0} keys of {bits} bits + int payload, 1 thread: {best:F3} s");
            double all = Best(3, () =>
            {
                var sw = Stopwatch.StartNew();
                ShareSorter.Sort(shares);
                return sw.Elapsed.TotalSeconds;
            });
            Console.WriteLine($"share sort (pack keys, radix sort, gather 4 columns), 1 thread: {all:F3} s");
        }
        // the sweep and aggregation are measured on viral data (popularity 0.3): ~10^8 in-window pairs at 10 M reposts
        var sorted = part is "all" or "sweep" ? ShareSorter.Sort(NetworkData.Shares(posts, 1, 0.3)) : null!;
        if (part is "all" or "sweep")
        {
            long pairs = 0;
            double best = Best(3, () =>
            {
                var sw = Stopwatch.StartNew();
                pairs = PairSweep.Count(sorted, window, out _);
                return sw.Elapsed.TotalSeconds;
            });
            Console.WriteLine($"pair sweep (viral data), 1 thread: {pairs:N0} in-window pairs in {best:F3} s = {pairs / best / 1e6:F0} M pairs/s");
        }
        if (part is "all" or "aggregate")
        {
            // the pairs of the default data (popularity 0.5), the same as the build and e2e parts aggregate
            sorted = ShareSorter.Sort(shares);
            int max = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000_000;
            var keys = new ulong[max];
            var deltas = new long[max];
            var objects = new int[max];
            int n = PairSweep.Emit(sorted, window, keys, deltas, objects, max);
            // packed densely (low account << account bits | high account) as the builder packs them
            int accountBits = RadixSort.BitsFor((ulong)(shares.AccountCount - 1));
            for (int i = 0; i < n; i++) keys[i] = ((keys[i] >> 32) << accountBits) | (keys[i] & 0xFFFFFFFFUL);
            var k = new ulong[n];
            var d = new ulong[n];
            var sk = new ulong[n];
            var sd = new ulong[n];
            var counts = new int[n];
            int edges = 0;
            double bare = Best(3, () =>
            {
                Array.Copy(keys, k, n);
                for (int i = 0; i < n; i++) d[i] = (ulong)deltas[i];
                var sw = Stopwatch.StartNew();
                edges = PairSweep.Aggregate(k, d, n, 2 * accountBits, sk, sd, counts);
                return sw.Elapsed.TotalSeconds;
            });
            Console.WriteLine($"edge aggregation (pairs, Δ) of {n:N0} pairs into {edges:N0} edges, 1 thread, radix sort on the {2 * accountBits}-bit pair key + run reduce: {bare:F3} s = {n / bare / 1e6:F0} M pairs/s");
        }
        if (part is "all" or "build")
        {
            foreach (int threads in new[] { 1, 2 })
            {
                CoShareNetwork? net = null;
                double best = Best(2, () =>
                {
                    var sw = Stopwatch.StartNew();
                    net = CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = window, MinParticipation = 1, Threads = threads });
                    return sw.Elapsed.TotalSeconds;
                });
                Console.WriteLine($"co-share network from a share table, {threads} thread(s): {best:F3} s ({net!.TotalPairs:N0} pairs, {net.EdgeCount:N0} edges, every weight)");
            }
        }
        if (part is "all" or "paths")
        {
            // the two aggregations (row by row, the default; pair records) on data of rising pair density: the pairs per
            // share decide which is faster, and the builder picks by that
            foreach (var (popularity, size) in new[] { (0.5, posts), (0.4, posts), (0.3, posts / 5), (0.3, posts / 3) })
            {
                var data = popularity == 0.5 ? shares : NetworkData.Shares(size, 1, popularity);
                foreach (bool records in new[] { false, true })
                {
                    CoShareNetwork? net = null;
                    double best = Best(2, () =>
                    {
                        var sw = Stopwatch.StartNew();
                        net = CoShareBuilder.Build(data, new CoShareOptions { WindowMicros = window, Threads = 2, Aggregation = records ? CoShareAggregation.PairRecords : CoShareAggregation.Rows });
                        return sw.Elapsed.TotalSeconds;
                    });
                    Console.WriteLine($"popularity {popularity}, {size:N0} reposts: {net!.TotalPairs:N0} pairs ({net.TotalPairs / (double)data.Count:F2} a share), {net.EdgeCount:N0} edges, 2 threads, {(records ? "pair records" : "rows")}: {best:F3} s");
                }
            }
        }
        if (part is "all" or "e2e")
        {
            var sw0 = Stopwatch.StartNew();
            var ds = NetworkData.Dataset(posts);
            Console.WriteLine($"(dataset of {ds.Posts.Count:N0} posts by {ds.Accounts.Count:N0} accounts generated in {sw0.Elapsed.TotalSeconds:F1} s)");
            NetworkReport? report = null;
            double best = Best(2, () =>
            {
                var sw = Stopwatch.StartNew();
                report = NetworkAnalysis.Run(ds, new NetworkRequest { Modalities = [Modality.Repost], WindowMicros = window, MinParticipation = 2, Threads = 2 });
                return sw.Elapsed.TotalSeconds;
            });
            Console.WriteLine($"co-repost network for {posts:N0} posts, 2 threads (extract, sort, sweep, aggregate, threshold 0.5q, project, components, summaries): {best:F3} s; "
                + $"pairs {report!.Pairs:N0}, accounts {report.Accounts:N0}, edges {report.Edges:N0}, flagged {report.FlaggedAccounts:N0}/{report.FlaggedEdges:N0}/{report.FlaggedComponents:N0}");
        }
        if (part is "csv")
        {
            var path = args.Length > 2 ? args[2] : "shares.csv";
            using var w = new StreamWriter(path);
            w.WriteLine("object_id,account_id,content_id,timestamp_share");
            for (int i = 0; i < shares.Count; i++)
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shares.Object[i]},{shares.Account[i]},{shares.Post[i]},{shares.Time[i] / Time.MicrosPerSecond}"));
            Console.WriteLine($"wrote {path}");
            // best of 3 after a warm-up (a single cold run timed the JIT's first-tier code, not the engine)
            CoShareNetwork? net = null;
            double best = Best(3, () =>
            {
                var sw = Stopwatch.StartNew();
                net = CoShareBuilder.Build(shares, new CoShareOptions { WindowMicros = window, MinParticipation = 1, Threads = 1, CountPosts = false, TopObjects = 0 });
                return sw.Elapsed.TotalSeconds;
            });
            Console.WriteLine($"same input, co-share edges (pairs, Δ, objects, evidence, first/last time), 1 thread: {best:F3} s, {net!.TotalPairs:N0} pairs, {net.EdgeCount:N0} edges");
        }
        return 0;
    }

    private static (ulong[] Keys, int Bits) Keys(ShareTable s)
    {
        long tmin = s.Time.Min(), tmax = s.Time.Max();
        int objectBits = RadixSort.BitsFor((ulong)(s.ObjectCount - 1));
        int timeBits = RadixSort.BitsFor((ulong)((tmax - tmin) / Time.MicrosPerSecond));
        var keys = new ulong[s.Count];
        for (int i = 0; i < keys.Length; i++) keys[i] = ((ulong)s.Object[i] << timeBits) | (ulong)((s.Time[i] - tmin) / Time.MicrosPerSecond);
        return (keys, objectBits + timeBits);
    }

    // Best wall time of a few runs after a warm-up; also prints the process CPU time of that run, which on a
    // shared, oversubscribed machine is the better estimate of what the code costs.
    private static double Best(int runs, Func<double> run)
    {
        GC.Collect();
        // the first run is reported too: it pays the JIT's first tiers and the process's first page faults, which
        // a one-shot CLI run pays as well
        double first = run();
        double best = double.MaxValue, cpu = 0;
        for (int r = 0; r < runs; r++)
        {
            // a collection between runs keeps the footprint of the previous run off a shared machine
            GC.Collect();
            var c0 = Process.GetCurrentProcess().TotalProcessorTime;
            double t = run();
            var c1 = Process.GetCurrentProcess().TotalProcessorTime;
            if (t < best) { best = t; cpu = (c1 - c0).TotalSeconds; }
        }
        Console.Write($"  [first run {first:F3} s; best of {runs} after it: wall {best:F3} s, process CPU {cpu:F3} s] ");
        return best;
    }
}
