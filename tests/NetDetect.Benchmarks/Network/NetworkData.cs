using NetDetect.Core.Data;
using NetDetect.Core.Network;

namespace NetDetect.Benchmarks.Network;

/// <summary>
/// Seeded synthetic co-repost data at scale: organic reposts of originals with heavy-tailed popularity and
/// decaying attention, plus bot squads that repost the same originals within seconds of each other.
/// </summary>
internal static class NetworkData
{
    public const long Day = 86_400L * Time.MicrosPerSecond;

    /// <summary>Reposts as a share table directly (for the kernel benchmarks).</summary>
    public static ShareTable Shares(int posts, int seed = 1, double popularity = 0.5)
    {
        var (obj, acc, time, objects, accounts) = Columns(posts, seed, popularity);
        var post = new int[posts];
        for (int i = 0; i < posts; i++) post[i] = i;
        return ShareTable.FromColumns(Modality.Repost, obj, acc, time, post, objects, accounts, acc, resolution: Time.MicrosPerSecond);
    }

    /// <summary>The same reposts as a full <see cref="Dataset"/> (post and account id strings included).</summary>
    public static Dataset Dataset(int posts, int seed = 1)
    {
        var (obj, acc, time, _, accounts) = Columns(posts, seed, 0.5);
        var b = new DatasetBuilder(accounts, posts);
        var record = new PostRecord();
        for (int i = 0; i < posts; i++)
        {
            record.PostId = "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            record.AccountId = "a" + acc[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
            record.CreatedAt = time[i];
            record.RepostOfPostId = "o" + obj[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
            b.TryAddPost(record);
        }
        return b.Build();
    }

    private static (int[] Obj, int[] Acc, long[] Time, int Objects, int Accounts) Columns(int posts, int seed, double popularity)
    {
        var rng = new Random(seed);
        int accounts = Math.Max(1000, posts / 20);
        int objects = Math.Max(100, posts / 10);
        var obj = new int[posts];
        var acc = new int[posts];
        var time = new long[posts];
        // original o appears at a uniform time in 30 days; its reposts follow after an exponential delay (mean 2 h)
        var birth = new long[objects];
        for (int o = 0; o < objects; o++) birth[o] = rng.NextInt64(0, 30 * Day) / Time.MicrosPerSecond * Time.MicrosPerSecond;
        int bots = posts / 20;             // 5 % of reposts come from squads of 25 bots
        int i = 0;
        while (i < bots)
        {
            int squad = rng.Next(accounts / 50);
            int o = rng.Next(objects);
            long t0 = birth[o] + rng.NextInt64(0, 600) * Time.MicrosPerSecond;
            for (int m = 0; m < 25 && i < bots; m++, i++)
            {
                obj[i] = o;
                acc[i] = squad * 25 % accounts + m;
                time[i] = t0 + rng.Next(0, 45) * Time.MicrosPerSecond;
            }
        }
        for (; i < posts; i++)
        {
            // heavy-tailed popularity: P(object rank < k) = (k / objects)^popularity; at 0.5 the top original of 1 M gets ~0.1 % of all
            // reposts, at 0.3 about 1.6 % (a viral post with ~10^5 reposts in two hours, ~10^8 in-window pairs)
            double u = rng.NextDouble();
            int o = (int)(objects * Math.Pow(u, 1 / popularity)) % objects;
            obj[i] = o;
            acc[i] = rng.Next(accounts);
            double delay = -Math.Log(1 - rng.NextDouble()) * 7200;
            time[i] = birth[o] + (long)delay * Time.MicrosPerSecond;
        }
        return (obj, acc, time, objects, accounts);
    }
}
