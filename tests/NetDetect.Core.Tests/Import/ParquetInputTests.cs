using NetDetect.Core.Data;
using NetDetect.Core.Import;
using NetDetect.Core.Tests.TestSupport;
using Parquet;
using Parquet.Schema;

namespace NetDetect.Core.Tests.Import;

public class ParquetInputTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "archive", name);

    private static readonly string[] Lists = ["hashtags", "urls", "user_mentions"];
    private static readonly string[] Counts = ["follower_count", "following_count", "quote_count", "reply_count", "like_count", "retweet_count"];

    /// <summary>
    /// Writes the archive fixture as Parquet with the column types a converted release has: counts as int64, times
    /// as timestamps, is_retweet as bool, hashtags/urls/user_mentions as list&lt;string&gt;, the rest as strings.
    /// </summary>
    private static async Task<string> WriteArchiveParquet(string csv, string path, int rowGroupSize)
    {
        var rows = new List<string[]>();
        string[] header;
        using (var reader = new CsvFieldReader(new StreamReader(csv), csv))
        {
            reader.ReadRecord();
            header = Enumerable.Range(0, reader.FieldCount).Select(i => reader[i].ToString()).ToArray();
            while (reader.ReadRecord()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader[i].ToString()).ToArray());
        }
        var fields = header.Select<string, Field>(h =>
            Lists.Contains(h) ? new ListField(h, new DataField<string>("element"))
            : Counts.Contains(h) ? new DataField<long?>(h)
            : h == "is_retweet" ? new DataField<bool?>(h)
            : h is "tweet_time" or "account_creation_date" ? new DateTimeDataField(h, DateTimeFormat.Timestamp, true, DateTimeTimeUnit.Micros, true)
            : new DataField<string>(h)).ToArray();
        var schema = new ParquetSchema(fields);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        foreach (var chunk in rows.Chunk(rowGroupSize))
        {
            using var rg = writer.CreateRowGroup();
            for (int c = 0; c < header.Length; c++)
            {
                var f = schema.Fields[c];
                var text = chunk.Select(r => r[c]).ToList();
                if (f is ListField list)
                {
                    var parsed = text.Select(t =>
                    {
                        var items = new List<string>();
                        Assert.Null(FieldParsers.ParseListLike(t, items));
                        return items.ToArray();
                    }).ToList();
                    await CanonicalFields.WriteList(rg, list, parsed!, default);
                }
                else if (Counts.Contains(f.Name))
                    await rg.WriteAsync<long>((DataField)f, text.Select(t => t.Length == 0 ? (long?)null : (long)double.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray(), null, null);
                else if (f.Name == "is_retweet")
                    await rg.WriteAsync<bool>((DataField)f, text.Select(t => t.Length == 0 ? (bool?)null : bool.Parse(t)).ToArray(), null, null);
                else if (f is DateTimeDataField)
                    await CanonicalFields.WriteTimestamps(rg, f, text.Select(t => t.Length == 0 ? (long?)null : Time.FromDateTime(DateTime.Parse(t, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal))).ToList(), true, default);
                else
                    await CanonicalFields.WriteStrings(rg, f, text.Select(t => t.Length == 0 ? null : t).ToList());
            }
        }
        return path;
    }

    [Theory]
    [InlineData(100)]
    [InlineData(3)]
    public async Task Archive_release_in_Parquet_imports_like_its_CSV(int rowGroupSize)
    {
        using var dir = new TempDir();
        var tweets = await WriteArchiveParquet(Fixture("example_082019_tweets_csv_hashed.csv"), dir.Sub("tweets.parquet"), rowGroupSize);
        var users = await WriteArchiveParquet(Fixture("example_082019_users_csv_hashed.csv"), dir.Sub("users.parquet"), rowGroupSize);

        var fromCsv = await DatasetImporter.ImportAsync([Fixture("example_082019_tweets_csv_hashed.csv"), Fixture("example_082019_users_csv_hashed.csv")], label: "op");
        var fromParquet = await DatasetImporter.ImportAsync([tweets, users], label: "op");

        Assert.Equal(Time.MicrosPerMinute, fromParquet.TimeResolutionMicros);
        DatasetAssert.Equal(fromCsv, fromParquet);
    }

    [Fact]
    public async Task Float_ids_in_Parquet_are_refused_with_row_group_and_row()
    {
        using var dir = new TempDir();
        var path = dir.Sub("long.parquet");
        var schema = new ParquetSchema(new DataField<string>("object_id"), new DataField<string>("account_id"), new DataField<double>("content_id"), new DataField<long>("timestamp_share"));
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream))
        {
            foreach (var (ids, times) in new[] { (new[] { 1.0, 2.0 }, new[] { 10L, 20L }), (new[] { 3.0, 1.17e18 }, new[] { 30L, 40L }) })
            {
                using var rg = writer.CreateRowGroup();
                await rg.WriteAsync((DataField)schema.Fields[0], new[] { "o", "o" }, null);
                await rg.WriteAsync((DataField)schema.Fields[1], new[] { "a", "b" }, null);
                await rg.WriteAsync<double>((DataField)schema.Fields[2], ids, null, null);
                await rg.WriteAsync<long>((DataField)schema.Fields[3], times, null, null);
            }
        }
        // the first three float ids print as 1, 2, 3 and are fine; 1.17E+18 lost its digits
        var ds = await Assert.ThrowsAsync<DataFormatException>(() => DatasetImporter.ImportAsync([path], ImportFormat.Coortweet));
        var p = Assert.Single(ds.Problems);
        Assert.Equal(("content_id", 4L, (int?)1), (p.Column, p.Row, p.RowGroup));
        Assert.Contains("1.17E+18", p.Message);
    }

    [Fact]
    public async Task Truncated_Parquet_is_a_data_error()
    {
        using var dir = new TempDir();
        var path = dir.Sub("t.parquet");
        await File.WriteAllBytesAsync(path, "PAR1garbage"u8.ToArray());
        var e = await Assert.ThrowsAsync<DataFormatException>(() => DatasetImporter.ImportAsync([path]));
        Assert.Contains("not a readable Parquet file", Assert.Single(e.Problems).Message);
    }
}
