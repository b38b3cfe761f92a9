using System.Globalization;
using System.Text.RegularExpressions;
using NetDetect.Core.Data;

namespace NetDetect.Core.Detection;

/// <summary>Parameters of <see cref="Injection"/>; every one is recorded in the output's injection.json.</summary>
public sealed record InjectionOptions
{
    /// <summary>Operation accounts to inject (sampled with <see cref="Seed"/> among those active in the background's period).</summary>
    public int OperationAccounts { get; init; } = 100;
    /// <summary>Operation accounts need this many posts carrying an object inside the period.</summary>
    public int MinPosts { get; init; } = 10;
    public int Seed { get; init; } = 1;
    /// <summary>Keep only accounts (background and operation) whose id hash falls in part <see cref="Part"/> of <see cref="Parts"/>,
    /// so a training and a test set share no account.</summary>
    public int Part { get; init; }
    public int Parts { get; init; } = 1;
    /// <summary>Label given to the injected accounts.</summary>
    public string Label { get; init; } = "ira_2016";
}

/// <summary>What an injection did.</summary>
public sealed record InjectionSummary(
    long ShiftDays, int BackgroundAccounts, int BackgroundPosts, int OperationAccounts, int OperationPosts,
    IReadOnlyDictionary<string, int> ObjectsMapped, InjectionOptions Options);

