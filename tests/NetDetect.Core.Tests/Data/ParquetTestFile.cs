using Parquet;
using Parquet.Schema;

namespace NetDetect.Core.Tests.Data;

/// <summary>Writes arbitrary (also deliberately wrong) Parquet files column by column with Parquet.Net, one row group per call.</summary>
public sealed class ParquetTestFile
{
    private readonly List<(Field Field, Func<ParquetRowGroupWriter, Task> Write)> _columns = [];

    public ParquetOptions Options { get; } = new();

    public ParquetTestFile Strings(string name, params string?[] values)
    {
        var field = new DataField<string>(name);
        _columns.Add((field, rg => rg.WriteAsync(field, values, null)));
        return this;
    }

    public ParquetTestFile Longs(string name, params long?[] values)
    {
        var field = new DataField<long?>(name);
        _columns.Add((field, rg => rg.WriteAsync<long>(field, values, null, null, default)));
        return this;
    }

    public ParquetTestFile Timestamps(string name, params DateTime?[] values)
    {
        var field = new DateTimeDataField(name, DateTimeFormat.Timestamp, true, DateTimeTimeUnit.Micros, true);
        _columns.Add((field, rg => rg.WriteAsync<DateTime>(field, values, null, null, default)));
        return this;
    }

    public ParquetTestFile RequiredTimestamps(string name, params DateTime[] values)
    {
        var field = new DateTimeDataField(name, DateTimeFormat.Timestamp, true, DateTimeTimeUnit.Micros, false);
        _columns.Add((field, rg => rg.WriteAsync<DateTime>(field, values, null, null, default)));
        return this;
    }

    public ParquetTestFile StringLists(string name, params string[]?[] rows)
    {
        var item = new DataField<string>("element");
        var field = new ListField(name, item);
        _columns.Add((field, async rg =>
        {
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
                    def.Add(3);
                    values.Add(row[k].AsMemory());
                }
            }
            await rg.WriteAllPartsAsync<ReadOnlyMemory<char>>(item, values.ToArray(), def.ToArray(), rep.ToArray(), default);
        }));
        return this;
    }

    public async Task WriteAsync(string path)
    {
        var schema = new ParquetSchema(_columns.Select(c => c.Field).ToArray());
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, Options);
        using var rg = writer.CreateRowGroup();
        foreach (var (_, write) in _columns) await write(rg);
    }

    public static DateTime At(int minute) => new DateTime(2019, 8, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(minute);
}
