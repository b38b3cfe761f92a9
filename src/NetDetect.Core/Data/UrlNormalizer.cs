using System.Text;

namespace NetDetect.Core.Data;

/// <summary>URL normalisation and registrable-domain extraction as the co-activity spec defines them.</summary>
public static class UrlNormalizer
{
    // Second-level public suffixes common in social-media links. A full public-suffix list is not shipped;
    // these cover the suffixes under which most registrable news and campaign domains sit.
    private static readonly HashSet<string> TwoLevelSuffixes = new(StringComparer.Ordinal)
    {
        "co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "me.uk", "net.uk",
        "com.au", "net.au", "org.au", "gov.au", "edu.au",
        "co.jp", "or.jp", "ne.jp", "ac.jp", "go.jp",
        "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn",
        "com.hk", "org.hk", "gov.hk", "edu.hk", "net.hk",
        "com.tw", "org.tw", "gov.tw", "edu.tw",
        "co.nz", "org.nz", "govt.nz", "co.za", "org.za", "gov.za",
        "com.br", "org.br", "gov.br", "com.mx", "gob.mx", "com.ar", "com.tr", "gov.tr",
        "co.in", "gov.in", "org.in", "co.kr", "or.kr", "go.kr", "com.sg", "gov.sg", "com.my",
        "com.ru", "org.ru", "com.ua", "org.ua", "co.il", "org.il", "com.pk", "com.ng", "com.eg", "com.sa",
    };

    /// <summary>Lower-case scheme and host, no fragment, no <c>utm_*</c> parameters, no trailing '/'.</summary>
    public static string Normalize(ReadOnlySpan<char> url)
    {
        var s = url.Trim().ToString();
        int hash = s.IndexOf('#');
        if (hash >= 0) s = s[..hash];
        int schemeEnd = s.IndexOf("://", StringComparison.Ordinal);
        string prefix = "", rest = s;
        if (schemeEnd > 0)
        {
            prefix = s[..(schemeEnd + 3)].ToLowerInvariant();
            rest = s[(schemeEnd + 3)..];
        }
        int pathStart = rest.IndexOfAny(['/', '?']);
        string host = pathStart < 0 ? rest : rest[..pathStart];
        string tail = pathStart < 0 ? "" : rest[pathStart..];
        host = host.ToLowerInvariant();
        int q = tail.IndexOf('?');
        string path = q < 0 ? tail : tail[..q];
        string query = q < 0 ? "" : tail[(q + 1)..];
        if (query.Length > 0)
        {
            var kept = query.Split('&').Where(p => p.Length > 0 && !p.StartsWith("utm_", StringComparison.OrdinalIgnoreCase));
            query = string.Join('&', kept);
        }
        path = path.TrimEnd('/');
        var sb = new StringBuilder(prefix.Length + host.Length + path.Length + query.Length + 1);
        sb.Append(prefix).Append(host).Append(path);
        if (query.Length > 0) sb.Append('?').Append(query);
        return sb.ToString();
    }

    /// <summary>The host of a URL without <c>www.</c>, cut to its registrable domain; null when there is no host.</summary>
    public static string? RegistrableDomain(ReadOnlySpan<char> url)
    {
        var s = url.Trim();
        int schemeEnd = s.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0) s = s[(schemeEnd + 3)..];
        int end = s.IndexOfAny("/?#");
        if (end >= 0) s = s[..end];
        int at = s.LastIndexOf('@');
        if (at >= 0) s = s[(at + 1)..];
        int colon = s.LastIndexOf(':');
        if (colon >= 0) s = s[..colon];
        if (s.IsEmpty) return null;
        var host = s.ToString().ToLowerInvariant().TrimEnd('.');
        var labels = host.Split('.');
        if (labels.Length <= 2) return host;
        var lastTwo = labels[^2] + "." + labels[^1];
        int keep = TwoLevelSuffixes.Contains(lastTwo) ? 3 : 2;
        return string.Join('.', labels[^keep..]);
    }
}
