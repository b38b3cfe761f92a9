using System.Globalization;
using System.Text.Json;
using NetDetect.Core.Communities;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Communities;

public class LeidenTests
{
    // Reads our edge list and our membership, runs igraph's Leiden on the same graph and scores both partitions
    // with igraph's own modularity, so the comparison does not depend on our modularity code.
    private const string IgraphScript = """
        import json, random, sys
        import igraph as ig
        edges_path, membership_path, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
        with open(edges_path) as f:
            n = int(f.readline())
            edges, weights = [], []
            for line in f:
                u, v, w = line.split()
                edges.append((int(u), int(v))); weights.append(float(w))
        g = ig.Graph(n=n, edges=edges)
        g.es["weight"] = weights
        ours = [int(x) for x in open(membership_path).read().split()]
        runs = []
        for s in range(seed, seed + 5):
            random.seed(s)
            part = g.community_leiden(objective_function="modularity", weights="weight", resolution_parameter=1.0, n_iterations=2)
            runs.append(g.modularity(part.membership, weights="weight"))
        print(json.dumps({"igraph_mean_q": sum(runs) / len(runs), "ours_q_by_igraph": g.modularity(ours, weights="weight")}))
        """;

    public static TheoryData<int, int, double, double, bool> PlantedCases => new()
    {
        { 600, 6, 12, 0.2, false },
        { 2000, 20, 10, 0.35, false },
        { 3000, 40, 16, 0.5, true },
        { 1500, 10, 8, 0.6, false },
    };

    [Theory]
    [MemberData(nameof(PlantedCases))]
    public void Modularity_IsWithinOnePercentOfIgraphLeiden_OnPlantedPartitions(int n, int groups, double degree, double mixing, bool weighted)
    {
        var planted = TestGraphs.PlantedPartition(n, groups, degree, mixing, seed: n + groups, weighted);
        // Both sides are randomised: compare the mean over five seeds each, with igraph's defaults (two iterations).
        var results = new CommunityResult[5];
        for (int s = 0; s < results.Length; s++) results[s] = new Leiden(planted.Graph, new CommunityOptions { Seed = s }).Compute();
        var result = results[0];
        double oursMean = results.Average(r => r.Modularity);

        using var dir = new TempDir();
        TestGraphs.WriteEdgeList(planted.Graph, dir.Sub("edges.txt"));
        File.WriteAllText(dir.Sub("membership.txt"), string.Join(' ', result.Membership));
        var json = ReferencePython.RunScript("igraph", IgraphScript, dir.Sub("edges.txt"), dir.Sub("membership.txt"), "11");
        using var doc = JsonDocument.Parse(json);
        double igraphQ = doc.RootElement.GetProperty("igraph_mean_q").GetDouble();
        double oursByIgraph = doc.RootElement.GetProperty("ours_q_by_igraph").GetDouble();

        Assert.Equal(oursByIgraph, result.Modularity, 9);
        Assert.True(oursMean >= 0.99 * igraphQ,
            string.Create(CultureInfo.InvariantCulture, $"our mean modularity {oursMean:F5} is more than 1% below igraph's {igraphQ:F5}"));
    }

