using System.Globalization;
using System.IO.Compression;

namespace NetDetect.Core.Simulation;

/// <summary>Profile facts of a real takedown's users file (the archive's 10-column users layout).</summary>
public sealed record TakedownProfileFacts(
    int Accounts,
    IReadOnlyDictionary<string, int> Languages,
    int ZeroFollowers,
    int OverTenThousandFollowers,
    double[] FollowerQuantiles,
    double[] FollowingQuantiles,
    IReadOnlyList<(DateOnly Day, int Accounts)> CreationBursts,
    double[] NonBurstAgeDaysQuantiles);

/// <summary>Behaviour facts of a real operation's tweets (the FiveThirtyEight/Clemson IRA layout) and its hand-coded categories.</summary>
public sealed record OperationBehaviourFacts(
    int Tweets,
    int Accounts,
    int ObservedDays,
    double RetweetShare,
    double QuoteShare,
    double[] HourShareUtc,
    double[] WeekdayShare,
    double[] PostsPerDayQuantiles,
    double SameMinuteGapShare,
    double[] PositiveGapSecondsQuantiles,
    IReadOnlyDictionary<string, (int Accounts, int Tweets, double RetweetShare)> Categories);

/// <summary>Activity facts of a mostly organic public collection (CooRTweet's <c>german_elections</c> long format).</summary>
public sealed record OrganicActivityFacts(int Posts, int Accounts, double[] HourShareUtc, double[] PostsPerAccountQuantiles);

/// <summary>
/// The small analysis that fits the simulator's constants (<see cref="Calibrated"/>) on real public files,
/// so the constants can be re-derived and checked rather than trusted.
/// </summary>
public static class SimulatorCalibration
{
    /// <summary>Quantile levels used for every fitted distribution: 0, 5, 10, ..., 100 %.</summary>
    public static readonly double[] Levels = [.. Enumerable.Range(0, 21).Select(i => i / 20.0)];

    /// <summary>Day the <c>china_082019</c> takedown was announced; account ages are measured back from it.</summary>
    public static readonly DateOnly TakedownReference = new(2019, 8, 19);

    /// <summary>A creation day with at least this many accounts counts as a burst.</summary>
    public const int BurstMinAccounts = 10;

