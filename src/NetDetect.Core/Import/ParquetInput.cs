using System.Globalization;
using System.Text;
using NetDetect.Core.Data;
using Parquet;
using Parquet.Schema;

namespace NetDetect.Core.Import;

/// <summary>
/// A Parquet input (e.g. an archive release converted to Parquet), read one row group at a time and shown to the
/// importers as text: numbers in invariant form, times as <c>YYYY-MM-DD HH:MM[:SS]</c> UTC, lists as the archive's
/// list-like strings. A float column holding ids therefore shows as <c>1.17E+18</c> and is refused like in CSV.
/// </summary>
internal sealed class ParquetInput : RowInput
{
    private readonly FileStream _stream;
    private readonly ParquetReader _reader;
    private readonly Field[] _fields;
    private string?[][] _cells = [];
    private int _group = -1, _rowInGroup, _groupRows;
    private long _row, _rowsBefore;

    private ParquetInput(string path, FileStream stream, ParquetReader reader, Field[] fields)
        : base(path, fields.Select(f => f.Name).ToArray())
    {
        _stream = stream;
        _reader = reader;
        _fields = fields;
    }

    public override long Length => _stream.Length;

    /// <summary>Progress through the file measured in rows, scaled to bytes so the bar reads like CSV's.</summary>
    public override long Position
    {
        get
        {
            long total = Math.Max(1, _reader.RowGroups.Sum(g => g.RowCount));
            return (long)((double)_row / total * _stream.Length);
        }
    }

    public override long Row => _row;

    public override int? RowGroup => _group < 0 ? null : _group;

    public override string? Where => null;

    public override ReadOnlySpan<char> this[int column] => _cells[column][_rowInGroup];

