using System.Globalization;
using NetDetect.Core.Data;

namespace NetDetect.Core.Simulation;

/// <summary>
/// Writes a labelled synthetic dataset (canonical <c>accounts.parquet</c>, <c>posts.parquet</c>) and its <c>truth.json</c>:
/// an organic background, hard negatives and state-backed operations, calibrated on public takedown data.
/// </summary>
public static class CampaignSimulator
{
    /// <summary>Generates the dataset into <paramref name="directory"/>; same options and seed give byte-identical files.</summary>
    public static async Task<SimulationTruth> RunAsync(SimulationOptions options, string directory, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        progress?.Report(new StageProgress("simulate: world", 0, 1));
        var world = new SimulationWorld(options);
        progress?.Report(new StageProgress("simulate: world", 1, 1));
        var plan = PartitionGenerator.Plan(world);
        var groupPosts = new Dictionary<string, long>(StringComparer.Ordinal);
        long posts = 0;

        await using (var target = DatasetOutput.Begin(directory))
        {
            await WriteAccountsAsync(world, target.AccountsPath, progress, cancellationToken);
            posts = await WritePostsAsync(world, plan, target.PostsPath, groupPosts, progress, cancellationToken);
            target.Commit();
        }
        var truth = Truth(world, posts, groupPosts);
        string tmp = Path.Combine(directory, "." + SimulationTruth.FileName + ".tmp");
        await File.WriteAllTextAsync(tmp, truth.ToJson(), cancellationToken);
        File.Move(tmp, Path.Combine(directory, SimulationTruth.FileName), overwrite: true);
        return truth;
    }

    private static async Task WriteAccountsAsync(SimulationWorld w, string path, IProgress<StageProgress>? progress, CancellationToken ct)
    {
        await using var writer = await AccountsParquetWriter.CreateAsync(path, ct);
        int size = Math.Min(w.N, w.Options.RowGroupSize);
        var batch = new AccountColumns(size);
        for (int start = 0; start < w.N; start += size)
        {
            ct.ThrowIfCancellationRequested();
            batch.Clear();
            int end = Math.Min(w.N, start + size);
            for (int i = start; i < end; i++)
            {
                int r = batch.Add();
                batch.AccountId[r] = w.AccountId[i];
                batch.ScreenName[r] = w.ScreenName[i];
                batch.DisplayName[r] = w.ScreenName[i];
                batch.CreatedAt[r] = w.CreatedAt[i];
                batch.FollowerCount[r] = w.Followers[i];
                batch.FollowingCount[r] = w.Following[i];
                batch.Language[r] = w.Language[i];
                batch.Label[r] = w.Label[i];
            }
            await writer.WriteRowGroupAsync(batch, ct);
            progress?.Report(new StageProgress("simulate: accounts", end, w.N));
        }
    }

    private static async Task<long> WritePostsAsync(SimulationWorld w, List<SimulationPartition> plan, string path, Dictionary<string, long> groupPosts, IProgress<StageProgress>? progress, CancellationToken ct)
    {
        int threads = w.Options.Threads;
        var slots = new TaskCompletionSource<(PostColumns Posts, CharArena Arena)>[plan.Count];
        for (int i = 0; i < slots.Length; i++) slots[i] = new TaskCompletionSource<(PostColumns Posts, CharArena Arena)>(TaskCreationOptions.RunContinuationsAsynchronously);
        // window bounds memory (finished partitions waiting to be written); running bounds the CPU threads used
        using var window = new SemaphoreSlim(threads * 4);
        using var running = new SemaphoreSlim(threads);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var chunks = new System.Collections.Concurrent.ConcurrentBag<PostColumns>();
        var launcher = Task.Run(async () =>
        {
            for (int i = 0; i < plan.Count; i++)
            {
                await window.WaitAsync(stop.Token);
                await running.WaitAsync(stop.Token);
                var p = plan[i];
                _ = Task.Run(() =>
                {
                    try
                    {
                        // chunks are reused once appended: fresh large arrays per partition cost page faults and GC work
                        var chunk = chunks.TryTake(out var reused) ? reused : new PostColumns(4096);
                        var generator = new PartitionGenerator(w);
                        generator.Generate(p, chunk);
                        slots[p.Index].SetResult((chunk, generator.Arena));
                    }
                    catch (Exception e)
                    {
                        slots[p.Index].SetException(e);
                    }
                    finally
                    {
                        running.Release();
                    }
                });
            }
        }, stop.Token);

        long total = 0;
        try
        {
            await using var writer = await PostsParquetWriter.CreateAsync(path, ct);
            var batch = new PostColumns(w.Options.RowGroupSize + PartitionGenerator.OrganicBlock * 64);
            var arenas = new List<CharArena>();
            for (int i = 0; i < plan.Count; i++)
            {
                var (chunk, arena) = await slots[i].Task.WaitAsync(ct);
                slots[i] = null!;
                batch.Append(chunk);
                arenas.Add(arena);
                int rows = chunk.Count;
                chunk.Clear();
                chunks.Add(chunk);
                groupPosts[plan[i].Group] = groupPosts.GetValueOrDefault(plan[i].Group) + rows;
                total += rows;
                window.Release();
                if (batch.Count >= w.Options.RowGroupSize || (i == plan.Count - 1 && (batch.Count > 0 || total == 0)))
                {
                    await writer.WriteRowGroupAsync(batch, ct);
                    batch.Clear();
                    // the texts of written rows are no longer referenced: their buffers go back to the pool
                    foreach (var a in arenas) a.Release();
                    arenas.Clear();
                }
                progress?.Report(new StageProgress("simulate: posts", i + 1, plan.Count));
            }
            await launcher;
        }
        finally
        {
            stop.Cancel();
            try
            {
                await launcher;
            }
            catch (OperationCanceledException)
            {
                // the launcher stops here when generation ended early
            }
        }
        return total;
    }

