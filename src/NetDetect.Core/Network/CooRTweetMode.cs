namespace NetDetect.Core.Network;

/// <summary>Parameters of the CooRTweet-compatible mode, in that tool's words.</summary>
public sealed record CooRTweetOptions
{
    /// <summary><c>time_window</c>, inclusive.</summary>
    public long WindowMicros { get; init; } = 10 * Data.Time.MicrosPerSecond;
    /// <summary><c>min_participation</c>, counted in share rows.</summary>
    public int MinParticipation { get; init; } = 2;
    /// <summary><c>edge_weight</c>: an edge is flagged when its weight is greater than this type-7 quantile.</summary>
    public double EdgeWeightQuantile { get; init; } = 0.5;
    public int Threads { get; init; }
    public bool ForceWindow { get; init; }
}

/// <summary>The CooRTweet-compatible network: one edge per account pair, weight = pairs, flagged above the quantile.</summary>
public sealed class CooRTweetResult
{
    /// <summary>Per modality, the refined co-share network (the pairs CooRTweet's <c>detect_groups</c> returns).</summary>
    public required IReadOnlyList<CoShareNetwork> Layers { get; init; }
    /// <summary>The stacked layers as one network; its pairs weight is CooRTweet's <c>weight</c>.</summary>
    public required FusedNetwork Network { get; init; }
    public required long[] Weight { get; init; }
    /// <summary><c>avg_time_delta</c> in seconds.</summary>
    public required double[] AvgTimeDeltaSeconds { get; init; }
    /// <summary><c>weight_threshold == 1</c>.</summary>
    public required bool[] Flagged { get; init; }
    /// <summary>The quantile the weights were compared with (<c>&gt;</c>).</summary>
    public required double Threshold { get; init; }
    public required CooRTweetOptions Options { get; init; }

    /// <summary>Co-share pairs after every filter (rows of <c>detect_groups</c>' result, all modalities).</summary>
    public long Pairs => Weight.Sum();
    public int Accounts => Network.AccountsInNetwork();
    public int Edges => Network.EdgeCount;
    public int FlaggedEdges => Flagged.Count(f => f);
    public int FlaggedAccounts => Network.AccountsInNetwork(Flagged);
}

/// <summary>
/// Reproduces CooRTweet's <c>detect_groups</c> + <c>generate_coordinated_network</c> exactly
/// (spec/semantics.md, "Peer-compatible modes"), including its multimodal recipe.
/// </summary>
public static class CooRTweetMode
{
    public static CooRTweetResult Run(IReadOnlyList<ShareTable> modalities, CooRTweetOptions options, CancellationToken cancellationToken = default)
    {
        var layers = new List<CoShareNetwork>();
        foreach (var shares in modalities) layers.Add(DetectGroups(shares, options, cancellationToken));
        var fused = FusedNetwork.Combine(layers);
        int n = fused.EdgeCount;
        var weight = new long[n];
        var avg = new double[n];
        var w = new double[n];
        for (int e = 0; e < n; e++)
        {
            long pairs = 0, sum = 0;
            for (int l = 0; l < layers.Count; l++)
            {
                int le = fused.LayerEdge(e, l);
                if (le < 0) continue;
                pairs += layers[l].Pairs[le];
                sum += layers[l].SumDeltaMicros[le];
            }
            weight[e] = pairs;
            avg[e] = pairs == 0 ? 0 : sum / (double)pairs / Data.Time.MicrosPerSecond;
            w[e] = pairs;
        }
        var threshold = new EdgeThreshold(options.EdgeWeightQuantile, true, ThresholdComparison.Greater);
        var flagged = threshold.Apply(w, out double cutoff);
        return new CooRTweetResult
        {
            Layers = layers,
            Network = fused,
            Weight = weight,
            AvgTimeDeltaSeconds = avg,
            Flagged = flagged,
            Threshold = cutoff,
            Options = options,
        };
    }

    /// <summary>
    /// Steps 1–3 for one modality: drop accounts with fewer than min_participation share rows, pair within the
    /// inclusive window, then keep a pair when either side's account has at least min_participation rows whose
    /// post appears in some pair.
    /// </summary>
    public static CoShareNetwork DetectGroups(ShareTable shares, CooRTweetOptions options, CancellationToken cancellationToken = default)
    {
        var network = CoShareBuilder.Build(shares, new CoShareOptions
        {
            WindowMicros = options.WindowMicros,
            MinParticipation = options.MinParticipation,
            Participation = ParticipationCount.ShareRows,
            Threads = options.Threads,
            ForceWindow = options.ForceWindow,
            CountPosts = true,
            KeepMatches = true,
        }, cancellationToken: cancellationToken);
        if (options.MinParticipation < 1) return network;

        // C: the content of every post on some pair (two different accounts, after the pre-filter); a content id
        // imported on several rows (X, X#2, ...) is one content, as in CooRTweet
        var content = shares.PostContent;
        var inPair = network.PostInPair!;
        if (content is not null)
        {
            var inPairContent = new bool[inPair.Length];
            for (int p = 0; p < inPair.Length; p++) if (inPair[p]) inPairContent[content[p]] = true;
            inPair = inPairContent;
        }
        var rows = new int[shares.AccountCount];
        for (int i = 0; i < shares.Count; i++)
        {
            int p = shares.Post[i];
            if (inPair[content is null ? p : content[p]]) rows[shares.Account[i]]++;
        }
        var keep = new bool[network.EdgeCount];
        for (int e = 0; e < keep.Length; e++)
            keep[e] = rows[network.AccountA[e]] >= options.MinParticipation || rows[network.AccountB[e]] >= options.MinParticipation;
        return network.Where(keep);
    }
}
