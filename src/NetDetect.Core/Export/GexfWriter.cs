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
    public static Task WriteFileAsync(GraphExport graph, string path, CancellationToken cancellationToken = default) =>
        XmlText.WriteFileAsync(path, stream => Write(graph, stream, cancellationToken), cancellationToken);

    /// <summary>Streams <paramref name="graph"/> as GEXF to <paramref name="stream"/>, which must accept synchronous writes (see <see cref="XmlText.WriteStreamAsync"/>).</summary>
    public static Task WriteAsync(GraphExport graph, Stream stream, CancellationToken cancellationToken = default) =>
        XmlText.WriteStreamAsync(stream, s => Write(graph, s, cancellationToken), cancellationToken);

    /// <summary>Streams <paramref name="graph"/> as GEXF to <paramref name="stream"/>.</summary>
    public static void Write(GraphExport graph, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        graph.Validate();
        using var xml = XmlWriter.Create(stream, XmlText.Settings);
        xml.WriteStartDocument();
        xml.WriteStartElement(null, "gexf", Namespace);
        xml.WriteAttributeString("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance");
        xml.WriteAttributeString("xsi", "schemaLocation", null, "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd");
        xml.WriteAttributeString(null, "version", null, "1.3");

        xml.WriteStartElement(null, "meta", null);
        xml.WriteAttributeString(null, "lastmodifieddate", null, DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        xml.WriteElementString(null, "creator", null, "NetDetect");
        xml.WriteElementString(null, "keywords", null, XmlText.Clean(string.Join(", ", graph.Parameters.Keys.Order(StringComparer.Ordinal))));
        xml.WriteElementString(null, "description", null, XmlText.Clean(DescribeParameters(graph.Parameters)));
        xml.WriteEndElement();

        xml.WriteStartElement(null, "graph", null);
        xml.WriteAttributeString(null, "defaultedgetype", null, graph.Directed ? "directed" : "undirected");
        xml.WriteAttributeString(null, "mode", null, "static");
        WriteDeclarations(xml, "node", graph.NodeAttributes);
        WriteDeclarations(xml, "edge", graph.EdgeAttributes);

        xml.WriteStartElement(null, "nodes", null);
        for (int i = 0; i < graph.NodeCount; i++)
        {
            if ((i & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
            xml.WriteStartElement(null, "node", null);
            xml.WriteAttributeString(null, "id", null, XmlText.Clean(graph.NodeIds[i]));
            xml.WriteAttributeString(null, "label", null, XmlText.Clean(graph.LabelOf(i)));
            WriteValues(xml, graph.NodeAttributes, i);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();

        xml.WriteStartElement(null, "edges", null);
        for (int e = 0; e < graph.EdgeCount; e++)
        {
            if ((e & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
            xml.WriteStartElement(null, "edge", null);
            xml.WriteAttributeString(null, "id", null, e.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString(null, "source", null, XmlText.Clean(graph.NodeIds[graph.EdgeSources[e]]));
            xml.WriteAttributeString(null, "target", null, XmlText.Clean(graph.NodeIds[graph.EdgeTargets[e]]));
            xml.WriteAttributeString(null, "weight", null, XmlConvert.ToString(graph.EdgeWeights[e]));
            WriteValues(xml, graph.EdgeAttributes, e);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();

        xml.WriteEndElement();   // graph
        xml.WriteEndElement();   // gexf
        xml.WriteEndDocument();
        xml.Flush();
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

    private static void WriteDeclarations(XmlWriter xml, string kind, IReadOnlyList<AttributeColumn> columns)
    {
        if (columns.Count == 0) return;
        xml.WriteStartElement(null, "attributes", null);
        xml.WriteAttributeString(null, "class", null, kind);
        xml.WriteAttributeString(null, "mode", null, "static");
        for (int k = 0; k < columns.Count; k++)
        {
            xml.WriteStartElement(null, "attribute", null);
            xml.WriteAttributeString(null, "id", null, k.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString(null, "title", null, XmlText.Clean(columns[k].Name));
            xml.WriteAttributeString(null, "type", null, GexfType(columns[k]));
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void WriteValues(XmlWriter xml, IReadOnlyList<AttributeColumn> columns, int row)
    {
        bool open = false;
        for (int k = 0; k < columns.Count; k++)
        {
            var value = columns[k].Format(row);
            if (value is null) continue;
            if (!open) { xml.WriteStartElement(null, "attvalues", null); open = true; }
            xml.WriteStartElement(null, "attvalue", null);
            xml.WriteAttributeString(null, "for", null, k.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString(null, "value", null, XmlText.Clean(value));
            xml.WriteEndElement();
        }
        if (open) xml.WriteEndElement();
    }
}
