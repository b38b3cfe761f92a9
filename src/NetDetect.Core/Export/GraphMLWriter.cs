using System.Globalization;
using System.Xml;

namespace NetDetect.Core.Export;

/// <summary>Writes a <see cref="GraphExport"/> as GraphML with typed &lt;key&gt; declarations.</summary>
/// <remarks>
/// Parameters become graph-level string keys (<c>for="graph"</c>), so every GraphML reader keeps them as graph
/// attributes; node labels and edge weights are ordinary keys named "label" and "weight".
/// </remarks>
public static class GraphMLWriter
{
    /// <summary>GraphML namespace.</summary>
    public const string Namespace = "http://graphml.graphdrawing.org/xmlns";

    /// <summary>Writes <paramref name="graph"/> to a new file at <paramref name="path"/>.</summary>
    public static Task WriteFileAsync(GraphExport graph, string path, CancellationToken cancellationToken = default) =>
        XmlText.WriteFileAsync(path, stream => Write(graph, stream, cancellationToken), cancellationToken);

    /// <summary>Streams <paramref name="graph"/> as GraphML to <paramref name="stream"/>, which must accept synchronous writes (see <see cref="XmlText.WriteStreamAsync"/>).</summary>
    public static Task WriteAsync(GraphExport graph, Stream stream, CancellationToken cancellationToken = default) =>
        XmlText.WriteStreamAsync(stream, s => Write(graph, s, cancellationToken), cancellationToken);

    /// <summary>Streams <paramref name="graph"/> as GraphML to <paramref name="stream"/>.</summary>
    public static void Write(GraphExport graph, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        graph.Validate();
        var parameterNames = graph.Parameters.Keys.Order(StringComparer.Ordinal).ToArray();

        using var xml = XmlWriter.Create(stream, XmlText.Settings);
        xml.WriteStartDocument();
        xml.WriteStartElement(null, "graphml", Namespace);
        xml.WriteAttributeString("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance");
        xml.WriteAttributeString("xsi", "schemaLocation", null,
            "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd");

        for (int k = 0; k < parameterNames.Length; k++)
            WriteKey(xml, $"g{k}", "graph", parameterNames[k], "string");
        WriteKey(xml, "label", "node", "label", "string");
        for (int k = 0; k < graph.NodeAttributes.Count; k++)
            WriteKey(xml, $"n{k}", "node", graph.NodeAttributes[k].Name, GraphMLType(graph.NodeAttributes[k]));
        WriteKey(xml, "weight", "edge", "weight", "double");
        for (int k = 0; k < graph.EdgeAttributes.Count; k++)
            WriteKey(xml, $"e{k}", "edge", graph.EdgeAttributes[k].Name, GraphMLType(graph.EdgeAttributes[k]));

        xml.WriteStartElement(null, "graph", null);
        xml.WriteAttributeString(null, "id", null, "G");
        xml.WriteAttributeString(null, "edgedefault", null, graph.Directed ? "directed" : "undirected");
        for (int k = 0; k < parameterNames.Length; k++)
            WriteData(xml, $"g{k}", graph.Parameters[parameterNames[k]]);

        for (int i = 0; i < graph.NodeCount; i++)
        {
            if ((i & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
            xml.WriteStartElement(null, "node", null);
            xml.WriteAttributeString(null, "id", null, XmlText.Clean(graph.NodeIds[i]));
            WriteData(xml, "label", graph.LabelOf(i));
            for (int k = 0; k < graph.NodeAttributes.Count; k++)
            {
                var value = graph.NodeAttributes[k].Format(i);
                if (value is not null) WriteData(xml, $"n{k}", value);
            }
            xml.WriteEndElement();
        }

        for (int e = 0; e < graph.EdgeCount; e++)
        {
            if ((e & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
            xml.WriteStartElement(null, "edge", null);
            xml.WriteAttributeString(null, "id", null, "e" + e.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString(null, "source", null, XmlText.Clean(graph.NodeIds[graph.EdgeSources[e]]));
            xml.WriteAttributeString(null, "target", null, XmlText.Clean(graph.NodeIds[graph.EdgeTargets[e]]));
            WriteData(xml, "weight", XmlConvert.ToString(graph.EdgeWeights[e]));
            for (int k = 0; k < graph.EdgeAttributes.Count; k++)
            {
                var value = graph.EdgeAttributes[k].Format(e);
                if (value is not null) WriteData(xml, $"e{k}", value);
            }
            xml.WriteEndElement();
        }

        xml.WriteEndElement();   // graph
        xml.WriteEndElement();   // graphml
        xml.WriteEndDocument();
        xml.Flush();
    }

    private static string GraphMLType(AttributeColumn c) => c.Type switch
    {
        AttributeType.Integer => c.FitsInt32() ? "int" : "long",
        AttributeType.Double => "double",
        AttributeType.Boolean => "boolean",
        _ => "string",
    };

    private static void WriteKey(XmlWriter xml, string id, string domain, string name, string type)
    {
        xml.WriteStartElement(null, "key", null);
        xml.WriteAttributeString(null, "id", null, id);
        xml.WriteAttributeString(null, "for", null, domain);
        xml.WriteAttributeString(null, "attr.name", null, XmlText.Clean(name));
        xml.WriteAttributeString(null, "attr.type", null, type);
        xml.WriteEndElement();
    }

    private static void WriteData(XmlWriter xml, string key, string value)
    {
        xml.WriteStartElement(null, "data", null);
        xml.WriteAttributeString(null, "key", null, key);
        xml.WriteString(XmlText.Clean(value));
        xml.WriteEndElement();
    }
}
