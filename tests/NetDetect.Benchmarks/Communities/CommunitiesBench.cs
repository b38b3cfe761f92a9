using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetDetect.Core.Communities;

namespace NetDetect.Benchmarks.Communities;

/// <summary>
/// Leiden against python-igraph's community_leiden on the same seeded degree-corrected planted-partition graph
/// (written once to a text edge list both sides read). Times only the community detection call on each side, wall-clock and process CPU time (the CPU figure is
/// the fairer one on a shared machine).
/// </summary>
/// <remarks>
/// Usage: <c>dotnet run -c Release --project tests/NetDetect.Benchmarks -- communities [--nodes 200000]
/// [--degree 15] [--mixing 0.3] [--seed 1] [--runs 3] [--iterations 2] [--until-stable] [--python /usr/bin/python3] [--dir DIR]</c>.
/// Our Leiden is sequential, so it always runs on one thread; igraph's is single-threaded C as well.
/// </remarks>
public static class CommunitiesBench
{
    private const string IgraphScript = """
        import json, random, sys, time
        import igraph as ig
        path, runs, iterations, ours_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        with open(path) as f:
            n = int(f.readline())
            edges, weights = [], []
            for line in f:
                u, v, w = line.split()
                edges.append((int(u), int(v))); weights.append(float(w))
        g = ig.Graph(n=n, edges=edges)
        g.es["weight"] = weights
        out = {"version": ig.__version__, "runs": []}
        for s in range(runs):
            random.seed(s + 1)
            c0, t0 = time.process_time(), time.perf_counter()
            part = g.community_leiden(objective_function="modularity", weights="weight", resolution_parameter=1.0, n_iterations=iterations)
            t1, c1 = time.perf_counter(), time.process_time()
            out["runs"].append({"seconds": t1 - t0, "cpu": c1 - c0, "modularity": g.modularity(part.membership, weights="weight"), "communities": len(part)})
        ours = [int(x) for x in open(ours_path).read().split()]
        out["ours_modularity_by_igraph"] = g.modularity(ours, weights="weight")
        print(json.dumps(out))
        """;

