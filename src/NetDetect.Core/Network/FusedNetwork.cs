namespace NetDetect.Core.Network;

/// <summary>
/// Several modalities' networks as one graph: edge e joins <c>AccountA[e]</c> and <c>AccountB[e]</c> and keeps the
/// index of its edge in each layer where the pair co-acted (<see cref="LayerEdge"/> is -1 in the others).
/// </summary>
/// <remarks>
/// The layer edges are kept as a list per fused edge (<see cref="EntryStart"/>, <see cref="EntryLayer"/>,
/// <see cref="EntryEdge"/>), in layer order, instead of an [edge, layer] matrix: most pairs co-act in one or two
/// modalities, so this takes about 12 bytes an edge where the matrix took 4 per layer (28 for detection's seven),
/// and walks over an edge's layers skip the absent ones.
/// </remarks>
public sealed class FusedNetwork
{
    public required IReadOnlyList<CoShareNetwork> Layers { get; init; }
    public required int AccountCount { get; init; }
    public required int[] AccountA { get; init; }
    public required int[] AccountB { get; init; }
    /// <summary>Fused edge e's layer entries are <c>[EntryStart[e], EntryStart[e + 1])</c>, in increasing layer order.</summary>
    public required int[] EntryStart { get; init; }
    /// <summary>Layer of each entry.</summary>
    public required byte[] EntryLayer { get; init; }
    /// <summary>That layer's edge index of each entry.</summary>
    public required int[] EntryEdge { get; init; }
    public required Func<int, string> AccountName { get; init; }

    public int EdgeCount => AccountA.Length;

    /// <summary>Layer <paramref name="layer"/>'s edge of fused edge e, or -1 when the pair did not co-act in it.</summary>
    public int LayerEdge(int e, int layer)
    {
        for (int k = EntryStart[e], end = EntryStart[e + 1]; k < end; k++)
            if (EntryLayer[k] == layer) return EntryEdge[k];
        return -1;
    }

    /// <summary>A spec weight summed over modalities (posts: the larger side per modality, summed).</summary>
    public double Weight(int e, EdgeWeight weight)
    {
        double s = 0;
        for (int k = EntryStart[e], end = EntryStart[e + 1]; k < end; k++) s += Layers[EntryLayer[k]].Weight(EntryEdge[k], weight);
        return s;
    }

    public double[] Weights(EdgeWeight weight) => Weights(weight, 0);

    /// <summary>As <see cref="Weights(EdgeWeight)"/>, the evidence sums on up to <paramref name="threads"/> threads (0 = all
    /// cores); each edge's sum is its own, so the result does not depend on it.</summary>
    public double[] Weights(EdgeWeight weight, int threads)
    {
        var w = new double[EdgeCount];
        // Weight(e, weight) for every edge, with the layer list and entry columns read once instead of per edge
        var layers = Layers.ToArray();
        var start = EntryStart;
        var layerOf = EntryLayer;
        var edgeOf = EntryEdge;
        if (weight == EdgeWeight.Evidence)
        {
            // detection's weight, read for every fused edge: the layers' evidence columns directly (same sums, same order)
            // each edge's sum is its own, so the edges are split over two threads (the new array's first touch, a
            // page fault per 4 KiB, is much of the cost)
            var evidence = Array.ConvertAll(layers, l => l.Evidence);
            void Range(int lo, int hi)
            {
                for (int e = lo; e < hi; e++)
                {
                    double s = 0;
                    for (int k = start[e], end = start[e + 1]; k < end; k++) s += evidence[layerOf[k]][edgeOf[k]];
                    w[e] = s;
                }
            }
            if (w.Length >= 1 << 20 && (threads > 0 ? threads : Environment.ProcessorCount) >= 2)
                Parallel.Invoke(() => Range(0, w.Length / 2), () => Range(w.Length / 2, w.Length));
            else Range(0, w.Length);
            return w;
        }
        for (int e = 0; e < w.Length; e++)
        {
            double s = 0;
            for (int k = start[e], end = start[e + 1]; k < end; k++) s += layers[layerOf[k]].Weight(edgeOf[k], weight);
            w[e] = s;
        }
        return w;
    }

    /// <summary>Unions the layers' edges (all built on the same dataset's account ids), sorted by (A, B).</summary>
    public static FusedNetwork Combine(IReadOnlyList<CoShareNetwork> layers) => Combine(layers, 0);

