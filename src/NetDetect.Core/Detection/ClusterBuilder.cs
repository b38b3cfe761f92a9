using NetDetect.Core.Data;
using NetDetect.Core.Features;
using NetDetect.Core.Network;
using QuikGraph;

namespace NetDetect.Core.Detection;

/// <summary>
/// Detection's clusters straight from the fused network's columns: flagged accounts joined by an edge inside one Leiden
/// community, summarised (size, density, per-modality weights, span, top objects) without materialising every edge
/// as an object. Only the picture graph (GEXF, report) is materialised, and it is bounded.
/// </summary>
public static class ClusterBuilder
{
    /// <summary>Up to this many flagged edges the picture graph holds them all; above, each account's strongest <see cref="EdgesPerAccount"/>.</summary>
    public const int MaxGraphEdges = 100_000;
    public const int EdgesPerAccount = 10;

    public sealed record Result(IReadOnlyList<ClusterSummary> Summaries, UndirectedGraph<int, NetworkEdge> Graph, int FlaggedEdges);

    /// <remarks><paramref name="threads"/> share the picture graph's choice of edges (by accounts); the result does not depend on it.</remarks>
    public static Result Build(CoordinationNetwork network, bool[] isFlagged, int topObjects, int maxGraphEdges = MaxGraphEdges, int threads = 1)
    {
        var net = network.Network;
        var community = network.Community;
        // the flagged edges, in edge order
        var kept = new List<int>();
        for (int e = 0; e < net.EdgeCount; e++)
        {
            int a = net.AccountA[e], b = net.AccountB[e];
            if (isFlagged[a] && isFlagged[b] && community[a] == community[b]) kept.Add(e);
        }
        Diagnostics.Lap.Mark("clusters: flagged edges");
        // clusters: communities of accounts with a flagged edge
        var clusterOf = new int[net.AccountCount];
        Array.Fill(clusterOf, -1);
        foreach (int e in kept)
        {
            clusterOf[net.AccountA[e]] = community[net.AccountA[e]];
            clusterOf[net.AccountB[e]] = community[net.AccountB[e]];
        }
        var summaries = ClusterSummarizer.Summarize(net, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(kept), clusterOf, topObjects);
        Diagnostics.Lap.Mark("clusters: summaries");
        var graph = PictureGraph(net, network.EdgeEvidence, kept, maxGraphEdges, threads);
        Diagnostics.Lap.Mark("clusters: picture graph");
        return new Result(summaries, graph, kept.Count);
    }

    // All flagged edges when few; otherwise the union of every account's strongest edges (evidence, then edge order),
    // so each member keeps its main ties while the file stays readable. Each account keeps its top edges in one pass
    // over the flagged edges (in edge order, so a tie keeps the earlier edge), with no per-account list to sort.
    private static UndirectedGraph<int, NetworkEdge> PictureGraph(FusedNetwork net, double[] evidence, List<int> kept, int maxGraphEdges, int threads)
    {
        var mask = new bool[net.EdgeCount];
        if (kept.Count <= maxGraphEdges)
        {
            foreach (int e in kept) mask[e] = true;
        }
        else
        {
            const int K = EdgesPerAccount;
            var slotOf = new int[net.AccountCount];
            Array.Fill(slotOf, -1);
            int slots = 0;
            foreach (int e in kept)
            {
                if (slotOf[net.AccountA[e]] < 0) slotOf[net.AccountA[e]] = slots++;
                if (slotOf[net.AccountB[e]] < 0) slotOf[net.AccountB[e]] = slots++;
            }
            var top = new int[slots * K];
            Array.Fill(top, -1);
            void Offer(int slot, int e)
            {
                int at = slot * K, pos = K;
                while (pos > 0 && (top[at + pos - 1] < 0 || evidence[e] > evidence[top[at + pos - 1]])) pos--;
                if (pos >= K) return;
                for (int r = K - 1; r > pos; r--) top[at + r] = top[at + r - 1];
                top[at + pos] = e;
            }
            // each thread keeps the top edges of its own range of accounts' slots, offered in edge order as by one thread
            int parts = Math.Clamp(threads, 1, Math.Max(1, slots));
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, r =>
            {
                int lo = (int)((long)slots * r / parts), hi = (int)((long)slots * (r + 1) / parts);
                foreach (int e in kept)
                {
                    int sa = slotOf[net.AccountA[e]], sb = slotOf[net.AccountB[e]];
                    if (sa >= lo && sa < hi) Offer(sa, e);
                    if (sb >= lo && sb < hi) Offer(sb, e);
                }
            });
            foreach (int e in top) if (e >= 0) mask[e] = true;
        }
        return NetworkProjection.Project(net, mask, EdgeWeight.Evidence);
    }
}
