using NetDetect.Core.Communities;

namespace NetDetect.Core.Tests.Communities;

/// <summary>Seeded graph generators with known structure, and brute-force helpers for the invariant tests.</summary>
public static class TestGraphs
{
    /// <summary>A graph with its planted community per node and the raw (possibly duplicated) edge list.</summary>
    public sealed record Planted(WeightedGraph Graph, int[] Truth, int[] A, int[] B, double[] W);

    /// <summary>
    /// Planted partition: <paramref name="groups"/> groups of random size around n/groups; each node draws
    /// about <paramref name="degree"/> edges, a fraction <paramref name="mixing"/> of them to other groups.
    /// Weights are 1 or, if <paramref name="weighted"/>, uniform in [0.5, 2.5).
    /// </summary>
    public static Planted PlantedPartition(int n, int groups, double degree, double mixing, int seed, bool weighted = false)
    {
        var rng = new Random(seed);
        var truth = new int[n];
        for (int v = 0; v < n; v++) truth[v] = v * groups / n;
        var members = new List<int>[groups];
        for (int g = 0; g < groups; g++) members[g] = [];
        for (int v = 0; v < n; v++) members[truth[v]].Add(v);

        int m = (int)(n * degree / 2);
        var a = new int[m]; var b = new int[m]; var w = new double[m];
        for (int i = 0; i < m; i++)
        {
            int u = rng.Next(n), v;
            do
            {
                if (rng.NextDouble() < mixing) v = rng.Next(n);
                else { var grp = members[truth[u]]; v = grp[rng.Next(grp.Count)]; }
            } while (v == u);
            a[i] = u; b[i] = v;
            w[i] = weighted ? 0.5 + 2 * rng.NextDouble() : 1.0;
        }
        return new Planted(WeightedGraph.FromEdges(n, a, b, w), truth, a, b, w);
    }

    /// <summary>Erdős–Rényi style multigraph with optional self-loops and integer weights 1..3.</summary>
    public static WeightedGraph Random(int n, int m, int seed, bool selfLoops = false)
    {
        var rng = new Random(seed);
        var a = new int[m]; var b = new int[m]; var w = new double[m];
        for (int i = 0; i < m; i++)
        {
            a[i] = rng.Next(n);
            b[i] = rng.Next(n);
            if (!selfLoops && a[i] == b[i]) b[i] = (b[i] + 1) % n;
            w[i] = rng.Next(1, 4);
        }
        return WeightedGraph.FromEdges(n, a, b, w);
    }

    /// <summary>Writes "n" then one "u v w" line per merged edge (each once), in invariant culture.</summary>
    public static void WriteEdgeList(WeightedGraph g, string path)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine(g.NodeCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (int u = 0; u < g.NodeCount; u++)
            for (int i = g.Offsets[u]; i < g.Offsets[u + 1]; i++)
                if (g.Neighbors[i] >= u)
                    writer.WriteLine(FormattableString.Invariant($"{u} {g.Neighbors[i]} {g.Weights[i]:R}"));
    }

    /// <summary>Normalised mutual information (arithmetic mean normalisation) between two labelings.</summary>
    public static double Nmi(int[] x, int[] y)
    {
        int n = x.Length;
        var joint = new Dictionary<(int, int), int>();
        var cx = new Dictionary<int, int>();
        var cy = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            joint[(x[i], y[i])] = joint.GetValueOrDefault((x[i], y[i])) + 1;
            cx[x[i]] = cx.GetValueOrDefault(x[i]) + 1;
            cy[y[i]] = cy.GetValueOrDefault(y[i]) + 1;
        }
        double mi = 0, hx = 0, hy = 0;
        foreach (var ((i, j), c) in joint) mi += c / (double)n * Math.Log(c * (double)n / ((double)cx[i] * cy[j]));
        foreach (var c in cx.Values) hx -= c / (double)n * Math.Log(c / (double)n);
        foreach (var c in cy.Values) hy -= c / (double)n * Math.Log(c / (double)n);
        return hx + hy == 0 ? 1.0 : 2 * mi / (hx + hy);
    }

    /// <summary>Modularity straight from the definition, O(n²): (1/2m) Σ_ij [A_ij − γ k_i k_j / 2m] δ(c_i, c_j).</summary>
    public static double BruteForceModularity(WeightedGraph g, int[] membership, double resolution = 1.0)
    {
        int n = g.NodeCount;
        var adj = new double[n, n];
        for (int u = 0; u < n; u++)
            for (int i = g.Offsets[u]; i < g.Offsets[u + 1]; i++)
                adj[u, g.Neighbors[i]] += g.Neighbors[i] == u ? 2 * g.Weights[i] : g.Weights[i];
        var k = new double[n];
        double twoM = 0;
        for (int u = 0; u < n; u++)
        {
            for (int v = 0; v < n; v++) k[u] += adj[u, v];
            twoM += k[u];
        }
        double q = 0;
        for (int u = 0; u < n; u++)
            for (int v = 0; v < n; v++)
                if (membership[u] == membership[v]) q += adj[u, v] - resolution * k[u] * k[v] / twoM;
        return q / twoM;
    }

    /// <summary>True when the nodes of every community induce a connected subgraph.</summary>
    public static bool CommunitiesConnected(WeightedGraph g, int[] membership, int count, out int badCommunity)
    {
        var seen = new bool[g.NodeCount];
        var started = new bool[count];
        for (int s = 0; s < g.NodeCount; s++)
        {
            int c = membership[s];
            if (seen[s]) continue;
            if (started[c]) { badCommunity = c; return false; }
            started[c] = true;
            var stack = new Stack<int>();
            stack.Push(s); seen[s] = true;
            while (stack.Count > 0)
            {
                int v = stack.Pop();
                for (int i = g.Offsets[v]; i < g.Offsets[v + 1]; i++)
                {
                    int u = g.Neighbors[i];
                    if (!seen[u] && membership[u] == c) { seen[u] = true; stack.Push(u); }
                }
            }
        }
        badCommunity = -1;
        return true;
    }
}
