using System.Text.Json;
using NetDetect.Core.Export;
using NetDetect.Core.Tests.Communities;

namespace NetDetect.Core.Tests.Export;

/// <summary>A small graph whose ids, labels and values exercise escaping, typing and number formatting.</summary>
public static class ExportTestData
{
    public static readonly string[] Ids = ["acc:1", "a&b<c>", "ünïcødé 🙂", "quote\"s 'x'", "ctl\u0001x", "comma,id", "  spaced  "];

    public static GraphExport Sample()
    {
        return new GraphExport
        {
            NodeIds = Ids,
            NodeLabels = ["Alice", null, "Ünï", "Q\"uote", "line\nbreak", "c,d", null],
            NodeAttributes =
            [
                AttributeColumn.Integer("community", [0, 0, 1, 1, 2, -3, 2]),
                AttributeColumn.Double("score", [0.1 + 0.2, 1e-300, -2.5, double.PositiveInfinity, 1.0 / 3, 123456789.125, 0]),
                AttributeColumn.Boolean("flagged", [true, false, true, false, false, true, false]),
                AttributeColumn.String("handle", ["@alice", null, "<b>bold</b>", "tab\there", "", "x&y", "z"]),
                AttributeColumn.Integer("followers", [5_000_000_000L, 1, 2, 3, 4, 5, 6]),
            ],
            EdgeSources = [0, 0, 2, 3, 4, 5],
            EdgeTargets = [1, 2, 3, 4, 5, 6],
            EdgeWeights = [1.5, 2, 0.1 + 0.2, 7, 1e-9, 3],
            EdgeAttributes =
            [
                AttributeColumn.String("modality", ["repost", "hashtag", "url", "repost,hashtag", "text", "sync"]),
                AttributeColumn.Integer("pairs", [3, 1, 4, 1, 5, 9]),
                AttributeColumn.Double("mean_delta_s", [12.5, 0, 59.999, 1, 2, 3]),
                AttributeColumn.Boolean("strong", [true, false, false, true, true, false]),
            ],
            Parameters = new Dictionary<string, string>
            {
                ["modality"] = "repost,hashtag",
                ["window"] = "60s",
                ["edge_threshold"] = "0.5q",
                ["communities"] = "leiden",
                ["seed"] = "42",
                ["odd <name> & \"quotes\""] = "value with <xml> & \"quotes\"",
            },
        };
    }

    /// <summary>Reads a GEXF (registering the 1.3 namespace where this networkx predates it) or GraphML file with networkx.</summary>
    public const string NetworkxReader = """
        import json, math, sys
        import networkx as nx
        from networkx.readwrite import gexf as gx
        kind, path = sys.argv[1], sys.argv[2]
        if kind == "gexf":
            # Debian bookworm's networkx 2.8 knows GEXF 1.1/1.2 only; 1.3 keeps the same elements under a new namespace.
            if "1.3" not in gx.GEXF.versions:
                gx.GEXF.versions["1.3"] = {"NS_GEXF": "http://gexf.net/1.3", "NS_VIZ": "http://gexf.net/1.3/viz",
                    "NS_XSI": "http://www.w3.org/2001/XMLSchema-instance",
                    "SCHEMALOCATION": "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd", "VERSION": "1.3"}
            G = nx.read_gexf(path, version="1.3")
        else:
            G = nx.read_graphml(path)
        def enc(v):
            if isinstance(v, float) and not math.isfinite(v):
                return {"type": "float", "value": repr(v)}
            return {"type": type(v).__name__, "value": v}
        out = {
            "version": nx.__version__,
            "directed": G.is_directed(),
            "nodes": {str(n): {k: enc(v) for k, v in d.items()} for n, d in G.nodes(data=True)},
            "edges": [[str(u), str(v), {k: enc(x) for k, x in d.items()}] for u, v, d in G.edges(data=True)],
            "graph": {k: enc(v) for k, v in G.graph.items()},
        }
        print(json.dumps(out))
        """;

    public static JsonDocument ReadWithNetworkx(string kind, string path) =>
        JsonDocument.Parse(ReferencePython.RunScript("networkx", NetworkxReader, kind, path));

    /// <summary>Asserts a networkx value's Python type name and value.</summary>
    public static void AssertValue(JsonElement attrs, string name, string pythonType, object expected)
    {
        Assert.True(attrs.TryGetProperty(name, out var v), $"attribute '{name}' missing in {attrs}");
        Assert.Equal(pythonType, v.GetProperty("type").GetString());
        var value = v.GetProperty("value");
        switch (expected)
        {
            case double d when double.IsPositiveInfinity(d): Assert.Equal("inf", value.GetString()); break;
            case double d: Assert.Equal(d, value.GetDouble()); break;
            case long l: Assert.Equal(l, value.GetInt64()); break;
            case int i: Assert.Equal(i, value.GetInt64()); break;
            case bool b: Assert.Equal(b, value.GetBoolean()); break;
            default: Assert.Equal((string)expected, value.GetString()); break;
        }
    }

    /// <summary>Finds the edge between two node ids in networkx's undirected edge list.</summary>
    public static JsonElement EdgeAttributes(JsonDocument doc, string a, string b)
    {
        foreach (var e in doc.RootElement.GetProperty("edges").EnumerateArray())
        {
            string u = e[0].GetString()!, v = e[1].GetString()!;
            if ((u == a && v == b) || (u == b && v == a)) return e[2];
        }
        throw new Xunit.Sdk.XunitException($"no edge {a} -- {b}");
    }
}
