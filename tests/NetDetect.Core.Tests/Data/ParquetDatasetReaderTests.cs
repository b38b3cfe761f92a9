using System.Globalization;
using NetDetect.Core.Data;
using NetDetect.Core.Tests.TestSupport;
using Parquet;
using static NetDetect.Core.Tests.Data.ParquetTestFile;

namespace NetDetect.Core.Tests.Data;

public class ParquetDatasetReaderTests
{
    /// <summary>
    /// Real posts: the first rows of CooRTweet's German election sample (anonymised Facebook and Twitter posts
    /// with url, hashtag, domain and image-hash ids), grouped by post, written in several row groups.
    /// </summary>
    private static async Task<string> WriteGermanElectionSampleAsync(TempDir dir, int maxRows, int rowGroupSize)
    {
        var posts = new Dictionary<string, PostRecord>(StringComparer.Ordinal);
        var order = new List<PostRecord>();
        var lists = new Dictionary<PostRecord, (List<string> Urls, List<string> Tags, List<string> Domains, List<string> Media)>();
        foreach (var line in File.ReadLines(SharedData.File("coortweet", "german_elections.csv")).Skip(1).Take(maxRows))
        {
            var c = line.Split(',');
            if (!posts.TryGetValue(c[1], out var post))
            {
                post = new PostRecord { PostId = c[1], AccountId = c[0], CreatedAt = Time.FromUnixSeconds(long.Parse(c[6], CultureInfo.InvariantCulture)) };
                posts[c[1]] = post;
                order.Add(post);
                lists[post] = ([], [], [], []);
            }
            var l = lists[post];
            if (c[2] != "") l.Urls.Add("url:" + c[2]);
            if (c[3] != "") l.Tags.Add("tag" + c[3]);
            if (c[4] != "") l.Domains.Add("domain" + c[4] + ".de");
            if (c[5] != "") l.Media.Add("phash:" + c[5]);
        }
        var accounts = order.Select(p => p.AccountId).Distinct().Where((_, i) => i % 5 != 0) // every fifth author is missing
            .Select(id => new AccountRecord { AccountId = id, ScreenName = id.ToUpperInvariant(), Label = id.StartsWith("fb_") ? "organic" : null }).ToList();
        foreach (var p in order)
        {
            var l = lists[p];
            p.Urls = [.. l.Urls];
            p.Hashtags = [.. l.Tags];
            p.Domains = [.. l.Domains];
            p.Media = l.Media.Count == 0 ? null : [.. l.Media];
            p.Language = p.AccountId.StartsWith("fb_") ? "de" : null;
        }
        await using (var w = await AccountsParquetWriter.CreateAsync(dir.Sub(CanonicalSchema.AccountsFile)))
            await w.WriteRowGroupAsync(accounts);
        await using (var w = await PostsParquetWriter.CreateAsync(dir.Sub(CanonicalSchema.PostsFile)))
        {
            for (int i = 0; i < order.Count; i += rowGroupSize)
                await w.WriteRowGroupAsync(order.GetRange(i, Math.Min(rowGroupSize, order.Count - i)));
        }
        return dir.Path;
    }

    /// <summary>Column-level identity, including the order ids were handed out in every interner.</summary>
    private static void AssertIdentical(Dataset a, Dataset b)
    {
        DatasetAssert.Equal(a, b);
        Assert.Equal(a.Accounts.InAccountsFile, b.Accounts.InAccountsFile);
        Assert.Equal(a.Warnings.Select(w => w.ToString()), b.Warnings.Select(w => w.ToString()));
        AssertSameStrings(a.Accounts.Ids, b.Accounts.Ids, a.Accounts.Count);
        AssertSameStrings(a.Posts.Ids, b.Posts.Ids, a.Posts.Count);
        AssertSameStrings(a.Posts.PostRefs, b.Posts.PostRefs, a.Posts.PostRefs.Count);
        AssertSameStrings(a.Posts.AccountRefs, b.Posts.AccountRefs, a.Posts.AccountRefs.Count);
        Assert.Equal(a.Posts.Language, b.Posts.Language);
        Assert.Equal(a.Posts.RepostOfPost, b.Posts.RepostOfPost);
        foreach (var (x, y) in new[] { (a.Posts.Hashtags, b.Posts.Hashtags), (a.Posts.Urls, b.Posts.Urls), (a.Posts.Domains, b.Posts.Domains), (a.Posts.Mentions, b.Posts.Mentions), (a.Posts.Media, b.Posts.Media) })
        {
            Assert.Equal(x.Offsets, y.Offsets);
            Assert.Equal(x.Values, y.Values);
            AssertSameStrings(x.Dictionary, y.Dictionary, x.Dictionary.Count);
        }
    }

