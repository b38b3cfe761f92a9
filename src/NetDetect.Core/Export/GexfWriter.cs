using System.Globalization;
using System.Xml;

namespace NetDetect.Core.Export;

/// <summary>Writes a <see cref="GraphExport"/> as GEXF 1.3 (Gephi's native format) with typed attributes.</summary>
/// <remarks>
/// The parameters go into <c>&lt;meta&gt;&lt;description&gt;</c>, one "name = value" per line, and their names into
/// <c>&lt;keywords&gt;</c>. Numbers use XML-Schema lexical forms (invariant culture; INF, -INF, NaN).
/// </remarks>
public static class GexfWriter
{
    /// <summary>GEXF 1.3 namespace.</summary>
    public const string Namespace = "http://gexf.net/1.3";

    /// <summary>Writes <paramref name="graph"/> to a new file at <paramref name="path"/>.</summary>
    public static async Task WriteFileAsync(GraphExport graph, string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await WriteAsync(graph, stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Streams <paramref name="graph"/> as GEXF to <paramref name="stream"/>.</summary>
    public static async Task WriteAsync(GraphExport graph, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        graph.Validate();
        await using var xml = XmlWriter.Create(stream, XmlText.Settings);
        await xml.WriteStartDocumentAsync().ConfigureAwait(false);
        await xml.WriteStartElementAsync(null, "gexf", Namespace).ConfigureAwait(false);
        await xml.WriteAttributeStringAsync("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance").ConfigureAwait(false);
        await xml.WriteAttributeStringAsync("xsi", "schemaLocation", null, "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd").ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "version", null, "1.3").ConfigureAwait(false);

        await xml.WriteStartElementAsync(null, "meta", null).ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "lastmodifieddate", null, DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ConfigureAwait(false);
        await xml.WriteElementStringAsync(null, "creator", null, "NetDetect").ConfigureAwait(false);
        await xml.WriteElementStringAsync(null, "keywords", null, XmlText.Clean(string.Join(", ", graph.Parameters.Keys.Order(StringComparer.Ordinal)))).ConfigureAwait(false);
        await xml.WriteElementStringAsync(null, "description", null, XmlText.Clean(DescribeParameters(graph.Parameters))).ConfigureAwait(false);
        await xml.WriteEndElementAsync().ConfigureAwait(false);

        await xml.WriteStartElementAsync(null, "graph", null).ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "defaultedgetype", null, graph.Directed ? "directed" : "undirected").ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "mode", null, "static").ConfigureAwait(false);
        await WriteDeclarationsAsync(xml, "node", graph.NodeAttributes).ConfigureAwait(false);
        await WriteDeclarationsAsync(xml, "edge", graph.EdgeAttributes).ConfigureAwait(false);

        await xml.WriteStartElementAsync(null, "nodes", null).ConfigureAwait(false);
        for (int i = 0; i < graph.NodeCount; i++)
        {
            if ((i & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
            await xml.WriteStartElementAsync(null, "node", null).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "id", null, XmlText.Clean(graph.NodeIds[i])).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "label", null, XmlText.Clean(graph.LabelOf(i))).ConfigureAwait(false);
            await WriteValuesAsync(xml, graph.NodeAttributes, i).ConfigureAwait(false);
            await xml.WriteEndElementAsync().ConfigureAwait(false);
        }
        await xml.WriteEndElementAsync().ConfigureAwait(false);

        await xml.WriteStartElementAsync(null, "edges", null).ConfigureAwait(false);
        for (int e = 0; e < graph.EdgeCount; e++)
        {
            if ((e & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
            await xml.WriteStartElementAsync(null, "edge", null).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "id", null, e.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "source", null, XmlText.Clean(graph.NodeIds[graph.EdgeSources[e]])).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "target", null, XmlText.Clean(graph.NodeIds[graph.EdgeTargets[e]])).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "weight", null, XmlConvert.ToString(graph.EdgeWeights[e])).ConfigureAwait(false);
            await WriteValuesAsync(xml, graph.EdgeAttributes, e).ConfigureAwait(false);
            await xml.WriteEndElementAsync().ConfigureAwait(false);
        }
        await xml.WriteEndElementAsync().ConfigureAwait(false);

        await xml.WriteEndElementAsync().ConfigureAwait(false);   // graph
        await xml.WriteEndElementAsync().ConfigureAwait(false);   // gexf
        await xml.WriteEndDocumentAsync().ConfigureAwait(false);
        await xml.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>The parameters as "name = value" lines in ordinal name order.</summary>
    internal static string DescribeParameters(IReadOnlyDictionary<string, string> parameters)
    {
        var lines = new List<string>(parameters.Count + 1) { "NetDetect parameters:" };
        foreach (var key in parameters.Keys.Order(StringComparer.Ordinal)) lines.Add($"{key} = {parameters[key]}");
        return string.Join('\n', lines);
    }

    private static string GexfType(AttributeColumn c) => c.Type switch
    {
        AttributeType.Integer => c.FitsInt32() ? "integer" : "long",
        AttributeType.Double => "double",
        AttributeType.Boolean => "boolean",
        _ => "string",
    };

    private static async Task WriteDeclarationsAsync(XmlWriter xml, string kind, IReadOnlyList<AttributeColumn> columns)
    {
        if (columns.Count == 0) return;
        await xml.WriteStartElementAsync(null, "attributes", null).ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "class", null, kind).ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "mode", null, "static").ConfigureAwait(false);
        for (int k = 0; k < columns.Count; k++)
        {
            await xml.WriteStartElementAsync(null, "attribute", null).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "id", null, k.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "title", null, XmlText.Clean(columns[k].Name)).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "type", null, GexfType(columns[k])).ConfigureAwait(false);
            await xml.WriteEndElementAsync().ConfigureAwait(false);
        }
        await xml.WriteEndElementAsync().ConfigureAwait(false);
    }

    private static async Task WriteValuesAsync(XmlWriter xml, IReadOnlyList<AttributeColumn> columns, int row)
    {
        bool open = false;
        for (int k = 0; k < columns.Count; k++)
        {
            var value = columns[k].Format(row);
            if (value is null) continue;
            if (!open) { await xml.WriteStartElementAsync(null, "attvalues", null).ConfigureAwait(false); open = true; }
            await xml.WriteStartElementAsync(null, "attvalue", null).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "for", null, k.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "value", null, XmlText.Clean(value)).ConfigureAwait(false);
            await xml.WriteEndElementAsync().ConfigureAwait(false);
        }
        if (open) await xml.WriteEndElementAsync().ConfigureAwait(false);
    }
}
