using NetDetect.Api.Storage;

namespace NetDetect.Api.Tests.Storage;

/// <summary>The behaviour every <see cref="IVerdictStore"/> must have; run against SQLite and PostgreSQL.</summary>
public abstract class VerdictStoreContract
{
    protected abstract Task<IVerdictStore> CreateStoreAsync();

    private static BatchRecord Batch(string id, string? key = null, long created = 1) => new()
    {
        Id = id, IdempotencyKey = key, SubmittedBy = "alice", Status = BatchStatus.Queued, Accounts = 3, Posts = 9, CreatedAt = created,
    };

    private static BatchOutcome Outcome(string batch, string model, params (string Account, double Score, string Verdict)[] rows) => new(
        model,
        rows.Select(r => new VerdictRecord(batch, r.Account, r.Score, r.Verdict, r.Verdict == "coordinated" ? $"{batch}.0" : null, "why", model, 0)).ToList(),
        [new ClusterRecord($"{batch}.0", batch, 0.9, rows.Where(r => r.Verdict == "coordinated").Select(r => r.Account).ToList(), "{\"k\":1}", "<gexf/>", model, 0,
            Modalities: ["hashtag", "repost"], FirstShare: 1_000_000, LastShare: 9_000_000)]);

    [Fact]
    public async Task Batches_are_created_once_per_idempotency_key()
    {
        var store = await CreateStoreAsync();
        var (first, created) = await store.CreateBatchAsync(Batch("b1", "alice\nk"));
        Assert.True(created);
        var (again, createdAgain) = await store.CreateBatchAsync(Batch("b2", "alice\nk"));
        Assert.False(createdAgain);
        Assert.Equal("b1", again.Id);
        Assert.Null(await store.GetBatchAsync("b2"));
        Assert.Equal("b1", (await store.FindBatchByIdempotencyKeyAsync("alice\nk"))!.Id);
        Assert.Equal(first with { }, await store.GetBatchAsync("b1"));
    }

    [Fact]
    public async Task Interrupted_batches_are_listed_for_resume_and_completion_is_written_once()
    {
        var store = await CreateStoreAsync();
        await store.CreateBatchAsync(Batch("b1", created: 2));
        await store.CreateBatchAsync(Batch("b2", created: 1));
        await store.MarkRunningAsync("b1", 10);
        await store.UpdateProgressAsync("b1", "network", 0.5);
        var pending = await store.ListBatchesAsync([BatchStatus.Running, BatchStatus.Queued]);
        Assert.Equal(["b2", "b1"], pending.Select(b => b.Id));
        Assert.Equal("network", pending[1].Stage);
        Assert.Equal(1, pending[1].Attempts);

        var outcome = Outcome("b1", "m1", ("a", 0.95, "coordinated"), ("b", 0.9, "coordinated"), ("c", 0.1, "clear"));
        await store.CompleteBatchAsync("b1", outcome, 20);
        await store.CompleteBatchAsync("b1", outcome, 30); // a repeat after a crash writes nothing twice
        var done = (await store.GetBatchAsync("b1"))!;
        Assert.Equal(BatchStatus.Succeeded, done.Status);
        Assert.Equal((2, 0, 1, 1), (done.Coordinated!.Value, done.Suspicious!.Value, done.Clear!.Value, done.Clusters!.Value));
        Assert.Equal(20, done.FinishedAt);
        Assert.Equal(3, (await store.GetVerdictsAsync(new VerdictQuery("b1", null, null, null, 100))).Count);
        Assert.Single(await store.ListClustersAsync(null, 0, 100));

        await store.FailBatchAsync("b2", "bad", 40);
        Assert.Equal("bad", (await store.GetBatchAsync("b2"))!.Error);
        await store.FailBatchAsync("b1", "late", 50); // a succeeded batch stays succeeded
        Assert.Equal(BatchStatus.Succeeded, (await store.GetBatchAsync("b1"))!.Status);
    }