    [Theory]
    [InlineData(1000, 8, 12, 0.15)]
    [InlineData(3000, 30, 14, 0.3)]
    public void RecoversPlantedCommunities_WhenStructureIsClear(int n, int groups, double degree, double mixing)
    {
        var planted = TestGraphs.PlantedPartition(n, groups, degree, mixing, seed: 5);
        var result = new Leiden(planted.Graph, new CommunityOptions { Seed = 3 }).Compute();

        double nmi = TestGraphs.Nmi(result.Membership, planted.Truth);
        Assert.True(nmi >= 0.97, $"NMI with the planted partition is {nmi:F4}");
        Assert.Equal(groups, result.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Skipping_nodes_without_edges_gives_the_partition_that_visiting_them_gives(bool refine)
    {
        // a planted graph spread over many more nodes without edges, as accounts without coordination are in a
        // detection run: their turns are skipped, and the partition must be the one that taking them gives
        var planted = TestGraphs.PlantedPartition(2_000, 12, 8, 0.3, seed: 7, weighted: true);
        var rng = new Random(7);
        int n = 20_000;
        var place = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(2_000).ToArray();
        var g = WeightedGraph.FromEdges(n, planted.A.Select(v => place[v]).ToArray(), planted.B.Select(v => place[v]).ToArray(), planted.W);
        foreach (int seed in new[] { 1, 2, 3 })
            foreach (int iterations in new[] { 2, -1 })
            {
                var options = new CommunityOptions { Seed = seed, Iterations = iterations };
                var skipped = refine ? new Leiden(g, options).Compute() : new Louvain(g, options).Compute();
                var visited = refine ? new Leiden(g, options with { VisitIdleNodes = true }).Compute() : new Louvain(g, options with { VisitIdleNodes = true }).Compute();
                // skipped in place, on the graph of all nodes, instead of run on a copy without them
                var inPlace = refine ? new Leiden(g, options with { CompactIdleNodes = false }).Compute() : new Louvain(g, options with { CompactIdleNodes = false }).Compute();
                Assert.Equal(visited.Membership, skipped.Membership);
                Assert.Equal(visited.Quality, skipped.Quality);
                Assert.Equal(visited.IterationsRun, skipped.IterationsRun);
                Assert.Equal(visited.Membership, inPlace.Membership);
                Assert.True(skipped.Count > n - 2_000, $"{skipped.Count} communities");
            }
    }

    [Fact]
    public void A_graph_compacted_in_place_gives_the_partition_and_core_numbers_of_the_whole_graph_and_its_numbering_back()
    {
        // detection's search: the nodes with edges renumbered in the graph's own adjacency, no compact copy
        var planted = TestGraphs.PlantedPartition(2_000, 12, 8, 0.3, seed: 11, weighted: true);
        var rng = new Random(11);
        int n = 20_000;
        var place = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(2_000).ToArray();
        var g = WeightedGraph.FromEdges(n, planted.A.Select(v => place[v]).ToArray(), planted.B.Select(v => place[v]).ToArray(), planted.W);
        var neighbors = (int[])g.Neighbors.Clone();
        var core = new KCoreDecomposition(g).Compute().CoreNumbers;
        foreach (int seed in new[] { 1, 2 })
            foreach (int iterations in new[] { 2, -1 })
            {
                var options = new CommunityOptions { Seed = seed, Iterations = iterations };
                var whole = new Leiden(g, options).Compute();
                var (compact, layout) = g.CompactInPlace(threads: 2)!.Value;
                Assert.Equal(2_000, compact.NodeCount);
                Assert.Equal(g.EdgeCount, compact.EdgeCount);
                Assert.All(compact.Neighbors, v => Assert.InRange(v, 0, 1_999));
                var found = new Leiden(compact, options).ComputeCompacted(layout);
                var compactCore = new KCoreDecomposition(compact).Compute().CoreNumbers;
                g.ExpandInPlace(layout, threads: 2);
                Assert.Equal(neighbors, g.Neighbors);
                Assert.Equal(whole.Membership, found.Membership);
                Assert.Equal(whole.Sizes, found.Sizes);
                Assert.Equal(whole.Count, found.Count);
                Assert.Equal(whole.Quality, found.Quality);
                Assert.Equal(whole.Modularity, found.Modularity);
                Assert.Equal(whole.IterationsRun, found.IterationsRun);
                for (int c = 0; c < compactCore.Length; c++) Assert.Equal(core[layout.VirtualOf[c]], compactCore[c]);
            }
        // only for what the compaction is the same as: modularity from singletons, idle nodes left out
        var (cg, cl) = g.CompactInPlace()!.Value;
        Assert.Throws<ArgumentException>(() => new Leiden(cg, new CommunityOptions { Quality = QualityFunction.Cpm, Resolution = 0.1 }).ComputeCompacted(cl));
        g.ExpandInPlace(cl);
        // a graph whose every node has an edge is left as it is
        Assert.Null(WeightedGraph.FromEdges(3, [0, 1], [1, 2], [1.0, 1.0]).CompactInPlace());
    }

    [Fact]
    public void Invariants_HoldOverManyGeneratedGraphs()
    {
        for (int trial = 0; trial < 120; trial++)
        {
            var rng = new Random(trial);
            int n = rng.Next(1, 90);
            var g = trial % 2 == 0
                ? TestGraphs.Random(n, rng.Next(0, 3 * n), seed: trial, selfLoops: trial % 3 == 0)
                : TestGraphs.PlantedPartition(Math.Max(n, 4), rng.Next(1, 5), 2 + rng.Next(6), rng.NextDouble(), trial).Graph;
            double resolution = trial % 4 == 0 ? 0.5 + rng.NextDouble() * 1.5 : 1.0;
            var result = new Leiden(g, new CommunityOptions { Seed = trial, Resolution = resolution }).Compute();
            AssertValidPartition(g, result, $"trial {trial}");

            Assert.True(TestGraphs.CommunitiesConnected(g, result.Membership, result.Count, out int bad),
                $"trial {trial}: community {bad} is not connected");
            if (g.TotalWeight > 0)
            {
                Assert.Equal(TestGraphs.BruteForceModularity(g, result.Membership, resolution), result.Quality, 9);
                Assert.Equal(TestGraphs.BruteForceModularity(g, result.Membership), result.Modularity, 9);
                // Never worse than leaving every node alone.
                var singletons = new int[g.NodeCount];
                for (int v = 0; v < singletons.Length; v++) singletons[v] = v;
                Assert.True(result.Quality >= Modularity.Compute(g, singletons, resolution) - 1e-12, $"trial {trial}");
            }
        }
    }

    [Fact]
    public void UntilStable_LeavesEveryNodeLocallyOptimal()
    {
        for (int trial = 0; trial < 30; trial++)
        {
            var g = TestGraphs.PlantedPartition(200, 5, 6, 0.4, seed: 100 + trial, weighted: trial % 2 == 0).Graph;
            var result = new Leiden(g, new CommunityOptions { Seed = trial, Iterations = -1 }).Compute();
            var k = g.NodeStrengths();
            double twoM = 2 * g.TotalWeight;
            var total = new double[result.Count];
            for (int v = 0; v < g.NodeCount; v++) total[result.Membership[v]] += k[v];
            for (int v = 0; v < g.NodeCount; v++)
            {
                int cv = result.Membership[v];
                var toCommunity = new Dictionary<int, double>();
                for (int i = g.Offsets[v]; i < g.Offsets[v + 1]; i++)
                    if (g.Neighbors[i] != v)
                        toCommunity[result.Membership[g.Neighbors[i]]] = toCommunity.GetValueOrDefault(result.Membership[g.Neighbors[i]]) + g.Weights[i];
                double Gain(int c, double kc) => toCommunity.GetValueOrDefault(c) - k[v] * kc / twoM;
                double stay = Gain(cv, total[cv] - k[v]);
                Assert.True(stay >= -1e-9, $"trial {trial}: node {v} would gain by becoming a singleton");
                foreach (var (c, _) in toCommunity)
                    if (c != cv)
                        Assert.True(Gain(c, total[c]) <= stay + 1e-9, $"trial {trial}: node {v} would gain by moving to {c}");
            }
        }
    }

    [Fact]
    public async Task SameSeed_GivesIdenticalPartition_AndSeedsAreHonoured()
    {
        var g = TestGraphs.PlantedPartition(3000, 30, 8, 0.55, seed: 9).Graph;
        var first = new Leiden(g, new CommunityOptions { Seed = 42 }).Compute();
        // Run the second copy on another thread while the pool is busy: nothing may depend on scheduling.
        var second = await Task.Run(() => new Leiden(g, new CommunityOptions { Seed = 42 }).Compute());
        Assert.Equal(first.Membership, second.Membership);
        Assert.Equal(first.Modularity, second.Modularity);

        var other = new Leiden(g, new CommunityOptions { Seed = 43 }).Compute();
        Assert.NotEqual(first.Membership, other.Membership);
    }

    [Fact]
    public void Cpm_SplitsDisjointCliquesJoinedByBridges()
    {
        // Five 8-cliques in a ring, joined by single edges; CPM with γ = 0.5 keeps each clique on its own.
        var a = new List<int>(); var b = new List<int>();
        for (int c = 0; c < 5; c++)
        {
            for (int i = 0; i < 8; i++)
                for (int j = i + 1; j < 8; j++) { a.Add(c * 8 + i); b.Add(c * 8 + j); }
            a.Add(c * 8); b.Add(((c + 1) % 5) * 8 + 1);
        }
        var w = Enumerable.Repeat(1.0, a.Count).ToArray();
        var g = WeightedGraph.FromEdges(40, a.ToArray(), b.ToArray(), w);
        var result = new Leiden(g, new CommunityOptions { Quality = QualityFunction.Cpm, Resolution = 0.5, Seed = 2 }).Compute();

        Assert.Equal(5, result.Count);
        for (int v = 0; v < 40; v++) Assert.Equal(result.Membership[v / 8 * 8], result.Membership[v]);
        Assert.Equal(5 * 28 - 0.5 * 5 * 28, result.Quality, 9);
    }

    [Fact]
    public void StartsFromInitialMembership_AndRejectsBadOptions()
    {
        var planted = TestGraphs.PlantedPartition(500, 5, 10, 0.1, seed: 4);
        var result = new Leiden(planted.Graph, new CommunityOptions { Iterations = 1 }).Compute(planted.Truth);
        Assert.Equal(1.0, TestGraphs.Nmi(result.Membership, planted.Truth), 9);

        Assert.Throws<ArgumentOutOfRangeException>(() => new Leiden(planted.Graph, new CommunityOptions { Resolution = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Leiden(planted.Graph, new CommunityOptions { Iterations = 0 }));
        Assert.Throws<ArgumentException>(() => new Leiden(planted.Graph, new CommunityOptions()).Compute(new int[3]));
    }

    [Fact]
    public void EmptyAndEdgelessGraphs_GiveSingletons()
    {
        var empty = new Leiden(WeightedGraph.FromEdges(0, [], [], []), new CommunityOptions()).Compute();
        Assert.Equal(0, empty.Count);
        var edgeless = new Leiden(WeightedGraph.FromEdges(4, [], [], []), new CommunityOptions()).Compute();
        Assert.Equal(4, edgeless.Count);
        Assert.Equal([0, 1, 2, 3], edgeless.Membership);
        Assert.True(double.IsNaN(edgeless.Modularity));
    }

    internal static void AssertValidPartition(WeightedGraph g, CommunityResult result, string context)
    {
        Assert.Equal(g.NodeCount, result.Membership.Length);
        var sizes = new int[result.Count];
        foreach (int c in result.Membership)
        {
            Assert.InRange(c, 0, result.Count - 1);
            sizes[c]++;
        }
        Assert.Equal(sizes, result.Sizes);
        for (int c = 0; c < result.Count; c++) Assert.True(sizes[c] > 0, $"{context}: community {c} is empty");
        for (int c = 1; c < result.Count; c++) Assert.True(sizes[c - 1] >= sizes[c], $"{context}: communities not ordered by size");
        // equal sizes: ordered by smallest member
        var first = new int[result.Count];
        Array.Fill(first, int.MaxValue);
        for (int v = 0; v < result.Membership.Length; v++) first[result.Membership[v]] = Math.Min(first[result.Membership[v]], v);
        for (int c = 1; c < result.Count; c++)
            if (sizes[c - 1] == sizes[c]) Assert.True(first[c - 1] < first[c], $"{context}: communities {c - 1} and {c} of equal size not ordered by smallest member");
    }
}
