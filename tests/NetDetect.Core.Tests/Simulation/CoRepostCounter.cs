using NetDetect.Core.Data;

namespace NetDetect.Core.Tests.Simulation;

/// <summary>
/// The minimal co-repost pair counting the simulator tests need (the real network engine lives elsewhere):
/// two accounts co-repost when they repost the same post within the window of each other.
/// </summary>
internal static class CoRepostCounter
{
    /// <summary>
    /// Per account pair (a &lt; b), co-reposted posts: the plain count, an idf-weighted sum (ln(accounts / reposters)) and a
    /// popularity-shared sum (each post gives 1 / (reposters - 1): a post everyone reposts says little about any pair).
    /// </summary>
    public static Dictionary<(int A, int B), (int Plain, double Idf, double Share)> Pairs(Dataset ds, long windowSeconds)
    {
        var p = ds.Posts;
        var byTarget = new Dictionary<int, List<(long T, int Account)>>();
        for (int j = 0; j < p.Count; j++)
        {
            int target = p.RepostOfPost[j];
            if (target < 0) continue;
            if (!byTarget.TryGetValue(target, out var list)) byTarget[target] = list = [];
            list.Add((p.CreatedAt[j], p.Account[j]));
        }
        long window = windowSeconds * Time.MicrosPerSecond;
        var pairs = new Dictionary<(int, int), (int, double, double)>();
        var seen = new HashSet<(int, int)>();
        foreach (var list in byTarget.Values)
        {
            if (list.Count < 2) continue;
            list.Sort();
            var reposters = new HashSet<int>();
            foreach (var (_, a) in list) reposters.Add(a);
            double idf = Math.Log(ds.Accounts.Count / (double)reposters.Count);
            seen.Clear();
            for (int x = 0; x < list.Count; x++)
                for (int y = x + 1; y < list.Count && list[y].T - list[x].T <= window; y++)
                {
                    int a = list[x].Account, b = list[y].Account;
                    if (a == b) continue;
                    var key = a < b ? (a, b) : (b, a);
                    if (!seen.Add(key)) continue;
                    var (n, w, sh) = pairs.GetValueOrDefault(key);
                    pairs[key] = (n + 1, w + idf, sh + 1.0 / (reposters.Count - 1));
                }
        }
        return pairs;
    }

    /// <summary>Accounts with at least one pair at or above the threshold.</summary>
    public static HashSet<int> Flagged(Dictionary<(int A, int B), (int Plain, double Idf, double Share)> pairs, Func<(int Plain, double Idf, double Share), bool> keep)
    {
        var flagged = new HashSet<int>();
        foreach (var (key, w) in pairs)
        {
            if (!keep(w)) continue;
            flagged.Add(key.A);
            flagged.Add(key.B);
        }
        return flagged;
    }
}
