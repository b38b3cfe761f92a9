using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NetDetect.Core.Communities;

/// <summary>
/// Shared multilevel optimiser behind <see cref="Leiden"/> and <see cref="Louvain"/>: queue-based local moving,
/// optional Leiden refinement, aggregation. Sequential by design, so the result depends only on the seed.
/// </summary>
/// <remarks>
/// Quality differences use H = Σ_c [ w_in(c) − γ' K_c² / 2 ] with node weights K (strength for modularity,
/// node count for CPM) and γ' = γ/2m for modularity, γ for CPM. All scratch arrays, aggregate graphs included,
/// are sized once to the input and reused on every level and iteration; nothing is allocated per node.
/// Weights are non-negative, so a negative entry in the accumulator marks "not touched yet".
/// </remarks>
internal sealed class CommunityEngine
{
    private readonly bool _refine;
    private readonly double _gamma;
    private readonly double _theta;
    private readonly SeededRandom _rng;

    // Per-cluster scratch (cluster ids are < node count at every level).
    private readonly double[] _clusterWeight;
    private readonly int[] _clusterSize;
    private readonly int[] _empty;
    private readonly double[] _edgeTo;        // all negative between uses
    private readonly int[] _touched;
    private readonly double[] _external;
    private readonly double[] _refinedWeight;
    private readonly double[] _candidateCum;
    private readonly int[] _candidate;
    // Per-node scratch.
    private readonly int[] _queue;
    private readonly bool[] _inQueue;
    private readonly bool[] _nonSingleton;
    private readonly bool[] _idle;
    private readonly int[] _order;
    private readonly int[] _map;
    private readonly int[] _start;
    private readonly int[] _refined;
    private readonly int[] _nodeToAggregate;
    private readonly int[] _membA, _membB;
    private LevelGraph? _bufferA, _bufferB;
    // With a layout (idle nodes left out): the input's layout, the current level's, a random order over a level's
    // virtual nodes, and the virtual ids of the next level's nodes.
    private readonly IdleLayout? _inputLayout;
    private readonly IdleLayout? _layout;
    private readonly int[] _perm;
    private int[] _nextVirtualOf;

    /// <summary>See <see cref="CommunityOptions.VisitIdleNodes"/>: no node is marked idle.</summary>
    public bool VisitIdleNodes { get; init; }

    public CommunityEngine(int nodeCount, bool refine, double gamma, double theta, long seed, IdleLayout? layout = null)
    {
        _inputLayout = layout;
        if (layout is not null)
        {
            _layout = layout.Copy();
            _perm = new int[layout.VirtualCount];
            _nextVirtualOf = new int[Math.Max(nodeCount, 1)];
        }
        else
        {
            _perm = [];
            _nextVirtualOf = [];
        }
        _refine = refine; _gamma = gamma; _theta = theta;
        _rng = new SeededRandom(seed);
        int n = Math.Max(nodeCount, 1);
        _clusterWeight = new double[n]; _clusterSize = new int[n]; _empty = new int[n];
        _edgeTo = new double[n]; _touched = new int[n]; _external = new double[n]; _refinedWeight = new double[n];
        _candidateCum = new double[n]; _candidate = new int[n];
        _queue = new int[n]; _inQueue = new bool[n]; _nonSingleton = new bool[n]; _idle = new bool[n];
        _order = new int[n]; _map = new int[Math.Max(n, layout?.VirtualCount ?? 0)]; _start = new int[n + 1];
        _refined = new int[n]; _nodeToAggregate = new int[n]; _membA = new int[n]; _membB = new int[n];
        Array.Fill(_edgeTo, -1.0);
    }

