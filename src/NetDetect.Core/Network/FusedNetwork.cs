namespace NetDetect.Core.Network;

/// <summary>
/// Several modalities' networks as one graph: edge e joins <c>AccountA[e]</c> and <c>AccountB[e]</c> and keeps,
/// per modality, the index of that modality's edge (-1 when the pair did not co-act in it).
/// </summary>
public sealed class FusedNetwork
{
    public required IReadOnlyList<CoShareNetwork> Layers { get; init; }
    public required int AccountCount { get; init; }
    public required int[] AccountA { get; init; }
    public required int[] AccountB { get; init; }
    /// <summary>Row-major [edge, layer] → that layer's edge index or -1.</summary>
    public required int[] LayerEdges { get; init; }
    public required Func<int, string> AccountName { get; init; }

    public int EdgeCount => AccountA.Length;

    public int LayerEdge(int e, int layer) => LayerEdges[e * Layers.Count + layer];

    /// <summary>A spec weight summed over modalities (posts: the larger side per modality, summed).</summary>
    public double Weight(int e, EdgeWeight weight)
    {
        double s = 0;
        for (int l = 0; l < Layers.Count; l++)
        {
            int le = LayerEdge(e, l);
            if (le >= 0) s += Layers[l].Weight(le, weight);
        }
        return s;
    }

    public double[] Weights(EdgeWeight weight)
    {
        var w = new double[EdgeCount];
        // Weight(e, weight) for every edge, with the layer list and map read once instead of per edge and layer
        var layers = Layers.ToArray();
        int count = layers.Length;
        var map = LayerEdges;
        for (int e = 0; e < w.Length; e++)
        {
            double s = 0;
            int row = e * count;
            for (int l = 0; l < count; l++)
            {
                int le = map[row + l];
                if (le >= 0) s += layers[l].Weight(le, weight);
            }
            w[e] = s;
        }
        return w;
    }

    /// <summary>Unions the layers' edges (all built on the same dataset's account ids), sorted by (A, B).</summary>
    public static FusedNetwork Combine(IReadOnlyList<CoShareNetwork> layers)
    {
        if (layers.Count == 0) throw new ArgumentException("no layers to fuse", nameof(layers));
        int accounts = layers[0].Shares.AccountCount;
        if (layers.Count == 1 && SortedAndUnique(layers[0]))
        {
            // one layer whose edges are already in (A, B) order: the fused edge e is the layer's edge e
            var only = layers[0];
            var identity = new int[only.EdgeCount];
            for (int e = 0; e < identity.Length; e++) identity[e] = e;
            return Create(layers, accounts, only.AccountA, only.AccountB, identity);
        }
        foreach (var l in layers)
            if (l.Shares.AccountCount != accounts) throw new ArgumentException("layers come from different datasets", nameof(layers));
        // The builders emit their edges in (A, B) order: merging the sorted lists gives what sorting them all would.
        if (layers.All(SortedAndUnique)) return Merge(layers, accounts);
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
        var map = new int[edges * layers.Count];
        Array.Fill(map, -1);
        int k = -1;
        ulong low = (1UL << bits) - 1;
        for (int i = 0; i < total; i++)
        {
            if (i == 0 || keys[i] != keys[i - 1])
            {
                k++;
                a[k] = (int)(keys[i] >> bits);
                b[k] = (int)(keys[i] & low);
            }
            map[k * layers.Count + layerOf[refs[i]]] = edgeOf[refs[i]];
        }
        return Create(layers, accounts, a, b, map);
    }

    private static FusedNetwork Create(IReadOnlyList<CoShareNetwork> layers, int accounts, int[] a, int[] b, int[] layerEdges) => new()
    {
        Layers = layers,
        AccountCount = accounts,
        AccountA = a,
        AccountB = b,
        LayerEdges = layerEdges,
        AccountName = layers[0].Shares.AccountName,
    };

    // K-way merge of layers whose edges are sorted by (A, B) and unique: one pass counts the distinct pairs, one fills
    // the columns and the layer map. Same result as the radix path (which handles any order).
    private static FusedNetwork Merge(IReadOnlyList<CoShareNetwork> layers, int accounts)
    {
        int count = layers.Count;
        var head = new int[count];
        var current = new ulong[count];
        ulong Key(int l) => head[l] < layers[l].EdgeCount
            ? ((ulong)(uint)layers[l].AccountA[head[l]] << 32) | (uint)layers[l].AccountB[head[l]]
            : ulong.MaxValue;
        int Pass(int[]? a, int[]? b, int[]? map)
        {
            Array.Clear(head);
            for (int l = 0; l < count; l++) current[l] = Key(l);
            int k = 0;
            while (true)
            {
                ulong min = ulong.MaxValue;
                for (int l = 0; l < count; l++) if (current[l] < min) min = current[l];
                if (min == ulong.MaxValue) return k;
                if (a is not null)
                {
                    a[k] = (int)(min >> 32);
                    b![k] = (int)(uint)min;
                }
                for (int l = 0; l < count; l++)
                {
                    if (current[l] != min) continue;
                    if (map is not null) map[(long)k * count + l] = head[l];
                    head[l]++;
                    current[l] = Key(l);
                }
                k++;
            }
        }
        int edges = Pass(null, null, null);
        var accountA = new int[edges];
        var accountB = new int[edges];
        var layerEdges = GC.AllocateUninitializedArray<int>(checked(edges * count));
        Array.Fill(layerEdges, -1);
        Pass(accountA, accountB, layerEdges);
        return Create(layers, accounts, accountA, accountB, layerEdges);
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
