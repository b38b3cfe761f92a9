using System.Xml.Linq;
using NetDetect.Core.Export;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Export;

public class GexfWriterTests
{
    private static readonly XNamespace Gexf = "http://gexf.net/1.3";

    [Fact]
    public async Task NetworkxReadsNodesEdgesAndTypedAttributesBack()
    {
        using var dir = new TempDir();
        var graph = ExportTestData.Sample();
        await GexfWriter.WriteFileAsync(graph, dir.Sub("g.gexf"));

        using var doc = ExportTestData.ReadWithNetworkx("gexf", dir.Sub("g.gexf"));
        var root = doc.RootElement;
        Assert.False(root.GetProperty("directed").GetBoolean());
        var nodes = root.GetProperty("nodes");
        Assert.Equal(graph.NodeCount, nodes.EnumerateObject().Count());
        Assert.Equal(graph.EdgeCount, root.GetProperty("edges").GetArrayLength());

        var alice = nodes.GetProperty("acc:1");
        ExportTestData.AssertValue(alice, "label", "str", "Alice");
        ExportTestData.AssertValue(alice, "community", "int", 0);
        ExportTestData.AssertValue(alice, "score", "float", 0.1 + 0.2);
        ExportTestData.AssertValue(alice, "flagged", "bool", true);
        ExportTestData.AssertValue(alice, "handle", "str", "@alice");
        ExportTestData.AssertValue(alice, "followers", "int", 5_000_000_000L);

        var amp = nodes.GetProperty("a&b<c>");
        ExportTestData.AssertValue(amp, "label", "str", "a&b<c>");          // no label: the id is used
        ExportTestData.AssertValue(amp, "score", "float", 1e-300);
        Assert.False(amp.TryGetProperty("handle", out _));                   // null string: no value written
        ExportTestData.AssertValue(nodes.GetProperty("ünïcødé 🙂"), "handle", "str", "<b>bold</b>");
        ExportTestData.AssertValue(nodes.GetProperty("quote\"s 'x'"), "score", "float", double.PositiveInfinity);
        ExportTestData.AssertValue(nodes.GetProperty("quote\"s 'x'"), "handle", "str", "tab\there");
        ExportTestData.AssertValue(nodes.GetProperty("ctl\uFFFDx"), "label", "str", "line\nbreak");
        ExportTestData.AssertValue(nodes.GetProperty("comma,id"), "community", "int", -3);
        Assert.True(nodes.TryGetProperty("  spaced  ", out _));

        var e = ExportTestData.EdgeAttributes(doc, "ünïcødé 🙂", "quote\"s 'x'");
        ExportTestData.AssertValue(e, "weight", "float", 0.1 + 0.2);
        ExportTestData.AssertValue(e, "modality", "str", "url");
        ExportTestData.AssertValue(e, "pairs", "int", 4);
        ExportTestData.AssertValue(e, "mean_delta_s", "float", 59.999);
        ExportTestData.AssertValue(e, "strong", "bool", false);
        ExportTestData.AssertValue(ExportTestData.EdgeAttributes(doc, "ctl\uFFFDx", "comma,id"), "weight", "float", 1e-9);
    }

    [Fact]
    public async Task Document_HasGexf13Shape_TypedDeclarations_AndEveryParameter()
    {
        var graph = ExportTestData.Sample();
        using var stream = new MemoryStream();
        await GexfWriter.WriteAsync(graph, stream);
        stream.Position = 0;
        var doc = XDocument.Load(stream);

        var root = doc.Root!;
        Assert.Equal(Gexf + "gexf", root.Name);
        Assert.Equal("1.3", (string?)root.Attribute("version"));
        var meta = root.Element(Gexf + "meta")!;
        Assert.Equal("NetDetect", (string?)meta.Element(Gexf + "creator"));
        var description = (string)meta.Element(Gexf + "description")!;
        foreach (var (key, value) in graph.Parameters) Assert.Contains($"{key} = {value}", description);

        var g = root.Element(Gexf + "graph")!;
        Assert.Equal("undirected", (string?)g.Attribute("defaultedgetype"));
        var declared = new Dictionary<string, Dictionary<string, string>>();
        foreach (var attributes in g.Elements(Gexf + "attributes"))
        {
            var cls = (string)attributes.Attribute("class")!;
            declared[cls] = attributes.Elements(Gexf + "attribute").ToDictionary(a => (string)a.Attribute("id")!, a => (string)a.Attribute("type")!);
            var titles = attributes.Elements(Gexf + "attribute").ToDictionary(a => (string)a.Attribute("title")!, a => (string)a.Attribute("type")!);
            if (cls == "node")
            {
                Assert.Equal("integer", titles["community"]);
                Assert.Equal("long", titles["followers"]);
                Assert.Equal("double", titles["score"]);
                Assert.Equal("boolean", titles["flagged"]);
                Assert.Equal("string", titles["handle"]);
            }
        }
        Assert.Equal(["edge", "node"], declared.Keys.Order());
        foreach (var type in declared.Values.SelectMany(d => d.Values))
            Assert.Contains(type, new[] { "integer", "long", "double", "boolean", "string" });

        var nodes = g.Element(Gexf + "nodes")!.Elements(Gexf + "node").ToList();
        var edges = g.Element(Gexf + "edges")!.Elements(Gexf + "edge").ToList();
        Assert.Equal(graph.NodeCount, nodes.Count);
        Assert.Equal(graph.EdgeCount, edges.Count);
        var ids = nodes.Select(n => (string)n.Attribute("id")!).ToHashSet();
        Assert.Equal(graph.NodeCount, ids.Count);
        foreach (var edge in edges)
        {
            Assert.Contains((string)edge.Attribute("source")!, ids);
            Assert.Contains((string)edge.Attribute("target")!, ids);
        }
        foreach (var (element, cls) in nodes.Select(n => (n, "node")).Concat(edges.Select(e => (e, "edge"))))
            foreach (var v in element.Descendants(Gexf + "attvalue"))
                Assert.True(declared[cls].ContainsKey((string)v.Attribute("for")!));

        // Invariant numbers, XML-Schema spellings.
        Assert.Equal("0.30000000000000004", (string?)edges[2].Attribute("weight"));
        var scores = nodes.Select(n => n.Descendants(Gexf + "attvalue").First(v => (string?)v.Attribute("for") == "1")).Select(v => (string)v.Attribute("value")!).ToList();
        Assert.Equal("INF", scores[3]);
        Assert.Equal("1E-300", scores[1]);
    }

    [Fact]
    public async Task Rejects_DuplicateIds_BadIndices_AndMisSizedColumns()
    {
        var ok = ExportTestData.Sample();
        using var stream = new MemoryStream();
        await Assert.ThrowsAsync<ArgumentException>(() => GexfWriter.WriteAsync(ok with { NodeIds = ["a", "a", "b", "c", "d", "e", "f"] }, stream));
        await Assert.ThrowsAsync<ArgumentException>(() => GexfWriter.WriteAsync(ok with { EdgeTargets = [1, 2, 3, 4, 5, 7] }, stream));
        await Assert.ThrowsAsync<ArgumentException>(() => GexfWriter.WriteAsync(ok with { NodeAttributes = [AttributeColumn.Integer("x", [1, 2])] }, stream));
        await Assert.ThrowsAsync<ArgumentException>(() => GexfWriter.WriteAsync(ok with { EdgeAttributes = [AttributeColumn.Double("weight", new double[6])] }, stream));
    }
}