    /// <summary>One full multilevel pass from <paramref name="membership"/> (updated in place, renumbered 0..k-1); returns k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int RunIteration(LevelGraph graph, int[] membership)
    {
        int n0 = graph.NodeCount;
        var nodeToAggregate = _nodeToAggregate;
        for (int i = 0; i < n0; i++) nodeToAggregate[i] = i;
        var g = graph;
        var memb = _membA;
        var nextMemb = _membB;
        Array.Copy(membership, memb, n0);
        var refined = _refined;
        if (_inputLayout is { } input)
        {
            // the input's communities, numbered afresh over the nodes kept: labels only name communities, and a
            // partition moves the same whatever its labels
            _layout!.Reset(input);
            var ids = _map;
            Array.Fill(ids, -1, 0, input.VirtualCount);
            int next = 0;
            for (int i = 0; i < n0; i++)
            {
                int c = membership[input.VirtualOf[i]];
                if (ids[c] < 0) ids[c] = next++;
                memb[i] = ids[c];
            }
        }
        while (true)
        {
            MarkIdle(g);
            FastMoveNodes(g, memb);
            int clusters = Renumber(memb, g.NodeCount);
            // Every community a single aggregate node: nothing left to merge.
            if (clusters >= g.NodeCount) break;

            int refinedCount;
            if (_refine)
            {
                refinedCount = RefinePartition(g, memb, clusters, refined);
                // Refinement merged nothing: aggregate on the unrefined partition instead, as igraph does.
                if (refinedCount >= g.NodeCount) { Array.Copy(memb, refined, g.NodeCount); refinedCount = clusters; }
            }
            else
            {
                Array.Copy(memb, refined, g.NodeCount);
                refinedCount = clusters;
            }

            // Two buffers ping-pong between levels. A holds any aggregate of the input; every later aggregate is no
            // larger than the first one, so B is sized to that once the first exists.
            _bufferA ??= LevelGraph.Buffer(graph.NodeCount, graph.Offsets[graph.NodeCount]);
            var target = ReferenceEquals(g, _bufferA)
                ? _bufferB ??= LevelGraph.Buffer(_bufferA.NodeCount, _bufferA.Offsets[_bufferA.NodeCount])
                : _bufferA;
            g.AggregateInto(target, refined, refinedCount, _edgeTo, _touched, _start, _order);
            if (_layout is not null) NextLayout(refined, g.NodeCount, refinedCount);
            // Initial partition of the aggregate comes from the non-refined partition.
            for (int v = 0; v < g.NodeCount; v++) nextMemb[refined[v]] = memb[v];
            for (int i = 0; i < n0; i++) nodeToAggregate[i] = refined[nodeToAggregate[i]];
            g = target;
            (memb, nextMemb) = (nextMemb, memb);
        }
        if (_inputLayout is null)
        {
            for (int i = 0; i < n0; i++) membership[i] = memb[nodeToAggregate[i]];
            return Renumber(membership, n0);
        }
        // back to every node: an idle node is a community of its own; numbered in order of first appearance over all
        // nodes, as the run over all nodes numbers them
        var map = _map;
        Array.Fill(map, -1, 0, g.NodeCount);
        var compactOf = _inputLayout.CompactOf;
        int k = 0;
        for (int v = 0; v < _inputLayout.VirtualCount; v++)
        {
            int i = compactOf[v];
            if (i < 0) { membership[v] = k++; continue; }
            int c = memb[nodeToAggregate[i]];
            if (map[c] < 0) map[c] = k++;
            membership[v] = map[c];
        }
        return k;
    }

    /// <summary>
    /// The layout of the aggregate of the current level: over all nodes, the aggregate's nodes are the refined
    /// communities numbered in order of first appearance, each idle node one of them. The kept nodes come in virtual
    /// order and refined ids in order of first appearance among them, so each new id's virtual id is the count of
    /// ids (idle nodes included) before it.
    /// </summary>
    private void NextLayout(int[] refined, int n, int refinedCount)
    {
        var layout = _layout!;
        var virtualOf = layout.VirtualOf;
        var next = _nextVirtualOf;
        int k = 0, prev = -1, fresh = 0;
        for (int i = 0; i < n; i++)
        {
            int vi = virtualOf[i];
            k += vi - prev - 1;
            prev = vi;
            if (refined[i] == fresh) next[fresh++] = k++;
        }
        if (fresh != refinedCount) throw new InvalidOperationException($"refined ids are not in order of first appearance ({fresh} of {refinedCount})");
        int virtualCount = k + (layout.VirtualCount - 1 - prev);
        (layout.VirtualOf, _nextVirtualOf) = (next, virtualOf);
        layout.VirtualCount = virtualCount;
        var compactOf = layout.CompactOf;
        Array.Fill(compactOf, -1, 0, virtualCount);
        for (int c = 0; c < refinedCount; c++) compactOf[next[c]] = c;
    }

    /// <summary>
    /// The random order of one pass: a shuffle of the level's nodes, idle ones left out. With a layout the shuffle
    /// is drawn over the virtual nodes (idle ones included), so the random sequence and the order of the kept nodes
    /// are those of the run over all nodes. Writes the order to <paramref name="order"/> and returns its length.
    /// </summary>
    private int RandomOrder(int n, int[] order)
    {
        var idle = _idle;
        int count = 0;
        if (_layout is null)
        {
            for (int v = 0; v < n; v++) order[v] = v;
            _rng.Shuffle(order.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                int v = order[i];
                if (!idle[v]) order[count++] = v;
            }
            return count;
        }
        int nv = _layout.VirtualCount;
        var perm = _perm;
        for (int v = 0; v < nv; v++) perm[v] = v;
        _rng.Shuffle(perm.AsSpan(0, nv));
        var compactOf = _layout.CompactOf;
        for (int i = 0; i < nv; i++)
        {
            int c = compactOf[perm[i]];
            if (c >= 0 && !idle[c]) order[count++] = c;
        }
        return count;
    }

