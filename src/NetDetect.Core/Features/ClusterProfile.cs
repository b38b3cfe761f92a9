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
    /// <summary>Profile of <paramref name="members"/> (account indices) over their posts.</summary>
    public static ClusterProfile Compute(Dataset dataset, IReadOnlyList<int> members)
    {
        var isMember = new bool[dataset.Accounts.Count];
        foreach (int m in members) isMember[m] = true;
        var posts = dataset.Posts;
        var hist = new int[168];
        long count = 0;
        long minDay = long.MaxValue, maxDay = long.MinValue;
        const long microsPerDay = 86_400 * Time.MicrosPerSecond;
        for (int j = 0; j < posts.Count; j++)
        {
            if (!isMember[posts.Account[j]]) continue;
            long t = posts.CreatedAt[j];
            hist[AccountFeatures.HourOfWeek(t)]++;
            long day = Math.DivRem(t, microsPerDay, out long r) - (r < 0 ? 1 : 0);
            minDay = Math.Min(minDay, day);
            maxDay = Math.Max(maxDay, day);
            count++;
        }
        if (count == 0) return new ClusterProfile(members.Count, 0, hist, null, [], 0, 0);
        // cap the timeline at two years so a stray old post cannot blow up the array
        int days = (int)Math.Min(maxDay - minDay + 1, 731);
        var perDay = new int[days];
        for (int j = 0; j < posts.Count; j++)
        {
            if (!isMember[posts.Account[j]]) continue;
            long day = Math.DivRem(posts.CreatedAt[j], microsPerDay, out long r) - (r < 0 ? 1 : 0);
            long k = day - minDay;
            if (k < days) perDay[k]++;
        }
        int best = 0, bestOffset = 0;
        for (int offset = -12; offset <= 14; offset++)
        {
            int office = 0;
            for (int h = 0; h < 168; h++)
                if (hist[h] > 0 && AccountFeatures.IsOfficeHour(((h + offset) % 168 + 168) % 168)) office += hist[h];
            if (office > best) { best = office; bestOffset = offset; }
        }
        var first = DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(minDay));
        return new ClusterProfile(members.Count, count, hist, first, perDay, bestOffset, best / (double)count);
    }
}
