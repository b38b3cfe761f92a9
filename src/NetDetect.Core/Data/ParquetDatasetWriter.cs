using Parquet;
using Parquet.Schema;

namespace NetDetect.Core.Data;

/// <summary>Writes canonical <c>accounts.parquet</c> and <c>posts.parquet</c>.</summary>
/// <remarks>
/// Files are written under temporary names in the target directory and renamed only when both are complete,
/// so a failed write never leaves a half-written dataset where a reader would take it for a whole one.
/// </remarks>
public static class ParquetDatasetWriter
{
    public const int DefaultRowGroupSize = 500_000;

    /// <summary>Writes a whole dataset to <paramref name="directory"/>.</summary>
    public static async Task WriteAsync(Dataset dataset, string directory, CancellationToken cancellationToken = default)
    {
        await using var target = DatasetOutput.Begin(directory);
        await using (var accounts = await AccountsParquetWriter.CreateAsync(target.AccountsPath, cancellationToken))
        {
            var batch = new List<AccountRecord>();
            for (int i = 0; i < dataset.Accounts.Count; i++)
            {
                batch.Add(dataset.Accounts.ToRecord(i));
                if (batch.Count == DefaultRowGroupSize)
                {
                    await accounts.WriteRowGroupAsync(batch, cancellationToken);
                    batch.Clear();
                }
            }
            if (batch.Count > 0 || dataset.Accounts.Count == 0) await accounts.WriteRowGroupAsync(batch, cancellationToken);
        }
        await using (var posts = await PostsParquetWriter.CreateAsync(target.PostsPath, cancellationToken))
        {
            var batch = new List<PostRecord>();
            for (int j = 0; j < dataset.Posts.Count; j++)
            {
                batch.Add(dataset.Posts.ToRecord(j, dataset.Accounts));
                if (batch.Count == DefaultRowGroupSize)
                {
                    await posts.WriteRowGroupAsync(batch, cancellationToken);
                    batch.Clear();
                }
            }
            if (batch.Count > 0 || dataset.Posts.Count == 0) await posts.WriteRowGroupAsync(batch, cancellationToken);
        }
        target.Commit();
    }
}

/// <summary>A dataset directory being written: temporary file names until <see cref="Commit"/>.</summary>
public sealed class DatasetOutput : IAsyncDisposable
{
    private readonly string _directory;
    private readonly bool _createdDirectory;
    private bool _committed;

    private DatasetOutput(string directory, bool created)
    {
        _directory = directory;
        _createdDirectory = created;
        string tag = Guid.NewGuid().ToString("N")[..8];
        AccountsPath = Path.Combine(directory, $".{CanonicalSchema.AccountsFile}.{tag}.tmp");
        PostsPath = Path.Combine(directory, $".{CanonicalSchema.PostsFile}.{tag}.tmp");
    }

    public string AccountsPath { get; }
    public string PostsPath { get; }

    public static DatasetOutput Begin(string directory)
    {
        bool created = !Directory.Exists(directory);
        Directory.CreateDirectory(directory);
        return new DatasetOutput(directory, created);
    }

    /// <summary>Moves both files to their final names.</summary>
    public void Commit()
    {
        File.Move(AccountsPath, Path.Combine(_directory, CanonicalSchema.AccountsFile), overwrite: true);
        File.Move(PostsPath, Path.Combine(_directory, CanonicalSchema.PostsFile), overwrite: true);
        _committed = true;
    }

    public ValueTask DisposeAsync()
    {
        if (!_committed)
        {
            TryDelete(AccountsPath);
            TryDelete(PostsPath);
            if (_createdDirectory && Directory.Exists(_directory) && !Directory.EnumerateFileSystemEntries(_directory).Any())
                Directory.Delete(_directory);
        }
        return ValueTask.CompletedTask;
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
        }
        catch (IOException)
        {
            // best effort: a leftover temporary file is named so no reader mistakes it for data
        }
    }
}

