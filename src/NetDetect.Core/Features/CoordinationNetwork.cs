using NetDetect.Core.Communities;
using NetDetect.Core.Data;
using NetDetect.Core.Network;

namespace NetDetect.Core.Features;

/// <summary>How detection builds its co-activity network; stored in the model so training and detection agree.</summary>
public sealed record DetectionNetworkOptions
{
    /// <summary>Modalities fused into the network (object modalities; sync and similar_text are optional extras).</summary>
    public IReadOnlyList<Modality> Modalities { get; init; } =
        [Modality.Repost, Modality.Hashtag, Modality.Url, Modality.Domain, Modality.Text, Modality.Media, Modality.Reply];

    /// <summary>Co-share time window (sliding, inclusive).</summary>
    public long WindowMicros { get; init; } = 5 * Time.MicrosPerMinute;

    /// <summary>Accounts need this many distinct posts in a modality to take part in it.</summary>
    public int MinParticipation { get; init; } = 2;

    /// <summary>
    /// Crowd cap: an object shared more than this many times within one window (a news burst, a fandom's hashtag, a
    /// viral post) is left out of its modality's network; 0 = no cap. Such crowds are where co-share pairs grow
    /// quadratically (7,000 sharers in five minutes are 25 M pairs) while saying little about coordination (the
    /// object's idf is already low). The default 1,000 is above every crowd of the shipped model's training sets
    /// (largest: 947 in sim-s3, 54 in inj-train), so their networks and the model are unchanged; of the evaluation
    /// sets only sim-s12 has one crowd object (a repost by 1,619 in a window). It bites at scale.
    /// </summary>
    public int MaxWindowCrowd { get; init; } = DefaultMaxWindowCrowd;

    /// <summary>The crowd cap of models that do not store one.</summary>
    public const int DefaultMaxWindowCrowd = 1000;

    /// <summary>
    /// Scale mode: an account pair is an edge of a modality only when it co-shared at least this often there
    /// (<see cref="CoShareOptions.MinEdgePairs"/>). 1, every pair that met once, is the network the shipped model was
    /// trained on; 2 drops the single meetings, which are most of the edges of a large dataset (68–74% of 178.6M
    /// layer edges at 10M posts), so that it fits in memory. Not stored in models: detection chooses it.
    /// </summary>
    public int MinEdgePairs { get; init; } = 1;

    /// <summary>
    /// Drop the posts' text (<see cref="StringArena.Release"/>) once the layers that read it (text, similar text) are
    /// built, before the others: nothing after them reads it, and at 10M posts it is the dataset's largest column (1.2 GB),
    /// whose memory the big layers' columns then reuse instead of fresh pages: the peak is 0.6–0.7 GB lower at 10M posts
    /// (scale mode) and 0.15–0.36 GB at 2.07M than with the text dropped after all layers, in alternating runs whose
    /// times differ by less than this machine's noise. For callers that own the dataset and do not read its text
    /// afterwards (the CLI, the service). Not stored in models.
    /// </summary>
    public bool ReleasePostText { get; init; }

    /// <summary>
    /// Drop each co-share layer's share columns (<see cref="ShareTable.ReleaseColumns"/>) as soon as the layer is built and
    /// the caller's per-layer work has read them: 20 bytes a share, about 1.4 GB for the layers of 10M posts, otherwise
    /// held through fusion and communities, where the run peaks. Nothing after a layer's build reads them but the content
    /// features, which detection takes layer by layer (<see cref="AccountFeatures.Builder.MarkSharedPosts"/>). Not stored in models.
    /// </summary>
    public bool ReleaseShareColumns { get; init; }

    /// <summary>
    /// Drop each layer's account columns (<see cref="CoShareNetwork.AccountA"/>, <see cref="CoShareNetwork.AccountB"/>) once
    /// the layers are fused: the fused network holds the edges' accounts, and detection reads layer edges only through
    /// its entries. 8 bytes a layer edge (0.4 GB at 10M posts), freed before the community graph and Leiden, where the
    /// run peaks. For callers that read the layers only through <see cref="CoordinationNetwork.Network"/>. Not stored in models.
    /// </summary>
    public bool ReleaseLayerAccounts { get; init; }