    internal const int NearAhead = 4, FarAhead = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Prefetch(void* address)
    {
        if (Sse.IsSupported) Sse.Prefetch0(address);
    }

    /// <summary>
    /// Marks the nodes of <paramref name="g"/> without neighbours and without weight: moving one changes no quality
    /// (its gain is 0 wherever it goes, so it stays), and refining one leaves it a singleton. Both passes skip them
    /// after drawing their random orders over all nodes, so the partition is exactly the one that visiting them gives.
    /// An account without edges is such a node, and so is every aggregate of them: in a detection run they are most
    /// nodes (2.31M of 2.5M at 10M posts), at every level of every iteration.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkIdle(LevelGraph g)
    {
        if (VisitIdleNodes) return;
        var off = g.Offsets;
        var nw = g.NodeWeights;
        var idle = _idle;
        for (int v = 0; v < g.NodeCount; v++) idle[v] = off[v + 1] == off[v] && nw[v] == 0;
    }

    /// <summary>Renumbers community ids to 0..k-1 in order of first appearance; returns k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Renumber(int[] memb, int n)
    {
        var map = _map;
        Array.Fill(map, -1, 0, n);
        int k = 0;
        for (int v = 0; v < n; v++)
        {
            int c = memb[v];
            if (map[c] < 0) map[c] = k++;
            memb[v] = map[c];
        }
        return k;
    }