/// <summary>Canonical Parquet fields, shared by the writers.</summary>
internal static class CanonicalFields
{
    public static DataField String(string name) => new DataField<string>(name);

    public static DataField Timestamp(string name, bool nullable) =>
        new DateTimeDataField(name, DateTimeFormat.Timestamp, true, DateTimeTimeUnit.Micros, nullable);

    public static DataField Int64(string name) => new DataField<long?>(name);

    public static ListField List(string name) => new(name, new DataField<string>("element"));

    public static Field For(ColumnSpec spec) => spec.Kind switch
    {
        ColumnKind.String => String(spec.Name),
        ColumnKind.Timestamp => Timestamp(spec.Name, !spec.Required),
        ColumnKind.Int64 => Int64(spec.Name),
        ColumnKind.StringList => List(spec.Name),
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    public static ParquetSchema Schema(IReadOnlyList<ColumnSpec> columns) => new(columns.Select(For).ToArray());

    public static async Task WriteStrings(ParquetRowGroupWriter rg, Field field, IReadOnlyList<string?> values)
    {
        await rg.WriteAsync((DataField)field, values.ToArray(), null);
    }

    public static async Task WriteList(ParquetRowGroupWriter rg, Field field, IReadOnlyList<string[]?> rows, CancellationToken ct)
    {
        var list = (ListField)field;
        var values = new List<ReadOnlyMemory<char>>();
        var def = new List<int>();
        var rep = new List<int>();
        foreach (var row in rows)
        {
            if (row is null || row.Length == 0)
            {
                def.Add(row is null ? 0 : 1);
                rep.Add(0);
                continue;
            }
            for (int k = 0; k < row.Length; k++)
            {
                rep.Add(k == 0 ? 0 : 1);
                if (row[k] is null)
                {
                    def.Add(2);
                }
                else
                {
                    def.Add(3);
                    values.Add(row[k].AsMemory());
                }
            }
        }
        await rg.WriteAllPartsAsync<ReadOnlyMemory<char>>((DataField)list.Item, values.ToArray(), def.ToArray(), rep.ToArray(), ct);
    }

    public static async Task WriteTimestamps(ParquetRowGroupWriter rg, Field field, IReadOnlyList<long?> micros, bool nullable, CancellationToken ct)
    {
        if (nullable)
        {
            var values = micros.Select(m => m is { } v ? Time.ToDateTime(v) : (DateTime?)null).ToArray();
            await rg.WriteAsync<DateTime>((DataField)field, values, null, null, ct);
        }
        else
        {
            var values = micros.Select(m => Time.ToDateTime(m!.Value)).ToArray();
            await rg.WriteAsync<DateTime>((DataField)field, values, null, null, ct);
        }
    }
}

/// <summary>Streams <see cref="AccountRecord"/> batches into a canonical <c>accounts.parquet</c>, one row group per batch.</summary>
public sealed class AccountsParquetWriter : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly ParquetWriter _writer;
    private readonly ParquetSchema _schema;

    private AccountsParquetWriter(Stream stream, ParquetWriter writer, ParquetSchema schema)
    {
        _stream = stream;
        _writer = writer;
        _schema = schema;
    }

