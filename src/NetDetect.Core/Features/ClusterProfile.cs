using NetDetect.Core.Data;

namespace NetDetect.Core.Features;

/// <summary>
/// The timing profile of a cluster's members: posts per hour of week (UTC), per day, the office-hours share in the
/// best-fitting time zone, and the active span (see docs/features.md, per-cluster features).
/// </summary>
public sealed record ClusterProfile(
    int Members,
    long Posts,
    int[] HourOfWeekUtc,
    DateOnly? FirstDay,
    int[] PostsPerDay,
    int BestUtcOffsetHours,
    double OfficeShare)
{
    /// <summary>Profiles of several disjoint clusters in two passes over the posts (one per cluster would be clusters × posts).</summary>
    public static ClusterProfile[] ComputeAll(Dataset dataset, IReadOnlyList<int[]> clusters)
    {
        int k = clusters.Count;
        var result = new ClusterProfile[k];
        if (k == 0) return result;
        var clusterOf = new int[dataset.Accounts.Count];
        Array.Fill(clusterOf, -1);
        for (int c = 0; c < k; c++)
            foreach (int m in clusters[c])
            {
                if (clusterOf[m] >= 0) throw new ArgumentException("clusters must be disjoint", nameof(clusters));
                clusterOf[m] = c;
            }
        var posts = dataset.Posts;
        var hist = new int[k][];
        var count = new long[k];
        var minDay = new long[k];
        var maxDay = new long[k];
        for (int c = 0; c < k; c++) { hist[c] = new int[168]; minDay[c] = long.MaxValue; maxDay[c] = long.MinValue; }
        const long microsPerDay = 86_400 * Time.MicrosPerSecond;
        for (int j = 0; j < posts.Count; j++)
        {
            int c = clusterOf[posts.Account[j]];
            if (c < 0) continue;
            long t = posts.CreatedAt[j];
            hist[c][AccountFeatures.HourOfWeek(t)]++;
            long day = Math.DivRem(t, microsPerDay, out long r) - (r < 0 ? 1 : 0);
            if (day < minDay[c]) minDay[c] = day;
            if (day > maxDay[c]) maxDay[c] = day;
            count[c]++;
        }
        var perDay = new int[k][];
        for (int c = 0; c < k; c++) perDay[c] = count[c] == 0 ? [] : new int[(int)Math.Min(maxDay[c] - minDay[c] + 1, 731)];
        for (int j = 0; j < posts.Count; j++)
        {
            int c = clusterOf[posts.Account[j]];
            if (c < 0) continue;
            long day = Math.DivRem(posts.CreatedAt[j], microsPerDay, out long r) - (r < 0 ? 1 : 0);
            long d = day - minDay[c];
            if (d < perDay[c].Length) perDay[c][d]++;
        }
        for (int c = 0; c < k; c++) result[c] = Finish(clusters[c].Length, count[c], hist[c], minDay[c], perDay[c]);
        return result;
    }

    private static ClusterProfile Finish(int members, long count, int[] hist, long minDay, int[] perDay)
    {
        if (count == 0) return new ClusterProfile(members, 0, hist, null, [], 0, 0);
        int best = 0, bestOffset = 0;
        for (int offset = -12; offset <= 14; offset++)
        {
            int office = 0;
            for (int h = 0; h < 168; h++)
                if (hist[h] > 0 && AccountFeatures.IsOfficeHour(((h + offset) % 168 + 168) % 168)) office += hist[h];
            if (office > best) { best = office; bestOffset = offset; }
        }
        var first = DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(minDay));
        return new ClusterProfile(members, count, hist, first, perDay, bestOffset, best / (double)count);
    }

    /// <summary>Profile of <paramref name="members"/> (account indices) over their posts.</summary>
    public static ClusterProfile Compute(Dataset dataset, IReadOnlyList<int> members) => ComputeAll(dataset, [members.ToArray()])[0];
}
