using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace NetDetect.Api.Storage;

/// <summary>What differs between the SQL databases the store runs on: opening connections and the identity column.</summary>
public abstract class SqlDialect
{
    public abstract string Name { get; }

    /// <summary>Column definition of an auto-incrementing 64-bit key.</summary>
    public abstract string IdentityColumn { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>True when the exception is a unique-constraint violation.</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>A query with parameters @table and @column that counts the columns of that name (schema upgrades).</summary>
    public abstract string CountColumnSql { get; }
}

/// <summary>SQLite in WAL mode with full fsync on commit, so a committed write survives a kill.</summary>
public sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;

    public SqliteDialect(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30 };
        _connectionString = builder.ToString();
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:")
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
    }

    public override string Name => "sqlite";

    public override string IdentityColumn => "INTEGER PRIMARY KEY AUTOINCREMENT";

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        // WAL persists in the file; synchronous and busy_timeout are per connection
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT

    public override string CountColumnSql => "SELECT COUNT(*) FROM pragma_table_info(@table) WHERE name = @column";
}

/// <summary>PostgreSQL through Npgsql's pooled data source.</summary>
public sealed class PostgresDialect(string connectionString) : SqlDialect, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    public override string Name => "postgres";

    public override string IdentityColumn => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken);

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override string CountColumnSql =>
        "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table AND column_name = @column";

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
