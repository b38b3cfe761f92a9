using Parquet;
using Parquet.Schema;

namespace NetDetect.Core.Data;

/// <summary>Progress of a long stage: what is running and how far it got.</summary>
public readonly record struct StageProgress(string Stage, long Done, long Total)
{
    public double Fraction => Total <= 0 ? 0 : Math.Clamp((double)Done / Total, 0, 1);
}

/// <summary>
/// Reads a canonical dataset directory into a <see cref="Dataset"/>, streaming row group by row group and
/// checking the data contract as it goes. Every problem names file, column, row group and row.
/// </summary>
public static class ParquetDatasetReader
{
    /// <summary>Reads <paramref name="directory"/>; throws <see cref="DataFormatException"/> listing every problem.</summary>
    public static async Task<Dataset> ReadAsync(string directory, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var problems = new ProblemCollector();
        var dataset = await ReadCoreAsync(directory, problems, progress, cancellationToken);
        problems.ThrowIfErrors();
        return dataset!;
    }

    /// <summary>Checks <paramref name="directory"/> against the contract and reports everything found.</summary>
    public static async Task<ValidationReport> ValidateAsync(string directory, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var problems = new ProblemCollector();
        var dataset = await ReadCoreAsync(directory, problems, progress, cancellationToken);
        return new ValidationReport(directory, problems.Problems, problems.HasErrors ? null : dataset);
    }

    private static async Task<Dataset?> ReadCoreAsync(string directory, ProblemCollector problems, IProgress<StageProgress>? progress, CancellationToken ct)
    {
        if (!Directory.Exists(directory))
        {
            problems.Error(directory, null, null, "directory does not exist");
            return null;
        }
        string accountsPath = Path.Combine(directory, CanonicalSchema.AccountsFile);
        string postsPath = Path.Combine(directory, CanonicalSchema.PostsFile);
        foreach (var path in new[] { accountsPath, postsPath })
        {
            if (!File.Exists(path))
                problems.Error(path, null, null, $"missing: a dataset directory holds {CanonicalSchema.AccountsFile} and {CanonicalSchema.PostsFile}");
        }
        if (problems.HasErrors) return null;

        await using var accountsFile = await OpenAsync(accountsPath, problems, ct);
        await using var postsFile = await OpenAsync(postsPath, problems, ct);
        if (accountsFile is null || postsFile is null) return null;

        var accountColumns = ResolveColumns(accountsPath, accountsFile, CanonicalSchema.Accounts, problems);
        var postColumns = ResolveColumns(postsPath, postsFile, CanonicalSchema.Posts, problems);
        if (problems.HasErrors) return null;

        long accountRows = accountsFile.RowGroups.Sum(g => g.RowCount);
        long postRows = postsFile.RowGroups.Sum(g => g.RowCount);
        if (postRows > int.MaxValue || accountRows > int.MaxValue)
        {
            problems.Error(postsPath, null, null, "more than 2^31 rows is not supported in one dataset");
            return null;
        }
        var builder = new DatasetBuilder((int)accountRows + 16, (int)postRows + 16)
        {
            DomainsProvided = postColumns.ContainsKey("domains"),
        };

        var state = new ReadState(builder, problems);
        await ReadAccountsAsync(accountsPath, accountsFile, accountColumns, state, progress, ct);
        await ReadPostsAsync(postsPath, postsFile, postColumns, state, progress, ct);

        if (builder.MissingAuthorCount > 0)
            problems.Warning(postsPath, "account_id", "post author not in accounts.parquet; account created with unknown profile", builder.MissingAuthorCount);
        if (problems.HasErrors) return null;
        return builder.Build(problems.Warnings);
    }

    private sealed class ReadState(DatasetBuilder builder, ProblemCollector problems)
    {
        public DatasetBuilder Builder { get; } = builder;
        public ProblemCollector Problems { get; } = problems;
    }

