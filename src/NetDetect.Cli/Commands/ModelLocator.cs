namespace NetDetect.Cli.Commands;

/// <summary>Finds the shipped model: next to the executable, then in <c>models/</c> of the current directory or any parent (a fresh clone).</summary>
public static class ModelLocator
{
    public const string DefaultFile = "netdetect-default.zip";

    public static string Resolve(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            if (!File.Exists(explicitPath)) throw new UsageException($"model file not found: {explicitPath}");
            return explicitPath;
        }
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "models", DefaultFile);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new UsageException($"no --model given and models/{DefaultFile} was found neither next to netdetect nor in the current directory or its parents");
    }
}

/// <summary>Reads a seeds file (seeds/README.md): one account id per line, <c>#</c> comments, optional <c>account_id</c> header, first CSV field used.</summary>
public static class SeedsFile
{
    public static async Task<IReadOnlyList<string>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw new UsageException($"seeds file not found: {path}");
        var ids = new List<string>();
        int line = 0;
        foreach (var raw in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            line++;
            var text = raw.Trim();
            int hash = text.IndexOf('#');
            if (hash >= 0) text = text[..hash].Trim();
            if (text.Length == 0) continue;
            int comma = text.IndexOf(',');
            if (comma >= 0) text = text[..comma].Trim();
            text = text.Trim('"');
            if (ids.Count == 0 && text.Equals("account_id", StringComparison.OrdinalIgnoreCase)) continue;
            if (text.Length == 0) throw new UsageException($"{path}, line {line}: empty account id");
            ids.Add(text);
        }
        if (ids.Count == 0) throw new UsageException($"{path}: no seed account ids");
        return ids;
    }
}