    /// <summary>Seed of the Leiden community detection.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Worker threads of the network builders (results do not depend on it); 0 = all cores.</summary>
    public int Threads { get; init; }
}

/// <summary>
/// The co-activity network detection reads: the network engine's per-modality co-share layers fused into one graph,
/// its evidence-weighted CSR form, Leiden communities and k-core numbers.
/// </summary>
public sealed class CoordinationNetwork
{
    public required FusedNetwork Network { get; init; }
    /// <summary>Evidence (Σ idf over co-shared objects, all modalities) per fused edge.</summary>
    public required double[] EdgeEvidence { get; init; }
    public required WeightedGraph Graph
    {
        get => _graph ?? throw new InvalidOperationException("the community graph was released (ReleaseGraph) once communities, k-cores and seed expansion had read it");
        init => _graph = value;
    }
    private WeightedGraph? _graph;

    /// <summary>
    /// Drops <see cref="Graph"/>: after communities and k-cores only seed expansion reads it, and at 10M posts its two-way
    /// adjacency is about a gigabyte that features, scoring and reasons would otherwise hold on top of their own.
    /// </summary>
    public void ReleaseGraph() => _graph = null;
    /// <summary>Leiden community per account (singletons for accounts without edges).</summary>
    public required int[] Community { get; init; }
    public required int[] CommunitySizes { get; init; }
    public required int[] CoreNumber { get; init; }
    public required DetectionNetworkOptions Options { get; init; }
    /// <summary>Objects left out by the crowd cap, per modality name (modalities with none are absent).</summary>
    public required IReadOnlyDictionary<string, int> CrowdObjects { get; init; }

    /// <summary>Whether building the modality's layer reads the posts' text.</summary>
    private static bool ReadsPostText(Modality m) => m is Modality.Text or Modality.SimilarText;

    private static void ReleaseText(Dataset dataset)
    {
        dataset.Posts.Text.Release();
        LargeArrays.Reclaim();
    }

