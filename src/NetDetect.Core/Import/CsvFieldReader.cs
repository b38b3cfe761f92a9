using NetDetect.Core.Data;

namespace NetDetect.Core.Import;

/// <summary>
/// A forgiving RFC 4180 reader that keeps the coordinates an error message needs: every record knows its
/// 1-based data row and the physical line it starts on (quoted fields may span lines).
/// </summary>
/// <remarks>
/// Accepted as Python's csv module accepts them (the peer tools and the archive are written by it): a quote
/// inside an unquoted field is literal, characters after a closing quote are appended, CR, LF and CRLF all end
/// a record, blank lines are skipped. The one thing never guessed is a quoted field still open at the end of
/// the file: that is an error naming the line where the quote opened. Field characters are copied into one
/// reusable buffer, so reading allocates nothing per field.
/// </remarks>
internal sealed class CsvFieldReader : IDisposable
{
    private const int BufferSize = 1 << 16;

    private readonly TextReader _reader;
    private readonly string _file;
    private readonly char[] _buffer = new char[BufferSize];
    private int _pos, _len;
    private bool _eof;

    private char[] _record = new char[1024];
    private int _recordLength;
    private int[] _fieldEnd = new int[64];
    private int _fieldCount;

    private long _line = 1; // physical line of the next character to read

    public CsvFieldReader(TextReader reader, string file)
    {
        _reader = reader;
        _file = file;
    }

    /// <summary>Column names used in error messages (set once the header is known).</summary>
    public string[]? Header { get; set; }

    /// <summary>Fields of the current record.</summary>
    public int FieldCount => _fieldCount;

    /// <summary>1-based index of the current record counting the header as record 0, i.e. the data row number.</summary>
    public long Row { get; private set; } = -1;

    /// <summary>Physical 1-based line on which the current record starts.</summary>
    public long Line { get; private set; }

    public ReadOnlySpan<char> this[int field]
    {
        get
        {
            int start = field == 0 ? 0 : _fieldEnd[field - 1];
            return _record.AsSpan(start, _fieldEnd[field] - start);
        }
    }

    /// <summary>The field as a string, or null when it is empty (the archive writes absent values as empty strings).</summary>
    public string? GetStringOrNull(int field)
    {
        var span = this[field];
        return span.IsEmpty ? null : new string(span);
    }

    /// <summary>Reads the next non-blank record; false at the end of the file.</summary>
    public bool ReadRecord()
    {
        while (true)
        {
            if (!ReadRawRecord()) return false;
            if (_fieldCount == 1 && _fieldEnd[0] == 0) continue; // blank line
            Row++;
            return true;
        }
    }

    private bool ReadRawRecord()
    {
        _recordLength = 0;
        _fieldCount = 0;
        if (!EnsureData()) return false;
        Line = _line;
        while (true)
        {
            // one field per iteration
            if (!EnsureData())
            {
                EndField();
                return true;
            }
            if (_buffer[_pos] == '"')
            {
                _pos++;
                ReadQuoted();
            }
            // unquoted part (or what follows a closing quote): copy up to the next delimiter or line end
            while (true)
            {
                if (!EnsureData())
                {
                    EndField();
                    return true;
                }
                var rest = _buffer.AsSpan(_pos, _len - _pos);
                int k = rest.IndexOfAny(',', '\n', '\r');
                if (k < 0)
                {
                    Append(rest);
                    _pos = _len;
                    continue;
                }
                Append(rest[..k]);
                _pos += k;
                char c = _buffer[_pos++];
                if (c == ',')
                {
                    EndField();
                    break;
                }
                // record end: CR, LF or CRLF
                _line++;
                if (c == '\r' && EnsureData() && _buffer[_pos] == '\n') _pos++;
                EndField();
                return true;
            }
        }
    }

    /// <summary>Reads a quoted field body after its opening quote, up to and including the closing quote.</summary>
    private void ReadQuoted()
    {
        long openedLine = _line;
        bool pendingCr = false; // a CR ended the previous chunk: a line break unless an LF follows
        while (true)
        {
            if (!EnsureData())
            {
                string column = Header is { } h && _fieldCount < h.Length ? h[_fieldCount] : $"field {_fieldCount + 1}";
                long? row = Row + 1 >= 1 ? Row + 1 : null;
                string where = row is null ? "in the header" : $"in the record starting on line {Line:N0}";
                throw new DataFormatException(DataProblem.Error(_file, column, row,
                    $"unterminated quoted field {where}: the quote opened on line {openedLine:N0} is never closed before the end of the file"));
            }
            var rest = _buffer.AsSpan(_pos, _len - _pos);
            int q = rest.IndexOf('"');
            var chunk = q < 0 ? rest : rest[..q];
            Append(chunk);
            if (pendingCr && (chunk.IsEmpty || chunk[0] != '\n')) _line++;
            _line += chunk.Count('\n') + CountLoneCr(chunk);
            bool endsWithCr = !chunk.IsEmpty && chunk[^1] == '\r';
            if (endsWithCr && q >= 0) _line++;
            pendingCr = endsWithCr && q < 0;
            if (q < 0)
            {
                _pos = _len;
                continue;
            }
            _pos += q + 1;
            if (EnsureData() && _buffer[_pos] == '"')
            {
                Append("\"");
                _pos++;
                continue;
            }
            return;
        }
    }

    /// <summary>CRs not followed by LF inside <paramref name="chunk"/>; a CR in last place is left to the caller.</summary>
    private static int CountLoneCr(ReadOnlySpan<char> chunk)
    {
        int n = 0;
        int i = chunk.IndexOf('\r');
        while (i >= 0)
        {
            if (i + 1 < chunk.Length && chunk[i + 1] != '\n') n++;
            int next = chunk[(i + 1)..].IndexOf('\r');
            i = next < 0 ? -1 : i + 1 + next;
        }
        return n;
    }

    private void Append(ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty) return;
        if (_recordLength + chars.Length > _record.Length)
            Array.Resize(ref _record, Math.Max(_record.Length * 2, _recordLength + chars.Length));
        chars.CopyTo(_record.AsSpan(_recordLength));
        _recordLength += chars.Length;
    }

    private void EndField()
    {
        if (_fieldCount == _fieldEnd.Length) Array.Resize(ref _fieldEnd, _fieldEnd.Length * 2);
        _fieldEnd[_fieldCount++] = _recordLength;
    }

    private bool EnsureData()
    {
        if (_pos < _len) return true;
        if (_eof) return false;
        _len = _reader.Read(_buffer, 0, _buffer.Length);
        _pos = 0;
        if (_len == 0)
        {
            _eof = true;
            return false;
        }
        return true;
    }

    public void Dispose() => _reader.Dispose();
}
