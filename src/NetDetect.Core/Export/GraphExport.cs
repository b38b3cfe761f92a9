using System.Globalization;
using System.Xml;

namespace NetDetect.Core.Export;

/// <summary>Value type of an exported attribute column, as GEXF, GraphML and the CSV sidecar name it.</summary>
public enum AttributeType
{
    /// <summary>64-bit integer (GEXF "integer" or "long", GraphML "int" or "long", chosen by range).</summary>
    Integer,

    /// <summary>Double-precision number.</summary>
    Double,

    /// <summary>Text; null means "no value" for that node or edge.</summary>
    String,

    /// <summary>true / false.</summary>
    Boolean,
}

/// <summary>A named, typed column of attribute values, one per node or per edge.</summary>
public sealed class AttributeColumn
{
    private readonly long[]? _integers;
    private readonly double[]? _doubles;
    private readonly string?[]? _strings;
    private readonly bool[]? _booleans;

    private AttributeColumn(string name, AttributeType type, long[]? i, double[]? d, string?[]? s, bool[]? b)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name; Type = type; _integers = i; _doubles = d; _strings = s; _booleans = b;
        Length = i?.Length ?? d?.Length ?? s?.Length ?? b!.Length;
    }

    /// <summary>Column name as analysts see it in Gephi.</summary>
    public string Name { get; }

    /// <summary>Value type of the column.</summary>
    public AttributeType Type { get; }

    /// <summary>Number of values (must equal the node or edge count).</summary>
    public int Length { get; }

    /// <summary>An integer column.</summary>
    public static AttributeColumn Integer(string name, long[] values) => new(name, AttributeType.Integer, values ?? throw new ArgumentNullException(nameof(values)), null, null, null);

    /// <summary>An integer column from 32-bit values.</summary>
    public static AttributeColumn Integer(string name, int[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var wide = new long[values.Length];
        for (int i = 0; i < values.Length; i++) wide[i] = values[i];
        return new(name, AttributeType.Integer, wide, null, null, null);
    }

    /// <summary>A double column.</summary>
    public static AttributeColumn Double(string name, double[] values) => new(name, AttributeType.Double, null, values ?? throw new ArgumentNullException(nameof(values)), null, null);

    /// <summary>A string column; null entries are written as missing values.</summary>
    public static AttributeColumn String(string name, string?[] values) => new(name, AttributeType.String, null, null, values ?? throw new ArgumentNullException(nameof(values)), null);

    /// <summary>A boolean column.</summary>
    public static AttributeColumn Boolean(string name, bool[] values) => new(name, AttributeType.Boolean, null, null, null, values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>True when row <paramref name="i"/> has a value (only string columns can lack one).</summary>
    public bool HasValue(int i) => _strings is null || _strings[i] is not null;

    /// <summary>Whether every integer fits in 32 bits, so the narrower XML type can be declared.</summary>
    internal bool FitsInt32()
    {
        if (_integers is null) return true;
        foreach (long x in _integers) if (x is < int.MinValue or > int.MaxValue) return false;
        return true;
    }

    /// <summary>Row <paramref name="i"/> in invariant, XML-Schema lexical form (INF, -INF, NaN; true/false); null if missing.</summary>
    public string? Format(int i) => Type switch
    {
        AttributeType.Integer => _integers![i].ToString(CultureInfo.InvariantCulture),
        AttributeType.Double => XmlConvert.ToString(_doubles![i]),
        AttributeType.Boolean => _booleans![i] ? "true" : "false",
        _ => _strings![i],
    };
}

/// <summary>
/// A graph ready for export: node ids, labels and typed attribute columns; edges as (source, target, weight)
/// node indices plus typed columns; and every parameter that produced it.
/// </summary>
public sealed record GraphExport
{
    /// <summary>Unique node ids (e.g. account ids); edges refer to nodes by index into this list.</summary>
    public required IReadOnlyList<string> NodeIds { get; init; }

    /// <summary>Display labels, parallel to <see cref="NodeIds"/>; null uses the ids.</summary>
    public IReadOnlyList<string?>? NodeLabels { get; init; }

    /// <summary>Typed node columns, each with one value per node.</summary>
    public IReadOnlyList<AttributeColumn> NodeAttributes { get; init; } = [];

    /// <summary>Edge source node index.</summary>
    public required int[] EdgeSources { get; init; }

    /// <summary>Edge target node index.</summary>
    public required int[] EdgeTargets { get; init; }

    /// <summary>Edge weight.</summary>
    public required double[] EdgeWeights { get; init; }

    /// <summary>Typed edge columns, each with one value per edge.</summary>
    public IReadOnlyList<AttributeColumn> EdgeAttributes { get; init; } = [];

    /// <summary>Every parameter used to build the graph (name → value as given), recorded in each export.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether edges are directed; co-share networks are undirected.</summary>
    public bool Directed { get; init; }

    /// <summary>Number of nodes.</summary>
    public int NodeCount => NodeIds.Count;

    /// <summary>Number of edges.</summary>
    public int EdgeCount => EdgeSources.Length;

    /// <summary>Label of node <paramref name="i"/>, falling back to its id.</summary>
    public string LabelOf(int i) => NodeLabels?[i] ?? NodeIds[i];

    /// <summary>Checks sizes, index ranges, unique ids and column names; throws naming the first problem.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(NodeIds);
        ArgumentNullException.ThrowIfNull(EdgeSources);
        ArgumentNullException.ThrowIfNull(EdgeTargets);
        ArgumentNullException.ThrowIfNull(EdgeWeights);
        int n = NodeIds.Count, m = EdgeSources.Length;
        if (NodeLabels is not null && NodeLabels.Count != n)
            throw new ArgumentException($"NodeLabels has {NodeLabels.Count} entries for {n} nodes.");
        if (EdgeTargets.Length != m || EdgeWeights.Length != m)
            throw new ArgumentException($"edge arrays differ in length: sources={m}, targets={EdgeTargets.Length}, weights={EdgeWeights.Length}.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            if (NodeIds[i] is null) throw new ArgumentException($"node {i} has a null id.");
            if (!seen.Add(NodeIds[i])) throw new ArgumentException($"node id '{NodeIds[i]}' appears twice (second at index {i}).");
        }
        for (int e = 0; e < m; e++)
        {
            if ((uint)EdgeSources[e] >= (uint)n || (uint)EdgeTargets[e] >= (uint)n)
                throw new ArgumentException($"edge {e} ({EdgeSources[e]},{EdgeTargets[e]}) refers to a node outside 0..{n - 1}.");
        }
        CheckColumns(NodeAttributes, n, "node", ["id", "label"]);
        CheckColumns(EdgeAttributes, m, "edge", ["id", "source", "target", "weight", "type"]);
    }

    private static void CheckColumns(IReadOnlyList<AttributeColumn> columns, int rows, string kind, string[] reserved)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in columns)
        {
            if (c.Length != rows) throw new ArgumentException($"{kind} column '{c.Name}' has {c.Length} values for {rows} {kind}s.");
            if (Array.Exists(reserved, r => string.Equals(r, c.Name, StringComparison.OrdinalIgnoreCase)))
                throw new ArgumentException($"{kind} column name '{c.Name}' is reserved.");
            if (!names.Add(c.Name)) throw new ArgumentException($"{kind} column '{c.Name}' appears twice.");
        }
    }
}

