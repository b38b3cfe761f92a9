using NetDetect.Core.Data;

namespace NetDetect.Core.Import;

/// <summary>
/// One input file read row by row with its header indexed: CSV (plain or gzip) or Parquet, recognised by the
/// file's first bytes whatever its name. Importers see text fields either way, so every layout reads both.
/// </summary>
internal abstract class RowInput : IDisposable
{
    private readonly Dictionary<string, int> _columns = new(StringComparer.OrdinalIgnoreCase);

    protected RowInput(string path, string[] header)
    {
        Path = path;
        Header = header;
        for (int i = 0; i < header.Length; i++) _columns.TryAdd(header[i], i);
    }

    /// <summary>The path as the user gave it (used in every message).</summary>
    public string Path { get; }

    public string[] Header { get; }

    /// <summary>Bytes of the file on disk.</summary>
    public abstract long Length { get; }

    /// <summary>Bytes consumed so far (compressed bytes for a .gz file).</summary>
    public abstract long Position { get; }

    /// <summary>1-based data row of the current row within the file (header excluded).</summary>
    public abstract long Row { get; }

    /// <summary>0-based row group of the current row, for Parquet.</summary>
    public virtual int? RowGroup => null;

    /// <summary>Where the current row is beyond its row number, for messages: the physical line of a CSV record.</summary>
    public abstract string? Where { get; }

    /// <summary><paramref name="message"/> prefixed with <see cref="Where"/> when there is one.</summary>
    public string At(string message) => Where is { } where ? $"{where}: {message}" : message;

    /// <summary>Field <paramref name="column"/> of the current row as text (empty for null).</summary>
    public abstract ReadOnlySpan<char> this[int column] { get; }

    /// <summary>The field as a string, or null when it is empty (the archive writes absent values as empty strings).</summary>
    public string? GetStringOrNull(int column)
    {
        var span = this[column];
        return span.IsEmpty ? null : new string(span);
    }

    /// <summary>Index of column <paramref name="name"/> (case-insensitive), or -1.</summary>
    public int Column(string name) => _columns.TryGetValue(name, out int i) ? i : -1;

    public bool Has(string name) => _columns.ContainsKey(name);

    /// <summary>Moves to the next data row; false at the end of the file. Rows that cannot be read are reported and skipped.</summary>
    public abstract bool Next(ProblemCollector problems);

    public abstract void Dispose();

    /// <summary>Opens <paramref name="path"/> and reads its header; a missing, empty or unreadable file is a <see cref="DataFormatException"/>.</summary>
    public static RowInput Open(string path)
    {
        if (Directory.Exists(path))
            throw new DataFormatException(DataProblem.Error(path, null, null, "is a directory; give the files to import"));
        if (!File.Exists(path))
            throw new DataFormatException(DataProblem.Error(path, null, null, "file not found"));
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(DataProblem.Error(path, null, null, $"cannot be read: {e.Message}"));
        }
        try
        {
            if (stream.Length == 0)
                throw new DataFormatException(DataProblem.Error(path, null, null, "file is empty: expected a header row and data rows"));
            Span<byte> magic = stackalloc byte[4];
            int n = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
            stream.Position = 0;
            if (n == 4 && magic.SequenceEqual("PAR1"u8)) return ParquetInput.Open(path, stream);
            bool gzip = n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            return CsvInput.Open(path, stream, gzip);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
