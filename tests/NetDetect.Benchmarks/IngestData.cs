using NetDetect.Core.Data;
using Parquet;
using Parquet.Schema;

namespace NetDetect.Benchmarks;

/// <summary>Shape of a generated ingest dataset; the same options and seed always give the same files.</summary>
/// <param name="Dictionary">Dictionary-encode the repeated string columns (as pyarrow and Spark do by default) instead of Parquet.Net's plain encoding.</param>
public sealed record IngestDataOptions(int Posts, int Accounts, int Seed = 42, int RowGroupSize = 500_000, bool Dictionary = false)
{
    /// <summary>A cache folder name that changes whenever the generated content would.</summary>
    public string CacheName => $"ingest-v1-p{Posts}-a{Accounts}-s{Seed}-g{RowGroupSize}{(Dictionary ? "-dict" : "")}";
}

/// <summary>
/// Writes a canonical dataset for ingest measurements: realistic ids (19-digit snowflakes for posts, a mix of
/// numeric and 44-character hashed ids for accounts), on average 3 hashtags, 1 URL (with its domain) and
/// 0.5 mentions per post, 30% reposts, a handful of languages and clients, text left null.
/// </summary>
/// <remarks>Posts are written column by column with Parquet.Net, so a 10-million-post file takes seconds, not minutes.</remarks>
public static class IngestData
{
    private static readonly string[] Languages = ["en", "es", "ar", "zh", "ru", "fr", "und"];
    private static readonly string[] Clients = ["Twitter Web Client", "Twitter for Android", "Twitter for iPhone", "TweetDeck", "Hootsuite"];
    private const string Base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>The dataset directory for <paramref name="options"/> under <paramref name="cacheRoot"/>, generated when missing.</summary>
    public static async Task<string> EnsureAsync(IngestDataOptions options, string cacheRoot, TextWriter? log = null, CancellationToken ct = default)
    {
        string dir = Path.Combine(cacheRoot, options.CacheName);
        if (File.Exists(Path.Combine(dir, CanonicalSchema.PostsFile)) && File.Exists(Path.Combine(dir, CanonicalSchema.AccountsFile)))
            return dir;
        log?.WriteLine($"generating {options.Posts:N0} posts, {options.Accounts:N0} accounts into {dir} ...");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string tmp = dir + ".tmp-" + Environment.ProcessId;
        if (Directory.Exists(tmp)) Directory.Delete(tmp, true);
        Directory.CreateDirectory(tmp);
        await WriteAsync(options, tmp, ct);
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.Move(tmp, dir);
        log?.WriteLine($"generated in {clock.Elapsed.TotalSeconds:F1} s");
        return dir;
    }