    [Fact]
    public async Task Verdict_pages_filter_and_follow_the_cursor_in_ordinal_order()
    {
        var store = await CreateStoreAsync();
        await store.CreateBatchAsync(Batch("b1"));
        await store.MarkRunningAsync("b1", 1);
        await store.CompleteBatchAsync("b1", Outcome("b1", "m1", ("b", 0.7, "suspicious"), ("B", 0.2, "clear"), ("a", 0.9, "coordinated"), ("é", 0.85, "coordinated")), 5);
        var page1 = await store.GetVerdictsAsync(new VerdictQuery("b1", null, null, null, 2));
        Assert.Equal(["B", "a"], page1.Select(v => v.AccountId));
        var page2 = await store.GetVerdictsAsync(new VerdictQuery("b1", null, null, "a", 2));
        Assert.Equal(["b", "é"], page2.Select(v => v.AccountId));
        Assert.Equal(["a", "é"], (await store.GetVerdictsAsync(new VerdictQuery("b1", "coordinated", null, null, 10))).Select(v => v.AccountId));
        Assert.Equal(["a", "b", "é"], (await store.GetVerdictsAsync(new VerdictQuery("b1", null, 0.5, null, 10))).Select(v => v.AccountId));
        Assert.Equal("m1", page1[0].ModelId);
        Assert.Equal(5, page1[0].ScoredAt);
    }

    [Fact]
    public async Task Latest_verdict_comes_from_the_most_recently_finished_batch()
    {
        var store = await CreateStoreAsync();
        foreach (var (id, finished, score) in new[] { ("b1", 100L, 0.9), ("b2", 300L, 0.2), ("b3", 200L, 0.5) })
        {
            await store.CreateBatchAsync(Batch(id));
            await store.MarkRunningAsync(id, 1);
            await store.CompleteBatchAsync(id, Outcome(id, "m-" + id, ("acct", score, score > 0.8 ? "coordinated" : "clear")), finished);
        }
        var latest = (await store.GetLatestVerdictAsync("acct"))!;
        Assert.Equal(("b2", "m-b2", 0.2), (latest.BatchId, latest.ModelId, latest.Score));
        Assert.Null(await store.GetLatestVerdictAsync("other"));
    }

    [Fact]
    public async Task Reviews_are_appended_once_per_key_and_split_clusters_into_open_and_reviewed()
    {
        var store = await CreateStoreAsync();
        foreach (var id in new[] { "b1", "b2" })
        {
            await store.CreateBatchAsync(Batch(id));
            await store.MarkRunningAsync(id, 1);
            await store.CompleteBatchAsync(id, Outcome(id, "m", ("x" + id, 0.9, "coordinated"), ("y" + id, 0.9, "coordinated")), 2);
        }
        var review = new ReviewRecord("r1", "b1.0", "confirmed", "note", null, "ann", 10, "key-1");
        var (stored, created) = await store.AddReviewAsync(review);
        Assert.True(created);
        var (again, createdAgain) = await store.AddReviewAsync(review with { Id = "r2" });
        Assert.False(createdAgain);
        Assert.Equal("r1", again.Id);
        await store.AddReviewAsync(new ReviewRecord("r3", "b1.0", "dismissed", null, ["xb1"], "bob", 11));
        var reviews = await store.ListReviewsAsync("b1.0");
        Assert.Equal(["r1", "r3"], reviews.Select(r => r.Id));
        Assert.Equal(["xb1"], reviews[1].Accounts!);
        Assert.Equal(("ann", 10L, "note"), (stored.Reviewer, stored.CreatedAt, stored.Note!));

        Assert.Equal(["b1.0"], (await store.ListClustersAsync(true, 0, 10)).Select(c => c.Id));
        Assert.Equal(["b2.0"], (await store.ListClustersAsync(false, 0, 10)).Select(c => c.Id));
        var all = await store.ListClustersAsync(null, 0, 1);
        Assert.Equal(["b1.0"], all.Select(c => c.Id));
        Assert.Equal(2, all[0].ReviewCount);
        Assert.Equal(["b2.0"], (await store.ListClustersAsync(null, all[0].Seq, 10)).Select(c => c.Id));
        var withMembers = await store.ListAllReviewsAsync();
        Assert.Equal(2, withMembers.Count);
        Assert.Equal(["xb1", "yb1"], withMembers[0].Members);
        var cluster = (await store.GetClusterAsync("b1.0"))!;
        Assert.Equal(("{\"k\":1}", "<gexf/>"), (cluster.DetailJson, cluster.Gexf));
    }