    /// <summary>As <see cref="Combine(IReadOnlyList{CoShareNetwork})"/>, merging on up to <paramref name="threads"/> threads
    /// (0 = all cores); the result does not depend on it.</summary>
    public static FusedNetwork Combine(IReadOnlyList<CoShareNetwork> layers, int threads)
    {
        if (layers.Count == 0) throw new ArgumentException("no layers to fuse", nameof(layers));
        if (layers.Count > byte.MaxValue) throw new ArgumentException($"at most {byte.MaxValue} layers can be fused", nameof(layers));
        int accounts = layers[0].Shares.AccountCount;
        if (layers.Count == 1 && SortedAndUnique(layers[0]))
        {
            // one layer whose edges are already in (A, B) order: the fused edge e is the layer's edge e
            var only = layers[0];
            var identity = new int[only.EdgeCount];
            var entryStart = new int[only.EdgeCount + 1];
            for (int e = 0; e < identity.Length; e++)
            {
                identity[e] = e;
                entryStart[e + 1] = e + 1;
            }
            return Create(layers, accounts, only.AccountA, only.AccountB, entryStart, new byte[only.EdgeCount], identity);
        }
        foreach (var l in layers)
            if (l.Shares.AccountCount != accounts) throw new ArgumentException("layers come from different datasets", nameof(layers));
        // The builders emit their edges in (A, B) order: merging the sorted lists gives what sorting them all would.
        if (layers.All(SortedAndUnique)) return Merge(layers, accounts, threads > 0 ? threads : Environment.ProcessorCount);
        int bits = RadixSort.BitsFor((ulong)Math.Max(1, accounts - 1));
        int total = 0;
        foreach (var l in layers) total += l.EdgeCount;
        var keys = new ulong[total];
        var refs = new int[total];
        var layerOf = new int[total];
        var edgeOf = new int[total];
        int g = 0;
        for (int l = 0; l < layers.Count; l++)
        {
            if (layers[l].Shares.AccountCount != accounts) throw new ArgumentException("layers come from different datasets", nameof(layers));
            for (int e = 0; e < layers[l].EdgeCount; e++)
            {
                keys[g] = ((ulong)layers[l].AccountA[e] << bits) | (uint)layers[l].AccountB[e];
                refs[g] = g;
                layerOf[g] = l;
                edgeOf[g] = e;
                g++;
            }
        }
        RadixSort.Sort(keys, refs, 2 * bits);
        int edges = 0;
        for (int i = 0; i < total; i++) if (i == 0 || keys[i] != keys[i - 1]) edges++;
        var a = new int[edges];
        var b = new int[edges];
        var start = new int[edges + 1];
        var entryLayer = new byte[total];
        var entryEdge = new int[total];
        int k = -1, entries = 0;
        ulong low = (1UL << bits) - 1;
        for (int i = 0; i < total; i++)
        {
            if (i == 0 || keys[i] != keys[i - 1])
            {
                k++;
                a[k] = (int)(keys[i] >> bits);
                b[k] = (int)(keys[i] & low);
                start[k] = entries;
            }
            // the sort is stable, so an edge's entries come in layer order; a pair listed twice in one layer keeps its last edge
            int layer = layerOf[refs[i]];
            if (entries > start[k] && entryLayer[entries - 1] == layer) entries--;
            entryLayer[entries] = (byte)layer;
            entryEdge[entries] = edgeOf[refs[i]];
            entries++;
        }
        start[edges] = entries;
        return entries == total
            ? Create(layers, accounts, a, b, start, entryLayer, entryEdge)
            : Create(layers, accounts, a, b, start, entryLayer[..entries], entryEdge[..entries]);
    }

    private static FusedNetwork Create(IReadOnlyList<CoShareNetwork> layers, int accounts, int[] a, int[] b, int[] start, byte[] entryLayer, int[] entryEdge) => new()
    {
        Layers = layers,
        AccountCount = accounts,
        AccountA = a,
        AccountB = b,
        EntryStart = start,
        EntryLayer = entryLayer,
        EntryEdge = entryEdge,
        AccountName = layers[0].Shares.AccountName,
    };