    private static void AssertSameStrings(StringInterner x, StringInterner y, int count)
    {
        Assert.Equal(count, y.Count);
        for (int i = 0; i < count; i++) Assert.Equal(x[i], y[i]);
    }

    [Fact]
    public async Task Reading_real_data_twice_and_with_any_parallelism_gives_identical_datasets()
    {
        using var dir = new TempDir();
        string path = await WriteGermanElectionSampleAsync(dir, maxRows: 12_000, rowGroupSize: 2_500);
        var first = await ParquetDatasetReader.ReadAsync(path, new DatasetReadOptions { MaxDegreeOfParallelism = 1 });
        Assert.True(first.Posts.Count > 10_000);
        Assert.True(first.Posts.Urls.Values.Length > 0 && first.Posts.Media.Values.Length > 0);
        Assert.Contains(first.Warnings, w => w.Column == "account_id" && w.Count > 0);
        foreach (int threads in new[] { 1, 2, 3, 8 })
        {
            var again = await ParquetDatasetReader.ReadAsync(path, new DatasetReadOptions { MaxDegreeOfParallelism = threads });
            AssertIdentical(first, again);
        }
    }

    [Fact]
    public async Task Reader_matches_the_builder_on_the_same_records()
    {
        // The Parquet reader fills columns in parallel; the builder's row API adds whole posts. Same records, same dataset.
        var original = DatasetGenerator.Build(seed: 11, accounts: 60, posts: 700);
        using var dir = new TempDir();
        await ParquetDatasetWriter.WriteAsync(original, dir.Path);
        var read = await ParquetDatasetReader.ReadAsync(dir.Path, new DatasetReadOptions { MaxDegreeOfParallelism = 4 });
        DatasetAssert.Equal(original, read);
    }

    public static TheoryData<string, bool> Encodings => new()
    {
        { "None", false }, { "Snappy", false }, { "Gzip", false }, { "Zstd", false }, { "Lz4", false },
        { "None", true }, { "Snappy", true }, { "Gzip", true }, { "Zstd", true },
    };

