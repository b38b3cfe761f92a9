using System.IO.Compression;
using System.Text;
using NetDetect.Core.Data;

namespace NetDetect.Core.Import;

/// <summary>A CSV input, plain or gzip-compressed: records from <see cref="CsvFieldReader"/>, the first one the header.</summary>
internal sealed class CsvInput : RowInput
{
    private readonly FileStream _stream;
    private readonly CsvFieldReader _reader;

    private CsvInput(string path, FileStream stream, CsvFieldReader reader, string[] header)
        : base(path, header)
    {
        _stream = stream;
        _reader = reader;
    }

    public override long Length => _stream.Length;

    public override long Position => _stream.Position;

    public override long Row => _reader.Row;

    public override string? Where => $"line {_reader.Line:N0}";

    public override ReadOnlySpan<char> this[int column] => _reader[column];

    public static CsvInput Open(string path, FileStream stream, bool gzip)
    {
        Stream content = gzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream;
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

    /// <summary>Reads the next data row, checking it has as many fields as the header.</summary>
    public override bool Next(ProblemCollector problems)
    {
        while (true)
        {
            bool more;
            try
            {
                more = _reader.ReadRecord();
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(DataProblem.Error(Path, null, _reader.Row + 1,
                    $"gzip data is corrupt or truncated after line {_reader.Line:N0}: {e.Message}"));
            }
            if (!more) return false;
            if (_reader.FieldCount == Header.Length) return true;
            problems.Error(Path, null, _reader.Row,
                $"line {_reader.Line:N0}: the row has {_reader.FieldCount} fields but the header has {Header.Length} (an unquoted comma or a stray quote?); row skipped");
        }
    }

    public override void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}