    // K-way merge of layers whose edges are sorted by (A, B) and unique: one pass counts the distinct pairs, one fills
    // the columns and the layer entries. Same result as the radix path (which handles any order).
    private static FusedNetwork Merge(IReadOnlyList<CoShareNetwork> layers, int accounts, int threads)
    {
        int count = layers.Count;
        // Ranges of the lower account A, each merged on its own: every layer is sorted by (A, B), so a range's edges are
        // one run of each layer, and the ranges' merges one after another are the whole merge. Split at the median A
        // of the largest layer, so both halves carry about as many edges.
        int parts = threads >= 2 ? 2 : 1;
        var bounds = new int[parts + 1][];
        for (int r = 0; r <= parts; r++) bounds[r] = new int[count];
        for (int l = 0; l < count; l++) bounds[parts][l] = layers[l].EdgeCount;
        if (parts == 2)
        {
            var largest = layers.MaxBy(x => x.EdgeCount)!;
            int mid = largest.EdgeCount == 0 ? 0 : largest.AccountA[largest.EdgeCount / 2];
            for (int l = 0; l < count; l++) bounds[1][l] = FirstWithA(layers[l].AccountA, mid);
        }
        int Pass(int[] lo, int[] hi, int k, int entries, int[]? a, int[]? b, int[]? start, byte[]? entryLayer, int[]? entryEdge)
        {
            var head = (int[])lo.Clone();
            var current = new ulong[count];
            ulong Key(int l) => head[l] < hi[l]
                ? ((ulong)(uint)layers[l].AccountA[head[l]] << 32) | (uint)layers[l].AccountB[head[l]]
                : ulong.MaxValue;
            for (int l = 0; l < count; l++) current[l] = Key(l);
            while (true)
            {
                ulong min = ulong.MaxValue;
                for (int l = 0; l < count; l++) if (current[l] < min) min = current[l];
                if (min == ulong.MaxValue) break;
                if (a is not null)
                {
                    a[k] = (int)(min >> 32);
                    b![k] = (int)(uint)min;
                    start![k] = entries;
                }
                for (int l = 0; l < count; l++)
                {
                    if (current[l] != min) continue;
                    if (entryLayer is not null)
                    {
                        entryLayer[entries] = (byte)l;
                        entryEdge![entries] = head[l];
                    }
                    entries++;
                    head[l]++;
                    current[l] = Key(l);
                }
                k++;
            }
            return k;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = parts };
        // first the distinct pairs of each range, which places each range's edges and entries
        var edgesIn = new int[parts];
        Parallel.For(0, parts, options, r => edgesIn[r] = Pass(bounds[r], bounds[r + 1], 0, 0, null, null, null, null, null));
        var edgeAt = new int[parts + 1];
        var entryAt = new int[parts + 1];
        for (int r = 0; r < parts; r++)
        {
            edgeAt[r + 1] = edgeAt[r] + edgesIn[r];
            int entries = 0;
            for (int l = 0; l < count; l++) entries += bounds[r + 1][l] - bounds[r][l];
            entryAt[r + 1] = entryAt[r] + entries;
        }
        int edges = edgeAt[parts];
        var accountA = new int[edges];
        var accountB = new int[edges];
        var start = new int[edges + 1];
        var entryLayer = new byte[entryAt[parts]];
        var entryEdge = new int[entryAt[parts]];
        Parallel.For(0, parts, options, r => Pass(bounds[r], bounds[r + 1], edgeAt[r], entryAt[r], accountA, accountB, start, entryLayer, entryEdge));
        start[edges] = entryAt[parts];
        return Create(layers, accounts, accountA, accountB, start, entryLayer, entryEdge);
    }

    // The first edge of a layer sorted by (A, B) whose A is at least a.
    private static int FirstWithA(int[] accountA, int a)
    {
        int lo = 0, hi = accountA.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (accountA[mid] < a) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static bool SortedAndUnique(CoShareNetwork layer)
    {
        var a = layer.AccountA;
        var b = layer.AccountB;
        for (int e = 1; e < a.Length; e++)
            if (a[e] < a[e - 1] || (a[e] == a[e - 1] && b[e] <= b[e - 1])) return false;
        return true;
    }

    /// <summary>Number of distinct accounts on at least one edge.</summary>
    public int AccountsInNetwork(bool[]? keep = null)
    {
        var seen = new bool[AccountCount];
        int n = 0;
        for (int e = 0; e < EdgeCount; e++)
        {
            if (keep is not null && !keep[e]) continue;
            if (!seen[AccountA[e]]) { seen[AccountA[e]] = true; n++; }
            if (!seen[AccountB[e]]) { seen[AccountB[e]] = true; n++; }
        }
        return n;
    }
}