    [Fact]
    public async Task Clusters_keep_modalities_and_time_span_and_an_older_schema_is_upgraded()
    {
        var store = (SqlVerdictStore)await CreateStoreAsync();
        await store.CreateBatchAsync(Batch("b1"));
        await store.MarkRunningAsync("b1", 1);
        await store.CompleteBatchAsync("b1", Outcome("b1", "m", ("x", 0.9, "coordinated")), 2);
        var listed = Assert.Single(await store.ListClustersAsync(null, 0, 10));
        Assert.Equal(["hashtag", "repost"], listed.Modalities!);
        Assert.Equal((1_000_000L, 9_000_000L), (listed.FirstShare!.Value, listed.LastShare!.Value));
        Assert.Equal(listed.Modalities, (await store.GetClusterAsync("b1.0"))!.Modalities);

        // a store from before these columns: drop them, keep the row, initialise again
        await using (var db = await store.Dialect.OpenAsync(CancellationToken.None))
            foreach (var column in new[] { "modalities", "first_share", "last_share" })
            {
                await using var drop = db.CreateCommand();
                drop.CommandText = $"ALTER TABLE clusters DROP COLUMN {column}";
                await drop.ExecuteNonQueryAsync();
            }
        await store.InitializeAsync();
        var old = Assert.Single(await store.ListClustersAsync(null, 0, 10));
        Assert.Equal("b1.0", old.Id);
        Assert.Equal(["x"], old.Members);
        Assert.Null(old.Modalities);
        Assert.Null(old.FirstShare);
        await store.CreateBatchAsync(Batch("b2"));
        await store.MarkRunningAsync("b2", 3);
        await store.CompleteBatchAsync("b2", Outcome("b2", "m", ("y", 0.9, "coordinated")), 4);
        Assert.Equal(["hashtag", "repost"], (await store.GetClusterAsync("b2.0"))!.Modalities!);
    }

    [Fact]
    public async Task Settings_upsert()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.GetSettingAsync("active_model"));
        await store.SetSettingAsync("active_model", "a");
        await store.SetSettingAsync("active_model", "b");
        Assert.Equal("b", await store.GetSettingAsync("active_model"));
    }

    [Fact]
    public async Task Values_that_look_like_sql_are_stored_as_data()
    {
        var store = await CreateStoreAsync();
        const string evil = "x'); DROP TABLE batches; --";
        await store.CreateBatchAsync(Batch(evil, evil));
        Assert.Equal(evil, (await store.GetBatchAsync(evil))!.IdempotencyKey);
        Assert.Null(await store.GetLatestVerdictAsync(evil));
    }
}

public sealed class SqliteVerdictStoreTests : VerdictStoreContract, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "netdetect-store-" + Guid.NewGuid().ToString("N")[..8]);

    protected override async Task<IVerdictStore> CreateStoreAsync()
    {
        var store = new SqlVerdictStore(new SqliteDialect($"Data Source={Path.Combine(_dir, "t.db")}"));
        await store.InitializeAsync();
        await store.InitializeAsync(); // idempotent schema creation
        return store;
    }

    [Fact]
    public async Task Database_is_in_wal_mode()
    {
        var store = (SqlVerdictStore)await CreateStoreAsync();
        await using var db = await store.Dialect.OpenAsync(CancellationToken.None);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await cmd.ExecuteScalarAsync());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}

public sealed class PostgresVerdictStoreTests(TestSupport.PostgresServer server) : VerdictStoreContract, IClassFixture<TestSupport.PostgresServer>
{
    protected override async Task<IVerdictStore> CreateStoreAsync()
    {
        var store = new SqlVerdictStore(new PostgresDialect(await server.CreateDatabaseAsync()));
        await store.InitializeAsync();
        await store.InitializeAsync();
        return store;
    }
}
