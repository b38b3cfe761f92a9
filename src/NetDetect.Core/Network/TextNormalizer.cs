namespace NetDetect.Core.Network;

/// <summary>The <c>text</c> modality's normal form: lower-case, mentions and URLs removed, whitespace folded.</summary>
public static class TextNormalizer
{
    /// <summary>Normalises <paramref name="text"/> into <paramref name="destination"/> (at least as long) and returns the length.</summary>
    public static int Normalize(ReadOnlySpan<char> text, Span<char> destination)
    {
        int n = 0;
        bool pendingSpace = false;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            // A token is removed when it is a mention (@name) or a URL (scheme:// or www.); it ends at whitespace.
            bool tokenStart = i == 0 || char.IsWhiteSpace(text[i - 1]);
            if (tokenStart && (IsMention(text[i..]) || IsUrl(text[i..])))
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = n > 0;
                i++;
                continue;
            }
            if (pendingSpace)
            {
                destination[n++] = ' ';
                pendingSpace = false;
            }
            destination[n++] = char.ToLowerInvariant(c);
            i++;
        }
        return n;
    }

    /// <summary>
    /// The normal form of post <paramref name="j"/>'s text into <paramref name="buffer"/> (grown when too short) and its
    /// length; 0 when the post is a repost (its text is the original's), has no text or its text normalises to nothing.
    /// The text modality and the similar-text modality both read the originals' texts this way.
    /// </summary>
    internal static int NormalizeOriginal(Data.PostTable posts, int j, ref char[] buffer)
    {
        if (posts.RepostOfPost[j] >= 0) return 0;
        var text = posts.Text.GetSpan(j);
        if (text.IsEmpty) return 0;
        if (buffer.Length < text.Length) buffer = new char[text.Length * 2];
        return Normalize(text, buffer);
    }

    /// <summary>The normal form as a string.</summary>
    public static string Normalize(string text)
    {
        var buffer = new char[text.Length];
        return new string(buffer, 0, Normalize(text, buffer));
    }

    private static bool IsMention(ReadOnlySpan<char> s) => s.Length > 1 && s[0] == '@' && (char.IsLetterOrDigit(s[1]) || s[1] == '_');

    private static bool IsUrl(ReadOnlySpan<char> s) =>
        s.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || s.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || s.StartsWith("www.", StringComparison.OrdinalIgnoreCase);
}