/// <summary>Text clean-up shared by the XML writers.</summary>
internal static class XmlText
{
    /// <summary>Replaces characters XML 1.0 cannot carry (control characters, lone surrogates) with U+FFFD.</summary>
    public static string Clean(string s)
    {
        int bad = IndexOfInvalid(s);
        if (bad < 0) return s;
        var chars = s.ToCharArray();
        for (int i = bad; i < chars.Length; i++)
        {
            char c = chars[i];
            if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) { i++; continue; }
            if (!XmlConvert.IsXmlChar(c)) chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    private static int IndexOfInvalid(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (XmlConvert.IsXmlChar(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            return i;
        }
        return -1;
    }

    /// <summary>
    /// Runs a synchronous export into a new file on a pool thread. The exports write through the synchronous
    /// <see cref="XmlWriter"/>: its async methods cost an awaited call per element and attribute, which made a
    /// 3.2M-edge GEXF take 30 s.
    /// </summary>
    public static Task WriteFileAsync(string path, Action<Stream> write, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            write(stream);
        }, cancellationToken);

    /// <summary>Runs a synchronous export into <paramref name="stream"/> on a pool thread (a file or memory stream;
    /// not a stream that refuses synchronous writes, such as an ASP.NET Core response body by default).</summary>
    public static Task WriteStreamAsync(Stream stream, Action<Stream> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Task.Run(() => write(stream), cancellationToken);
    }

    public static XmlWriterSettings Settings => new()
    {
        Indent = true,
        Encoding = new System.Text.UTF8Encoding(false),
        NewLineHandling = NewLineHandling.Entitize,
    };
}
