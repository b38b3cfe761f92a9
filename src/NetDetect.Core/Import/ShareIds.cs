using NetDetect.Core.Data;

namespace NetDetect.Core.Import;

/// <summary>
/// Post ids for peer tables whose content id repeats. CooRTweet's long format is a table of shares: one content id
/// can sit on several rows with different objects, and every row counts. Post ids must be unique, so the first row
/// of a content id keeps it and its k-th row (k ≥ 2) becomes <c>content_id#k</c>. <see cref="ContentOf"/> maps every
/// post back to the post carrying its original content id, so CooRTweet-compatible participation can count rows.
/// </summary>
/// <remarks>
/// The importers guarantee the mapping is exact: an input content id that itself ends in <c>#k</c> while its
/// prefix is also a content id of the same import is refused with an error, so <c>X#k</c> is derived exactly
/// when <c>X</c> is a post of the dataset.
/// </remarks>
public static class ShareIds
{
    public const char Separator = '#';

    /// <summary>The post id of the <paramref name="occurrence"/>-th row (1-based) of <paramref name="contentId"/>.</summary>
    public static string Derive(string contentId, int occurrence) =>
        occurrence <= 1 ? contentId : $"{contentId}{Separator}{occurrence}";

    /// <summary>Splits <c>X#k</c> (k ≥ 2, no leading zero) into X and k; false for any other id.</summary>
    public static bool TrySplit(ReadOnlySpan<char> postId, out ReadOnlySpan<char> contentId, out int occurrence)
    {
        contentId = postId;
        occurrence = 1;
        int hash = postId.LastIndexOf(Separator);
        if (hash <= 0 || hash == postId.Length - 1) return false;
        var digits = postId[(hash + 1)..];
        if (digits[0] == '0') return false;
        foreach (char c in digits)
            if (!char.IsAsciiDigit(c)) return false;
        if (!int.TryParse(digits, out int k) || k < 2) return false;
        contentId = postId[..hash];
        occurrence = k;
        return true;
    }

    /// <summary>
    /// For every post, the index of the post carrying its original content id (itself unless the post is a
    /// derived <c>X#k</c> row of content X). Rows of one content id share one value.
    /// </summary>
    public static int[] ContentOf(PostTable posts)
    {
        var result = new int[posts.Count];
        for (int j = 0; j < posts.Count; j++)
        {
            result[j] = j;
            // A number has no '#'. Other ids are stored as UTF-8; '#' and digits are ASCII, so a split of the bytes is
            // the split of the characters.
            if (!posts.Ids.IsNumber(j) && TrySplit(posts.Ids.GetUtf8(j), out var content))
            {
                int first = posts.Ids.IndexOfUtf8(content);
                if (first >= 0) result[j] = first;
            }
        }
        return result;
    }

    /// <summary><see cref="TrySplit(ReadOnlySpan{char}, out ReadOnlySpan{char}, out int)"/> on UTF-8 bytes (the content id only).</summary>
    private static bool TrySplit(ReadOnlySpan<byte> postId, out ReadOnlySpan<byte> contentId)
    {
        contentId = postId;
        int hash = postId.LastIndexOf((byte)Separator);
        if (hash <= 0 || hash == postId.Length - 1) return false;
        var digits = postId[(hash + 1)..];
        if (digits[0] == (byte)'0') return false;
        foreach (byte c in digits)
            if (!char.IsAsciiDigit((char)c)) return false;
        if (!System.Buffers.Text.Utf8Parser.TryParse(digits, out int k, out int used) || used != digits.Length || k < 2) return false;
        contentId = postId[..hash];
        return true;
    }

    /// <summary>The original content id of post <paramref name="post"/>.</summary>
    public static string ContentId(PostTable posts, int post)
    {
        var id = posts.Ids.GetSpan(post);
        if (TrySplit(id, out var content, out _) && posts.Ids.IndexOf(content) >= 0) return new string(content);
        return new string(id);
    }
}
