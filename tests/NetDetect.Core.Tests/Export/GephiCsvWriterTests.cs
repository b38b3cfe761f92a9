using System.Globalization;
using System.Text.Json;
using NetDetect.Core.Export;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Export;

public class GephiCsvWriterTests
{
    [Fact]
    public async Task WritesGephiColumns_QuotesFields_AndRecordsParametersAndTypes()
    {
        using var dir = new TempDir();
        var graph = ExportTestData.Sample();
        await GephiCsvWriter.WriteAsync(graph, dir.Path);

        var nodes = ReadCsv(dir.Sub("nodes.csv"));
        Assert.Equal(["Id", "Label", "community", "score", "flagged", "handle", "followers"], nodes[0]);
        Assert.Equal(graph.NodeCount + 1, nodes.Count);
        for (int i = 0; i < graph.NodeCount; i++)
        {
            Assert.Equal(graph.NodeIds[i], nodes[i + 1][0]);          // raw ids survive CSV (commas, quotes, spaces, control chars)
            Assert.Equal(graph.LabelOf(i), nodes[i + 1][1]);
        }
        Assert.Equal(["acc:1", "Alice", "0", "0.30000000000000004", "true", "@alice", "5000000000"], nodes[1]);
        Assert.Equal("INF", nodes[4][3]);
        Assert.Equal("", nodes[2][5]);

        var edges = ReadCsv(dir.Sub("edges.csv"));
        Assert.Equal(["Source", "Target", "Type", "Weight", "modality", "pairs", "mean_delta_s", "strong"], edges[0]);
        Assert.Equal(graph.EdgeCount + 1, edges.Count);
        Assert.Equal(["quote\"s 'x'", "ctl\u0001x", "Undirected", "7", "repost,hashtag", "1", "1", "true"], edges[4]);
        Assert.Equal(1e-9, double.Parse(edges[5][3], CultureInfo.InvariantCulture));

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(dir.Sub("parameters.json")));
        var parameters = json.RootElement.GetProperty("parameters");
        foreach (var (key, value) in graph.Parameters) Assert.Equal(value, parameters.GetProperty(key).GetString());
        Assert.Equal(graph.NodeCount, json.RootElement.GetProperty("nodes").GetInt32());
        Assert.Equal(graph.EdgeCount, json.RootElement.GetProperty("edges").GetInt32());
        var nodeColumns = json.RootElement.GetProperty("node_columns").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("type").GetString()!);
        Assert.Equal("integer", nodeColumns["community"]);
        Assert.Equal("double", nodeColumns["score"]);
        Assert.Equal("boolean", nodeColumns["flagged"]);
        Assert.Equal("string", nodeColumns["handle"]);
    }

    /// <summary>Independent RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    private static List<string[]> ReadCsv(string path)
    {
        var text = File.ReadAllText(path);
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add(row.ToArray()); row.Clear(); }
            else field.Append(c);
        }
        Assert.False(quoted, "unterminated quoted field");
        Assert.True(field.Length == 0 && row.Count == 0, "file does not end with a newline");
        return rows;
    }
}