    /// <summary>Every codec and both plain and dictionary pages decode to the same values (LZ4 goes through the Parquet.Net fallback).</summary>
    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task Codecs_and_dictionary_pages_decode_to_the_same_values(string codec, bool dictionary)
    {
        using var dir = new TempDir();
        await new ParquetTestFile().Strings("account_id", "a1", "a2", "a3").Longs("follower_count", 5, null, long.MaxValue).WriteAsync(dir.Sub(CanonicalSchema.AccountsFile));
        const int n = 3000;
        var ids = new string?[n];
        var authors = new string?[n];
        var times = new DateTime[n];
        var langs = new string?[n];
        var tags = new string[]?[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = "p" + i;
            authors[i] = "a" + (1 + i % 4); // a4 is not in accounts
            times[i] = At(i).AddMilliseconds(i % 7);
            langs[i] = i % 3 == 0 ? null : i % 3 == 1 ? "en" : "zh-香港";
            tags[i] = i % 5 == 0 ? null : i % 5 == 1 ? [] : Enumerable.Range(0, i % 5).Select(k => "t" + ((i + k) % 37)).ToArray();
        }
        var posts = new ParquetTestFile()
            .Strings("post_id", ids).Strings("account_id", authors).RequiredTimestamps("created_at", times)
            .Strings("language", langs).StringLists("hashtags", tags);
        posts.Options.CompressionMethod = Enum.Parse<CompressionMethod>(codec, ignoreCase: true);
        if (dictionary)
        {
            posts.Options.ColumnEncodingHints["account_id"] = EncodingHint.Dictionary;
            posts.Options.ColumnEncodingHints["language"] = EncodingHint.Dictionary;
            posts.Options.ColumnEncodingHints["hashtags/list/element"] = EncodingHint.Dictionary;
        }
        await posts.WriteAsync(dir.Sub(CanonicalSchema.PostsFile));

        var ds = await ParquetDatasetReader.ReadAsync(dir.Path);
        Assert.Equal(n, ds.Posts.Count);
        Assert.Equal(4, ds.Accounts.Count);
        Assert.Equal(Time.MicrosPerMilli, ds.TimeResolutionMicros);
        Assert.Null(ds.Accounts.ToRecord(1).FollowerCount);
        Assert.Equal(long.MaxValue, ds.Accounts.FollowerCount[2]);
        for (int i = 0; i < n; i++)
        {
            var p = ds.Posts.ToRecord(i, ds.Accounts);
            Assert.Equal(ids[i], p.PostId);
            Assert.Equal(authors[i], p.AccountId);
            Assert.Equal(Time.FromDateTime(times[i]), p.CreatedAt);
            Assert.Equal(langs[i], p.Language);
            Assert.Equal(tags[i] ?? [], p.Hashtags);
        }
        Assert.Equal(n / 4, Assert.Single(ds.Warnings, w => w.Column == "account_id").Count);
    }

    /// <summary>
    /// Our decoder (raw-value caches, prefetched interner probes) against Parquet.Net's own decoding (the LZ4
    /// fallback), on enough rows that the caches grow many times: same values, same ids in the same order.
    /// </summary>
    [Fact]
    public async Task Cached_and_prefetched_decoding_gives_the_ids_parquet_net_decoding_gives()
    {
        const int n = 40_000;
        var rng = new Random(5);
        var ids = new string?[n];
        var authors = new string?[n];
        var times = new DateTime[n];
        var langs = new string?[n];
        var repost = new string?[n];
        var repostAccount = new string?[n];
        var tags = new string[]?[n];
        var urls = new string[]?[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = (1_100_000_000_000_000_000L + i * 4096L + rng.Next(4096)).ToString(CultureInfo.InvariantCulture);
            // skewed authors, some with non-ASCII ids, some longer than the cache keeps
            int author = (int)(Math.Pow(rng.NextDouble(), 3) * 3000);
            authors[i] = author % 11 == 0 ? "ü" + author : author % 13 == 0 ? new string('h', 300) + author : "a" + author;
            times[i] = At(i);
            langs[i] = rng.Next(4) switch { 0 => null, 1 => "en", 2 => "zh-香港", _ => "" };
            if (rng.Next(3) == 0)
            {
                repost[i] = ids[rng.Next(Math.Max(1, i))] ?? "x";
                repostAccount[i] = "a" + rng.Next(500);
            }
            tags[i] = rng.Next(6) switch
            {
                0 => null,
                1 => [],
                _ => Enumerable.Range(0, rng.Next(1, 5)).Select(_ => "t" + (int)(Math.Pow(rng.NextDouble(), 3) * 5000) + (rng.Next(50) == 0 ? "ß" : "")).ToArray(),
            };
            urls[i] = rng.Next(2) == 0 ? [] : ["https://site" + rng.Next(300) + ".example/" + rng.Next(20_000)];
        }
        async Task<Dataset> ReadAsync(TempDir dir, CompressionMethod codec, bool dictionary)
        {
            await new ParquetTestFile().Strings("account_id", "a1", "a2").WriteAsync(dir.Sub(CanonicalSchema.AccountsFile));
            var posts = new ParquetTestFile()
                .Strings("post_id", ids).Strings("account_id", authors).RequiredTimestamps("created_at", times)
                .Strings("language", langs).Strings("repost_of_post_id", repost).Strings("repost_of_account_id", repostAccount)
                .StringLists("hashtags", tags).StringLists("urls", urls);
            posts.Options.CompressionMethod = codec;
            if (dictionary)
            {
                foreach (var c in new[] { "account_id", "language", "repost_of_account_id", "hashtags/list/element", "urls/list/element" })
                    posts.Options.ColumnEncodingHints[c] = EncodingHint.Dictionary;
            }
            await posts.WriteAsync(dir.Sub(CanonicalSchema.PostsFile));
            return await ParquetDatasetReader.ReadAsync(dir.Path, new DatasetReadOptions { MaxDegreeOfParallelism = 2 });
        }
        // One directory rewritten for each variant, so the warnings (which name the file) compare equal too.
        using var dir = new TempDir();
        var ours = await ReadAsync(dir, CompressionMethod.Snappy, dictionary: false);
        var theirs = await ReadAsync(dir, Enum.Parse<CompressionMethod>("Lz4", ignoreCase: true), dictionary: false);
        var dictionaryPages = await ReadAsync(dir, CompressionMethod.Snappy, dictionary: true);
        AssertIdentical(theirs, ours);
        AssertIdentical(theirs, dictionaryPages);
        Assert.Equal(n, ours.Posts.Count);
        for (int i = 0; i < n; i += 997)
        {
            var p = ours.Posts.ToRecord(i, ours.Accounts);
            Assert.Equal(ids[i], p.PostId);
            Assert.Equal(authors[i], p.AccountId);
            Assert.Equal(string.IsNullOrEmpty(langs[i]) ? null : langs[i], p.Language);
            Assert.Equal(tags[i] ?? [], p.Hashtags);
            Assert.Equal(urls[i], p.Urls);
            Assert.Equal(repost[i], p.RepostOfPostId);
        }
    }

