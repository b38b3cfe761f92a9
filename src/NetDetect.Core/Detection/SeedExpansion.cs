using NetDetect.Core.Communities;

namespace NetDetect.Core.Detection;

/// <summary>
/// Seed-based expansion: known operation accounts raise the prior of their network neighbourhood through a
/// personalised PageRank on the evidence-weighted co-activity graph (restart to the seeds).
/// </summary>
public static class SeedExpansion
{
    /// <summary>Restart probability of the walk.</summary>
    public const double Restart = 0.15;
    public const int Iterations = 50;
    /// <summary>Largest raise of the log-odds, given to the non-seed account closest to the seeds.</summary>
    public const double MaxLogOddsBoost = 4.0;

    /// <summary>Personalised PageRank with restart to <paramref name="seeds"/> (sequential, so identical for any thread count).</summary>
    public static double[] PersonalisedPageRank(WeightedGraph graph, IReadOnlyList<int> seeds)
    {
        int n = graph.NodeCount;
        var rank = new double[n];
        var next = new double[n];
        if (seeds.Count == 0) return rank;
        var strength = graph.NodeStrengths();
        double seedMass = 1.0 / seeds.Count;
        foreach (int s in seeds) rank[s] += seedMass;
        for (int it = 0; it < Iterations; it++)
        {
            Array.Clear(next);
            double dangling = 0;
            for (int u = 0; u < n; u++)
            {
                double r = rank[u];
                if (r == 0) continue;
                if (strength[u] <= 0) { dangling += r; continue; }
                double share = (1 - Restart) * r / strength[u];
                for (int k = graph.Offsets[u]; k < graph.Offsets[u + 1]; k++) next[graph.Neighbors[k]] += share * graph.Weights[k];
            }
            // restart mass and the mass of walkers stuck on isolated accounts go back to the seeds
            double back = Restart + (1 - Restart) * dangling;
            foreach (int s in seeds) next[s] += back * seedMass;
            (rank, next) = (next, rank);
        }
        return rank;
    }

    /// <summary>
    /// Raises each probability by up to <see cref="MaxLogOddsBoost"/> in log-odds, in proportion to the account's
    /// PageRank relative to the highest non-seed PageRank; seeds themselves become at least <paramref name="seedFloor"/>.
    /// </summary>
    public static double[] Apply(double[] probability, WeightedGraph graph, IReadOnlyList<int> seeds, double seedFloor, out double[] relative)
    {
        var ppr = PersonalisedPageRank(graph, seeds);
        var isSeed = new bool[probability.Length];
        foreach (int s in seeds) isSeed[s] = true;
        double max = 0;
        for (int i = 0; i < ppr.Length; i++) if (!isSeed[i] && ppr[i] > max) max = ppr[i];
        relative = new double[probability.Length];
        var result = new double[probability.Length];
        for (int i = 0; i < probability.Length; i++)
        {
            if (isSeed[i])
            {
                relative[i] = 1;
                result[i] = Math.Max(probability[i], seedFloor);
                continue;
            }
            double r = max > 0 ? Math.Min(1, ppr[i] / max) : 0;
            relative[i] = r;
            if (r <= 0) { result[i] = probability[i]; continue; }
            double p = Math.Clamp(probability[i], 1e-9, 1 - 1e-9);
            double logit = Math.Log(p / (1 - p)) + MaxLogOddsBoost * r;
            result[i] = 1 / (1 + Math.Exp(-logit));
        }
        return result;
    }
}
