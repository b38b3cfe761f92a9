using System.IO.Compression;
using System.Text;
using NetDetect.Core.Data;

namespace NetDetect.Core.Import;

/// <summary>
/// One input file opened for reading: plain or gzip (recognised by its magic bytes, whatever the name), with its
/// header row read and indexed. Progress is measured in bytes of the file on disk.
/// </summary>
internal sealed class CsvInput : IDisposable
{
    private readonly FileStream _stream;
    private readonly Dictionary<string, int> _columns;

    private CsvInput(string path, FileStream stream, CsvFieldReader reader, string[] header)
    {
        Path = path;
        _stream = stream;
        Reader = reader;
        Header = header;
        _columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Length; i++) _columns.TryAdd(header[i], i);
    }

    /// <summary>The path as the user gave it (used in every message).</summary>
    public string Path { get; }

    public CsvFieldReader Reader { get; }

    public string[] Header { get; }

    /// <summary>Bytes of the file on disk.</summary>
    public long Length => _stream.Length;

    /// <summary>Bytes consumed so far (compressed bytes for a .gz file).</summary>
    public long Position => _stream.Position;

    /// <summary>Opens <paramref name="path"/> and reads its header; a missing, empty or unreadable file is a <see cref="DataFormatException"/>.</summary>
    public static CsvInput Open(string path)
    {
        if (Directory.Exists(path))
            throw new DataFormatException(DataProblem.Error(path, null, null, "is a directory; give the CSV files to import"));
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
            Stream content = IsGzip(stream) ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream;
            var text = new StreamReader(content, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: false);
            var reader = new CsvFieldReader(text, path);
            string[] header;
            try
            {
                if (!reader.ReadRecord())
                    throw new DataFormatException(DataProblem.Error(path, null, null, "file is empty: expected a header row and data rows"));
                header = new string[reader.FieldCount];
                for (int i = 0; i < header.Length; i++) header[i] = reader[i].Trim().ToString();
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(DataProblem.Error(path, null, null, $"not a readable gzip file (truncated or corrupt?): {e.Message}"));
            }
            reader.Header = header;
            return new CsvInput(path, stream, reader, header);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static bool IsGzip(FileStream stream)
    {
        Span<byte> magic = stackalloc byte[2];
        int n = stream.Read(magic);
        stream.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    /// <summary>Index of column <paramref name="name"/> (case-insensitive), or -1.</summary>
    public int Column(string name) => _columns.TryGetValue(name, out int i) ? i : -1;

    public bool Has(string name) => _columns.ContainsKey(name);

    /// <summary>Reads the next data row, checking it has as many fields as the header.</summary>
    /// <returns>False at the end of the file.</returns>
    public bool Next(ProblemCollector problems)
    {
        while (true)
        {
            bool more;
            try
            {
                more = Reader.ReadRecord();
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(DataProblem.Error(Path, null, Reader.Row + 1,
                    $"gzip data is corrupt or truncated after line {Reader.Line:N0}: {e.Message}"));
            }
            if (!more) return false;
            if (Reader.FieldCount == Header.Length) return true;
            problems.Error(Path, null, Reader.Row,
                $"line {Reader.Line:N0}: the row has {Reader.FieldCount} fields but the header has {Header.Length} (an unquoted comma or a stray quote?); row skipped");
        }
    }

    public void Dispose()
    {
        Reader.Dispose();
        _stream.Dispose();
    }
}
