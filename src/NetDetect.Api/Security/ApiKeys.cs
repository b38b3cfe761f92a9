using System.Security.Cryptography;
using System.Text;

namespace NetDetect.Api.Security;

/// <summary>What a key may do; each role includes the ones below it.</summary>
public enum ApiRole
{
    Submitter = 1,
    Analyst = 2,
    Admin = 3,
}

/// <summary>One configured key: the secret, its role and the name recorded as reviewer identity.</summary>
public sealed record ApiKey(string Key, ApiRole Role, string Name);

/// <summary>Configured API keys, looked up in constant time per candidate so a timing probe learns nothing.</summary>
public sealed class ApiKeyRing
{
    private readonly Dictionary<string, ApiKey> _byHash;

    public ApiKeyRing(IEnumerable<ApiKey> keys)
    {
        _byHash = new Dictionary<string, ApiKey>(StringComparer.Ordinal);
        foreach (var k in keys) _byHash[Hash(k.Key)] = k;
    }

    public int Count => _byHash.Count;

    public ApiKey? Find(string presented)
    {
        // lookup by hash: the dictionary never compares the secret itself
        return _byHash.TryGetValue(Hash(presented), out var key) ? key : null;
    }

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Parses <c>key:role[:name],...</c> (the <c>NETDETECT_API_KEYS</c> format); a key without a name is named after its role and position.</summary>
    public static IReadOnlyList<ApiKey> Parse(string? spec)
    {
        var keys = new List<ApiKey>();
        if (string.IsNullOrWhiteSpace(spec)) return keys;
        int n = 0;
        foreach (var entry in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            n++;
            var parts = entry.Split(':', 3, StringSplitOptions.TrimEntries);
            // the message names the entry's position, never its text: the text holds the secret
            if (parts.Length < 2 || parts[0].Length == 0)
                throw new InvalidOperationException($"NETDETECT_API_KEYS entry {n} is not key:role[:name]");
            if (!TryParseRole(parts[1], out var role))
                throw new InvalidOperationException($"NETDETECT_API_KEYS entry {n} has role '{parts[1]}'; roles are submitter, analyst, admin");
            keys.Add(new ApiKey(parts[0], role, parts.Length == 3 && parts[2].Length > 0 ? parts[2] : $"{parts[1].ToLowerInvariant()}-{n}"));
        }
        return keys;
    }

    public static bool TryParseRole(string text, out ApiRole role) => Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
}

/// <summary>A key from the <c>Auth:Keys</c> configuration list.</summary>
public sealed class ApiKeyConfig
{
    public string Key { get; set; } = "";
    public string Role { get; set; } = "submitter";
    public string? Name { get; set; }
}