    public static int Run(string[] args)
    {
        int nodes = IntArg(args, "--nodes", 200_000);
        double degree = DoubleArg(args, "--degree", 15);
        double mixing = DoubleArg(args, "--mixing", 0.3);
        int seed = IntArg(args, "--seed", 1);
        int runs = IntArg(args, "--runs", 3);
        int iterations = IntArg(args, "--iterations", 2);
        bool untilStable = Array.IndexOf(args, "--until-stable") >= 0;
        string python = StringArg(args, "--python", File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
        string dir = StringArg(args, "--dir", Path.Combine(Path.GetTempPath(), "netdetect-bench"));
        Directory.CreateDirectory(dir);

        string edgesPath = Path.Combine(dir, FormattableString.Invariant($"dcsbm-n{nodes}-d{degree}-mu{mixing}-s{seed}.txt"));
        if (!File.Exists(edgesPath))
        {
            Console.WriteLine($"writing graph once to {edgesPath}");
            GraphGenerator.WriteDegreeCorrectedPlantedPartition(edgesPath, nodes, degree, mixing, seed);
        }

        var load = Stopwatch.StartNew();
        var graph = GraphGenerator.ReadEdgeList(edgesPath);
        load.Stop();
        Console.WriteLine($"graph: {graph.NodeCount:N0} nodes, {graph.EdgeCount:N0} edges (read + CSR build {load.Elapsed.TotalSeconds:F2} s)");
        Console.WriteLine($"cores visible: {Environment.ProcessorCount}; load average: {LoadAverage()}");

        // Warm-up on a small graph so JIT time is not charged to the first timed run.
        new Leiden(GraphGenerator.Small(), new CommunityOptions { Seed = 0 }).Compute();

        var ours = new List<(double Seconds, double Cpu, CommunityResult Result)>();
        var settings = untilStable ? new[] { iterations, -1 } : new[] { iterations };
        foreach (int its in settings)
        {
            for (int r = 0; r < runs; r++)
            {
                var options = new CommunityOptions { Seed = r + 1, Iterations = its };
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                var result = new Leiden(graph, options).Compute();
                sw.Stop();
                double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                ours.Add((sw.Elapsed.TotalSeconds, cpuSeconds, result));
                Console.WriteLine(FormattableString.Invariant(
                    $"netdetect leiden iterations={its,2} seed={r + 1}: wall {sw.Elapsed.TotalSeconds,7:F3} s  cpu {cpuSeconds,7:F3} s  modularity {result.Modularity:F5}  communities {result.Count}  (iterations run {result.IterationsRun})"));
            }
        }

        string oursPath = Path.Combine(dir, "ours-membership.txt");
        File.WriteAllText(oursPath, string.Join(' ', ours[0].Result.Membership));
        string scriptPath = Path.Combine(dir, "igraph_leiden.py");
        File.WriteAllText(scriptPath, IgraphScript);
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { scriptPath, edgesPath, runs.ToString(CultureInfo.InvariantCulture), iterations.ToString(CultureInfo.InvariantCulture), oursPath })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            Console.Error.WriteLine($"python-igraph run failed ({python}; needs Debian's python3-igraph):\n{stderrTask.Result}");
            return 1;
        }
        using var doc = JsonDocument.Parse(stdoutTask.Result);
        var igraphRuns = new List<(double Seconds, double Cpu, double Q)>();
        foreach (var run in doc.RootElement.GetProperty("runs").EnumerateArray())
        {
            double s = run.GetProperty("seconds").GetDouble(), c = run.GetProperty("cpu").GetDouble(), q = run.GetProperty("modularity").GetDouble();
            igraphRuns.Add((s, c, q));
            Console.WriteLine(FormattableString.Invariant(
                $"igraph {doc.RootElement.GetProperty("version").GetString()} leiden n_iterations={iterations}: wall {s,7:F3} s  cpu {c,7:F3} s  modularity {q:F5}  communities {run.GetProperty("communities").GetInt32()}"));
        }
        double check = doc.RootElement.GetProperty("ours_modularity_by_igraph").GetDouble();
        Console.WriteLine(FormattableString.Invariant($"check: igraph scores our seed-1 partition {check:F6}, we score it {ours[0].Result.Modularity:F6}"));

        double igraphTime = Median(igraphRuns.Select(x => x.Seconds)), igraphCpu = Median(igraphRuns.Select(x => x.Cpu));
        double igraphQ = igraphRuns.Average(x => x.Q);
        Console.WriteLine();
        Console.WriteLine("| implementation | median wall (s) | median CPU (s) | mean modularity | speed-up wall / CPU |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine(FormattableString.Invariant($"| python-igraph {doc.RootElement.GetProperty("version").GetString()} community_leiden, n_iterations={iterations} | {igraphTime:F3} | {igraphCpu:F3} | {igraphQ:F5} | 1.0× / 1.0× |"));
        foreach (int its in settings)
        {
            var mine = ours.Where(x => x.Result.Options.Iterations == its).ToList();
            double t = Median(mine.Select(x => x.Seconds)), c = Median(mine.Select(x => x.Cpu)), q = mine.Average(x => x.Result.Modularity);
            string label = its < 0 ? "until stable" : its.ToString(CultureInfo.InvariantCulture);
            Console.WriteLine(FormattableString.Invariant($"| NetDetect Leiden, iterations={label}, 1 thread | {t:F3} | {c:F3} | {q:F5} | {igraphTime / t:F1}× / {igraphCpu / c:F1}× |"));
        }
        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Trim(); }
        catch (IOException) { return "n/a"; }
    }

    private static string StringArg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static int IntArg(string[] args, string name, int fallback) =>
        int.Parse(StringArg(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    private static double DoubleArg(string[] args, string name, double fallback) =>
        double.Parse(StringArg(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
