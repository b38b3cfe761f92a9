using System.IO.Compression;
using System.Text;
using NetDetect.Core.Data;

namespace NetDetect.Core.Import;

/// <summary>A CSV input, plain or gzip-compressed: records from <see cref="CsvFieldReader"/>, the first one the header.</summary>
internal sealed class CsvInput : RowInput
{
    private readonly FileStream _stream;
    private readonly CsvFieldReader _reader;
    private readonly CountingStream? _inflated;
    private readonly uint _gzipSize;
    private bool _sizeChecked;

    private CsvInput(string path, FileStream stream, CsvFieldReader reader, string[] header, CountingStream? inflated, uint gzipSize)
        : base(path, header)
    {
        _stream = stream;
        _reader = reader;
        _inflated = inflated;
        _gzipSize = gzipSize;
    }

    public override long Length => _stream.Length;

    public override long Position => _stream.Position;

    public override long Row => _reader.Row;

    public override string? Where => $"line {_reader.Line:N0}";

    public override ReadOnlySpan<char> this[int column] => _reader[column];

    public static CsvInput Open(string path, FileStream stream, bool gzip)
    {
        // gzip ends with the uncompressed size mod 2^32; .NET stops quietly at a cut-off stream, so the count of
        // bytes inflated is compared with it at the end to tell a truncated download from a short file
        uint gzipSize = 0;
        CountingStream? inflated = null;
        if (gzip && stream.Length >= 18)
        {
            Span<byte> trailer = stackalloc byte[4];
            stream.Position = stream.Length - 4;
            stream.ReadExactly(trailer);
            stream.Position = 0;
            gzipSize = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        }
        Stream content = stream;
        if (gzip) content = inflated = new CountingStream(new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true));
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
        return new CsvInput(path, stream, reader, header, inflated, gzipSize);
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
            catch (DataFormatException e) when (_inflated is not null && !SizeMatchesTrailer())
            {
                // an unterminated quote at the end of a cut-off .gz is the cut, not the data
                var p = e.Problems[0];
                throw new DataFormatException(p with { Message = $"{p.Message}; the gzip data also ends early ({TruncationText()}), so the file is probably truncated" });
            }
            if (!more)
            {
                if (_inflated is not null && !_sizeChecked && !SizeMatchesTrailer())
                {
                    problems.Warning(Path, null, $"the gzip data may be truncated: {TruncationText()} (a file of several gzip members also shows this)");
                }
                _sizeChecked = true;
                return false;
            }
            if (_reader.FieldCount == Header.Length) return true;
            problems.Error(Path, null, _reader.Row,
                $"line {_reader.Line:N0}: the row has {_reader.FieldCount} fields but the header has {Header.Length} (an unquoted comma or a stray quote?); row skipped");
        }
    }

    private bool SizeMatchesTrailer() => (uint)_inflated!.Count == _gzipSize;

    private string TruncationText() => $"{_inflated!.Count:N0} bytes inflated, the gzip trailer records {_gzipSize:N0} (mod 2^32)";

    public override void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}

/// <summary>A read-only pass-through that counts the bytes read (the inflated size of a gzip input).</summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    public long Count { get; private set; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = inner.Read(buffer, offset, count);
        Count += n;
        return n;
    }

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        Count += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Count; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