/// <summary>
/// Injects a real operation's behaviour into a real background: the operation's posts are shifted by whole weeks into
/// the background's period (keeping weekday and hour of day), reduced to what the background records (shares of
/// objects, no text or profile), and every object is remapped onto a background object of similar popularity so
/// the operation does not live in an id space of its own. Operation accounts are labelled, background accounts
/// <c>organic</c> (the background is mostly, not certainly, organic).
/// </summary>
public static class Injection
{
    private static readonly Regex Hashtag = new(@"#(\w+)", RegexOptions.Compiled | RegexOptions.CultureInvariant);
    private static readonly Regex Url = new(@"https?://\S+", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>One operation post as read from the IRA file, objects still in the operation's own id space.</summary>
    private sealed record OpPost(string Account, long Time, string[] Hashtags, string[] Urls, string? Content);

    /// <summary>Injects the IRA 2016 tweets file (FiveThirtyEight layout, gzip or plain CSV) into a background dataset.</summary>
    public static (Dataset Dataset, InjectionSummary Summary) Inject(Dataset background, string operationFile, InjectionOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Parts < 1 || options.Part < 0 || options.Part >= options.Parts) throw new ArgumentException("part must be in 0..parts-1");
        var bg = background.Posts;
        long start = long.MaxValue, end = long.MinValue;
        for (int j = 0; j < bg.Count; j++) { start = Math.Min(start, bg.CreatedAt[j]); end = Math.Max(end, bg.CreatedAt[j]); }
        if (bg.Count == 0) throw new ArgumentException("the background has no posts");

        var ops = ReadIra(operationFile, cancellationToken);
        long opStart = ops.Min(p => p.Time);
        const long week = 7 * 86_400 * Time.MicrosPerSecond;
        // whole weeks so that the weekday and hour-of-day rhythm of the operation survives
        long shift = (long)Math.Round((start - opStart) / (double)week) * week;
        var inWindow = new Dictionary<string, List<OpPost>>(StringComparer.Ordinal);
        foreach (var p in ops)
        {
            long t = p.Time + shift;
            if (t < start || t > end) continue;
            if (p.Hashtags.Length == 0 && p.Urls.Length == 0 && p.Content is null) continue;
            if (!inWindow.TryGetValue(p.Account, out var list)) inWindow[p.Account] = list = [];
            list.Add(p with { Time = t });
        }
        var candidates = inWindow.Where(kv => kv.Value.Count >= options.MinPosts && InPart("ira_" + kv.Key, options))
            .Select(kv => kv.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var rng = new Random(options.Seed);
        for (int i = candidates.Count - 1; i > 0; i--) { int k = rng.Next(i + 1); (candidates[i], candidates[k]) = (candidates[k], candidates[i]); }
        var chosen = candidates.Take(options.OperationAccounts).OrderBy(k => k, StringComparer.Ordinal).ToList();

        // background popularity per modality: posts per object, restricted to the kept background accounts
        var keepBg = new bool[background.Accounts.Count];
        for (int a = 0; a < keepBg.Length; a++) keepBg[a] = InPart(background.Accounts.Ids[a], options);
        var bgHashtags = Popularity(bg, bg.Hashtags, keepBg);
        var bgUrls = Popularity(bg, bg.Urls, keepBg);
        var bgMedia = Popularity(bg, bg.Media, keepBg);
        // a background URL's domain, so a remapped URL carries the domain the background gives it
        var urlDomain = new Dictionary<int, int>();
        for (int j = 0; j < bg.Count; j++)
        {
            var u = bg.Urls.Row(j);
            var d = bg.Domains.Row(j);
            if (u.Length > 0 && d.Length > 0) urlDomain.TryAdd(u[0], d[0]);
        }

        var opPosts = chosen.SelectMany(a => inWindow[a]).ToList();
        var hashtagMap = MapByPopularity(Counts(opPosts, p => p.Hashtags), bgHashtags, options.Seed);
        var urlMap = MapByPopularity(Counts(opPosts, p => p.Urls), bgUrls, options.Seed + 1);
        // a retweet's content is the original tweet's text: the same content is the same object, mapped onto images
        var contentMap = MapByPopularity(Counts(opPosts, p => p.Content is null ? [] : [p.Content]), bgMedia, options.Seed + 2);

        var builder = new DatasetBuilder(background.Accounts.Count + chosen.Count, bg.Count + opPosts.Count) { DomainsProvided = background.Posts.DomainsDerived == false };
        int bgAccounts = 0, bgPosts = 0;
        for (int a = 0; a < background.Accounts.Count; a++)
        {
            if (!keepBg[a]) continue;
            var r = background.Accounts.ToRecord(a);
            r.Label = "organic";
            builder.TryAddAccount(r);
            bgAccounts++;
        }
        for (int j = 0; j < bg.Count; j++)
        {
            if (!keepBg[bg.Account[j]]) continue;
            builder.TryAddPost(bg.ToRecord(j, background.Accounts));
            bgPosts++;
        }
        foreach (var a in chosen) builder.TryAddAccount(new AccountRecord { AccountId = "ira_" + a, Label = options.Label });
        int n = 0;
        foreach (var p in opPosts.OrderBy(p => p.Time).ThenBy(p => p.Account, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var urls = p.Urls.Select(u => bg.Urls.Dictionary[urlMap[u]]).Distinct().ToArray();
            var domains = p.Urls.Select(u => urlDomain.TryGetValue(urlMap[u], out int d) ? bg.Domains.Dictionary[d] : null)
                .Where(d => d is not null).Select(d => d!).Distinct().ToArray();
            builder.TryAddPost(new PostRecord
            {
                PostId = "ira_post_" + (n++).ToString(CultureInfo.InvariantCulture),
                AccountId = "ira_" + p.Account,
                CreatedAt = p.Time,
                Hashtags = p.Hashtags.Select(h => bg.Hashtags.Dictionary[hashtagMap[h]]).Distinct().ToArray(),
                Urls = urls,
                Domains = domains,
                Media = p.Content is null ? [] : [bg.Media.Dictionary[contentMap[p.Content]]],
            });
        }
        var dataset = builder.Build();
        var summary = new InjectionSummary(shift / (86_400 * Time.MicrosPerSecond), bgAccounts, bgPosts, chosen.Count, opPosts.Count,
            new Dictionary<string, int> { ["hashtag"] = hashtagMap.Count, ["url"] = urlMap.Count, ["content→media"] = contentMap.Count }, options);
        return (dataset, summary);
    }

    private static bool InPart(string id, InjectionOptions o) =>
        o.Parts == 1 || (int)(CoordinationModel.HoldOut(id, 12345) * o.Parts) == o.Part;

    private static List<OpPost> ReadIra(string path, CancellationToken ct)
    {
        using var input = Import.RowInput.Open(path);
        var problems = new ProblemCollector();
        int cAuthor = input.Column("author_id"), cContent = input.Column("content"), cDate = input.Column("publish_date"),
            cType = input.Column("post_type"), cRetweet = input.Column("retweet");
        foreach (var (column, index) in new[] { ("author_id", cAuthor), ("content", cContent), ("publish_date", cDate), ("post_type", cType) })
            if (index < 0) throw new DataFormatException(DataProblem.Error(path, column, null, "missing column (expected the FiveThirtyEight IRA tweets layout)"));
        var posts = new List<OpPost>();
        var r = input;
        while (input.Next(problems))
        {
            if ((r.Row & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            string author = r[cAuthor].ToString();
            string content = r[cContent].ToString();
            var date = r[cDate];
            var type = r[cType];
            if (!DateTime.TryParseExact(date, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var when))
            {
                problems.Error(path, "publish_date", r.Row, $"not a date: '{date}'");
                continue;
            }
            var hashtags = Hashtag.Matches(content).Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct().ToArray();
            var urls = Url.Matches(content).Select(m => m.Value).Distinct().ToArray();
            // identical retweeted text is the co-activity signal this file offers (it has no retweeted-post id)
            bool retweet = type.SequenceEqual("R") || (cRetweet >= 0 && r[cRetweet].SequenceEqual("1") && !type.SequenceEqual("Q"));
            posts.Add(new OpPost(author, Time.FromDateTime(when), hashtags, urls, retweet ? content : null));
        }
        problems.ThrowIfErrors();
        if (posts.Count == 0) throw new DataFormatException(DataProblem.Error(path, null, null, "no rows"));
        return posts;
    }

    private static List<(int Object, int Count)> Popularity(PostTable posts, ListColumn column, bool[] keep)
    {
        var counts = new int[column.Dictionary.Count];
        for (int j = 0; j < posts.Count; j++)
        {
            if (!keep[posts.Account[j]]) continue;
            foreach (int o in column.Row(j)) counts[o]++;
        }
        var list = new List<(int, int)>();
        for (int o = 0; o < counts.Length; o++) if (counts[o] > 0) list.Add((o, counts[o]));
        list.Sort((x, y) => y.Item2 != x.Item2 ? y.Item2.CompareTo(x.Item2) : x.Item1.CompareTo(y.Item1));
        return list;
    }

    private static List<(string Key, int Count)> Counts(List<OpPost> posts, Func<OpPost, string[]> objects)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in posts) foreach (var o in objects(p)) counts[o] = counts.GetValueOrDefault(o) + 1;
        return counts.Select(kv => (kv.Key, kv.Value)).OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Maps each operation object (most used first) to the unused background object whose use count is closest;
    /// once every background object is taken, later (rare) objects share background objects of the nearest count.
    /// </summary>
    private static Dictionary<string, int> MapByPopularity(List<(string Key, int Count)> op, List<(int Object, int Count)> bg, int seed)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        if (bg.Count == 0) throw new ArgumentException("the background has no objects of a kind the operation uses");
        // bg is sorted by count descending; "next free" pointers with path compression find the nearest unused entry
        var right = new int[bg.Count + 1];
        var left = new int[bg.Count + 1];
        for (int i = 0; i <= bg.Count; i++) { right[i] = i; left[i] = i; }
        int FindRight(int i) { while (right[i] != i) { right[i] = right[right[i]]; i = right[i]; } return i; } // bg.Count = none
        int FindLeft(int i) { while (left[i] != i) { left[i] = left[left[i]]; i = left[i]; } return i; }         // index shifted by one: 0 = none
        int free = bg.Count;
        var rng = new Random(seed);
        foreach (var (key, count) in op)
        {
            int lo = 0, hi = bg.Count;
            while (lo < hi) { int mid = (lo + hi) / 2; if (bg[mid].Count > count) lo = mid + 1; else hi = mid; }
            int pick;
            if (free > 0)
            {
                int b = FindRight(lo);
                int a = FindLeft(lo) - 1; // left[] works on index+1
                int db = b < bg.Count ? Math.Abs(bg[b].Count - count) : int.MaxValue;
                int da = a >= 0 ? Math.Abs(bg[a].Count - count) : int.MaxValue;
                pick = db <= da ? b : a;
                right[pick] = pick + 1;
                left[pick + 1] = pick;
                free--;
            }
            else pick = Math.Clamp(lo + rng.Next(-5, 6), 0, bg.Count - 1);
            map[key] = bg[pick].Object;
        }
        return map;
    }
}