    /// <summary>Writes <c>accounts.parquet</c> and <c>posts.parquet</c> into <paramref name="directory"/>.</summary>
    public static async Task WriteAsync(IngestDataOptions o, string directory, CancellationToken ct = default)
    {
        var rng = new Random(o.Seed);
        var accountIds = new string[o.Accounts];
        var seen = new HashSet<string>(o.Accounts);
        for (int i = 0; i < o.Accounts; i++)
        {
            string id;
            do id = rng.Next(2) == 0 ? rng.NextInt64(10_000_000, 1_500_000_000_000_000_000).ToString() : HashedId(rng);
            while (!seen.Add(id));
            accountIds[i] = id;
        }
        seen.Clear();

        await using (var accounts = await AccountsParquetWriter.CreateAsync(Path.Combine(directory, CanonicalSchema.AccountsFile), ct))
        {
            var batch = new List<AccountRecord>(o.Accounts);
            for (int i = 0; i < o.Accounts; i++)
            {
                batch.Add(new AccountRecord
                {
                    AccountId = accountIds[i],
                    ScreenName = "user_" + i.ToString("x"),
                    DisplayName = rng.Next(3) == 0 ? null : "Display " + i,
                    CreatedAt = rng.NextInt64(1_200_000_000, 1_600_000_000) * Time.MicrosPerSecond,
                    FollowerCount = rng.Next(100_000),
                    FollowingCount = rng.Next(5_000),
                    Language = Languages[rng.Next(Languages.Length)],
                    Label = i % 50 == 0 ? "op_" + (i % 7) : null,
                });
                if (batch.Count == o.RowGroupSize)
                {
                    await accounts.WriteRowGroupAsync(batch, ct);
                    batch.Clear();
                }
            }
            if (batch.Count > 0 || o.Accounts == 0) await accounts.WriteRowGroupAsync(batch, ct);
        }

        var hashtags = Vocabulary(rng, 50_000, i => "tag" + i.ToString("x") + (i % 3 == 0 ? "_news" : ""));
        var domains = Vocabulary(rng, 5_000, i => "site" + i + (i % 4 == 0 ? ".co.uk" : ".com"));
        var urls = new string[200_000];
        var urlDomain = new int[urls.Length];
        for (int i = 0; i < urls.Length; i++)
        {
            urlDomain[i] = Skewed(rng, domains.Length);
            urls[i] = $"https://www.{domains[urlDomain[i]]}/article/{i}?ref={i % 13}";
        }

        var schema = new ParquetSchema(
            new DataField<string>("post_id"),
            new DataField<string>("account_id"),
            new DateTimeDataField("created_at", DateTimeFormat.Timestamp, true, DateTimeTimeUnit.Micros, false),
            new DataField<string>("text"),
            new DataField<string>("language"),
            new DataField<string>("client"),
            new DataField<string>("repost_of_post_id"),
            new DataField<string>("repost_of_account_id"),
            new DataField<string>("reply_to_post_id"),
            new DataField<string>("reply_to_account_id"),
            new DataField<string>("quote_of_post_id"),
            new ListField("hashtags", new DataField<string>("element")),
            new ListField("urls", new DataField<string>("element")),
            new ListField("domains", new DataField<string>("element")),
            new ListField("mentions", new DataField<string>("element")),
            new ListField("media", new DataField<string>("element")));
        var f = schema.DataFields;
        long postBase = 1_100_000_000_000_000_000;
        long t0 = 1_500_000_000L * Time.MicrosPerSecond;
        await using var stream = File.Create(Path.Combine(directory, CanonicalSchema.PostsFile));
        var parquetOptions = new ParquetOptions();
        if (o.Dictionary)
        {
            foreach (var field in f)
                if (field.Name is not ("post_id" or "text")) parquetOptions.ColumnEncodingHints[field.Path.ToString()] = EncodingHint.Dictionary;
        }
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, parquetOptions, cancellationToken: ct);
        for (int start = 0; start < o.Posts; start += o.RowGroupSize)
        {
            int n = Math.Min(o.RowGroupSize, o.Posts - start);
            var postId = new string?[n];
            var author = new string?[n];
            var time = new DateTime[n];
            var text = new string?[n];
            var lang = new string?[n];
            var client = new string?[n];
            var repostPost = new string?[n];
            var repostAccount = new string?[n];
            var replyPost = new string?[n];
            var replyAccount = new string?[n];
            var quote = new string?[n];
            var tagList = new ListParts(n * 4);
            var urlList = new ListParts(n * 2);
            var domainList = new ListParts(n * 2);
            var mentionList = new ListParts(n);
            var mediaList = new ListParts(n);
            for (int r = 0; r < n; r++)
            {
                long j = start + r;
                // snowflake-like: increasing, gaps of a few thousand
                postId[r] = (postBase + j * 4096 + rng.Next(4096)).ToString();
                author[r] = accountIds[Skewed(rng, o.Accounts)];
                time[r] = Time.ToDateTime(t0 + j * 50_000 + rng.Next(1_000_000) * 1_000L);
                lang[r] = Languages[rng.Next(Languages.Length)];
                client[r] = rng.Next(10) == 0 ? null : Clients[rng.Next(Clients.Length)];
                int kind = rng.Next(10);
                if (kind < 3 && j > 0)
                {
                    long target = rng.NextInt64(Math.Max(0, j - 100_000), j);
                    repostPost[r] = (postBase + target * 4096 + 7).ToString();
                    repostAccount[r] = accountIds[Skewed(rng, o.Accounts)];
                }
                else if (kind == 3 && j > 0)
                {
                    replyPost[r] = (postBase + rng.NextInt64(0, j) * 4096 + 11).ToString();
                    replyAccount[r] = accountIds[rng.Next(o.Accounts)];
                }
                if (rng.Next(20) == 0) quote[r] = (postBase + rng.NextInt64(0, j + 1) * 4096 + 13).ToString();

                int tags = rng.Next(7); // 0..6, mean 3
                tagList.BeginRow(tags);
                for (int k = 0; k < tags; k++) tagList.Add(hashtags[Skewed(rng, hashtags.Length)]);
                int nu = rng.Next(3); // 0..2, mean 1
                urlList.BeginRow(nu);
                domainList.BeginRow(nu);
                for (int k = 0; k < nu; k++)
                {
                    int u = Skewed(rng, urls.Length);
                    urlList.Add(urls[u]);
                    domainList.Add(domains[urlDomain[u]]);
                }
                int nm = rng.Next(4) == 0 ? 2 : 0; // mean 0.5
                mentionList.BeginRow(nm);
                for (int k = 0; k < nm; k++) mentionList.Add("@" + accountIds[rng.Next(o.Accounts)]);
                int media = rng.Next(10) == 0 ? 1 : 0;
                mediaList.BeginRow(media);
                if (media == 1) mediaList.Add("ph" + rng.Next(100_000).ToString("x8"));
            }
            using var rg = writer.CreateRowGroup();
            await rg.WriteAsync(f[0], postId, null);
            await rg.WriteAsync(f[1], author, null);
            await rg.WriteAsync<DateTime>(f[2], time, null, null, ct);
            await rg.WriteAsync(f[3], text, null);
            await rg.WriteAsync(f[4], lang, null);
            await rg.WriteAsync(f[5], client, null);
            await rg.WriteAsync(f[6], repostPost, null);
            await rg.WriteAsync(f[7], repostAccount, null);
            await rg.WriteAsync(f[8], replyPost, null);
            await rg.WriteAsync(f[9], replyAccount, null);
            await rg.WriteAsync(f[10], quote, null);
            await tagList.WriteAsync(rg, f[11], ct);
            await urlList.WriteAsync(rg, f[12], ct);
            await domainList.WriteAsync(rg, f[13], ct);
            await mentionList.WriteAsync(rg, f[14], ct);
            await mediaList.WriteAsync(rg, f[15], ct);
        }
    }

    private static string HashedId(Random rng)
    {
        Span<char> c = stackalloc char[44];
        for (int k = 0; k < 43; k++) c[k] = Base64[rng.Next(64)];
        c[43] = '=';
        return new string(c);
    }

    private static string[] Vocabulary(Random rng, int size, Func<int, string> make)
    {
        var v = new string[size];
        for (int i = 0; i < size; i++) v[i] = make(i);
        rng.Shuffle(v);
        return v;
    }

    /// <summary>A heavy-tailed index in 0..n-1 (a few values are very common, most are rare), like real hashtag use.</summary>
    private static int Skewed(Random rng, int n)
    {
        double u = rng.NextDouble();
        return Math.Min(n - 1, (int)(u * u * u * n));
    }

    /// <summary>Values plus definition and repetition levels of one list column in one row group.</summary>
    private sealed class ListParts(int capacity)
    {
        private readonly List<ReadOnlyMemory<char>> _values = new(capacity);
        private readonly List<int> _def = new(capacity);
        private readonly List<int> _rep = new(capacity);
        private int _k;

        public void BeginRow(int length)
        {
            _k = 0;
            if (length == 0)
            {
                _def.Add(1); // an empty list, not a null one
                _rep.Add(0);
            }
        }

        public void Add(string value)
        {
            _rep.Add(_k++ == 0 ? 0 : 1);
            _def.Add(3);
            _values.Add(value.AsMemory());
        }

        public Task WriteAsync(ParquetRowGroupWriter rg, DataField item, CancellationToken ct) =>
            rg.WriteAllPartsAsync<ReadOnlyMemory<char>>(item, _values.ToArray(), _def.ToArray(), _rep.ToArray(), ct);
    }
}
