using System.Text;
using System.Text.Json;

namespace NetDetect.Notebooks.Tests;

/// <summary>The .cs ↔ .ipynb rule of notebooks/README.md: the .cs cells are the text after each "// %%" line, the .ipynb code cells after the first (#r setup) cell.</summary>
public static class NotebookSync
{
    public const string Marker = "// %%";

    /// <summary>Cells of a file-based notebook: everything between "// %%" lines, the header (directives, intro) excluded.</summary>
    public static List<string> CsCells(string source)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var cells = new List<string>();
        StringBuilder? cell = null;
        foreach (var line in lines)
        {
            if (line == Marker)
            {
                if (cell is not null) cells.Add(cell.ToString().TrimEnd('\n'));
                cell = new StringBuilder();
            }
            else cell?.Append(line).Append('\n');
        }
        if (cell is not null) cells.Add(cell.ToString().TrimEnd('\n'));
        return cells;
    }

    /// <summary>Code cells of a Polyglot notebook (all must be C#): the first is the #r setup cell, the rest mirror the .cs cells.</summary>
    public static (List<string> Cells, string Setup) IpynbCodeCells(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var code = new List<string>();
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.GetProperty("cell_type").GetString() != "code") continue;
            var language = cell.GetProperty("metadata").GetProperty("dotnet_interactive").GetProperty("language").GetString();
            if (language != "csharp") throw new InvalidDataException($"{path}: a code cell in {language}, not csharp");
            var sb = new StringBuilder();
            foreach (var line in cell.GetProperty("source").EnumerateArray()) sb.Append(line.GetString());
            code.Add(sb.ToString().Replace("\r\n", "\n").TrimEnd('\n'));
        }
        if (code.Count == 0) throw new InvalidDataException($"{path}: no code cells");
        return (code.GetRange(1, code.Count - 1), code[0]);
    }

    /// <summary>The notebook's cells as a file-based app referencing NetDetect.Core by absolute path (the #r cell has no place there).</summary>
    public static string ToFileBasedApp(IEnumerable<string> cells, string coreProject)
    {
        var sb = new StringBuilder();
        sb.Append("#:project ").Append(coreProject).Append('\n').Append("#:property PublishAot=false\n");
        foreach (var c in cells) sb.Append(Marker).Append('\n').Append(c).Append('\n');
        return sb.ToString();
    }
}
