using System.Text;

namespace NetDetect.Core.Simulation;

/// <summary>
/// A minimal RFC 4180 reader for the calibration files (quoted fields, doubled quotes, line breaks inside quotes);
/// the calibration runs once on a few hundred thousand rows, so clarity beats speed here.
/// </summary>
internal sealed class CalibrationCsv
{
    private readonly TextReader _reader;
    private readonly Dictionary<string, int> _columns;
    private List<string> _row = [];

    public CalibrationCsv(TextReader reader)
    {
        _reader = reader;
        var header = ReadRow() ?? throw new InvalidDataException("empty CSV");
        _columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++) _columns[header[i]] = i;
    }

    public bool Read()
    {
        var row = ReadRow();
        if (row is null) return false;
        _row = row;
        return true;
    }

    public string Get(string column)
    {
        if (!_columns.TryGetValue(column, out int i)) throw new InvalidDataException($"column '{column}' missing");
        return i < _row.Count ? _row[i] : "";
    }

    private List<string>? ReadRow()
    {
        int c = _reader.Read();
        if (c < 0) return null;
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        while (true)
        {
            if (c < 0)
            {
                fields.Add(sb.ToString());
                return fields;
            }
            char ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (_reader.Peek() == '"')
                    {
                        sb.Append('"');
                        _reader.Read();
                    }
                    else quoted = false;
                }
                else sb.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else if (ch == '\n')
            {
                fields.Add(sb.ToString());
                return fields;
            }
            else if (ch != '\r') sb.Append(ch);
            c = _reader.Read();
        }
    }
}