    private static async Task<ParquetReader?> OpenAsync(string path, ProblemCollector problems, CancellationToken ct)
    {
        try
        {
            return await ParquetReader.CreateAsync(path, cancellationToken: ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problems.Error(path, null, null, $"not a readable Parquet file (truncated or corrupt?): {e.Message}");
            return null;
        }
    }

    /// <summary>Maps each canonical column present in the file to its data field, checking types.</summary>
    private static Dictionary<string, DataField> ResolveColumns(string path, ParquetReader reader, IReadOnlyList<ColumnSpec> specs, ProblemCollector problems)
    {
        var byName = reader.Schema.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var result = new Dictionary<string, DataField>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (!byName.TryGetValue(spec.Name, out var field))
            {
                if (spec.Required) problems.Error(path, spec.Name, null, "required column is missing");
                continue;
            }
            var data = CheckType(path, spec, field, problems);
            if (data is not null) result[spec.Name] = data;
        }
        foreach (var name in byName.Keys.Where(n => specs.All(s => s.Name != n)))
            problems.Warning(path, name, "unknown column ignored");
        return result;
    }

    private static DataField? CheckType(string path, ColumnSpec spec, Field field, ProblemCollector problems)
    {
        string expected = spec.Kind switch
        {
            ColumnKind.String => "string",
            ColumnKind.Timestamp => "timestamp",
            ColumnKind.Int64 => "int64",
            _ => "list<string>",
        };
        if (spec.Kind == ColumnKind.StringList)
        {
            if (field is ListField { Item: DataField item } && IsString(item)) return item;
            problems.Error(path, spec.Name, null, $"wrong type: expected {expected}, found {Describe(field)}");
            return null;
        }
        if (field is not DataField data || data.IsArray)
        {
            problems.Error(path, spec.Name, null, $"wrong type: expected {expected}, found {Describe(field)}");
            return null;
        }
        bool ok = spec.Kind switch
        {
            ColumnKind.String => IsString(data),
            ColumnKind.Timestamp => data.ClrType == typeof(DateTime) || data.ClrType == typeof(DateTimeOffset) || data.ClrType == typeof(DateOnly),
            ColumnKind.Int64 => data.ClrType == typeof(long) || data.ClrType == typeof(int),
            _ => false,
        };
        if (!ok)
        {
            problems.Error(path, spec.Name, null, $"wrong type: expected {expected}, found {Describe(field)}");
            return null;
        }
        return data;
    }

    private static bool IsString(DataField f) => !f.IsArray && (f.ClrType == typeof(string) || f.ClrType == typeof(ReadOnlyMemory<char>));

    private static string Describe(Field field) => field switch
    {
        ListField l => $"list<{(l.Item is DataField d ? Describe(d) : l.Item.SchemaType.ToString())}>",
        DataField d when d.ClrType == typeof(ReadOnlyMemory<char>) || d.ClrType == typeof(string) => "string",
        DataField d => d.ClrType.Name.ToLowerInvariant(),
        _ => field.SchemaType.ToString().ToLowerInvariant(),
    };