    /// <summary>Builds every layer, fuses them and finds communities. A window finer than the data's resolution is widened to it.</summary>
    public static CoordinationNetwork Build(Dataset dataset, DetectionNetworkOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Build(dataset, options, null, null, progress, cancellationToken);

    /// <summary>As <see cref="Build(Dataset, DetectionNetworkOptions, IProgress{StageProgress}?, CancellationToken)"/>, running
    /// <paramref name="besideCommunities"/> (given the fused network) beside the community search when there are two or more
    /// threads, after it otherwise.</summary>
    /// <remarks>Leiden runs on one thread, the longest single step after the layers (6 s at 10M posts): k-cores and the
    /// caller's work that needs the layers but not the communities (detection's temporal, content and profile features)
    /// use the other core meanwhile. Nothing they compute depends on the other side, so results do not change.</remarks>
    /// <param name="afterLayer">Called with each co-share layer once it is built (on a pool thread, beside the next layer's
    /// build; the calls one after another in build order), before <see cref="DetectionNetworkOptions.ReleaseShareColumns"/>
    /// drops its share columns.</param>
    public static CoordinationNetwork Build(Dataset dataset, DetectionNetworkOptions options, Action<FusedNetwork>? besideCommunities,
        Action<CoShareNetwork>? afterLayer = null, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var coshare = new CoShareOptions
        {
            WindowMicros = Math.Max(options.WindowMicros, dataset.TimeResolutionMicros),
            MinParticipation = options.MinParticipation,
            MinEdgePairs = options.MinEdgePairs,
            Threads = options.Threads,
            TopObjects = 3,
        };
        var crowds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        ShareTable Uncrowded(ShareTable shares)
        {
            var kept = CrowdFilter.Apply(shares, coshare.WindowMicros, options.MaxWindowCrowd, out int dropped);
            if (dropped > 0) crowds[shares.Modality.Name()] = dropped;
            return kept;
        }
        // The layers that read the posts' text are built first: with ReleasePostText the text, the dataset's largest
        // column (1.2 GB at 10M posts), is dropped before the big layers, whose columns then reuse its memory instead
        // of fresh pages. The layers keep their modality order; each layer is the same whatever is built before it.
        var built = new CoShareNetwork[options.Modalities.Count];
        Task? pending = null;
        static void WaitFor(Task? task)
        {
            try
            {
                task?.Wait();
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            }
        }
        ShareTable Extracted(Modality m)
        {
            // the texts only one post carries are on no pair: the text layer sorts and sweeps the shared ones alone
            var shares = Uncrowded(ShareExtractor.Extract(dataset, m, threads: options.Threads > 0 ? options.Threads : Environment.ProcessorCount, sharedTextsOnly: true));
            Diagnostics.Lap.Mark($"network: {m.Name()} shares, {shares.Count:N0}");
            return shares;
        }
        Diagnostics.Lap.Mark("network: start");
        var order = Enumerable.Range(0, built.Length).OrderBy(i => ReadsPostText(options.Modalities[i]) ? 0 : 1).ToArray();
        int lastTextReader = Array.FindLastIndex(order, i => ReadsPostText(options.Modalities[i]));
        for (int k = 0; k < order.Length; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int i = order[k];
            var m = options.Modalities[i];
            progress?.Report(new StageProgress($"network: {m.Name()}", k, options.Modalities.Count));
            built[i] = m switch
            {
                Modality.Sync => SyncBuilder.Build(dataset, new SyncOptions { Threads = options.Threads }, cancellationToken),
                Modality.SimilarText => CoShareBuilder.Build(Uncrowded(SimilarTextBuilder.Extract(dataset, cancellationToken: cancellationToken)), coshare, null, cancellationToken),
                _ => CoShareBuilder.Build(Extracted(m), coshare, null, cancellationToken),
            };
            Diagnostics.Lap.Mark($"network: {m.Name()} layer, {built[i].EdgeCount:N0} edges, {built[i].TopItems.Count:N0} evidence items");
            if (m != Modality.Sync && (afterLayer is not null || options.ReleaseShareColumns))
            {
                // the caller's per-layer work (one pass over the shares) runs beside the next layer's build; one at a
                // time, in build order, and the share columns go when it is done
                WaitFor(pending);
                var layer = built[i];
                pending = Task.Run(() =>
                {
                    afterLayer?.Invoke(layer);
                    if (options.ReleaseShareColumns) layer.Shares.ReleaseColumns();
                }, cancellationToken);
            }
            if (k == lastTextReader && options.ReleasePostText) ReleaseText(dataset);
        }
        WaitFor(pending);
        var layers = built.ToList();
        Diagnostics.Lap.Mark("network: layers");
        // the layers were the last to look post ids up by value (content ids): their tables go before fusion and
        // communities, where the run peaks (a later lookup rebuilds them)
        dataset.Posts.ReleaseLookupTables();
        if (options.ReleasePostText)
        {
            if (lastTextReader < 0) dataset.Posts.Text.Release();
            // the layers' garbage (share tables, sorted shares, sort buffers) goes before fusion allocates
            LargeArrays.Reclaim();
        }
        long layerEdges = 0;
        foreach (var layer in layers) layerEdges += layer.EdgeCount;
        // fused edges (A, B) and per layer edge its entry (start, layer, edge), merge scratch: about 24 bytes a layer edge
        Diagnostics.MemoryGuard.Reserve("fusing the layers", layerEdges * 24);
        var fused = FusedNetwork.Combine(layers, options.Threads);
        Diagnostics.Lap.Mark("network: fuse");
        if (options.ReleaseLayerAccounts)
        {
            long released = 0;
            foreach (var layer in layers)
            {
                // a single layer's accounts are the fused network's own
                if (ReferenceEquals(layer.AccountA, fused.AccountA)) continue;
                released += layer.EdgeCount;
                layer.ReleaseAccounts();
            }
            // the community graph and Leiden reuse that memory instead of fresh pages
            if (released * 2 * sizeof(int) >= LargeArrays.ReclaimThreshold) LargeArrays.Reclaim();
        }
        var evidence = fused.Weights(EdgeWeight.Evidence, options.Threads);
        Diagnostics.Lap.Mark("network: evidence");
        progress?.Report(new StageProgress("network: communities", options.Modalities.Count, options.Modalities.Count));
        // the graph's adjacency both ways (neighbour and weight) with its offsets
        Diagnostics.MemoryGuard.Reserve("the community graph", (long)evidence.Length * 2 * 12 + 8L * dataset.Accounts.Count);
        // an object everybody shared has idf 0; keep such edges in the graph with a small weight instead of none
        var graph = WeightedGraph.FromEdges(dataset.Accounts.Count, fused.AccountA, fused.AccountB, evidence, minWeight: 1e-3,
            threads: options.Threads > 0 ? options.Threads : Environment.ProcessorCount);
        Diagnostics.Lap.Mark("network: graph");
        // the graph build's buffers are large garbage now: free them for Leiden's arrays
        LargeArrays.Reclaim();
        int[] community = [];
        int[] sizes = [];
        int[] core = [];
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        // Leiden and the k-cores run on the accounts with edges only (189K of 2.5M at 10M posts), renumbered in the
        // graph's own adjacency: Leiden would otherwise make that compact copy itself (0.25 GB at 10M posts, beside the
        // graph, where the run peaks). The partition and core numbers are those of the whole graph; its numbering is
        // given back afterwards.
        var communityOptions = new CommunityOptions { Seed = options.Seed };
        var compacted = graph.EdgeCount > 0 ? graph.CompactInPlace(threads) : null;
        var searched = compacted?.Graph ?? graph;
        void Communities()
        {
            if (graph.EdgeCount > 0)
            {
                var leiden = compacted is { } c
                    ? new Leiden(c.Graph, communityOptions).ComputeCompacted(c.Layout)
                    : new Leiden(graph, communityOptions).Compute();
                community = leiden.Membership;
                sizes = leiden.Sizes;
                Diagnostics.Lap.Mark("network: leiden alone, done");
            }
            else
            {
                community = new int[dataset.Accounts.Count];
                for (int i = 0; i < community.Length; i++) community[i] = i;
                sizes = new int[community.Length];
                Array.Fill(sizes, 1);
            }
        }
        void Beside()
        {
            core = new KCoreDecomposition(searched).Compute().CoreNumbers;
            if (compacted is { Layout: var layout })
            {
                // an account without edges is in the 0-core
                var all = new int[layout.VirtualCount];
                for (int c = 0; c < core.Length; c++) all[layout.VirtualOf[c]] = core[c];
                core = all;
            }
            Diagnostics.Lap.Mark("network: k-core");
            cancellationToken.ThrowIfCancellationRequested();
            besideCommunities?.Invoke(fused);
            Diagnostics.Lap.Mark("network: beside leiden, done");
        }
        if (threads >= 2)
        {
            try
            {
                Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, Communities, Beside);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                // what one side threw (a cancellation, the memory guard's refusal), as itself, as the sequential path throws it
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            }
            Diagnostics.Lap.Mark("network: leiden, beside it k-core" + (besideCommunities is null ? "" : " and the caller's work"));
        }
        else
        {
            Communities();
            Diagnostics.Lap.Mark("network: leiden");
            Beside();
            Diagnostics.Lap.Mark("network: k-core" + (besideCommunities is null ? "" : " and the caller's work"));
        }
        if (compacted is { Layout: var searchedLayout }) graph.ExpandInPlace(searchedLayout, threads);
        return new CoordinationNetwork
        {
            Network = fused,
            EdgeEvidence = evidence,
            Graph = graph,
            Community = community,
            CommunitySizes = sizes,
            CoreNumber = core,
            Options = options,
            CrowdObjects = crowds,
        };
    }
}
