using System.Xml.Linq;
using NetDetect.Core.Export;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Export;

public class GraphMLWriterTests
{
    private static readonly XNamespace Ns = "http://graphml.graphdrawing.org/xmlns";

    [Fact]
    public async Task NetworkxReadsNodesEdgesTypedAttributesAndParametersBack()
    {
        using var dir = new TempDir();
        var graph = ExportTestData.Sample();
        await GraphMLWriter.WriteFileAsync(graph, dir.Sub("g.graphml"));

        using var doc = ExportTestData.ReadWithNetworkx("graphml", dir.Sub("g.graphml"));
        var root = doc.RootElement;
        Assert.False(root.GetProperty("directed").GetBoolean());
        var nodes = root.GetProperty("nodes");
        Assert.Equal(graph.NodeCount, nodes.EnumerateObject().Count());
        Assert.Equal(graph.EdgeCount, root.GetProperty("edges").GetArrayLength());

        var parameters = root.GetProperty("graph");
        foreach (var (key, value) in graph.Parameters) ExportTestData.AssertValue(parameters, key, "str", value);

        var alice = nodes.GetProperty("acc:1");
        ExportTestData.AssertValue(alice, "label", "str", "Alice");
        ExportTestData.AssertValue(alice, "community", "int", 0);
        ExportTestData.AssertValue(alice, "score", "float", 0.1 + 0.2);
        ExportTestData.AssertValue(alice, "flagged", "bool", true);
        ExportTestData.AssertValue(alice, "followers", "int", 5_000_000_000L);
        ExportTestData.AssertValue(nodes.GetProperty("a&b<c>"), "flagged", "bool", false);
        Assert.False(nodes.GetProperty("a&b<c>").TryGetProperty("handle", out _));
        ExportTestData.AssertValue(nodes.GetProperty("ünïcødé 🙂"), "handle", "str", "<b>bold</b>");
        ExportTestData.AssertValue(nodes.GetProperty("quote\"s 'x'"), "score", "float", double.PositiveInfinity);
        ExportTestData.AssertValue(nodes.GetProperty("ctl\uFFFDx"), "label", "str", "line\nbreak");
        // networkx drops an empty <data> element instead of reading "", so the empty handle is checked in-process below.

        var e = ExportTestData.EdgeAttributes(doc, "quote\"s 'x'", "ctl\uFFFDx");
        ExportTestData.AssertValue(e, "weight", "float", 7.0);
        ExportTestData.AssertValue(e, "modality", "str", "repost,hashtag");
        ExportTestData.AssertValue(e, "pairs", "int", 1);
        ExportTestData.AssertValue(e, "strong", "bool", true);
    }

    [Fact]
    public async Task Document_DeclaresTypedKeys_AndDataOnlyUsesDeclaredKeysOfItsDomain()
    {
        var graph = ExportTestData.Sample();
        using var stream = new MemoryStream();
        await GraphMLWriter.WriteAsync(graph, stream);
        stream.Position = 0;
        var doc = XDocument.Load(stream);

        var root = doc.Root!;
        Assert.Equal(Ns + "graphml", root.Name);
        var keys = root.Elements(Ns + "key").ToDictionary(k => (string)k.Attribute("id")!, k => (Domain: (string)k.Attribute("for")!, Name: (string)k.Attribute("attr.name")!, Type: (string)k.Attribute("attr.type")!));
        foreach (var k in keys.Values)
            Assert.Contains(k.Type, new[] { "boolean", "int", "long", "float", "double", "string" });
        Assert.Equal("long", keys.Values.Single(k => k.Name == "followers").Type);
        Assert.Equal("int", keys.Values.Single(k => k.Name == "community").Type);
        Assert.Equal("double", keys.Values.Single(k => k is { Domain: "edge", Name: "weight" }).Type);
        Assert.Equal(graph.Parameters.Keys.Order(), keys.Values.Where(k => k.Domain == "graph").Select(k => k.Name).Order());

        var g = root.Element(Ns + "graph")!;
        Assert.Equal("undirected", (string?)g.Attribute("edgedefault"));
        var handleKey = keys.Single(k => k.Value.Name == "handle").Key;
        var ctl = g.Elements(Ns + "node").Single(n => (string?)n.Attribute("id") == "ctl\uFFFDx");
        Assert.Equal("", (string)ctl.Elements(Ns + "data").Single(d => (string?)d.Attribute("key") == handleKey));
        Assert.Equal(graph.NodeCount, g.Elements(Ns + "node").Count());
        Assert.Equal(graph.EdgeCount, g.Elements(Ns + "edge").Count());
        foreach (var (element, domain) in g.Elements(Ns + "data").Select(d => (d, "graph"))
                     .Concat(g.Elements(Ns + "node").SelectMany(n => n.Elements(Ns + "data")).Select(d => (d, "node")))
                     .Concat(g.Elements(Ns + "edge").SelectMany(n => n.Elements(Ns + "data")).Select(d => (d, "edge"))))
        {
            var key = (string)element.Attribute("key")!;
            Assert.True(keys.ContainsKey(key), $"undeclared key {key}");
            Assert.Equal(domain, keys[key].Domain);
        }
    }
}
