using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NetDetect.Core.Export;

/// <summary>
/// Writes a <see cref="GraphExport"/> as Gephi spreadsheet CSV: <c>nodes.csv</c> (Id, Label, columns…),
/// <c>edges.csv</c> (Source, Target, Type, Weight, columns…) and <c>parameters.json</c> recording the parameters
/// and each column's type, which CSV itself cannot carry.
/// </summary>
public static class GephiCsvWriter
{
    /// <summary>File names written into the output directory.</summary>
    public const string NodesFile = "nodes.csv", EdgesFile = "edges.csv", ParametersFile = "parameters.json";

    /// <summary>Writes the three files into <paramref name="directory"/> (created if needed), replacing existing ones.</summary>
    public static async Task WriteAsync(GraphExport graph, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        graph.Validate();
        Directory.CreateDirectory(directory);

        await using (var nodes = OpenWriter(Path.Combine(directory, NodesFile)))
        {
            var header = new List<string> { "Id", "Label" };
            foreach (var c in graph.NodeAttributes) header.Add(c.Name);
            var line = new StringBuilder();
            await WriteRowAsync(nodes, header, line).ConfigureAwait(false);
            var row = new List<string>(header.Count);
            for (int i = 0; i < graph.NodeCount; i++)
            {
                if ((i & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
                row.Clear();
                row.Add(graph.NodeIds[i]);
                row.Add(graph.LabelOf(i));
                foreach (var c in graph.NodeAttributes) row.Add(CsvValue(c, i));
                await WriteRowAsync(nodes, row, line).ConfigureAwait(false);
            }
        }

        await using (var edges = OpenWriter(Path.Combine(directory, EdgesFile)))
        {
            var header = new List<string> { "Source", "Target", "Type", "Weight" };
            foreach (var c in graph.EdgeAttributes) header.Add(c.Name);
            var line = new StringBuilder();
            await WriteRowAsync(edges, header, line).ConfigureAwait(false);
            string type = graph.Directed ? "Directed" : "Undirected";
            var row = new List<string>(header.Count);
            for (int e = 0; e < graph.EdgeCount; e++)
            {
                if ((e & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
                row.Clear();
                row.Add(graph.NodeIds[graph.EdgeSources[e]]);
                row.Add(graph.NodeIds[graph.EdgeTargets[e]]);
                row.Add(type);
                row.Add(graph.EdgeWeights[e].ToString("R", CultureInfo.InvariantCulture));
                foreach (var c in graph.EdgeAttributes) row.Add(CsvValue(c, e));
                await WriteRowAsync(edges, row, line).ConfigureAwait(false);
            }
        }

        var sidecar = new Dictionary<string, object>
        {
            ["format"] = "gephi-csv",
            ["nodes_file"] = NodesFile,
            ["edges_file"] = EdgesFile,
            ["nodes"] = graph.NodeCount,
            ["edges"] = graph.EdgeCount,
            ["directed"] = graph.Directed,
            ["node_columns"] = Describe(graph.NodeAttributes),
            ["edge_columns"] = Describe(graph.EdgeAttributes),
            ["parameters"] = new SortedDictionary<string, string>(graph.Parameters.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal),
        };
        await using var json = new FileStream(Path.Combine(directory, ParametersFile), FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true);
        await JsonSerializer.SerializeAsync(json, sidecar, new JsonSerializerOptions { WriteIndented = true }, cancellationToken).ConfigureAwait(false);
    }

    private static List<Dictionary<string, string>> Describe(IReadOnlyList<AttributeColumn> columns)
    {
        var list = new List<Dictionary<string, string>>(columns.Count);
        foreach (var c in columns)
            list.Add(new Dictionary<string, string> { ["name"] = c.Name, ["type"] = c.Type.ToString().ToLowerInvariant() });
        return list;
    }

    // Gephi reads "Infinity"-style tokens poorly; the XML lexical forms (INF, NaN) are at least unambiguous.
    private static string CsvValue(AttributeColumn c, int row) => c.Format(row) ?? "";

    private static StreamWriter OpenWriter(string path) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true), new UTF8Encoding(false));

    private static async Task WriteRowAsync(StreamWriter writer, List<string> fields, StringBuilder line)
    {
        line.Clear();
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0) line.Append(',');
            AppendField(line, fields[i]);
        }
        line.Append('\n');
        await writer.WriteAsync(line).ConfigureAwait(false);
    }

    /// <summary>RFC 4180 quoting: fields with a comma, quote, CR or LF (or edge spaces) are quoted, quotes doubled.</summary>
    internal static void AppendField(StringBuilder sb, string field)
    {
        bool quote = field.Length > 0 && (field[0] == ' ' || field[^1] == ' ');
        foreach (char ch in field)
            if (ch is ',' or '"' or '\n' or '\r') { quote = true; break; }
        if (!quote) { sb.Append(field); return; }
        sb.Append('"');
        foreach (char ch in field)
        {
            if (ch == '"') sb.Append('"');
            sb.Append(ch);
        }
        sb.Append('"');
    }
}
