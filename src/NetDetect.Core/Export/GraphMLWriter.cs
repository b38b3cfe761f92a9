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
    public static async Task WriteFileAsync(GraphExport graph, string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await WriteAsync(graph, stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Streams <paramref name="graph"/> as GraphML to <paramref name="stream"/>.</summary>
    public static async Task WriteAsync(GraphExport graph, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        graph.Validate();
        var parameterNames = graph.Parameters.Keys.Order(StringComparer.Ordinal).ToArray();

        await using var xml = XmlWriter.Create(stream, XmlText.Settings);
        await xml.WriteStartDocumentAsync().ConfigureAwait(false);
        await xml.WriteStartElementAsync(null, "graphml", Namespace).ConfigureAwait(false);
        await xml.WriteAttributeStringAsync("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance").ConfigureAwait(false);
        await xml.WriteAttributeStringAsync("xsi", "schemaLocation", null,
            "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd").ConfigureAwait(false);

        for (int k = 0; k < parameterNames.Length; k++)
            await WriteKeyAsync(xml, $"g{k}", "graph", parameterNames[k], "string").ConfigureAwait(false);
        await WriteKeyAsync(xml, "label", "node", "label", "string").ConfigureAwait(false);
        for (int k = 0; k < graph.NodeAttributes.Count; k++)
            await WriteKeyAsync(xml, $"n{k}", "node", graph.NodeAttributes[k].Name, GraphMLType(graph.NodeAttributes[k])).ConfigureAwait(false);
        await WriteKeyAsync(xml, "weight", "edge", "weight", "double").ConfigureAwait(false);
        for (int k = 0; k < graph.EdgeAttributes.Count; k++)
            await WriteKeyAsync(xml, $"e{k}", "edge", graph.EdgeAttributes[k].Name, GraphMLType(graph.EdgeAttributes[k])).ConfigureAwait(false);

        await xml.WriteStartElementAsync(null, "graph", null).ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "id", null, "G").ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "edgedefault", null, graph.Directed ? "directed" : "undirected").ConfigureAwait(false);
        for (int k = 0; k < parameterNames.Length; k++)
            await WriteDataAsync(xml, $"g{k}", graph.Parameters[parameterNames[k]]).ConfigureAwait(false);

        for (int i = 0; i < graph.NodeCount; i++)
        {
            if ((i & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
            await xml.WriteStartElementAsync(null, "node", null).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "id", null, XmlText.Clean(graph.NodeIds[i])).ConfigureAwait(false);
            await WriteDataAsync(xml, "label", graph.LabelOf(i)).ConfigureAwait(false);
            for (int k = 0; k < graph.NodeAttributes.Count; k++)
            {
                var value = graph.NodeAttributes[k].Format(i);
                if (value is not null) await WriteDataAsync(xml, $"n{k}", value).ConfigureAwait(false);
            }
            await xml.WriteEndElementAsync().ConfigureAwait(false);
        }

        for (int e = 0; e < graph.EdgeCount; e++)
        {
            if ((e & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
            await xml.WriteStartElementAsync(null, "edge", null).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "id", null, "e" + e.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "source", null, XmlText.Clean(graph.NodeIds[graph.EdgeSources[e]])).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "target", null, XmlText.Clean(graph.NodeIds[graph.EdgeTargets[e]])).ConfigureAwait(false);
            await WriteDataAsync(xml, "weight", XmlConvert.ToString(graph.EdgeWeights[e])).ConfigureAwait(false);
            for (int k = 0; k < graph.EdgeAttributes.Count; k++)
            {
                var value = graph.EdgeAttributes[k].Format(e);
                if (value is not null) await WriteDataAsync(xml, $"e{k}", value).ConfigureAwait(false);
            }
            await xml.WriteEndElementAsync().ConfigureAwait(false);
        }

        await xml.WriteEndElementAsync().ConfigureAwait(false);   // graph
        await xml.WriteEndElementAsync().ConfigureAwait(false);   // graphml
        await xml.WriteEndDocumentAsync().ConfigureAwait(false);
        await xml.FlushAsync().ConfigureAwait(false);
    }

    private static string GraphMLType(AttributeColumn c) => c.Type switch
    {
        AttributeType.Integer => c.FitsInt32() ? "int" : "long",
        AttributeType.Double => "double",
        AttributeType.Boolean => "boolean",
        _ => "string",
    };

    private static async Task WriteKeyAsync(XmlWriter xml, string id, string domain, string name, string type)
    {
        await xml.WriteStartElementAsync(null, "key", null).ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "id", null, id).ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "for", null, domain).ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "attr.name", null, XmlText.Clean(name)).ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "attr.type", null, type).ConfigureAwait(false);
        await xml.WriteEndElementAsync().ConfigureAwait(false);
    }

    private static async Task WriteDataAsync(XmlWriter xml, string key, string value)
    {
        await xml.WriteStartElementAsync(null, "data", null).ConfigureAwait(false);
        await xml.WriteAttributeStringAsync(null, "key", null, key).ConfigureAwait(false);
        await xml.WriteStringAsync(XmlText.Clean(value)).ConfigureAwait(false);
        await xml.WriteEndElementAsync().ConfigureAwait(false);
    }
}
