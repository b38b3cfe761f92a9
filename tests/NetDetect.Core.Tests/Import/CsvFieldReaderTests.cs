using NetDetect.Core.Data;
using NetDetect.Core.Import;

namespace NetDetect.Core.Tests.Import;

public class CsvFieldReaderTests
{
    /// <summary>Hands out at most <paramref name="chunk"/> characters per read, so every boundary case happens.</summary>
    private sealed class ChunkedReader(string text, int chunk) : TextReader
    {
        private int _pos;

        public override int Read(char[] buffer, int index, int count)
        {
            int n = Math.Min(Math.Min(count, chunk), text.Length - _pos);
            text.CopyTo(_pos, buffer, index, n);
            _pos += n;
            return n;
        }
    }

    private static List<(long Row, long Line, string[] Fields)> ReadAll(string text, int chunk = int.MaxValue)
    {
        using var reader = new CsvFieldReader(new ChunkedReader(text, chunk), "t.csv");
        var records = new List<(long, long, string[])>();
        while (reader.ReadRecord())
        {
            var fields = new string[reader.FieldCount];
            for (int i = 0; i < fields.Length; i++) fields[i] = reader[i].ToString();
            records.Add((reader.Row, reader.Line, fields));
        }
        return records;
    }

    public static TheoryData<string, int> LineBreaks()
    {
        var data = new TheoryData<string, int>();
        foreach (var nl in new[] { "\n", "\r\n", "\r" })
            foreach (int chunk in new[] { 1, 2, 3, 5, 1 << 16 })
                data.Add(nl, chunk);
        return data;
    }

    [Theory]
    [MemberData(nameof(LineBreaks))]
    public void Records_end_at_any_line_break_and_quoted_breaks_count_as_lines(string nl, int chunk)
    {
        var text = $"h1,h2{nl}a,\"multi{nl}line{nl}text\"{nl}{nl}b,\"x\"{nl}c,d";
        var records = ReadAll(text, chunk);

        Assert.Equal(4, records.Count);
        Assert.Equal((0L, 1L), (records[0].Row, records[0].Line));
        Assert.Equal((1L, 2L), (records[1].Row, records[1].Line));
        Assert.Equal($"multi{nl}line{nl}text", records[1].Fields[1]);
        // the blank line 5 is skipped without taking a row number
        Assert.Equal((2L, 6L), (records[2].Row, records[2].Line));
        Assert.Equal((3L, 7L), (records[3].Row, records[3].Line));
        Assert.Equal(["c", "d"], records[3].Fields);
    }

    [Fact]
    public void Quotes_are_read_as_Python_csv_reads_them()
    {
        var records = ReadAll("\"a \"\"quoted\"\" word\",b\"c,\"x\"y,\"\",\n");
        Assert.Equal(["a \"quoted\" word", "b\"c", "xy", "", ""], records[0].Fields);
    }

    [Theory]
    [InlineData(1 << 16)]
    [InlineData(4093)]
    [InlineData(3)]
    public void Line_numbers_stay_right_across_buffer_boundaries(int chunk)
    {
        // a quoted field far larger than the 64K read buffer, with CRLF pairs, lone CRs and quotes throughout
        var big = string.Concat(Enumerable.Range(0, 60_000).Select(i => (i % 7, i % 11) switch { (0, _) => "\r\n", (_, 0) => "\r", _ => "a\"\"" }));
        int breaks = Enumerable.Range(0, 60_000).Count(i => i % 7 == 0 || i % 11 == 0);
        var text = $"h\n\"{big}\"\nnext\n";
        var records = ReadAll(text, chunk);
        Assert.Equal(3, records.Count);
        Assert.Equal(big.Replace("\"\"", "\""), records[1].Fields[0]);
        Assert.Equal(2 + breaks + 1, records[2].Line);
    }

    [Fact]
    public void Unterminated_quote_names_column_row_and_the_line_it_opened_on()
    {
        using var reader = new CsvFieldReader(new StringReader("a,b\n1,2\n3,\"open\nmore\n"), "t.csv") { Header = ["a", "b"] };
        Assert.True(reader.ReadRecord());
        Assert.True(reader.ReadRecord());
        var e = Assert.Throws<DataFormatException>(() => reader.ReadRecord());
        var p = Assert.Single(e.Problems);
        Assert.Equal(("t.csv", "b", 2L), (p.File, p.Column, p.Row));
        Assert.Contains("opened on line 3", p.Message);
    }
}