    public static async Task<AccountsParquetWriter> CreateAsync(string path, CancellationToken cancellationToken = default)
    {
        var schema = CanonicalFields.Schema(CanonicalSchema.Accounts);
        var stream = File.Create(path);
        var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: cancellationToken);
        return new AccountsParquetWriter(stream, writer, schema);
    }

    public async Task WriteRowGroupAsync(IReadOnlyList<AccountRecord> rows, CancellationToken cancellationToken = default)
    {
        var f = _schema.Fields;
        using var rg = _writer.CreateRowGroup();
        await CanonicalFields.WriteStrings(rg, f[0], rows.Select(r => (string?)r.AccountId).ToList());
        await CanonicalFields.WriteStrings(rg, f[1], rows.Select(r => r.ScreenName).ToList());
        await CanonicalFields.WriteStrings(rg, f[2], rows.Select(r => r.DisplayName).ToList());
        await CanonicalFields.WriteStrings(rg, f[3], rows.Select(r => r.Description).ToList());
        await CanonicalFields.WriteStrings(rg, f[4], rows.Select(r => r.ReportedLocation).ToList());
        await CanonicalFields.WriteStrings(rg, f[5], rows.Select(r => r.ProfileUrl).ToList());
        await CanonicalFields.WriteTimestamps(rg, f[6], rows.Select(r => r.CreatedAt).ToList(), true, cancellationToken);
        await rg.WriteAsync<long>((DataField)f[7], rows.Select(r => r.FollowerCount).ToArray(), null, null, cancellationToken);
        await rg.WriteAsync<long>((DataField)f[8], rows.Select(r => r.FollowingCount).ToArray(), null, null, cancellationToken);
        await CanonicalFields.WriteStrings(rg, f[9], rows.Select(r => r.Language).ToList());
        await CanonicalFields.WriteStrings(rg, f[10], rows.Select(r => r.Label).ToList());
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _stream.DisposeAsync();
    }
}

/// <summary>Streams <see cref="PostRecord"/> batches into a canonical <c>posts.parquet</c>, one row group per batch.</summary>
public sealed class PostsParquetWriter : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly ParquetWriter _writer;
    private readonly ParquetSchema _schema;

    private PostsParquetWriter(Stream stream, ParquetWriter writer, ParquetSchema schema)
    {
        _stream = stream;
        _writer = writer;
        _schema = schema;
    }

    public static async Task<PostsParquetWriter> CreateAsync(string path, CancellationToken cancellationToken = default)
    {
        var schema = CanonicalFields.Schema(CanonicalSchema.Posts);
        var stream = File.Create(path);
        var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: cancellationToken);
        return new PostsParquetWriter(stream, writer, schema);
    }

    public async Task WriteRowGroupAsync(IReadOnlyList<PostRecord> rows, CancellationToken cancellationToken = default)
    {
        var f = _schema.Fields;
        using var rg = _writer.CreateRowGroup();
        await CanonicalFields.WriteStrings(rg, f[0], rows.Select(r => (string?)r.PostId).ToList());
        await CanonicalFields.WriteStrings(rg, f[1], rows.Select(r => (string?)r.AccountId).ToList());
        await CanonicalFields.WriteTimestamps(rg, f[2], rows.Select(r => (long?)r.CreatedAt).ToList(), false, cancellationToken);
        await CanonicalFields.WriteStrings(rg, f[3], rows.Select(r => r.Text).ToList());
        await CanonicalFields.WriteStrings(rg, f[4], rows.Select(r => r.Language).ToList());
        await CanonicalFields.WriteStrings(rg, f[5], rows.Select(r => r.Client).ToList());
        await CanonicalFields.WriteStrings(rg, f[6], rows.Select(r => r.RepostOfPostId).ToList());
        await CanonicalFields.WriteStrings(rg, f[7], rows.Select(r => r.RepostOfAccountId).ToList());
        await CanonicalFields.WriteStrings(rg, f[8], rows.Select(r => r.ReplyToPostId).ToList());
        await CanonicalFields.WriteStrings(rg, f[9], rows.Select(r => r.ReplyToAccountId).ToList());
        await CanonicalFields.WriteStrings(rg, f[10], rows.Select(r => r.QuoteOfPostId).ToList());
        await CanonicalFields.WriteList(rg, f[11], rows.Select(r => r.Hashtags).ToList(), cancellationToken);
        await CanonicalFields.WriteList(rg, f[12], rows.Select(r => r.Urls).ToList(), cancellationToken);
        await CanonicalFields.WriteList(rg, f[13], rows.Select(r => r.Domains).ToList(), cancellationToken);
        await CanonicalFields.WriteList(rg, f[14], rows.Select(r => r.Mentions).ToList(), cancellationToken);
        await CanonicalFields.WriteList(rg, f[15], rows.Select(r => r.Media).ToList(), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _stream.DisposeAsync();
    }
}
