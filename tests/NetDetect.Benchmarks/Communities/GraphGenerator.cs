using System.Globalization;
using NetDetect.Core.Communities;

namespace NetDetect.Benchmarks.Communities;

/// <summary>Seeded LFR-like benchmark graphs: degree-corrected planted partition with power-law degrees and community sizes.</summary>
public static class GraphGenerator
{
    /// <summary>
    /// Writes "n" then "u v w" lines. Community sizes ~ power law (exponent 2, 20..2000), expected degrees ~ power
    /// law (exponent 2.5, 5..300) scaled to <paramref name="meanDegree"/>; each edge picks u ∝ degree, then v ∝ degree
    /// inside u's community with probability 1 − μ, anywhere otherwise. Duplicates merge into weights.
    /// </summary>
    public static void WriteDegreeCorrectedPlantedPartition(string path, int n, double meanDegree, double mixing, int seed)
    {
        var rng = new Random(seed);
        // Community sizes until every node has one; nodes are laid out community by community.
        var communityStart = new List<int> { 0 };
        while (communityStart[^1] < n)
        {
            int size = (int)Math.Min(2000, 20 / Math.Sqrt(1 - rng.NextDouble() * (1 - 0.01)));   // inverse CDF of x^-2 on [20, 2000]
            communityStart.Add(Math.Min(n, communityStart[^1] + size));
        }
        var community = new int[n];
        for (int c = 0; c + 1 < communityStart.Count; c++)
            for (int v = communityStart[c]; v < communityStart[c + 1]; v++) community[v] = c;

        var weight = new double[n];
        double sum = 0;
        for (int v = 0; v < n; v++)
        {
            double u = rng.NextDouble();
            weight[v] = Math.Min(300, 5 * Math.Pow(1 - u, -1 / 1.5));   // Pareto, exponent 2.5
            sum += weight[v];
        }
        // Cumulative weights for sampling ∝ degree, globally and (because nodes are contiguous) per community.
        var cumulative = new double[n + 1];
        for (int v = 0; v < n; v++) cumulative[v + 1] = cumulative[v] + weight[v];

        long m = (long)(n * meanDegree / 2);
        var a = new int[m]; var b = new int[m];
        for (long i = 0; i < m; i++)
        {
            int u = Sample(cumulative, 0, n, rng);
            int v;
            do
            {
                if (rng.NextDouble() < mixing) v = Sample(cumulative, 0, n, rng);
                else
                {
                    int c = community[u];
                    v = Sample(cumulative, communityStart[c], communityStart[c + 1], rng);
                }
            } while (v == u);
            a[i] = u; b[i] = v;
        }
        // Shuffle node ids so the file's order carries no hint of the communities.
        var perm = new int[n];
        for (int v = 0; v < n; v++) perm[v] = v;
        for (int v = n - 1; v > 0; v--) { int j = rng.Next(v + 1); (perm[v], perm[j]) = (perm[j], perm[v]); }
        for (long i = 0; i < m; i++) { a[i] = perm[a[i]]; b[i] = perm[b[i]]; }

        var ones = new double[m];
        Array.Fill(ones, 1.0);
        var g = WeightedGraph.FromEdges(n, a, b, ones);
        using var writer = new StreamWriter(path);
        writer.WriteLine(n.ToString(CultureInfo.InvariantCulture));
        for (int u = 0; u < n; u++)
            for (int i = g.Offsets[u]; i < g.Offsets[u + 1]; i++)
                if (g.Neighbors[i] > u)
                    writer.WriteLine(FormattableString.Invariant($"{u} {g.Neighbors[i]} {g.Weights[i]:R}"));
    }

    private static int Sample(double[] cumulative, int from, int to, Random rng)
    {
        double x = cumulative[from] + rng.NextDouble() * (cumulative[to] - cumulative[from]);
        int lo = from, hi = to - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid + 1] <= x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>Reads the edge list written above into a <see cref="WeightedGraph"/>.</summary>
    public static WeightedGraph ReadEdgeList(string path)
    {
        using var reader = new StreamReader(path);
        int n = int.Parse(reader.ReadLine()!, CultureInfo.InvariantCulture);
        var a = new List<int>(); var b = new List<int>(); var w = new List<double>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var span = line.AsSpan();
            int s1 = span.IndexOf(' ');
            int s2 = span[(s1 + 1)..].IndexOf(' ') + s1 + 1;
            a.Add(int.Parse(span[..s1], CultureInfo.InvariantCulture));
            b.Add(int.Parse(span[(s1 + 1)..s2], CultureInfo.InvariantCulture));
            w.Add(double.Parse(span[(s2 + 1)..], CultureInfo.InvariantCulture));
        }
        return WeightedGraph.FromEdges(n, a.ToArray(), b.ToArray(), w.ToArray());
    }

    /// <summary>A few hundred nodes for JIT warm-up.</summary>
    public static WeightedGraph Small()
    {
        var rng = new Random(0);
        int n = 300, m = 1500;
        var a = new int[m]; var b = new int[m]; var w = new double[m];
        for (int i = 0; i < m; i++) { a[i] = rng.Next(n); b[i] = (a[i] + 1 + rng.Next(n - 1)) % n; w[i] = 1; }
        return WeightedGraph.FromEdges(n, a, b, w);
    }
}
