namespace NetDetect.Core.Communities;

/// <summary>Objective optimised by Louvain and Leiden.</summary>
public enum QualityFunction
{
    /// <summary>Newman–Girvan modularity with resolution γ (node weight = strength, penalty γ/2m).</summary>
    Modularity,

    /// <summary>Constant Potts model with resolution γ (unit node weights, penalty γ per node pair).</summary>
    Cpm,
}

/// <summary>Parameters of a community detection run; defaults match python-igraph's community_leiden.</summary>
public sealed record CommunityOptions
{
    /// <summary>Seed of the random node orders and refinement choices; same seed, same partition.</summary>
    public long Seed { get; init; }

    /// <summary>Resolution γ; larger values give more, smaller communities.</summary>
    public double Resolution { get; init; } = 1.0;

    /// <summary>Objective to optimise.</summary>
    public QualityFunction Quality { get; init; } = QualityFunction.Modularity;

    /// <summary>Number of full passes, each starting from the previous result; a negative value repeats until the partition stops changing.</summary>
    public int Iterations { get; init; } = 2;

    /// <summary>Leiden refinement randomness θ (igraph's beta): merge probabilities ∝ exp(ΔH/θ).</summary>
    public double Randomness { get; init; } = 0.01;

    /// <summary>Visit nodes without neighbours or weight too, instead of skipping them (the same partition; tests compare).</summary>
    internal bool VisitIdleNodes { get; init; }

    /// <summary>Run on a copy of the graph without the nodes that have neither neighbours nor weight (the same partition;
    /// tests compare). Only when idle nodes are skipped (<see cref="VisitIdleNodes"/> false).</summary>
    internal bool CompactIdleNodes { get; init; } = true;

    /// <summary>Checks the values, naming the first bad one.</summary>
    public void Validate()
    {
        if (!double.IsFinite(Resolution) || Resolution < 0)
            throw new ArgumentOutOfRangeException(nameof(Resolution), Resolution, "resolution must be finite and >= 0.");
        if (Iterations == 0)
            throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "iterations must be positive, or negative for 'until stable'.");
        if (!double.IsFinite(Randomness) || Randomness < 0)
            throw new ArgumentOutOfRangeException(nameof(Randomness), Randomness, "randomness must be finite and >= 0.");
    }
}

/// <summary>
/// Outcome of Louvain or Leiden: community per node (0 = largest community, ties by smallest member),
/// community sizes, the optimised quality, and the standard modularity (γ = 1) of the partition.
/// </summary>
public sealed record CommunityResult(
    int[] Membership,
    int Count,
    int[] Sizes,
    double Quality,
    double Modularity,
    int IterationsRun,
    CommunityOptions Options);
