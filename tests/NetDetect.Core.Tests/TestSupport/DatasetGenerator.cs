using NetDetect.Core.Data;

namespace NetDetect.Core.Tests.TestSupport;

/// <summary>Random datasets with every awkward value the contract allows: nulls, empty lists, unicode, extreme times.</summary>
public static class DatasetGenerator
{
    private static readonly string[] Words = ["hk", "香港", "démo", "👍🏽", "news", "ελλάδα", "a b", "", "x\ny", "\"quoted\"", "Ünïcødé", "ру"];

    public static (List<AccountRecord> Accounts, List<PostRecord> Posts) Records(int seed, int accounts = 40, int posts = 200)
    {
        var rng = new Random(seed);
        var acc = new List<AccountRecord>();
        for (int i = 0; i < accounts; i++)
        {
            acc.Add(new AccountRecord
            {
                AccountId = $"acc-{seed}-{i}-{Pick(rng)}",
                ScreenName = Maybe(rng, () => "user" + i + Pick(rng)),
                DisplayName = Maybe(rng, () => Pick(rng) + " " + Pick(rng)),
                Description = Maybe(rng, () => string.Join(' ', Enumerable.Range(0, rng.Next(5)).Select(_ => Pick(rng)))),
                ReportedLocation = Maybe(rng, () => Pick(rng)),
                ProfileUrl = Maybe(rng, () => "https://example.org/" + i),
                CreatedAt = rng.Next(5) == 0 ? null : ExtremeTime(rng),
                FollowerCount = rng.Next(4) == 0 ? null : rng.Next(3) == 0 ? long.MaxValue : rng.NextInt64(0, 1_000_000),
                FollowingCount = rng.Next(4) == 0 ? null : rng.NextInt64(0, 10_000),
                Language = Maybe(rng, () => rng.Next(2) == 0 ? "en" : "zh-cn"),
                Label = Maybe(rng, () => rng.Next(2) == 0 ? "organic" : "china_082019"),
            });
        }
        var post = new List<PostRecord>();
        for (int j = 0; j < posts; j++)
        {
            bool repost = rng.Next(3) == 0;
            post.Add(new PostRecord
            {
                PostId = $"p{seed}-{j}",
                // a few authors missing from accounts exercise the "created with unknown profile" path
                AccountId = rng.Next(20) == 0 ? $"ghost-{rng.Next(3)}" : acc[rng.Next(acc.Count)].AccountId,
                CreatedAt = ExtremeTime(rng),
                Text = Maybe(rng, () => string.Join(' ', Enumerable.Range(0, rng.Next(8)).Select(_ => Pick(rng)))),
                Language = Maybe(rng, () => rng.Next(2) == 0 ? "en" : "zh"),
                Client = Maybe(rng, () => rng.Next(2) == 0 ? "Twitter Web Client" : "Twitter for Android"),
                RepostOfPostId = repost ? $"orig-{rng.Next(30)}" : null,
                RepostOfAccountId = repost ? $"acc-src-{rng.Next(5)}" : null,
                ReplyToPostId = !repost && rng.Next(5) == 0 ? $"p{seed}-{rng.Next(j + 1)}" : null,
                ReplyToAccountId = !repost && rng.Next(5) == 0 ? acc[rng.Next(acc.Count)].AccountId : null,
                QuoteOfPostId = rng.Next(10) == 0 ? $"q-{rng.Next(10)}" : null,
                Hashtags = List(rng, () => Pick(rng) + rng.Next(4)),
                Urls = List(rng, () => $"https://www.site{rng.Next(5)}.com/a/{rng.Next(9)}?utm_source=x"),
                Domains = List(rng, () => $"site{rng.Next(5)}.com"),
                Mentions = List(rng, () => "@" + Pick(rng)),
                Media = List(rng, () => "ph" + rng.Next(20)),
            });
        }
        return (acc, post);
    }

    public static Dataset Build(int seed, int accounts = 40, int posts = 200)
    {
        var (acc, post) = Records(seed, accounts, posts);
        var b = new DatasetBuilder { DomainsProvided = true };
        foreach (var a in acc) b.TryAddAccount(a);
        foreach (var p in post) b.TryAddPost(p);
        return b.Build();
    }

    private static string Pick(Random rng) => Words[rng.Next(Words.Length)];

    private static string? Maybe(Random rng, Func<string> make) => rng.Next(4) == 0 ? null : make();

    private static string[]? List(Random rng, Func<string> make)
    {
        int k = rng.Next(6);
        if (k == 0) return null;
        if (k == 1) return [];
        return Enumerable.Range(0, k - 1).Select(_ => make()).ToArray();
    }

    private static long ExtremeTime(Random rng) => rng.Next(10) switch
    {
        0 => Time.FromDateTime(new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
        1 => Time.FromDateTime(new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc)),
        2 => -rng.NextInt64(0, 1_000_000_000_000_000),
        _ => rng.NextInt64(1_200_000_000, 1_800_000_000) * Time.MicrosPerSecond + rng.Next(1_000_000),
    };
}

/// <summary>Structural equality of datasets, row by row through the boundary records.</summary>
public static class DatasetAssert
{
    public static void Equal(Dataset expected, Dataset actual)
    {
        Assert.Equal(expected.Accounts.Count, actual.Accounts.Count);
        Assert.Equal(expected.Posts.Count, actual.Posts.Count);
        Assert.Equal(expected.TimeResolutionMicros, actual.TimeResolutionMicros);
        for (int i = 0; i < expected.Accounts.Count; i++)
            Assert.Equivalent(expected.Accounts.ToRecord(i), actual.Accounts.ToRecord(i), strict: true);
        // InAccountsFile is not compared: writing a dataset lists every account, so authors that were known
        // only from posts are in accounts.parquet after the round trip (with the same, unknown profile).
        for (int j = 0; j < expected.Posts.Count; j++)
            Assert.Equivalent(expected.Posts.ToRecord(j, expected.Accounts), actual.Posts.ToRecord(j, actual.Accounts), strict: true);
        Assert.Equal(expected.Posts.Account, actual.Posts.Account);
        Assert.Equal(expected.Posts.CreatedAt, actual.Posts.CreatedAt);
        Assert.Equal(expected.Posts.Hashtags.Offsets, actual.Posts.Hashtags.Offsets);
        Assert.Equal(expected.Posts.Hashtags.Values, actual.Posts.Hashtags.Values);
    }
}