    /// <summary>
    /// Columns kept as strings per row (profile fields, labels, post text) store every row from dictionary pages too,
    /// repeats included, as pyarrow and Spark write them: the same dataset as from plain pages.
    /// </summary>
    [Fact]
    public async Task Dictionary_pages_of_per_row_string_columns_keep_every_row()
    {
        const int accounts = 500, n = 3_000;
        var rng = new Random(8);
        var accountIds = Enumerable.Range(0, accounts).Select(i => "a" + i).ToArray();
        var languages = Enumerable.Range(0, accounts).Select(_ => rng.Next(4) switch { 0 => null, 1 => "en", 2 => "", _ => "zh-香港" }).ToArray();
        var labels = Enumerable.Range(0, accounts).Select(_ => rng.Next(3) == 0 ? "china_2019" : "organic").ToArray();
        var ids = Enumerable.Range(0, n).Select(i => "p" + i).ToArray();
        var authors = Enumerable.Range(0, n).Select(_ => accountIds[rng.Next(accounts)]).ToArray();
        var times = Enumerable.Range(0, n).Select(At).ToArray();
        var texts = Enumerable.Range(0, n).Select(_ => rng.Next(5) switch { 0 => null, 1 => "", _ => "same text " + rng.Next(20) }).ToArray();
        async Task<Dataset> ReadAsync(TempDir dir, bool dictionary)
        {
            var accountsFile = new ParquetTestFile().Strings("account_id", accountIds).Strings("language", languages).Strings("label", labels);
            var posts = new ParquetTestFile().Strings("post_id", ids).Strings("account_id", authors).RequiredTimestamps("created_at", times).Strings("text", texts);
            if (dictionary)
            {
                accountsFile.Options.ColumnEncodingHints["language"] = EncodingHint.Dictionary;
                accountsFile.Options.ColumnEncodingHints["label"] = EncodingHint.Dictionary;
                posts.Options.ColumnEncodingHints["text"] = EncodingHint.Dictionary;
            }
            await accountsFile.WriteAsync(dir.Sub(CanonicalSchema.AccountsFile));
            await posts.WriteAsync(dir.Sub(CanonicalSchema.PostsFile));
            return await ParquetDatasetReader.ReadAsync(dir.Path);
        }
        using var dir = new TempDir();
        var plain = await ReadAsync(dir, dictionary: false);
        var dictionaryPages = await ReadAsync(dir, dictionary: true);
        AssertIdentical(plain, dictionaryPages);
        for (int i = 0; i < accounts; i++)
        {
            Assert.Equal(string.IsNullOrEmpty(languages[i]) ? null : languages[i], NullIfEmpty(dictionaryPages.Accounts.Language[i]));
            Assert.Equal(labels[i], dictionaryPages.Accounts.Label[i]);
        }
        for (int j = 0; j < n; j++) Assert.Equal(string.IsNullOrEmpty(texts[j]) ? null : texts[j], NullIfEmpty(dictionaryPages.Posts.Text[j]));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>
    /// A dictionary page whose pool is already large (authors, after an accounts file of 40,000) is looked up up front,
    /// prefetched; the authors new to the pool must still get their ids on first use in row order, as Parquet.Net's
    /// decoding (the LZ4 fallback) and plain pages give them, and the accounts created for them must line up.
    /// </summary>
    [Fact]
    public async Task Dictionary_pages_looked_up_up_front_keep_first_use_order_for_new_values()
    {
        const int accounts = 40_000, n = 60_000;
        var rng = new Random(11);
        var accountIds = Enumerable.Range(0, accounts).Select(i => "acct" + i).ToArray();
        rng.Shuffle(accountIds);
        var ids = new string?[n];
        var authors = new string?[n];
        var times = new DateTime[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = (1_100_000_000_000_000_000L + i).ToString(CultureInfo.InvariantCulture);
            // four in five authors from the accounts file, the rest new (some numeric, some not ASCII), repeating
            authors[i] = rng.Next(5) switch
            {
                0 => rng.Next(3) switch { 0 => (500_000 + rng.Next(3_000)).ToString(CultureInfo.InvariantCulture), 1 => "新" + rng.Next(3_000), _ => "new" + rng.Next(3_000) },
                _ => accountIds[rng.Next(accounts)],
            };
            times[i] = At(i);
        }
        async Task<Dataset> ReadAsync(TempDir dir, CompressionMethod codec, bool dictionary)
        {
            await new ParquetTestFile().Strings("account_id", accountIds).WriteAsync(dir.Sub(CanonicalSchema.AccountsFile));
            var posts = new ParquetTestFile().Strings("post_id", ids).Strings("account_id", authors).RequiredTimestamps("created_at", times);
            posts.Options.CompressionMethod = codec;
            if (dictionary) posts.Options.ColumnEncodingHints["account_id"] = EncodingHint.Dictionary;
            await posts.WriteAsync(dir.Sub(CanonicalSchema.PostsFile));
            return await ParquetDatasetReader.ReadAsync(dir.Path, new DatasetReadOptions { MaxDegreeOfParallelism = 2 });
        }
        using var dir = new TempDir();
        var theirs = await ReadAsync(dir, Enum.Parse<CompressionMethod>("Lz4", ignoreCase: true), dictionary: false);
        var plain = await ReadAsync(dir, CompressionMethod.Snappy, dictionary: false);
        var dictionaryPages = await ReadAsync(dir, CompressionMethod.Snappy, dictionary: true);
        AssertIdentical(theirs, plain);
        AssertIdentical(theirs, dictionaryPages);
        Assert.True(dictionaryPages.Accounts.Count > accounts, "some authors are new");
        for (int i = 0; i < n; i += 101)
            Assert.Equal(authors[i], dictionaryPages.Accounts.Ids[dictionaryPages.Posts.Account[i]]);
    }

    /// <summary>
    /// Bytes that are not valid UTF-8 (written as ASCII markers, then patched in the uncompressed file) decode as
    /// Parquet.Net decodes them, U+FFFD for each bad sequence, in plain and in dictionary pages: two different bad
    /// byte strings that decode alike get one id, and the ids are interned from the decoded text.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Invalid_utf8_decodes_to_replacement_characters_as_parquet_net_does(bool dictionary)
    {
        // marker -> bytes of the same length: a stray continuation byte, a truncated 3-byte sequence, two invalid bytes
        var patches = new (string Marker, byte[] Bytes)[] { ("!Q!", [0x80, 0x41, 0x42]), ("%W%", [0x41, 0xE2, 0x82]), ("&E&", [0xFF, 0xFE, 0x43]), ("*R*", [0xFE, 0xFF, 0x43]) };
        string Decoded(string marker) => System.Text.Encoding.UTF8.GetString(patches.Single(p => p.Marker == marker).Bytes);
        using var dir = new TempDir();
        await new ParquetTestFile().Strings("account_id", "a1", "a%W%").WriteAsync(dir.Sub(CanonicalSchema.AccountsFile));
        var posts = new ParquetTestFile()
            .Strings("post_id", "p1", "p!Q!", "p3", "p4")
            .Strings("account_id", "a1", "a%W%", "a%W%", "a1")
            .RequiredTimestamps("created_at", At(0), At(1), At(2), At(3))
            .Strings("repost_of_post_id", null, "p!Q!", "x&E&", "x*R*")
            .StringLists("hashtags", ["t&E&", "ok"], ["t*R*"], [], ["ok", "t&E&"]);
        posts.Options.CompressionMethod = CompressionMethod.None;
        if (dictionary)
            foreach (var c in new[] { "account_id", "repost_of_post_id", "hashtags/list/element" })
                posts.Options.ColumnEncodingHints[c] = EncodingHint.Dictionary;
        string path = dir.Sub(CanonicalSchema.PostsFile);
        await posts.WriteAsync(path);
        foreach (var file in new[] { path, dir.Sub(CanonicalSchema.AccountsFile) })
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var (marker, patch) in patches)
            {
                var m = System.Text.Encoding.ASCII.GetBytes(marker);
                for (int at = bytes.AsSpan().IndexOf(m); at >= 0; at = bytes.AsSpan().IndexOf(m))
                    patch.CopyTo(bytes, at);
            }
            await File.WriteAllBytesAsync(file, bytes);
        }

