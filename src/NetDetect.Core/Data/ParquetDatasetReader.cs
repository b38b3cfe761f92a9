using Parquet;
using Parquet.Schema;

namespace NetDetect.Core.Data;

/// <summary>Progress of a long stage: what is running and how far it got.</summary>
public readonly record struct StageProgress(string Stage, long Done, long Total)
{
    public double Fraction => Total <= 0 ? 0 : Math.Clamp((double)Done / Total, 0, 1);
}

/// <summary>How <see cref="ParquetDatasetReader"/> reads: the results never depend on these settings.</summary>
public sealed record DatasetReadOptions
{
    /// <summary>Columns decoded at the same time; 0 means one per processor.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    public static DatasetReadOptions Default { get; } = new();

    internal int EffectiveParallelism => MaxDegreeOfParallelism > 0 ? MaxDegreeOfParallelism : Environment.ProcessorCount;
}

/// <summary>
/// Reads a canonical dataset directory into a <see cref="Dataset"/>, checking the data contract as it goes.
/// Every problem names file, column, row group and row.
/// </summary>
/// <remarks>
/// Columns are independent jobs: each walks the row groups in file order and appends to its own part of the
/// <see cref="DatasetBuilder"/>, so jobs run in parallel while every id stays what a single thread would
/// give. Strings and timestamps go through <see cref="ParquetChunkDecoder"/> (interned ids straight from the
/// file's UTF-8 bytes, dictionary entries once); chunks it cannot handle fall back to Parquet.Net.
/// </remarks>
public static class ParquetDatasetReader
{
    /// <summary>Reads <paramref name="directory"/>; throws <see cref="DataFormatException"/> listing every problem.</summary>
    public static Task<Dataset> ReadAsync(string directory, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ReadAsync(directory, DatasetReadOptions.Default, progress, cancellationToken);

    /// <summary>Reads <paramref name="directory"/> with explicit <paramref name="options"/>.</summary>
    public static async Task<Dataset> ReadAsync(string directory, DatasetReadOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var problems = new ProblemCollector();
        var dataset = await ReadCoreAsync(directory, options, problems, progress, cancellationToken);
        problems.ThrowIfErrors();
        return dataset!;
    }

    /// <summary>Checks <paramref name="directory"/> against the contract and reports everything found.</summary>
    public static Task<ValidationReport> ValidateAsync(string directory, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ValidateAsync(directory, DatasetReadOptions.Default, progress, cancellationToken);

    /// <summary>Checks <paramref name="directory"/> with explicit <paramref name="options"/>.</summary>
    public static async Task<ValidationReport> ValidateAsync(string directory, DatasetReadOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var problems = new ProblemCollector();
        var dataset = await ReadCoreAsync(directory, options, problems, progress, cancellationToken);
        return new ValidationReport(directory, problems.Problems, problems.HasErrors ? null : dataset);
    }

    private static async Task<Dataset?> ReadCoreAsync(string directory, DatasetReadOptions options, ProblemCollector problems, IProgress<StageProgress>? progress, CancellationToken ct)
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

        await using var accounts = await FileContext.OpenAsync(accountsPath, CanonicalSchema.Accounts, problems, ct);
        await using var posts = await FileContext.OpenAsync(postsPath, CanonicalSchema.Posts, problems, ct);
        // Column problems (missing, wrong type) do not stop the row checks of the other columns: validate lists everything.
        if (accounts is null || posts is null) return null;

        if (posts.TotalRows > int.MaxValue || accounts.TotalRows > int.MaxValue)
        {
            problems.Error(posts.TotalRows > int.MaxValue ? postsPath : accountsPath, null, null, "more than 2^31 rows is not supported in one dataset");
            return null;
        }
        var builder = new DatasetBuilder((int)accounts.TotalRows, (int)posts.TotalRows)
        {
            DomainsProvided = posts.Columns.ContainsKey("domains"),
        };
        foreach (var (name, list) in ListColumns)
            if (posts.Columns.ContainsKey(name)) builder.EnsureListValueCapacity(list, (int)Math.Min(int.MaxValue, posts.PresentValues(name)));
        // At most one new referenced post id per present reference: saves growing (copying) the entries on the way.
        long references = 0;
        foreach (var name in new[] { "repost_of_post_id", "reply_to_post_id", "quote_of_post_id" })
            if (posts.Columns.ContainsKey(name)) references += posts.PresentValues(name);
        builder.PostRefPool.ReserveEntries((int)Math.Min(references, 1L << 30));

        int parallelism = options.EffectiveParallelism;
        await RunJobsAsync(accounts, AccountJobs(accounts, builder, progress), parallelism, problems, ct);
        builder.MarkAccountsFromFile(builder.AccountCount);
        await RunJobsAsync(posts, PostJobs(posts, builder, progress), parallelism, problems, ct);

        if (builder.MissingAuthorCount > 0)
            problems.Warning(postsPath, "account_id", "post author not in accounts.parquet; account created with unknown profile", builder.MissingAuthorCount);
        if (problems.HasErrors) return null;
        return builder.Build(problems.Warnings);
    }

    // ---- files and columns ----

    /// <summary>One open Parquet file: its metadata, resolved columns and a handle every job reads through.</summary>
    private sealed class FileContext : IAsyncDisposable
    {
        private readonly Dictionary<string, Parquet.Meta.ColumnMetaData?[]> _chunks = new(StringComparer.Ordinal);

        private FileContext(string path, ParquetReader reader, Dictionary<string, DataField> columns)
        {
            Path = path;
            Reader = reader;
            Columns = columns;
            RowGroupCount = reader.RowGroupCount;
            RowCount = new int[RowGroupCount];
            RowBase = new long[RowGroupCount];
            for (int g = 0; g < RowGroupCount; g++)
            {
                using var rg = reader.OpenRowGroupReader(g);
                RowBase[g] = TotalRows;
                RowCount[g] = (int)Math.Min(int.MaxValue, rg.RowCount);
                TotalRows += rg.RowCount;
                foreach (var (name, field) in columns)
                {
                    if (!_chunks.TryGetValue(name, out var chunks)) _chunks[name] = chunks = new Parquet.Meta.ColumnMetaData?[RowGroupCount];
                    chunks[g] = rg.GetMetadata(field)?.MetaData;
                }
            }
            Handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        }

        public string Path { get; }
        public ParquetReader Reader { get; }
        public Dictionary<string, DataField> Columns { get; }
        public Microsoft.Win32.SafeHandles.SafeFileHandle Handle { get; }
        public int RowGroupCount { get; }
        public int[] RowCount { get; }
        public long[] RowBase { get; }
        public long TotalRows { get; }

        public Parquet.Meta.ColumnMetaData? Chunk(string column, int g) => _chunks.TryGetValue(column, out var c) ? c[g] : null;

        /// <summary>Value slots of a column over all row groups (rows plus extra list elements).</summary>
        public long ValueSlots(string column)
        {
            long total = 0;
            for (int g = 0; g < RowGroupCount; g++) total += Chunk(column, g)?.NumValues ?? RowCount[g];
            return total;
        }

        /// <summary>Present (non-null) values of a column over all row groups, from the chunk statistics where every chunk
        /// has a null count, else the value slots (an upper bound).</summary>
        /// <remarks>Sizes the list value arrays exactly, so finishing a list column need not copy its values into a
        /// shorter array (hundreds of MB for 10 million posts). Only a capacity: wrong statistics cost a resize, never a result.</remarks>
        public long PresentValues(string column)
        {
            long total = 0;
            for (int g = 0; g < RowGroupCount; g++)
            {
                var md = Chunk(column, g);
                if (md?.Statistics?.NullCount is not { } nulls || nulls < 0 || nulls > md.NumValues) return ValueSlots(column);
                total += md.NumValues - nulls;
            }
            return total;
        }

        /// <summary>Work estimate of a column, to start the biggest jobs first: the bytes it decodes to plus 8 per value
        /// slot (each slot costs a level decode and, when present, an interner lookup whatever its length).</summary>
        /// <remarks>Bytes alone ranked a column of many short values (post references: 19-byte ids, mostly null)
        /// far below its time, so it started last and ran on alone while the other core idled.</remarks>
        public long Cost(string column)
        {
            long total = 0;
            for (int g = 0; g < RowGroupCount; g++)
            {
                var md = Chunk(column, g);
                if (md is not null) total += md.TotalUncompressedSize + 8 * md.NumValues;
            }
            return total;
        }

        public static async Task<FileContext?> OpenAsync(string path, IReadOnlyList<ColumnSpec> specs, ProblemCollector problems, CancellationToken ct)
        {
            ParquetReader reader;
            try
            {
                reader = await ParquetReader.CreateAsync(path, cancellationToken: ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var size = new FileInfo(path).Length;
                problems.Error(path, null, null, size == 0
                    ? "empty file: not a Parquet file"
                    : $"not a readable Parquet file (truncated or corrupt?): {e.Message}");
                return null;
            }
            try
            {
                var columns = ResolveColumns(path, reader, specs, problems);
                return new FileContext(path, reader, columns);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await reader.DisposeAsync();
                problems.Error(path, null, null, $"not a readable Parquet file (corrupt metadata?): {e.Message}");
                return null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            Handle.Dispose();
            await Reader.DisposeAsync();
        }
    }

    /// <summary>Maps each canonical column present in the file to its data field, checking types.</summary>
    private static Dictionary<string, DataField> ResolveColumns(string path, ParquetReader reader, IReadOnlyList<ColumnSpec> specs, ProblemCollector problems)
    {
        var byName = new Dictionary<string, Field>(StringComparer.Ordinal);
        foreach (var f in reader.Schema.Fields) byName.TryAdd(f.Name, f);
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
        foreach (var name in byName.Keys)
        {
            bool known = false;
            foreach (var s in specs) known |= s.Name == name;
            // counted in rows, so the report says how much data is being left out
            if (!known) problems.Warning(path, name, "unknown column ignored", Math.Max(1, reader.Metadata?.NumRows ?? 1));
        }
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
        if (field is not DataField data || data.IsArray || data.MaxRepetitionLevel > 0)
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
        ListField l => $"list<{(l.Item is DataField d ? Describe(d) : l.Item.SchemaType.ToString().ToLowerInvariant())}>",
        DataField d when d.ClrType == typeof(ReadOnlyMemory<char>) || d.ClrType == typeof(string) => "string",
        DataField d => d.ClrType.Name.ToLowerInvariant(),
        _ => field.SchemaType.ToString().ToLowerInvariant(),
    };

    // ---- jobs ----

    /// <summary>One column job: a step run for each row group in file order.</summary>
    private sealed record JobSpec(string Name, long Cost, Func<Job, int, Task> Step);

    /// <summary>Per-job state: its own decoder, buffers, problems and (when needed) a Parquet.Net reader.</summary>
    private sealed class Job(FileContext file) : IAsyncDisposable
    {
        private Stream? _fallbackStream;
        private ParquetReader? _fallback;

        public FileContext File { get; } = file;
        /// <summary>Decoder and slot buffers: column-chunk sized, so they pass from a finished job to the next one (see <see cref="RunJobsAsync"/>).</summary>
        public ParquetChunkDecoder Decoder { get; set; } = null!;
        public ColumnSlots Slots { get; set; } = null!;
        public ProblemCollector Problems { get; } = new();
        /// <summary>Next dense id a first-seen value gets (for duplicate checks in id columns).</summary>
        public int Next;

        public async Task<ParquetReader> FallbackAsync(CancellationToken ct)
        {
            if (_fallback is not null) return _fallback;
            _fallbackStream = System.IO.File.OpenRead(File.Path);
            _fallback = await ParquetReader.CreateAsync(_fallbackStream, cancellationToken: ct);
            return _fallback;
        }

        public void Error(string column, int g, long? row, string message) =>
            Problems.Error(File.Path, column, row, message, g);

        public async ValueTask DisposeAsync()
        {
            if (_fallback is not null) await _fallback.DisposeAsync();
            if (_fallbackStream is not null) await _fallbackStream.DisposeAsync();
        }
    }

    private static async Task RunJobsAsync(FileContext file, List<JobSpec> specs, int parallelism, ProblemCollector problems, CancellationToken ct)
    {
        var jobs = new Job[specs.Count];
        for (int i = 0; i < jobs.Length; i++) jobs[i] = new Job(file);
        // Buffers of finished jobs, for the next job to start: only as many sets as jobs run at once get
        // allocated, instead of one per column (each set is tens of MB that must be paged in and zeroed).
        var buffers = new System.Collections.Concurrent.ConcurrentBag<(ParquetChunkDecoder, ColumnSlots)>();
        try
        {
            async ValueTask RunOne(int i, CancellationToken token)
            {
                var job = jobs[i];
                (job.Decoder, job.Slots) = buffers.TryTake(out var reused) ? reused : (new ParquetChunkDecoder(), new ColumnSlots());
                try
                {
                    for (int g = 0; g < file.RowGroupCount; g++)
                    {
                        token.ThrowIfCancellationRequested();
                        await specs[i].Step(job, g);
                    }
                }
                finally
                {
                    buffers.Add((job.Decoder, job.Slots));
                }
            }
            // Biggest columns first so the last job to finish is a small one.
            var order = new int[specs.Count];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            Array.Sort(order, (a, b) => specs[b].Cost != specs[a].Cost ? specs[b].Cost.CompareTo(specs[a].Cost) : a.CompareTo(b));
            if (parallelism <= 1)
            {
                foreach (int i in order) await RunOne(i, ct);
            }
            else
            {
                await Parallel.ForEachAsync(order, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
                    (i, token) => RunOne(i, token));
            }
        }
        finally
        {
            foreach (var j in jobs) await j.DisposeAsync();
        }
        // Problems are merged in job order, not completion order, so reports read the same every time.
        foreach (var j in jobs) problems.Add(j.Problems);
    }

    /// <summary>
    /// The job that interns a table's id column in file order: an id seen before is a duplicate, since ids
    /// are handed out in first-seen order and each new one must be the next.
    /// </summary>
    private static JobSpec UniqueIdJob(FileContext f, string column, string what, StringInterner pool, string stage, IProgress<StageProgress>? progress) =>
        new(column, f.Cost(column), async (job, g) =>
        {
            int n = f.RowCount[g];
            if (f.Columns.ContainsKey(column) && await ReadStringsAsync(job, column, g, v => v.IsEmpty ? -2 : pool.GetOrAdd(v), null, pool))
            {
                var ids = job.Slots.Ids;
                for (int r = 0; r < n; r++)
                {
                    int id = ids[r];
                    if (id < 0) job.Error(column, g, f.RowBase[g] + r + 1, $"{what} is null or empty");
                    else if (id == job.Next) job.Next++;
                    else job.Error(column, g, f.RowBase[g] + r + 1, $"duplicate {what} '{pool[id]}'");
                }
            }
            progress?.Report(new StageProgress(stage, f.RowBase[g] + n, f.TotalRows));
        });

    private static List<JobSpec> AccountJobs(FileContext f, DatasetBuilder b, IProgress<StageProgress>? progress)
    {
        var jobs = new List<JobSpec>
        {
            UniqueIdJob(f, "account_id", "account id", b.AccountIdPool, "read accounts", progress),
        };
        foreach (var (name, arena) in new[]
        {
            ("screen_name", b.AccountScreenName), ("display_name", b.AccountDisplayName), ("description", b.AccountDescription),
            ("reported_location", b.AccountLocation), ("profile_url", b.AccountProfileUrl), ("language", b.AccountLanguage), ("label", b.AccountLabel),
        })
        {
            jobs.Add(new(name, f.Cost(name), (job, g) => ArenaColumnAsync(job, name, g, arena)));
        }
        foreach (var (name, target, none) in new[] { ("created_at", b.AccountCreated, Time.Null), ("follower_count", b.AccountFollowers, -1L), ("following_count", b.AccountFollowing, -1L) })
        {
            jobs.Add(new(name, f.Cost(name), async (job, g) =>
            {
                int n = f.RowCount[g];
                if (!f.Columns.ContainsKey(name) || !await ReadLongsAsync(job, name, g))
                {
                    target.AddRepeated(none, n);
                    return;
                }
                var values = job.Slots.Longs;
                for (int r = 0; r < n; r++) target.Add(values[r] == long.MinValue ? none : values[r]);
            }));
        }
        return jobs;
    }

    private static readonly (string Name, PostList List)[] ListColumns =
    [
        ("hashtags", PostList.Hashtags),
        ("urls", PostList.Urls),
        ("domains", PostList.Domains),
        ("mentions", PostList.Mentions),
        ("media", PostList.Media),
    ];

    private static List<JobSpec> PostJobs(FileContext f, DatasetBuilder b, IProgress<StageProgress>? progress)
    {
        var jobs = new List<JobSpec>
        {
            UniqueIdJob(f, "post_id", "post id", b.PostIdPool, "read posts", progress),
            new("account_id+created_at", f.Cost("account_id") + f.Cost("created_at"), async (job, g) =>
            {
                int n = f.RowCount[g];
                // Authors go to the account id pool directly; the accounts of new ones are added after the chunk.
                bool read = f.Columns.ContainsKey("account_id") && await ReadStringsAsync(job, "account_id", g, v => v.IsEmpty ? -2 : b.AccountIdPool.GetOrAdd(v), null, b.AccountIdPool);
                b.AddAccountsForNewAuthors();
                if (read)
                {
                    var ids = job.Slots.Ids;
                    for (int r = 0; r < n; r++)
                    {
                        if (ids[r] < 0) job.Error("account_id", g, f.RowBase[g] + r + 1, "author account id is null or empty");
                        else b.AppendAuthor(ids[r]);
                    }
                }
                if (f.Columns.ContainsKey("created_at") && await ReadLongsAsync(job, "created_at", g))
                {
                    var times = job.Slots.Longs.AsSpan(0, n);
                    b.PostTime.AddRange(times);
                    if (times.Contains(Time.Null))
                        for (int r = 0; r < n; r++)
                            if (times[r] == Time.Null) job.Error("created_at", g, f.RowBase[g] + r + 1, "created_at is null");
                }
            }),
            new("text", f.Cost("text"), (job, g) => ArenaColumnAsync(job, "text", g, b.PostText)),
            new("language+client", f.Cost("language") + f.Cost("client"), async (job, g) =>
            {
                await InternedColumnAsync(job, "language", g, b.LanguagePool, b.PostLanguage);
                await InternedColumnAsync(job, "client", g, b.ClientPool, b.PostClient);
            }),
            // Columns sharing one interner stay in one job, in a fixed order, so their ids never depend on timing.
            new("post references", f.Cost("repost_of_post_id") + f.Cost("reply_to_post_id") + f.Cost("quote_of_post_id"), async (job, g) =>
            {
                await InternedColumnAsync(job, "repost_of_post_id", g, b.PostRefPool, b.RepostOfPostColumn);
                await InternedColumnAsync(job, "reply_to_post_id", g, b.PostRefPool, b.ReplyToPostColumn);
                await InternedColumnAsync(job, "quote_of_post_id", g, b.PostRefPool, b.QuoteOfPostColumn);
            }),
            new("account references", f.Cost("repost_of_account_id") + f.Cost("reply_to_account_id"), async (job, g) =>
            {
                await InternedColumnAsync(job, "repost_of_account_id", g, b.AccountRefPool, b.RepostOfAccountColumn);
                await InternedColumnAsync(job, "reply_to_account_id", g, b.AccountRefPool, b.ReplyToAccountColumn);
            }),
        };
        foreach (var (name, list) in ListColumns)
            jobs.Add(new(name, f.Cost(name), (job, g) => ListColumnAsync(job, name, list, g, b)));
        return jobs;
    }

    private static async Task ArenaColumnAsync(Job job, string name, int g, StringArena arena)
    {
        int n = job.File.RowCount[g];
        int before = arena.Count;
        if (!job.File.Columns.ContainsKey(name) || !await ReadStringsAsync(job, name, g, v => arena.Add(v), () => arena.AddNull()))
        {
            // keep the column aligned with the rows even when it could not be read (the dataset is not built then)
            while (arena.Count < before + n) arena.AddNull();
        }
    }

    private static async Task InternedColumnAsync(Job job, string name, int g, StringInterner pool, GrowArray<int> target)
    {
        int n = job.File.RowCount[g];
        if (!job.File.Columns.ContainsKey(name) || !await ReadStringsAsync(job, name, g, v => v.IsEmpty ? -1 : pool.GetOrAdd(v), null, pool))
        {
            target.AddRepeated(-1, n);
            return;
        }
        target.AddRange(job.Slots.Ids.AsSpan(0, n));
    }

    private static async Task ListColumnAsync(Job job, string name, PostList list, int g, DatasetBuilder b)
    {
        int n = job.File.RowCount[g];
        var dict = b.ListDictionary(list);
        if (!job.File.Columns.ContainsKey(name) || !await ReadStringsAsync(job, name, g, v => dict.GetOrAdd(v), null, dict))
        {
            b.ListOffsets(list).AddRepeated(b.ListValues(list).Count, n);
            return;
        }
        var slots = job.Slots;
        int maxDef = job.File.Columns[name].MaxDefinitionLevel;
        int count = slots.Count;
        var rep = slots.Rep.AsSpan(0, count);
        var def = slots.Def.AsSpan(0, count);
        var ids = slots.Ids.AsSpan(0, count);
        // A row starts at every slot with repetition level 0 (and at the first slot, whatever its level).
        int rows = count == 0 ? 0 : 1 + rep[1..].Count(0);
        if (rows == n)
        {
            // The usual case, straight into the CSR arrays: each row's end offset and its present values.
            var values = b.ListValues(list);
            int first = values.Count;
            var outValues = values.Append(def.Count(maxDef));
            var ends = b.ListOffsets(list).Append(n);
            int v = 0, row = 0;
            for (int s = 0; s < count; s++)
            {
                if (rep[s] == 0 && s > 0) ends[row++] = first + v;
                if (def[s] == maxDef) outValues[v++] = ids[s];
            }
            if (count > 0) ends[row] = first + v;
            return;
        }
        rows = 0;
        for (int s = 0; s < count; s++)
        {
            if (rep[s] == 0 && s > 0)
            {
                b.EndListRow(list);
                rows++;
            }
            if (def[s] == maxDef) b.AppendListId(list, ids[s]);
        }
        if (count > 0)
        {
            b.EndListRow(list);
            rows++;
        }
        if (rows != n)
        {
            job.Error(name, g, job.File.RowBase[g] + 1, $"list column has {rows} rows in this row group, expected {n}");
            for (; rows < n; rows++) b.EndListRow(list);
        }
    }

    // ---- decoding one column chunk ----

    /// <summary>Decodes column <paramref name="name"/> of row group <paramref name="g"/> into <c>job.Slots</c>; false (with the problem recorded) when it cannot.</summary>
    /// <remarks><paramref name="pool"/> only where <paramref name="intern"/> is <c>pool.GetOrAdd</c> for every non-empty value; <paramref name="utf8"/> only where it
    /// interns exactly as <paramref name="intern"/> does, from UTF-8 (see <see cref="ParquetChunkDecoder.DecodeStrings"/>).</remarks>
    private static async Task<bool> ReadStringsAsync(Job job, string name, int g, ValueInterner intern, Action? onNull, StringInterner? pool = null, Utf8ValueInterner? utf8 = null)
    {
        var f = job.File;
        var field = f.Columns[name];
        var md = f.Chunk(name, g);
        bool ok = true;
        if (md is not null && ParquetChunkDecoder.Supports(md))
        {
            try
            {
                job.Decoder.DecodeStrings(f.Handle, md, field.MaxDefinitionLevel, field.MaxRepetitionLevel, intern, onNull, job.Slots, pool, utf8);
                return CheckCount(job, name, g, field);
            }
            catch (NotSupportedException) when (!job.Decoder.Produced)
            {
                // fall through to Parquet.Net
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                DecodeError(job, name, g, e);
                return false;
            }
        }
        try
        {
            var reader = await job.FallbackAsync(CancellationToken.None);
            using var rg = reader.OpenRowGroupReader(g);
            long count = md?.NumValues ?? rg.RowCount;
            if (count > int.MaxValue) throw new InvalidDataException($"{count} values in one row group");
            int slots = (int)count;
            var values = new ReadOnlyMemory<char>[slots];
            var def = new int[slots];
            // Typed nulls on purpose: a bare null here converts through int[] to a non-null, empty Memory<int>.
            Memory<int>? rep = field.MaxRepetitionLevel > 0 ? new int[slots] : (Memory<int>?)null;
            Memory<int>? defs = field.MaxDefinitionLevel > 0 ? def : (Memory<int>?)null;
            await rg.ReadRawAsync<ReadOnlyMemory<char>>(field, values, defs, rep);
            var s = job.Slots;
            s.Reset(slots, strings: true);
            int maxDef = field.MaxDefinitionLevel;
            var repSpan = rep is { } r ? r.Span : default;
            for (int i = 0, v = 0; i < slots; i++)
            {
                s.Def[i] = def[i];
                s.Rep[i] = repSpan.IsEmpty ? 0 : repSpan[i];
                if (maxDef == 0 || def[i] == maxDef) s.Ids[i] = intern(values[v++].Span);
                else
                {
                    s.Ids[i] = -1;
                    onNull?.Invoke();
                }
            }
            s.Count = slots;
            ok = CheckCount(job, name, g, field);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            DecodeError(job, name, g, e);
            return false;
        }
        return ok;
    }

    /// <summary>Decodes an int64 or timestamp column (µs) into <c>job.Slots.Longs</c>, <see cref="long.MinValue"/> for nulls.</summary>
    private static async Task<bool> ReadLongsAsync(Job job, string name, int g)
    {
        var f = job.File;
        var field = f.Columns[name];
        var md = f.Chunk(name, g);
        long? scale = field.ClrType == typeof(long) ? 1 : TimestampScale(f, field);
        if (md is not null && scale is { } sc && ParquetChunkDecoder.Supports(md))
        {
            try
            {
                job.Decoder.DecodeInt64(f.Handle, md, field.MaxDefinitionLevel, 0, sc, job.Slots);
                return CheckCount(job, name, g, field);
            }
            catch (NotSupportedException)
            {
                // fall through to Parquet.Net
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                DecodeError(job, name, g, e);
                return false;
            }
        }
        try
        {
            var reader = await job.FallbackAsync(CancellationToken.None);
            using var rg = reader.OpenRowGroupReader(g);
            int n = checked((int)rg.RowCount);
            long[] values = field.ClrType == typeof(long) || field.ClrType == typeof(int)
                ? await ReadInt64Async(rg, field, n)
                : await ReadTimestampsAsync(rg, field, n);
            var s = job.Slots;
            s.Reset(n, strings: false);
            values.CopyTo(s.Longs, 0);
            s.Count = n;
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            DecodeError(job, name, g, e);
            return false;
        }
    }

    private static bool CheckCount(Job job, string name, int g, DataField field)
    {
        if (field.MaxRepetitionLevel > 0 || job.Slots.Count == job.File.RowCount[g]) return true;
        job.Error(name, g, job.File.RowBase[g] + 1, $"column has {job.Slots.Count} values in this row group, expected {job.File.RowCount[g]}");
        return false;
    }

    private static void DecodeError(Job job, string name, int g, Exception e)
    {
        var f = job.File;
        job.Error(name, g, null, $"cannot decode rows {f.RowBase[g] + 1}-{f.RowBase[g] + f.RowCount[g]} (corrupt or truncated data?): {e.Message}");
    }

    /// <summary>Multiplier from a timestamp column's stored unit to µs (negative: divisor), or null when it is not an int64 timestamp.</summary>
    private static long? TimestampScale(FileContext f, DataField field)
    {
        var schema = f.Reader.Metadata?.Schema;
        if (schema is null) return null;
        foreach (var e in schema)
        {
            if (e.Name != field.Name || e.NumChildren is > 0) continue;
            if (e.Type != Parquet.Meta.Type.INT64) return null;
            var unit = e.LogicalType?.TIMESTAMP?.Unit;
            if (unit?.MILLIS is not null) return 1000;
            if (unit?.MICROS is not null) return 1;
            if (unit?.NANOS is not null) return -1000;
            return e.ConvertedType switch
            {
                Parquet.Meta.ConvertedType.TIMESTAMP_MILLIS => 1000,
                Parquet.Meta.ConvertedType.TIMESTAMP_MICROS => 1,
                _ => null,
            };
        }
        return null;
    }

    /// <summary>Timestamps as µs since epoch, <see cref="Time.Null"/> for nulls (Parquet.Net path for INT96 and dates).</summary>
    private static async Task<long[]> ReadTimestampsAsync(ParquetRowGroupReader rg, DataField field, int n)
    {
        var result = new long[n];
        if (field.ClrType == typeof(DateTime))
        {
            var values = new DateTime[n];
            var def = await ReadRawAsync(rg, field, values, n);
            Unpack(values, def, field.MaxDefinitionLevel, result, Time.FromDateTime);
        }
        else if (field.ClrType == typeof(DateTimeOffset))
        {
            var values = new DateTimeOffset[n];
            var def = await ReadRawAsync(rg, field, values, n);
            Unpack(values, def, field.MaxDefinitionLevel, result, d => Time.FromDateTime(d.UtcDateTime));
        }
        else
        {
            var values = new DateOnly[n];
            var def = await ReadRawAsync(rg, field, values, n);
            Unpack(values, def, field.MaxDefinitionLevel, result, d => Time.FromDateTime(d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)));
        }
        return result;
    }

    /// <summary>Int64 values, long.MinValue for nulls.</summary>
    private static async Task<long[]> ReadInt64Async(ParquetRowGroupReader rg, DataField field, int n)
    {
        var result = new long[n];
        if (field.ClrType == typeof(long))
        {
            var values = new long[n];
            var def = await ReadRawAsync(rg, field, values, n);
            Unpack(values, def, field.MaxDefinitionLevel, result, x => x);
        }
        else
        {
            var values = new int[n];
            var def = await ReadRawAsync(rg, field, values, n);
            Unpack(values, def, field.MaxDefinitionLevel, result, x => x);
        }
        return result;
    }

    private static async Task<int[]?> ReadRawAsync<T>(ParquetRowGroupReader rg, DataField field, T[] values, int n)
        where T : struct
    {
        if (field.MaxDefinitionLevel == 0)
        {
            await rg.ReadRawAsync<T>(field, values, null, null);
            return null;
        }
        var def = new int[n];
        await rg.ReadRawAsync<T>(field, values, def, null);
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
