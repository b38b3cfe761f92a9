using System.Globalization;
using NetDetect.Core.Data;

namespace NetDetect.Core.Import;

/// <summary>Parsers for the field shapes the peer tools and the takedown archive write, each saying why it refused.</summary>
internal static class FieldParsers
{
    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd HH:mm",
        "yyyy-MM-dd HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss'Z'",
        "yyyy-MM-dd HH:mm:ss'+00:00'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'",
        "yyyy-MM-dd HH:mm:ss.FFFFFF",
    ];

    private static readonly string[] DateFormats = ["yyyy-MM-dd", .. DateTimeFormats];

    /// <summary>
    /// Epoch seconds as the peer tools write them: an optional sign, digits and an optional fraction (kept to the
    /// microsecond). Exponent notation is refused because a spreadsheet that wrote <c>1.62388e+09</c> dropped digits.
    /// </summary>
    public static bool TryParseEpochSeconds(ReadOnlySpan<char> s, out long micros)
    {
        micros = 0;
        s = s.Trim();
        if (s.IsEmpty) return false;
        bool negative = s[0] == '-';
        if (s[0] is '-' or '+') s = s[1..];
        int dot = s.IndexOf('.');
        var whole = dot < 0 ? s : s[..dot];
        var fraction = dot < 0 ? ReadOnlySpan<char>.Empty : s[(dot + 1)..];
        if (whole.IsEmpty || !AllDigits(whole) || !AllDigits(fraction)) return false;
        if (!long.TryParse(whole, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)) return false;
        long frac = 0;
        for (int k = 0; k < 6; k++) frac = frac * 10 + (k < fraction.Length ? fraction[k] - '0' : 0);
        // digits past the microsecond are dropped: NetDetect stores microseconds
        try
        {
            micros = checked(seconds * Time.MicrosPerSecond + frac);
        }
        catch (OverflowException)
        {
            return false;
        }
        if (negative) micros = -micros;
        return true;
    }

    /// <summary>A UTC date-time as the archive writes it (<c>YYYY-MM-DD HH:MM</c>, seconds optional).</summary>
    /// <param name="wholeMinutes">True when the text carried no seconds (the archive's minute resolution).</param>
    public static bool TryParseDateTime(ReadOnlySpan<char> s, out long micros, out bool wholeMinutes)
    {
        s = s.Trim();
        wholeMinutes = s.Length == 16;
        if (TryParseArchiveTime(s, out micros)) return true;
        if (DateTime.TryParseExact(s, DateTimeFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value))
        {
            micros = Time.FromDateTime(DateTime.SpecifyKind(value, DateTimeKind.Utc));
            return true;
        }
        micros = 0;
        return false;
    }

    /// <summary>
    /// The archive's own shapes, <c>YYYY-MM-DD HH:MM</c> and <c>YYYY-MM-DD HH:MM:SS</c>, read by position: millions of
    /// rows go through here, and the general parser is several times slower. Anything else falls through to it.
    /// </summary>
    private static bool TryParseArchiveTime(ReadOnlySpan<char> s, out long micros)
    {
        micros = 0;
        if (s.Length != 16 && s.Length != 19) return false;
        if (s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || (s.Length == 19 && s[16] != ':')) return false;
        if (!TwoDigits(s, 5, out int month) || !TwoDigits(s, 8, out int day) || !TwoDigits(s, 11, out int hour)
            || !TwoDigits(s, 14, out int minute) || !TwoDigits(s, 0, out int c) || !TwoDigits(s, 2, out int y)) return false;
        int second = 0;
        if (s.Length == 19 && !TwoDigits(s, 17, out second)) return false;
        int year = c * 100 + y;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        micros = Time.FromDateTime(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc));
        return true;
    }

    private static bool TwoDigits(ReadOnlySpan<char> s, int at, out int value)
    {
        char a = s[at], b = s[at + 1];
        value = (a - '0') * 10 + (b - '0');
        return char.IsAsciiDigit(a) && char.IsAsciiDigit(b);
    }

    /// <summary>A date (<c>YYYY-MM-DD</c>) or a date-time, UTC.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> s, out long micros)
    {
        s = s.Trim();
        if (DateTime.TryParseExact(s, DateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value))
        {
            micros = Time.FromDateTime(DateTime.SpecifyKind(value, DateTimeKind.Utc));
            return true;
        }
        micros = 0;
        return false;
    }

    /// <summary>A count written as an integer or as a float with a zero fraction (<c>17</c>, <c>17.0</c>).</summary>
    public static bool TryParseCount(ReadOnlySpan<char> s, out long value)
    {
        s = s.Trim();
        int dot = s.IndexOf('.');
        if (dot >= 0)
        {
            foreach (char c in s[(dot + 1)..])
                if (c != '0') { value = 0; return false; }
            s = s[..dot];
        }
        return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= 0;
    }

    /// <summary>The archive's retweet flag: True/False in any case, or 1/0; empty means false.</summary>
    public static bool TryParseFlag(ReadOnlySpan<char> s, out bool value)
    {
        s = s.Trim();
        if (s.IsEmpty || s.Equals("false", StringComparison.OrdinalIgnoreCase) || s.SequenceEqual("0"))
        {
            value = false;
            return true;
        }
        if (s.Equals("true", StringComparison.OrdinalIgnoreCase) || s.SequenceEqual("1"))
        {
            value = true;
            return true;
        }
        value = false;
        return false;
    }

    /// <summary>
    /// True for an id a spreadsheet turned into a number (<c>1.17E+18</c>, <c>898925911294132224.0</c>): its
    /// digits are gone, so no id can be recovered from it and guessing one would merge unrelated posts.
    /// </summary>
    public static bool IsMangledNumericId(ReadOnlySpan<char> s)
    {
        s = s.Trim();
        if (s.IsEmpty) return false;
        int i = 0;
        if (s[i] is '+' or '-') i++;
        int digitsStart = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        if (i == digitsStart) return false;
        bool dot = false;
        if (i < s.Length && s[i] == '.')
        {
            dot = true;
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        }
        if (i == s.Length) return dot;
        if (s[i] is not ('e' or 'E')) return false;
        i++;
        if (i < s.Length && s[i] is '+' or '-') i++;
        int expStart = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        return i > expStart && i == s.Length;
    }

    /// <summary>
    /// Parses a Python-list-like string (<c>['a', 'b']</c>, <c>[a, b]</c>, <c>[]</c>) as the archive writes its
    /// hashtags, urls and user_mentions. Empty text is an empty list. Returns an error text when malformed.
    /// </summary>
    public static string? ParseListLike(ReadOnlySpan<char> s, List<string> into)
    {
        into.Clear();
        s = s.Trim();
        if (s.IsEmpty) return null;
        if (s[0] != '[' || s[^1] != ']') return "expected a list like ['a', 'b'] or []";
        var inner = s[1..^1];
        int i = 0;
        System.Text.StringBuilder? sb = null;
        while (true)
        {
            while (i < inner.Length && char.IsWhiteSpace(inner[i])) i++;
            if (i >= inner.Length) return into.Count == 0 ? null : "list ends with a comma";
            char c = inner[i];
            if (c is '\'' or '"')
            {
                char quote = c;
                i++;
                int end = inner[i..].IndexOfAny(quote, '\\');
                if (end >= 0 && inner[i + end] == quote)
                {
                    // the common case, no escapes: one string, no copying through the builder
                    if (end > 0) into.Add(new string(inner.Slice(i, end)));
                    i += end + 1;
                    while (i < inner.Length && char.IsWhiteSpace(inner[i])) i++;
                    if (i >= inner.Length) return null;
                    if (inner[i] != ',') return $"unexpected '{inner[i]}' after list element {into.Count}";
                    i++;
                    continue;
                }
                sb ??= new System.Text.StringBuilder();
                sb.Clear();
                bool closed = false;
                while (i < inner.Length)
                {
                    char d = inner[i++];
                    if (d == quote)
                    {
                        closed = true;
                        break;
                    }
                    if (d == '\\' && i < inner.Length)
                    {
                        char e = inner[i++];
                        switch (e)
                        {
                            case 'n': sb.Append('\n'); break;
                            case 't': sb.Append('\t'); break;
                            case 'r': sb.Append('\r'); break;
                            case '\\' or '\'' or '"': sb.Append(e); break;
                            default: sb.Append('\\').Append(e); break;
                        }
                        continue;
                    }
                    sb.Append(d);
                }
                if (!closed) return $"list element {into.Count + 1} has no closing {quote}";
                if (sb.Length > 0) into.Add(sb.ToString());
                while (i < inner.Length && char.IsWhiteSpace(inner[i])) i++;
            }
            else
            {
                int start = i;
                while (i < inner.Length && inner[i] != ',') i++;
                var bare = inner[start..i].TrimEnd();
                if (!bare.IsEmpty) into.Add(new string(bare));
            }
            if (i >= inner.Length) return null;
            if (inner[i] != ',') return $"unexpected '{inner[i]}' after list element {into.Count}";
            i++;
        }
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
            if (!char.IsAsciiDigit(c)) return false;
        return true;
    }
}