    public static ParquetInput Open(string path, FileStream stream)
    {
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(stream, leaveStreamOpen: true).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DataFormatException(DataProblem.Error(path, null, null, $"not a readable Parquet file (truncated or corrupt?): {e.Message}"));
        }
        var problems = new List<DataProblem>();
        foreach (var field in reader.Schema.Fields)
        {
            bool flat = field is DataField { IsArray: false };
            bool list = field is ListField { Item: DataField };
            if (!flat && !list)
                problems.Add(DataProblem.Error(path, field.Name, null, $"unsupported Parquet column type {field.SchemaType}: expected a value or a list of values"));
        }
        if (problems.Count > 0)
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new DataFormatException(problems);
        }
        return new ParquetInput(path, stream, reader, reader.Schema.Fields.ToArray());
    }

    public override bool Next(ProblemCollector problems)
    {
        while (_group < 0 || _rowInGroup + 1 >= _groupRows)
        {
            if (_group + 1 >= _reader.RowGroupCount) return false;
            LoadGroup(_group + 1);
        }
        _rowInGroup++;
        _row = _rowsBefore + _rowInGroup + 1;
        return true;
    }

    private void LoadGroup(int group)
    {
        if (_group >= 0) _rowsBefore += _groupRows;
        _group = group;
        _rowInGroup = -1;
        try
        {
            using var rg = _reader.OpenRowGroupReader(group);
            _groupRows = checked((int)rg.RowCount);
            _cells = new string?[_fields.Length][];
            for (int c = 0; c < _fields.Length; c++)
            {
                _cells[c] = _fields[c] is ListField { Item: DataField item }
                    ? ReadListAsText(rg, item, _groupRows)
                    : ReadAsText(rg, (DataField)_fields[c], _groupRows);
            }
        }
        catch (Exception e) when (e is not (OperationCanceledException or DataFormatException))
        {
            throw new DataFormatException(DataProblem.Error(Path, null, null, $"row group {group} cannot be read (truncated or corrupt?): {e.Message}", group));
        }
    }

    private string?[] ReadAsText(ParquetRowGroupReader rg, DataField field, int n)
    {
        var t = field.ClrType;
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>)) return Flat<ReadOnlyMemory<char>>(rg, field, n, v => new string(v.Span));
        if (t == typeof(long)) return Flat<long>(rg, field, n, v => v.ToString(CultureInfo.InvariantCulture));
        if (t == typeof(int)) return Flat<int>(rg, field, n, v => v.ToString(CultureInfo.InvariantCulture));
        if (t == typeof(short)) return Flat<short>(rg, field, n, v => v.ToString(CultureInfo.InvariantCulture));
        if (t == typeof(double)) return Flat<double>(rg, field, n, v => v.ToString("R", CultureInfo.InvariantCulture));
        if (t == typeof(float)) return Flat<float>(rg, field, n, v => v.ToString("R", CultureInfo.InvariantCulture));
        if (t == typeof(decimal)) return Flat<decimal>(rg, field, n, v => v.ToString(CultureInfo.InvariantCulture));
        if (t == typeof(bool)) return Flat<bool>(rg, field, n, v => v ? "True" : "False");
        if (t == typeof(DateTime)) return Flat<DateTime>(rg, field, n, FormatTime);
        if (t == typeof(DateTimeOffset)) return Flat<DateTimeOffset>(rg, field, n, v => FormatTime(v.UtcDateTime));
        if (t == typeof(DateOnly)) return Flat<DateOnly>(rg, field, n, v => v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        throw new DataFormatException(DataProblem.Error(Path, field.Name, null, $"unsupported Parquet value type {t.Name}", _group));
    }

    /// <summary>Whole minutes print without seconds, so a minute-resolution column keeps its declared resolution.</summary>
    private static string FormatTime(DateTime v)
    {
        var utc = v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : v;
        if (utc.Ticks % TimeSpan.TicksPerMinute == 0) return utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        if (utc.Ticks % TimeSpan.TicksPerSecond == 0) return utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture);
    }

    private static string?[] Flat<T>(ParquetRowGroupReader rg, DataField field, int n, Func<T, string> format)
        where T : struct
    {
        var values = new T[n];
        var result = new string?[n];
        if (field.MaxDefinitionLevel == 0)
        {
            rg.ReadRawAsync<T>(field, values, null, null).GetAwaiter().GetResult();
            for (int r = 0; r < n; r++) result[r] = format(values[r]);
            return result;
        }
        var def = new int[n];
        rg.ReadRawAsync<T>(field, values, def, null).GetAwaiter().GetResult();
        int v = 0, max = field.MaxDefinitionLevel;
        for (int r = 0; r < n; r++) result[r] = def[r] == max ? format(values[v++]) : null;
        return result;
    }

    /// <summary>A list column as the archive's list-like text, <c>['a', 'b']</c>, which the importers already parse.</summary>
    private string?[] ReadListAsText(ParquetRowGroupReader rg, DataField item, int n)
    {
        // read the elements as text through the flat path's formatting, then group them by repetition level
        long slots = rg.GetMetadata(item)?.MetaData?.NumValues ?? 0;
        var def = new int[slots];
        var rep = new int[slots];
        string[] elements = ReadElements(rg, item, (int)slots, def, rep);
        var result = new string?[n];
        var sb = new StringBuilder();
        int row = -1, v = 0, max = item.MaxDefinitionLevel;
        bool any = false;
        for (int s = 0; s < slots; s++)
        {
            if (rep[s] == 0)
            {
                if (row >= 0) result[row] = any ? sb.Append(']').ToString() : null;
                row++;
                sb.Clear().Append('[');
                any = true;
            }
            if (def[s] == max)
            {
                if (sb.Length > 1) sb.Append(", ");
                sb.Append('\'').Append(elements[v++].Replace("\\", "\\\\").Replace("'", "\\'")).Append('\'');
            }
        }
        if (row >= 0) result[row] = sb.Append(']').ToString();
        if (row + 1 != n)
            throw new DataFormatException(DataProblem.Error(Path, item.Path.ToString(), null, $"list column has {row + 1} rows in this row group, expected {n}", _group));
        return result;
    }

    private string[] ReadElements(ParquetRowGroupReader rg, DataField item, int slots, int[] def, int[] rep)
    {
        var t = item.ClrType;
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>)) return Elements<ReadOnlyMemory<char>>(rg, item, slots, def, rep, v => new string(v.Span));
        if (t == typeof(long)) return Elements<long>(rg, item, slots, def, rep, v => v.ToString(CultureInfo.InvariantCulture));
        if (t == typeof(int)) return Elements<int>(rg, item, slots, def, rep, v => v.ToString(CultureInfo.InvariantCulture));
        if (t == typeof(double)) return Elements<double>(rg, item, slots, def, rep, v => v.ToString("R", CultureInfo.InvariantCulture));
        throw new DataFormatException(DataProblem.Error(Path, item.Name, null, $"unsupported Parquet list element type {t.Name}", _group));
    }

    private static string[] Elements<T>(ParquetRowGroupReader rg, DataField item, int slots, int[] def, int[] rep, Func<T, string> format)
        where T : struct
    {
        var values = new T[slots];
        rg.ReadRawAsync<T>(item, values, def, rep).GetAwaiter().GetResult();
        int present = 0, max = item.MaxDefinitionLevel;
        foreach (int d in def)
            if (d == max) present++;
        var result = new string[present];
        for (int k = 0; k < present; k++) result[k] = format(values[k]);
        return result;
    }

    public override void Dispose()
    {
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Dispose();
    }
}
