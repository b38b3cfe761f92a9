namespace NetDetect.Core.Network;

/// <summary>Parameters of the QUT coordination-network-toolkit-compatible mode.</summary>
public sealed record QutOptions
{
    public long WindowMicros { get; init; } = 60 * Data.Time.MicrosPerSecond;
    /// <summary><c>min_edge_weight</c>: the least directed weight w(A→B) kept.</summary>
    public int MinEdgeWeight { get; init; } = 1;
    /// <summary>Include self-loops (an account matching itself with a second post).</summary>
    public bool SelfLoops { get; init; }
    public int Threads { get; init; }
    public bool ForceWindow { get; init; }
}

/// <summary>A directed QUT edge: <see cref="Weight"/> of From's distinct posts were matched by To within the window.</summary>
public readonly record struct QutEdge(int From, int To, int Weight);

/// <summary>The QUT-compatible directed network.</summary>
public sealed class QutResult
{
    public required IReadOnlyList<QutEdge> Edges { get; init; }
    public required CoShareNetwork Undirected { get; init; }
    public required QutOptions Options { get; init; }

    /// <summary>Distinct accounts on a kept edge (self-loops included when asked for).</summary>
    public int Accounts => Edges.SelectMany(e => new[] { e.From, e.To }).Distinct().Count();
}

/// <summary>QUT's directed co-share weight w(A→B) = A's distinct posts matched by B within the window (spec/semantics.md).</summary>
public static class QutMode
{
    public static QutResult Run(ShareTable shares, QutOptions options, CancellationToken cancellationToken = default)
    {
        var network = CoShareBuilder.Build(shares, new CoShareOptions
        {
            WindowMicros = options.WindowMicros,
            SelfLoops = options.SelfLoops,
            CountPosts = true,
            Threads = options.Threads,
            ForceWindow = options.ForceWindow,
        }, cancellationToken: cancellationToken);
        var edges = new List<QutEdge>();
        for (int e = 0; e < network.EdgeCount; e++)
        {
            if (network.PostsA[e] >= options.MinEdgeWeight && network.PostsA[e] > 0) edges.Add(new QutEdge(network.AccountA[e], network.AccountB[e], network.PostsA[e]));
            if (network.PostsB[e] >= options.MinEdgeWeight && network.PostsB[e] > 0) edges.Add(new QutEdge(network.AccountB[e], network.AccountA[e], network.PostsB[e]));
        }
        if (options.SelfLoops)
        {
            for (int a = 0; a < network.SelfLoopPosts.Length; a++)
            {
                int w = network.SelfLoopPosts[a];
                if (w > 0 && w >= options.MinEdgeWeight) edges.Add(new QutEdge(a, a, w));
            }
        }
        return new QutResult { Edges = edges, Undirected = network, Options = options };
    }
}