    private static async Task ReadAccountsAsync(string path, ParquetReader reader, Dictionary<string, DataField> cols, ReadState state, IProgress<StageProgress>? progress, CancellationToken ct)
    {
        long total = reader.RowGroups.Sum(g => g.RowCount);
        long rowBase = 0;
        var file = path;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            ct.ThrowIfCancellationRequested();
            using var rg = reader.OpenRowGroupReader(g);
            int n = checked((int)rg.RowCount);
            var ids = await ReadStringsAsync(rg, cols["account_id"], n, ct);
            var screen = await ReadOptionalStringsAsync(rg, cols, "screen_name", n, ct);
            var display = await ReadOptionalStringsAsync(rg, cols, "display_name", n, ct);
            var description = await ReadOptionalStringsAsync(rg, cols, "description", n, ct);
            var location = await ReadOptionalStringsAsync(rg, cols, "reported_location", n, ct);
            var profileUrl = await ReadOptionalStringsAsync(rg, cols, "profile_url", n, ct);
            var created = cols.TryGetValue("created_at", out var cf) ? await ReadTimestampsAsync(rg, cf, n, ct) : null;
            var followers = cols.TryGetValue("follower_count", out var ff) ? await ReadInt64Async(rg, ff, n, ct) : null;
            var following = cols.TryGetValue("following_count", out var gf) ? await ReadInt64Async(rg, gf, n, ct) : null;
            var language = await ReadOptionalStringsAsync(rg, cols, "language", n, ct);
            var label = await ReadOptionalStringsAsync(rg, cols, "label", n, ct);
            for (int r = 0; r < n; r++)
            {
                long row = rowBase + r + 1;
                if (ids.IsNull(r) || ids.Span(r).IsEmpty)
                {
                    state.Problems.Error(file, "account_id", row, "account id is null or empty", g);
                    continue;
                }
                var record = new AccountRecord
                {
                    AccountId = ids.String(r)!,
                    ScreenName = screen?.String(r),
                    DisplayName = display?.String(r),
                    Description = description?.String(r),
                    ReportedLocation = location?.String(r),
                    ProfileUrl = profileUrl?.String(r),
                    CreatedAt = created is null || created[r] == Time.Null ? null : created[r],
                    FollowerCount = followers is null || followers[r] == long.MinValue ? null : followers[r],
                    FollowingCount = following is null || following[r] == long.MinValue ? null : following[r],
                    Language = language?.String(r),
                    Label = label?.String(r),
                };
                if (!state.Builder.TryAddAccount(record))
                    state.Problems.Error(file, "account_id", row, $"duplicate account id '{record.AccountId}'", g);
            }
            rowBase += n;
            progress?.Report(new StageProgress("read accounts", rowBase, total));
        }
    }

    private static readonly (string Name, PostList List)[] ListColumns =
    [
        ("hashtags", PostList.Hashtags),
        ("urls", PostList.Urls),
        ("domains", PostList.Domains),
        ("mentions", PostList.Mentions),
        ("media", PostList.Media),
    ];

    private static async Task ReadPostsAsync(string path, ParquetReader reader, Dictionary<string, DataField> cols, ReadState state, IProgress<StageProgress>? progress, CancellationToken ct)
    {
        long total = reader.RowGroups.Sum(g => g.RowCount);
        long rowBase = 0;
        var b = state.Builder;
        var problems = state.Problems;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            ct.ThrowIfCancellationRequested();
            using var rg = reader.OpenRowGroupReader(g);
            int n = checked((int)rg.RowCount);
            var ids = await ReadStringsAsync(rg, cols["post_id"], n, ct);
            var authors = await ReadStringsAsync(rg, cols["account_id"], n, ct);
            var times = await ReadTimestampsAsync(rg, cols["created_at"], n, ct);

            for (int r = 0; r < n; r++)
            {
                long row = rowBase + r + 1;
                bool ok = true;
                if (ids.IsNull(r) || ids.Span(r).IsEmpty) { problems.Error(path, "post_id", row, "post id is null or empty", g); ok = false; }
                if (authors.IsNull(r) || authors.Span(r).IsEmpty) { problems.Error(path, "account_id", row, "author account id is null or empty", g); ok = false; }
                if (times[r] == Time.Null) { problems.Error(path, "created_at", row, "created_at is null", g); ok = false; }
                if (!ok) continue;
                if (!b.BeginPost(ids.Span(r), authors.Span(r), times[r]))
                    problems.Error(path, "post_id", row, $"duplicate post id '{ids.String(r)}'", g);
            }
            rowBase += n;
            if (problems.HasErrors)
            {
                // The dataset will not be built; keep checking ids and times only.
                progress?.Report(new StageProgress("read posts", rowBase, total));
                continue;
            }

            var text = await ReadOptionalStringsAsync(rg, cols, "text", n, ct);
            for (int r = 0; r < n; r++) b.AppendText(text is null ? default : text.Span(r), text is null || text.IsNull(r));
            await AppendInternedAsync(rg, cols, "language", n, b.AppendLanguage, ct);
            await AppendInternedAsync(rg, cols, "client", n, b.AppendClient, ct);
            await AppendInternedAsync(rg, cols, "repost_of_post_id", n, b.AppendRepostOfPost, ct);
            await AppendInternedAsync(rg, cols, "repost_of_account_id", n, b.AppendRepostOfAccount, ct);
            await AppendInternedAsync(rg, cols, "reply_to_post_id", n, b.AppendReplyToPost, ct);
            await AppendInternedAsync(rg, cols, "reply_to_account_id", n, b.AppendReplyToAccount, ct);
            await AppendInternedAsync(rg, cols, "quote_of_post_id", n, b.AppendQuoteOfPost, ct);
            foreach (var (name, list) in ListColumns)
            {
                if (cols.TryGetValue(name, out var lf)) await AppendListAsync(rg, lf, n, list, b, path, g, rowBase - n, problems, ct);
                else for (int r = 0; r < n; r++) b.EndListRow(list);
            }
            progress?.Report(new StageProgress("read posts", rowBase, total));
        }
    }

    private delegate void SpanAppender(ReadOnlySpan<char> value);

    private static async Task AppendInternedAsync(ParquetRowGroupReader rg, Dictionary<string, DataField> cols, string name, int n, SpanAppender append, CancellationToken ct)
    {
        var column = await ReadOptionalStringsAsync(rg, cols, name, n, ct);
        for (int r = 0; r < n; r++) append(column is null ? default : column.Span(r));
    }

    private static async Task AppendListAsync(ParquetRowGroupReader rg, DataField item, int n, PostList list, DatasetBuilder b, string path, int g, long rowBase, ProblemCollector problems, CancellationToken ct)
    {
        long slots = rg.GetMetadata(item)?.MetaData?.NumValues ?? 0;
        var values = new ReadOnlyMemory<char>[slots];
        var def = new int[slots];
        var rep = new int[slots];
        await rg.ReadRawAsync<ReadOnlyMemory<char>>(item, values, def, rep, ct);
        int maxDef = item.MaxDefinitionLevel;
        int v = 0, rows = 0;
        for (int s = 0; s < slots; s++)
        {
            if (rep[s] == 0)
            {
                if (s > 0) { b.EndListRow(list); rows++; }
            }
            if (def[s] == maxDef) b.AppendListValue(list, values[v++].Span);
        }
        if (slots > 0) { b.EndListRow(list); rows++; }
        if (rows != n)
            problems.Error(path, list.ToString().ToLowerInvariant(), rowBase + 1, $"list column has {rows} rows in this row group, expected {n}", g);
    }

    /// <summary>A string column of one row group: values packed, nulls from definition levels.</summary>
    private sealed class StringColumn(ReadOnlyMemory<char>[] values, int[] valueIndex)
    {
        public bool IsNull(int row) => valueIndex[row] < 0;
        public ReadOnlySpan<char> Span(int row) => valueIndex[row] < 0 ? default : values[valueIndex[row]].Span;
        public string? String(int row) => valueIndex[row] < 0 ? null : new string(values[valueIndex[row]].Span);
    }

    private static async Task<StringColumn?> ReadOptionalStringsAsync(ParquetRowGroupReader rg, Dictionary<string, DataField> cols, string name, int n, CancellationToken ct) =>
        cols.TryGetValue(name, out var f) ? await ReadStringsAsync(rg, f, n, ct) : null;

    private static async Task<StringColumn> ReadStringsAsync(ParquetRowGroupReader rg, DataField field, int n, CancellationToken ct)
    {
        var values = new ReadOnlyMemory<char>[n];
        var index = new int[n];
        if (field.MaxDefinitionLevel == 0)
        {
            await rg.ReadRawAsync<ReadOnlyMemory<char>>(field, values, null, null, ct);
            for (int r = 0; r < n; r++) index[r] = r;
        }
        else
        {
            var def = new int[n];
            await rg.ReadRawAsync<ReadOnlyMemory<char>>(field, values, def, null, ct);
            int v = 0;
            int max = field.MaxDefinitionLevel;
            for (int r = 0; r < n; r++) index[r] = def[r] == max ? v++ : -1;
        }
        return new StringColumn(values, index);
    }

    /// <summary>Timestamps as µs since epoch, <see cref="Time.Null"/> for nulls.</summary>
    private static async Task<long[]> ReadTimestampsAsync(ParquetRowGroupReader rg, DataField field, int n, CancellationToken ct)
    {
        var result = new long[n];
        if (field.ClrType == typeof(DateTime))
        {
            var values = new DateTime[n];
            var def = await ReadRawAsync(rg, field, values, n, ct);
            Unpack(values, def, field.MaxDefinitionLevel, result, Time.FromDateTime);
        }
        else if (field.ClrType == typeof(DateTimeOffset))
        {
            var values = new DateTimeOffset[n];
            var def = await ReadRawAsync(rg, field, values, n, ct);
            Unpack(values, def, field.MaxDefinitionLevel, result, d => Time.FromDateTime(d.UtcDateTime));
        }
        else
        {
            var values = new DateOnly[n];
            var def = await ReadRawAsync(rg, field, values, n, ct);
            Unpack(values, def, field.MaxDefinitionLevel, result, d => Time.FromDateTime(d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)));
        }
        return result;
    }

    /// <summary>Int64 values, long.MinValue for nulls.</summary>
    private static async Task<long[]> ReadInt64Async(ParquetRowGroupReader rg, DataField field, int n, CancellationToken ct)
    {
        var result = new long[n];
        if (field.ClrType == typeof(long))
        {
            var values = new long[n];
            var def = await ReadRawAsync(rg, field, values, n, ct);
            Unpack(values, def, field.MaxDefinitionLevel, result, x => x);
        }
        else
        {
            var values = new int[n];
            var def = await ReadRawAsync(rg, field, values, n, ct);
            Unpack(values, def, field.MaxDefinitionLevel, result, x => x);
        }
        return result;
    }

    private static async Task<int[]?> ReadRawAsync<T>(ParquetRowGroupReader rg, DataField field, T[] values, int n, CancellationToken ct)
        where T : struct
    {
        if (field.MaxDefinitionLevel == 0)
        {
            await rg.ReadRawAsync<T>(field, values, null, null, ct);
            return null;
        }
        var def = new int[n];
        await rg.ReadRawAsync<T>(field, values, def, null, ct);
        return def;
    }

    private static void Unpack<T>(T[] packed, int[]? def, int maxDef, long[] result, Func<T, long> convert)
    {
        if (def is null)
        {
            for (int r = 0; r < result.Length; r++) result[r] = convert(packed[r]);
            return;
        }
        int v = 0;
        for (int r = 0; r < result.Length; r++) result[r] = def[r] == maxDef ? convert(packed[v++]) : long.MinValue;
    }
}

/// <summary>What <c>netdetect validate</c> found: every problem, and the counts when the data is usable.</summary>
public sealed record ValidationReport(string Directory, IReadOnlyList<DataProblem> Problems, Dataset? Dataset)
{
    public bool IsValid => Problems.All(p => p.Severity != ProblemSeverity.Error);
    public IEnumerable<DataProblem> Errors => Problems.Where(p => p.Severity == ProblemSeverity.Error);
    public IEnumerable<DataProblem> Warnings => Problems.Where(p => p.Severity == ProblemSeverity.Warning);
}