    public static TakedownProfileFacts ReadTakedownUsers(string usersCsv)
    {
        using var reader = new StreamReader(usersCsv);
        var csv = new CalibrationCsv(reader);
        var languages = new Dictionary<string, int>(StringComparer.Ordinal);
        var followers = new List<double>();
        var following = new List<double>();
        var created = new List<DateOnly>();
        while (csv.Read())
        {
            string lang = csv.Get("account_language").ToLowerInvariant();
            languages[lang] = languages.GetValueOrDefault(lang) + 1;
            followers.Add(double.Parse(csv.Get("follower_count"), CultureInfo.InvariantCulture));
            following.Add(double.Parse(csv.Get("following_count"), CultureInfo.InvariantCulture));
            created.Add(DateOnly.ParseExact(csv.Get("account_creation_date"), "yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        var perDay = created.GroupBy(d => d).Select(g => (Day: g.Key, Accounts: g.Count())).ToList();
        var bursts = perDay.Where(d => d.Accounts >= BurstMinAccounts).OrderByDescending(d => d.Accounts).ThenBy(d => d.Day).ToList();
        var burstDays = bursts.Select(b => b.Day).ToHashSet();
        var ages = created.Where(d => !burstDays.Contains(d)).Select(d => (double)(TakedownReference.DayNumber - d.DayNumber)).ToList();
        return new TakedownProfileFacts(
            followers.Count, languages,
            followers.Count(f => f == 0), followers.Count(f => f > 10_000),
            Quantiles(followers), Quantiles(following), bursts, Quantiles(ages));
    }

    public static OperationBehaviourFacts ReadOperationTweets(string tweetsCsvGz, string authorsCsv)
    {
        var category = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        using (var ar = new StreamReader(authorsCsv))
        {
            var acsv = new CalibrationCsv(ar);
            while (acsv.Read()) category[acsv.Get("author_id")] = acsv.Get("account_category");
        }
        using var file = File.OpenRead(tweetsCsvGz);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        var csv = new CalibrationCsv(reader);
        var times = new Dictionary<string, List<DateTime>>(StringComparer.OrdinalIgnoreCase);
        var perCategory = new Dictionary<string, (HashSet<string> Accounts, int Tweets, int Retweets)>();
        long retweets = 0, quotes = 0;
        var hours = new double[24];
        var weekdays = new double[7];
        int n = 0;
        DateTime min = DateTime.MaxValue, max = DateTime.MinValue;
        while (csv.Read())
        {
            string author = csv.Get("author_id");
            var t = DateTime.ParseExact(csv.Get("publish_date"), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            bool rt = csv.Get("retweet") == "1";
            if (rt) retweets++;
            if (csv.Get("post_type") == "Q") quotes++;
            hours[t.Hour]++;
            weekdays[((int)t.DayOfWeek + 6) % 7]++;
            if (!times.TryGetValue(author, out var list)) times[author] = list = [];
            list.Add(t);
            string cat = category.GetValueOrDefault(author, "Unknown");
            var c = perCategory.GetValueOrDefault(cat, ([], 0, 0));
            c.Accounts.Add(author.ToLowerInvariant());
            perCategory[cat] = (c.Accounts, c.Tweets + 1, c.Retweets + (rt ? 1 : 0));
            if (t < min) min = t;
            if (t > max) max = t;
            n++;
        }
        int days = (int)(max.Date - min.Date).TotalDays + 1;
        var perDay = new List<double>();
        var gaps = new List<double>();
        long sameMinute = 0, allGaps = 0;
        foreach (var list in times.Values)
        {
            list.Sort();
            perDay.Add(list.Count / (double)days);
            for (int i = 1; i < list.Count; i++)
            {
                double g = (list[i] - list[i - 1]).TotalSeconds;
                allGaps++;
                if (g == 0) sameMinute++;
                else gaps.Add(g);
            }
        }
        return new OperationBehaviourFacts(
            n, times.Count, days, retweets / (double)n, quotes / (double)n,
            [.. hours.Select(h => h / n)], [.. weekdays.Select(w => w / n)],
            Quantiles(perDay), sameMinute / (double)allGaps, Quantiles(gaps),
            perCategory.ToDictionary(kv => kv.Key, kv => (kv.Value.Accounts.Count, kv.Value.Tweets, kv.Value.Retweets / (double)kv.Value.Tweets)));
    }

    public static OrganicActivityFacts ReadOrganicLongFormat(string csvPath)
    {
        using var reader = new StreamReader(csvPath);
        var csv = new CalibrationCsv(reader);
        var hours = new double[24];
        var perAccount = new Dictionary<string, int>(StringComparer.Ordinal);
        int n = 0;
        while (csv.Read())
        {
            long ts = long.Parse(csv.Get("timestamp"), CultureInfo.InvariantCulture);
            hours[DateTimeOffset.FromUnixTimeSeconds(ts).Hour]++;
            string a = csv.Get("account_id");
            perAccount[a] = perAccount.GetValueOrDefault(a) + 1;
            n++;
        }
        return new OrganicActivityFacts(n, perAccount.Count, [.. hours.Select(h => h / n)], Quantiles(perAccount.Values.Select(v => (double)v).ToList()));
    }

    /// <summary>Quantiles at <see cref="Levels"/> by the nearest-rank-below rule (a value present in the data).</summary>
    public static double[] Quantiles(List<double> values)
    {
        values.Sort();
        var q = new double[Levels.Length];
        for (int i = 0; i < Levels.Length; i++) q[i] = values[(int)(Levels[i] * (values.Count - 1))];
        return q;
    }
}