    /// <summary>Leiden's fast local moving: visit queued nodes, move each to its best community, requeue neighbours.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void FastMoveNodes(LevelGraph g, int[] membArray)
    {
        int n = g.NodeCount;
        double gamma = _gamma;
        var queue = _queue;
        // Raw pointers: the inner loops index by ids read from the graph, which the JIT cannot prove in range.
        fixed (int* off = g.Offsets, nbr = g.Neighbors, memb = membArray, cs = _clusterSize, empty = _empty, touched = _touched)
        fixed (double* w = g.Weights, nw = g.NodeWeights, cw = _clusterWeight, edgeTo = _edgeTo)
        fixed (bool* inQueue = _inQueue)
        {
            Array.Clear(_clusterWeight, 0, n);
            Array.Clear(_clusterSize, 0, n);
            for (int v = 0; v < n; v++) { cw[memb[v]] += nw[v]; cs[memb[v]]++; }
            int emptyCount = 0;
            for (int c = n - 1; c >= 0; c--) if (cs[c] == 0) empty[emptyCount++] = c;

            // idle nodes (see MarkIdle) leave the queue, the others keep their shuffled order; no idle node is ever
            // requeued, having no neighbours
            int count = RandomOrder(n, queue);
            Array.Fill(_inQueue, true, 0, n);
            int head = 0;

            while (count > 0)
            {
                // The queue is visited in random order, so each node's adjacency is a cache miss: fetch the offsets of
                // the node FarAhead places on, and the adjacency of the node NearAhead places on, while this one runs.
                if (count > FarAhead)
                {
                    int far = head + FarAhead; if (far >= n) far -= n;
                    Prefetch(off + queue[far]);
                    int near = head + NearAhead; if (near >= n) near -= n;
                    int start = off[queue[near]];
                    Prefetch(nbr + start);
                    Prefetch(w + start);
                    Prefetch(w + start + 8);
                }
                int v = queue[head];
                if (++head == n) head = 0;
                count--;
                inQueue[v] = false;

                int cv = memb[v];
                double kv = nw[v];
                cw[cv] -= kv;
                if (--cs[cv] == 0) empty[emptyCount++] = cv;

                int nt = 0;
                edgeTo[cv] = 0; touched[nt++] = cv;
                int end = off[v + 1];
                for (int i = off[v]; i < end; i++)
                {
                    int c = memb[nbr[i]];
                    double e = edgeTo[c];
                    if (e < 0) { edgeTo[c] = w[i]; touched[nt++] = c; }
                    else edgeTo[c] = e + w[i];
                }

                int best = cv;
                double gk = gamma * kv;
                double bestGain = edgeTo[cv] - gk * cw[cv];
                edgeTo[cv] = -1;
                for (int t = 1; t < nt; t++)
                {
                    int c = touched[t];
                    double gain = edgeTo[c] - gk * cw[c];
                    edgeTo[c] = -1;
                    if (gain > bestGain) { bestGain = gain; best = c; }
                }
                // An empty community has gain 0; one always exists when cv still holds other nodes.
                if (bestGain < 0) best = empty[emptyCount - 1];
                if (cs[best] == 0) emptyCount--;   // best is then the top of the empty stack

                cw[best] += kv;
                cs[best]++;
                memb[v] = best;

                if (best != cv)
                {
                    for (int i = off[v]; i < end; i++)
                    {
                        int u = nbr[i];
                        if (!inQueue[u] && memb[u] != best)
                        {
                            inQueue[u] = true;
                            int tail = head + count;
                            if (tail >= n) tail -= n;
                            queue[tail] = u;
                            count++;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Leiden refinement: within each community S, start from singletons and merge well-connected singletons into
    /// well-connected sub-communities of S, chosen at random ∝ exp(ΔH/θ) among non-negative ΔH. Returns the count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe int RefinePartition(LevelGraph g, int[] membArray, int clusters, int[] refinedArray)
    {
        int n = g.NodeCount;
        double gamma = _gamma, theta = _theta;
        // Raw pointers, as in FastMoveNodes: every index below is a node or cluster id read from the graph.
        fixed (int* off = g.Offsets, nbr = g.Neighbors, memb = membArray, refined = refinedArray, touched = _touched, cand = _candidate)
        fixed (double* w = g.Weights, nw = g.NodeWeights, total = _clusterWeight, refinedWeight = _refinedWeight, ext = _external,
               edgeTo = _edgeTo, cum = _candidateCum)
        fixed (bool* nonSingleton = _nonSingleton)
        {
            // total: weight of each community S; ext: weight from each refined cluster to the rest of its S
            new Span<double>(total, clusters).Clear();
            for (int v = 0; v < n; v++)
            {
                int cv = memb[v];
                total[cv] += nw[v];
                refined[v] = v;
                refinedWeight[v] = nw[v];
                nonSingleton[v] = false;
                double e = 0;
                int stop = off[v + 1];
                for (int i = off[v]; i < stop; i++) if (memb[nbr[i]] == cv) e += w[i];
                ext[v] = e;
            }

            // Random order within each community: shuffle all nodes, then stable counting sort by community of the
            // nodes that are not idle (see MarkIdle: an idle node's turn changes nothing).
            var perm = _queue;
            int visits = RandomOrder(n, perm);
            var order = _order;
            var fill = _clusterSize;
            Array.Clear(fill, 0, clusters);
            for (int j = 0; j < visits; j++) fill[memb[perm[j]]]++;
            int acc = 0;
            for (int c = 0; c < clusters; c++) { int x = fill[c]; fill[c] = acc; acc += x; }
            for (int j = 0; j < visits; j++)
            {
                int v = perm[j];
                order[fill[memb[v]]++] = v;
            }

            for (int j = 0; j < visits; j++)
            {
                // Random order again: prefetch as in FastMoveNodes.
                if (j + FarAhead < visits)
                {
                    Prefetch(off + order[j + FarAhead]);
                    int start = off[order[j + NearAhead]];
                    Prefetch(nbr + start);
                    Prefetch(w + start);
                    Prefetch(w + start + 8);
                }
                int v = order[j];
                if (nonSingleton[v] || refined[v] != v) continue;
                int S = memb[v];
                double totalS = total[S];
                double kv = nw[v];
                if (ext[v] < kv * (totalS - kv) * gamma) continue;

                // Take v out of its singleton; its own (now empty) cluster stays a candidate with ΔH = 0.
                // While v is a singleton, ext[v] is v's total weight to the rest of S.
                double toRestOfS = ext[v];
                refinedWeight[v] = 0;
                ext[v] = 0;
                int nt = 0;
                edgeTo[v] = 0; touched[nt++] = v;
                int end = off[v + 1];
                for (int i = off[v]; i < end; i++)
                {
                    int u = nbr[i];
                    if (memb[u] != S) continue;
                    int rc = refined[u];
                    double e = edgeTo[rc];
                    if (e < 0) { edgeTo[rc] = w[i]; touched[nt++] = rc; }
                    else edgeTo[rc] = e + w[i];
                }

                int nc = 0;
                double maxDiff = 0;
                int chosen = v;
                for (int t = 0; t < nt; t++)
                {
                    int rc = touched[t];
                    double toRc = edgeTo[rc];
                    double rwc = refinedWeight[rc];
                    if (ext[rc] < rwc * (totalS - rwc) * gamma) continue;
                    double diff = toRc - kv * rwc * gamma;
                    if (diff < 0) continue;
                    cand[nc] = rc; cum[nc] = diff; nc++;
                    if (diff > maxDiff) { maxDiff = diff; chosen = rc; }
                }
                if (theta > 0 && nc > 1)
                {
                    double sum = 0;
                    for (int t = 0; t < nc; t++)
                    {
                        double x = (cum[t] - maxDiff) / theta;
                        // Below e^-40 a term cannot change the sum (whose largest term is 1) in double precision.
                        sum += x < -40 ? 0 : Math.Exp(x);
                        cum[t] = sum;
                    }
                    double r = _rng.NextDouble() * sum;
                    int pick = 0;
                    while (pick < nc - 1 && cum[pick] <= r) pick++;
                    chosen = cand[pick];
                }

                refined[v] = chosen;
                refinedWeight[chosen] += kv;
                // v's edges into chosen become internal, its other edges within S become external to chosen.
                ext[chosen] += toRestOfS - 2 * edgeTo[chosen];
                for (int t = 0; t < nt; t++) edgeTo[touched[t]] = -1;
                if (chosen != v) nonSingleton[chosen] = true;
            }
        }
        return Renumber(refinedArray, n);
    }
}

/// <summary>
/// Where the nodes a community search runs on sit among all nodes of a level (the virtual nodes), when the nodes
/// without neighbours and weight are left out: they never move, so a run on the others, drawing its random orders
/// over all nodes, finds the partition that the run over all nodes finds. Every idle node stays a community of its
/// own, at every level.
/// </summary>
internal sealed class IdleLayout
{
    /// <summary>Nodes of the level, idle ones included.</summary>
    public int VirtualCount;
    /// <summary>Per virtual node (first <see cref="VirtualCount"/>): its node in the compact graph, or −1 when idle.</summary>
    public int[] CompactOf = [];
    /// <summary>Per compact node: its virtual node (ascending).</summary>
    public int[] VirtualOf = [];

    public IdleLayout Copy() => new() { VirtualCount = VirtualCount, CompactOf = (int[])CompactOf.Clone(), VirtualOf = (int[])VirtualOf.Clone() };

    /// <summary>Makes this the copy of <paramref name="input"/> again (each iteration starts at the input level).</summary>
    public void Reset(IdleLayout input)
    {
        VirtualCount = input.VirtualCount;
        Array.Copy(input.CompactOf, CompactOf, input.VirtualCount);
        if (VirtualOf.Length < input.VirtualOf.Length) VirtualOf = new int[input.VirtualOf.Length];
        Array.Copy(input.VirtualOf, VirtualOf, input.VirtualOf.Length);
    }

    /// <summary>
    /// Replaces <paramref name="level"/> by its nodes that have neighbours or weight, renumbered in order, and returns
    /// their layout; null (the level unchanged) when every node has one. The adjacency keeps its order and positions:
    /// the weights are shared and the neighbours renumbered.
    /// </summary>
    public static IdleLayout? Compact(ref LevelGraph level)
    {
        int n = level.NodeCount;
        var off = level.Offsets;
        var nw = level.NodeWeights;
        int kept = 0;
        for (int v = 0; v < n; v++) if (off[v + 1] > off[v] || nw[v] != 0) kept++;
        if (kept == n) return null;
        var compactOf = new int[n];
        var virtualOf = new int[kept];
        var offsets = new int[kept + 1];
        var weights = new double[kept];
        int m = 0;
        for (int v = 0; v < n; v++)
        {
            if (off[v + 1] == off[v] && nw[v] == 0) { compactOf[v] = -1; continue; }
            compactOf[v] = m;
            virtualOf[m] = v;
            offsets[m] = off[v];
            weights[m] = nw[v];
            m++;
        }
        int entries = off[n];
        offsets[kept] = entries;
        // an idle node has no adjacency, so the kept nodes' lists are the whole adjacency, in the same places
        var nbr = level.Neighbors;
        var neighbors = GC.AllocateUninitializedArray<int>(entries);
        for (int i = 0; i < entries; i++) neighbors[i] = compactOf[nbr[i]];
        level = new LevelGraph(kept, offsets, neighbors, level.Weights, weights);
        return new IdleLayout { VirtualCount = n, CompactOf = compactOf, VirtualOf = virtualOf };
    }
}
