using System.Data.Common;
using System.Text;
using System.Text.Json;

namespace NetDetect.Api.Storage;

/// <summary>
/// <see cref="IVerdictStore"/> over SQLite or PostgreSQL: one schema, portable SQL (ON CONFLICT, LIMIT, keyset
/// paging), every value passed as a parameter. The dialect only opens connections and names the identity column.
/// </summary>
public sealed class SqlVerdictStore(SqlDialect dialect) : IVerdictStore
{
    private const int InsertChunk = 200;

    private const string BatchColumns =
        "id, idempotency_key, submitted_by, status, stage, fraction, accounts, posts, coordinated, suspicious, clear_count, clusters, model_id, error, created_at, started_at, finished_at, attempts";

    public SqlDialect Dialect => dialect;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        string[] ddl =
        [
            """
            CREATE TABLE IF NOT EXISTS batches (
              id TEXT PRIMARY KEY, idempotency_key TEXT UNIQUE, submitted_by TEXT NOT NULL, status TEXT NOT NULL,
              stage TEXT, fraction DOUBLE PRECISION NOT NULL DEFAULT 0, accounts BIGINT NOT NULL, posts BIGINT NOT NULL,
              coordinated BIGINT, suspicious BIGINT, clear_count BIGINT, clusters BIGINT, model_id TEXT, error TEXT,
              created_at BIGINT NOT NULL, started_at BIGINT, finished_at BIGINT, attempts BIGINT NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX IF NOT EXISTS batches_status ON batches (status, created_at)",
            """
            CREATE TABLE IF NOT EXISTS verdicts (
              batch_id TEXT NOT NULL REFERENCES batches(id), account_id TEXT NOT NULL, score DOUBLE PRECISION NOT NULL,
              verdict TEXT NOT NULL, cluster_id TEXT, reasons TEXT NOT NULL, model_id TEXT NOT NULL, scored_at BIGINT NOT NULL,
              PRIMARY KEY (batch_id, account_id))
            """,
            "CREATE INDEX IF NOT EXISTS verdicts_account ON verdicts (account_id, scored_at)",
            $"""
            CREATE TABLE IF NOT EXISTS clusters (
              seq {dialect.IdentityColumn}, id TEXT NOT NULL UNIQUE, batch_id TEXT NOT NULL REFERENCES batches(id),
              score DOUBLE PRECISION NOT NULL, members TEXT NOT NULL, detail TEXT NOT NULL, gexf TEXT NOT NULL,
              model_id TEXT NOT NULL, created_at BIGINT NOT NULL, modalities TEXT, first_share BIGINT, last_share BIGINT)
            """,
            $"""
            CREATE TABLE IF NOT EXISTS reviews (
              seq {dialect.IdentityColumn}, id TEXT NOT NULL UNIQUE, cluster_id TEXT NOT NULL REFERENCES clusters(id),
              idempotency_key TEXT, decision TEXT NOT NULL, note TEXT, accounts TEXT, reviewer TEXT NOT NULL,
              created_at BIGINT NOT NULL, UNIQUE (cluster_id, idempotency_key))
            """,
            "CREATE INDEX IF NOT EXISTS reviews_cluster ON reviews (cluster_id, seq)",
            "CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ];
        foreach (var sql in ddl)
        {
            await using var cmd = Command(db, sql);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
        // Upgrade: stores created before clusters kept their modalities and time span get the columns (NULL for old rows).
        foreach (var (column, type) in new[] { ("modalities", "TEXT"), ("first_share", "BIGINT"), ("last_share", "BIGINT") })
        {
            await using var count = Command(db, dialect.CountColumnSql, ("table", "clusters"), ("column", column));
            if (Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken)) > 0) continue;
            await using var alter = Command(db, $"ALTER TABLE clusters ADD COLUMN {column} {type}");
            await alter.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<(BatchRecord Batch, bool Created)> CreateBatchAsync(BatchRecord batch, CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var cmd = Command(db,
            $"INSERT INTO batches ({BatchColumns}) VALUES (@id, @key, @by, @status, NULL, 0, @accounts, @posts, NULL, NULL, NULL, NULL, NULL, NULL, @created, NULL, NULL, 0) ON CONFLICT DO NOTHING",
            ("id", batch.Id), ("key", batch.IdempotencyKey), ("by", batch.SubmittedBy), ("status", batch.Status),
            ("accounts", (long)batch.Accounts), ("posts", (long)batch.Posts), ("created", batch.CreatedAt));
        int rows = await cmd.ExecuteNonQueryAsync(cancellationToken);
        if (rows == 1) return (batch, true);
        var existing = (batch.IdempotencyKey is null ? null : await FindBatchByIdempotencyKeyAsync(batch.IdempotencyKey, cancellationToken))
            ?? await GetBatchAsync(batch.Id, cancellationToken)
            ?? throw new InvalidOperationException($"batch {batch.Id} was neither inserted nor found");
        return (existing, false);
    }

    public Task<BatchRecord?> FindBatchByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default) =>
        SingleBatchAsync("idempotency_key = @v", idempotencyKey, cancellationToken);

    public Task<BatchRecord?> GetBatchAsync(string id, CancellationToken cancellationToken = default) =>
        SingleBatchAsync("id = @v", id, cancellationToken);

    private async Task<BatchRecord?> SingleBatchAsync(string where, string value, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        await using var cmd = Command(db, $"SELECT {BatchColumns} FROM batches WHERE {where}", ("v", value));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadBatch(reader) : null;
    }

    public async Task<IReadOnlyList<BatchRecord>> ListBatchesAsync(IReadOnlyCollection<string> statuses, CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        var names = statuses.Select((_, i) => $"@s{i}").ToArray();
        await using var cmd = Command(db, $"SELECT {BatchColumns} FROM batches WHERE status IN ({string.Join(", ", names)}) ORDER BY created_at, id",
            statuses.Select((s, i) => ($"s{i}", (object?)s)).ToArray());
        var list = new List<BatchRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) list.Add(ReadBatch(reader));
        return list;
    }

    public async Task MarkRunningAsync(string id, long now, CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var cmd = Command(db,
            "UPDATE batches SET status = @running, stage = 'starting', fraction = 0, started_at = @now, attempts = attempts + 1 WHERE id = @id AND status IN (@queued, @running)",
            ("running", BatchStatus.Running), ("queued", BatchStatus.Queued), ("now", now), ("id", id));
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpdateProgressAsync(string id, string stage, double fraction, CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var cmd = Command(db, "UPDATE batches SET stage = @stage, fraction = @fraction WHERE id = @id AND status = @running",
            ("stage", stage), ("fraction", fraction), ("id", id), ("running", BatchStatus.Running));
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task CompleteBatchAsync(string id, BatchOutcome outcome, long now, CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        await using (var check = Command(db, "SELECT status FROM batches WHERE id = @id", ("id", id)))
        {
            check.Transaction = tx;
            var status = await check.ExecuteScalarAsync(cancellationToken) as string;
            // a repeat after a crash between commit and acknowledgement writes nothing twice
            if (status is null or BatchStatus.Succeeded) return;
        }
        foreach (var sql in new[] { "DELETE FROM verdicts WHERE batch_id = @id", "DELETE FROM clusters WHERE batch_id = @id AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.cluster_id = clusters.id)" })
        {
            await using var del = Command(db, sql, ("id", id));
            del.Transaction = tx;
            await del.ExecuteNonQueryAsync(cancellationToken);
        }
        for (int start = 0; start < outcome.Clusters.Count; start += InsertChunk)
        {
            int end = Math.Min(outcome.Clusters.Count, start + InsertChunk);
            var sql = new StringBuilder("INSERT INTO clusters (id, batch_id, score, members, detail, gexf, model_id, created_at, modalities, first_share, last_share) VALUES ");
            var args = new List<(string, object?)>();
            for (int i = start; i < end; i++)
            {
                var c = outcome.Clusters[i];
                if (i > start) sql.Append(", ");
                sql.Append($"(@i{i}, @b, @s{i}, @m{i}, @d{i}, @g{i}, @model, @now, @x{i}, @f{i}, @l{i})");
                args.Add(($"i{i}", c.Id)); args.Add(($"s{i}", c.Score)); args.Add(($"m{i}", JsonSerializer.Serialize(c.Members)));
                args.Add(($"d{i}", c.DetailJson)); args.Add(($"g{i}", c.Gexf));
                args.Add(($"x{i}", c.Modalities is null ? null : JsonSerializer.Serialize(c.Modalities)));
                args.Add(($"f{i}", c.FirstShare)); args.Add(($"l{i}", c.LastShare));
            }
            args.Add(("b", id)); args.Add(("model", outcome.ModelId)); args.Add(("now", now));
            sql.Append(" ON CONFLICT DO NOTHING");
            await using var ins = Command(db, sql.ToString(), args.ToArray());
            ins.Transaction = tx;
            await ins.ExecuteNonQueryAsync(cancellationToken);
        }
        for (int start = 0; start < outcome.Verdicts.Count; start += InsertChunk)
        {
            int end = Math.Min(outcome.Verdicts.Count, start + InsertChunk);
            var sql = new StringBuilder("INSERT INTO verdicts (batch_id, account_id, score, verdict, cluster_id, reasons, model_id, scored_at) VALUES ");
            var args = new List<(string, object?)>();
            for (int i = start; i < end; i++)
            {
                var v = outcome.Verdicts[i];
                if (i > start) sql.Append(", ");
                sql.Append($"(@b, @a{i}, @s{i}, @v{i}, @c{i}, @r{i}, @model, @now)");
                args.Add(($"a{i}", v.AccountId)); args.Add(($"s{i}", v.Score)); args.Add(($"v{i}", v.Verdict));
                args.Add(($"c{i}", v.ClusterId)); args.Add(($"r{i}", v.Reasons));
            }
            args.Add(("b", id)); args.Add(("model", outcome.ModelId)); args.Add(("now", now));
            await using var ins = Command(db, sql.ToString(), args.ToArray());
            ins.Transaction = tx;
            await ins.ExecuteNonQueryAsync(cancellationToken);
        }
        int Count(string verdict) => outcome.Verdicts.Count(v => v.Verdict == verdict);
        await using (var done = Command(db,
            "UPDATE batches SET status = @status, stage = 'done', fraction = 1, coordinated = @co, suspicious = @su, clear_count = @cl, clusters = @cs, model_id = @model, error = NULL, finished_at = @now WHERE id = @id",
            ("status", BatchStatus.Succeeded), ("co", (long)Count("coordinated")), ("su", (long)Count("suspicious")), ("cl", (long)Count("clear")),
            ("cs", (long)outcome.Clusters.Count), ("model", outcome.ModelId), ("now", now), ("id", id)))
        {
            done.Transaction = tx;
            await done.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }

    public async Task FailBatchAsync(string id, string error, long now, CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var cmd = Command(db, "UPDATE batches SET status = @failed, error = @error, finished_at = @now WHERE id = @id AND status <> @succeeded",
            ("failed", BatchStatus.Failed), ("error", error), ("now", now), ("id", id), ("succeeded", BatchStatus.Succeeded));
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<VerdictRecord>> GetVerdictsAsync(VerdictQuery query, CancellationToken cancellationToken = default)
    {
        var where = new List<string> { "batch_id = @b" };
        var args = new List<(string, object?)> { ("b", query.BatchId), ("limit", (long)query.Limit) };
        if (query.Verdict is not null) { where.Add("verdict = @v"); args.Add(("v", query.Verdict)); }
        if (query.MinScore is not null) { where.Add("score >= @min"); args.Add(("min", query.MinScore.Value)); }
        if (query.AfterAccountId is not null) { where.Add("account_id > @after"); args.Add(("after", query.AfterAccountId)); }
        await using var db = await dialect.OpenAsync(cancellationToken);
        // account ids compare byte-wise in both databases (COLLATE "C" on PostgreSQL) so the cursor is stable
        string order = dialect.Name == "postgres" ? "account_id COLLATE \"C\"" : "account_id";
        if (query.AfterAccountId is not null && dialect.Name == "postgres") where[^1] = "account_id COLLATE \"C\" > @after";
        await using var cmd = Command(db,
            $"SELECT batch_id, account_id, score, verdict, cluster_id, reasons, model_id, scored_at FROM verdicts WHERE {string.Join(" AND ", where)} ORDER BY {order} LIMIT @limit",
            args.ToArray());
        var list = new List<VerdictRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) list.Add(ReadVerdict(reader));
        return list;
    }

    public async Task<VerdictRecord?> GetLatestVerdictAsync(string accountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var cmd = Command(db,
            "SELECT batch_id, account_id, score, verdict, cluster_id, reasons, model_id, scored_at FROM verdicts WHERE account_id = @a ORDER BY scored_at DESC, batch_id DESC LIMIT 1",
            ("a", accountId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadVerdict(reader) : null;
    }

    public async Task<IReadOnlyList<ClusterRecord>> ListClustersAsync(bool? reviewed, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        string filter = reviewed switch
        {
            true => " AND EXISTS (SELECT 1 FROM reviews r WHERE r.cluster_id = c.id)",
            false => " AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.cluster_id = c.id)",
            null => "",
        };
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var cmd = Command(db,
            $"SELECT c.id, c.batch_id, c.score, c.members, '' AS detail, '' AS gexf, c.model_id, c.created_at, c.seq, (SELECT COUNT(*) FROM reviews r WHERE r.cluster_id = c.id), c.modalities, c.first_share, c.last_share FROM clusters c WHERE c.seq > @after{filter} ORDER BY c.seq LIMIT @limit",
            ("after", afterSeq), ("limit", (long)limit));
        var list = new List<ClusterRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) list.Add(ReadCluster(reader));
        return list;
    }

    public async Task<ClusterRecord?> GetClusterAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var cmd = Command(db,
            "SELECT c.id, c.batch_id, c.score, c.members, c.detail, c.gexf, c.model_id, c.created_at, c.seq, (SELECT COUNT(*) FROM reviews r WHERE r.cluster_id = c.id), c.modalities, c.first_share, c.last_share FROM clusters c WHERE c.id = @id",
            ("id", id));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadCluster(reader) : null;
    }

    public async Task<(ReviewRecord Review, bool Created)> AddReviewAsync(ReviewRecord review, CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var cmd = Command(db,
            "INSERT INTO reviews (id, cluster_id, idempotency_key, decision, note, accounts, reviewer, created_at) VALUES (@id, @c, @key, @d, @n, @a, @r, @t) ON CONFLICT DO NOTHING",
            ("id", review.Id), ("c", review.ClusterId), ("key", review.IdempotencyKey), ("d", review.Decision), ("n", review.Note),
            ("a", review.Accounts is null ? null : JsonSerializer.Serialize(review.Accounts)), ("r", review.Reviewer), ("t", review.CreatedAt));
        if (await cmd.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            var stored = (await ListReviewsAsync(review.ClusterId, cancellationToken)).First(r => r.Id == review.Id);
            return (stored, true);
        }
        var all = await ListReviewsAsync(review.ClusterId, cancellationToken);
        var existing = all.FirstOrDefault(r => review.IdempotencyKey is not null && r.IdempotencyKey == review.IdempotencyKey)
            ?? all.FirstOrDefault(r => r.Id == review.Id)
            ?? throw new InvalidOperationException($"review {review.Id} was neither inserted nor found");
        return (existing, false);
    }

    public async Task<IReadOnlyList<ReviewRecord>> ListReviewsAsync(string clusterId, CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var cmd = Command(db,
            "SELECT id, cluster_id, decision, note, accounts, reviewer, created_at, idempotency_key, seq FROM reviews WHERE cluster_id = @c ORDER BY seq",
            ("c", clusterId));
        var list = new List<ReviewRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) list.Add(ReadReview(reader, 0));
        return list;
    }

    public async Task<IReadOnlyList<(ReviewRecord Review, IReadOnlyList<string> Members)>> ListAllReviewsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var cmd = Command(db,
            "SELECT r.id, r.cluster_id, r.decision, r.note, r.accounts, r.reviewer, r.created_at, r.idempotency_key, r.seq, c.members FROM reviews r JOIN clusters c ON c.id = r.cluster_id ORDER BY r.seq");
        var list = new List<(ReviewRecord, IReadOnlyList<string>)>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            list.Add((ReadReview(reader, 0), JsonSerializer.Deserialize<string[]>(reader.GetString(9))!));
        return list;
    }

    public async Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var cmd = Command(db, "SELECT value FROM settings WHERE name = @n", ("n", name));
        return await cmd.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task SetSettingAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        await using var db = await dialect.OpenAsync(cancellationToken);
        await using var cmd = Command(db, "INSERT INTO settings (name, value) VALUES (@n, @v) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            ("n", name), ("v", value));
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection db, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value ?? DBNull.Value;
            if (value is null) p.DbType = System.Data.DbType.String;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static long? NullableLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i));
    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static BatchRecord ReadBatch(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        IdempotencyKey = NullableString(r, 1),
        SubmittedBy = r.GetString(2),
        Status = r.GetString(3),
        Stage = NullableString(r, 4),
        Fraction = Convert.ToDouble(r.GetValue(5)),
        Accounts = (int)Convert.ToInt64(r.GetValue(6)),
        Posts = (int)Convert.ToInt64(r.GetValue(7)),
        Coordinated = (int?)NullableLong(r, 8),
        Suspicious = (int?)NullableLong(r, 9),
        Clear = (int?)NullableLong(r, 10),
        Clusters = (int?)NullableLong(r, 11),
        ModelId = NullableString(r, 12),
        Error = NullableString(r, 13),
        CreatedAt = Convert.ToInt64(r.GetValue(14)),
        StartedAt = NullableLong(r, 15),
        FinishedAt = NullableLong(r, 16),
        Attempts = (int)Convert.ToInt64(r.GetValue(17)),
    };

    private static VerdictRecord ReadVerdict(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), Convert.ToDouble(r.GetValue(2)), r.GetString(3), NullableString(r, 4), r.GetString(5), r.GetString(6), Convert.ToInt64(r.GetValue(7)));

    private static ClusterRecord ReadCluster(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), Convert.ToDouble(r.GetValue(2)), JsonSerializer.Deserialize<string[]>(r.GetString(3))!, r.GetString(4), r.GetString(5),
        r.GetString(6), Convert.ToInt64(r.GetValue(7)), Convert.ToInt64(r.GetValue(8)), (int)Convert.ToInt64(r.GetValue(9)),
        r.IsDBNull(10) ? null : JsonSerializer.Deserialize<string[]>(r.GetString(10)), NullableLong(r, 11), NullableLong(r, 12));

    private static ReviewRecord ReadReview(DbDataReader r, int o) => new(
        r.GetString(o), r.GetString(o + 1), r.GetString(o + 2), NullableString(r, o + 3),
        r.IsDBNull(o + 4) ? null : JsonSerializer.Deserialize<string[]>(r.GetString(o + 4)), r.GetString(o + 5), Convert.ToInt64(r.GetValue(o + 6)),
        NullableString(r, o + 7), Convert.ToInt64(r.GetValue(o + 8)));
}