        var ds = await ParquetDatasetReader.ReadAsync(dir.Path, new DatasetReadOptions { MaxDegreeOfParallelism = 2 });
        Assert.Equal(["p1", "p" + Decoded("!Q!"), "p3", "p4"], Enumerable.Range(0, 4).Select(j => ds.Posts.Ids[j]));
        Assert.Equal(["a1", "a" + Decoded("%W%")], Enumerable.Range(0, ds.Accounts.Count).Select(i => ds.Accounts.Ids[i]));
        Assert.Equal([0, 1, 1, 0], ds.Posts.Account);
        Assert.Equal(Decoded("&E&"), Decoded("*R*"));
        // "x&E&" and "x*R*" decode alike: one reference id for both, as for "t&E&" and "t*R*" among the hashtags
        Assert.Equal([-1, 0, 1, 1], ds.Posts.RepostOfPost);
        Assert.Equal("x" + Decoded("&E&"), ds.Posts.PostRefs[1]);
        Assert.Equal(2, ds.Posts.Hashtags.Dictionary.Count);
        Assert.Equal(["t" + Decoded("&E&"), "ok"], ds.Posts.Hashtags.RowStrings(0));
        Assert.Equal(["t" + Decoded("&E&")], ds.Posts.Hashtags.RowStrings(1));
        Assert.Equal([0, 1, 0, 1, 0], ds.Posts.Hashtags.Values);
    }
}
