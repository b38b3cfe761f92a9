namespace NetDetect.Core.Network;

/// <summary>What two accounts can do "together" (see spec/semantics.md, Modalities).</summary>
public enum Modality
{
    Repost,
    Hashtag,
    Url,
    Domain,
    Mention,
    Reply,
    Media,
    Text,
    SimilarText,
    Sync,
}

/// <summary>The command-line and file names of modalities (<c>repost</c>, <c>similar_text</c>, ...).</summary>
public static class ModalityNames
{
    private static readonly (Modality Modality, string Name)[] Names =
    [
        (Modality.Repost, "repost"), (Modality.Hashtag, "hashtag"), (Modality.Url, "url"), (Modality.Domain, "domain"),
        (Modality.Mention, "mention"), (Modality.Reply, "reply"), (Modality.Media, "media"), (Modality.Text, "text"),
        (Modality.SimilarText, "similar_text"), (Modality.Sync, "sync"),
    ];

    /// <summary>The spec's name of a modality.</summary>
    public static string Name(this Modality modality)
    {
        foreach (var (m, n) in Names)
            if (m == modality) return n;
        throw new ArgumentOutOfRangeException(nameof(modality));
    }

    /// <summary>Parses one name; false when unknown.</summary>
    public static bool TryParse(string text, out Modality modality)
    {
        foreach (var (m, n) in Names)
        {
            if (string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                modality = m;
                return true;
            }
        }
        modality = default;
        return false;
    }

    /// <summary>Parses a comma-separated list (<c>repost,hashtag</c>); throws <see cref="ArgumentException"/> naming the unknown entry.</summary>
    public static IReadOnlyList<Modality> ParseList(string text)
    {
        var result = new List<Modality>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParse(part, out var m))
                throw new ArgumentException($"unknown modality '{part}'; known: {string.Join(", ", AllNames)}");
            if (!result.Contains(m)) result.Add(m);
        }
        if (result.Count == 0) throw new ArgumentException("no modality given");
        return result;
    }

    /// <summary>Every modality name, in spec order.</summary>
    public static IEnumerable<string> AllNames => Names.Select(n => n.Name);
}