    private static SimulationTruth Truth(SimulationWorld w, long posts, Dictionary<string, long> groupPosts)
    {
        var care = w.Options.CareLevels();
        var ops = new List<OperationTruth>();
        foreach (var op in w.Operations)
        {
            var origins = new Dictionary<string, int> { ["burst_created"] = 0, ["scattered"] = 0, ["repurposed"] = 0 };
            var roles = new Dictionary<string, int> { ["amplifier"] = 0, ["hashtag"] = 0, ["feed"] = 0 };
            for (int m = 0; m < op.Members.Length; m++)
            {
                origins[op.Origins[m] switch { MemberOrigin.Burst => "burst_created", MemberOrigin.Repurposed => "repurposed", _ => "scattered" }]++;
                roles[op.Roles[m] switch { MemberRole.Feed => "feed", MemberRole.Hashtag => "hashtag", _ => "amplifier" }]++;
            }
            ops.Add(new OperationTruth
            {
                Name = op.Name, Label = op.Name, Care = Math.Round(op.Care, 3), Difficulty = DifficultyName(op.Care),
                Members = op.Members.Length, Posts = groupPosts.GetValueOrDefault(op.Name), Origins = origins, Roles = roles,
                OfficeUtcOffsetHours = 8, CoordinatedActions = op.Actions, RepostSubsetMean = Math.Round(op.SubsetMean, 2),
                RepostDelayMedianSeconds = Math.Round(op.DelayMedianSeconds, 1), FillerShare = Math.Round(op.FillerShare, 3),
                Clients = op.Clients, Hashtags = op.Hashtags, Domains = op.Domains,
                StateMediaAmplified = [.. op.StateMedia.Select(s => w.ScreenName[w.StateMediaAccounts[s]])],
                CreationBurstDays = [.. op.BurstDaysBefore.Select(d => w.Options.Start.AddDays(-d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))],
                MemberIds = Ids(w, op.Members),
            });
        }
        var negatives = w.HardNegatives.Select(g => new GroupTruth
        {
            Name = g.Name, Kind = g.Kind, Description = g.Description, FocusId = g.Focus >= 0 ? w.AccountId[g.Focus] : null,
            Posts = groupPosts.GetValueOrDefault(g.Name), MemberIds = Ids(w, g.Members),
        }).ToList();
        var communities = w.Communities.Select(c => new CommunityTruth(c.Name, c.Archetype.Language, c.Archetype.UtcOffsetMinutes, c.Members.Length)).ToList();
        return new SimulationTruth
        {
            Settings = new SimulationSettings(w.Options.Accounts, w.Options.Posts, w.Options.Days, w.Options.Operations, w.Options.Seed, w.Options.Difficulty, w.Options.OperationShare, w.Options.HardNegatives),
            Start = Time.ToDateTime(w.StartMicros), End = Time.ToDateTime(w.EndMicros), Accounts = w.N, Posts = posts,
            Operations = ops, HardNegatives = negatives,
            StateMedia = new GroupTruth { Name = "state-media", Kind = "state_media", Posts = groupPosts.GetValueOrDefault("state_media"), MemberIds = Ids(w, w.StateMediaAccounts) },
            Communities = communities,
        };
    }

    private static string[] Ids(SimulationWorld w, int[] accounts)
    {
        var ids = new string[accounts.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = w.AccountId[accounts[i]];
        Array.Sort(ids, StringComparer.Ordinal);
        return ids;
    }

    private static string DifficultyName(double care) => care < 0.34 ? "easy" : care < 0.67 ? "medium" : "hard";
}
