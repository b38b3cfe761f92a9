using NetDetect.Core.Data;
using NetDetect.Core.Import;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Import;

public class ArchiveImporterTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "archive", name);

    private static readonly string Tweets = Fixture("example_082019_tweets_csv_hashed.csv");
    private static readonly string TweetsGz = Fixture("example_082019_tweets_csv_hashed.csv.gz");
    private static readonly string Users = Fixture("example_082019_users_csv_hashed.csv");

    private const string Hashed1 = "vMm2zemFOF7kmXoDyX24Bo+TorqhNutpZlATYyxsE=";
    private const string Numeric2 = "919755217121316864";
    private const string Hashed3 = "Qm9ndXNoYXNoZWRpZDEyMzQ1Njc4OTAxMjM0NTY3OA/=";
    private const string Original = "1164000000000000001";

    private static PostRecord Post(Dataset ds, string id) => ds.Posts.ToRecord(ds.Posts.Ids.IndexOf(id), ds.Accounts);

    private static AccountRecord Account(Dataset ds, string id) => ds.Accounts.ToRecord(ds.Accounts.Ids.IndexOf(id));

    private static long Utc(int y, int mo, int d, int h = 0, int mi = 0) => Time.FromDateTime(new DateTime(y, mo, d, h, mi, 0, DateTimeKind.Utc));

    [Fact]
    public async Task Tweets_file_maps_every_archive_column()
    {
        var ds = await DatasetImporter.ImportAsync([Tweets]);

        Assert.Equal(7, ds.Posts.Count);
        Assert.Equal(3, ds.Accounts.Count);
        Assert.Equal(Time.MicrosPerMinute, ds.TimeResolutionMicros);
        // latitude, longitude, the counts and poll_choices are known columns: nothing to warn about
        Assert.Empty(ds.Warnings);

        var original = Post(ds, Original);
        Assert.Equal(Numeric2, original.AccountId);
        Assert.Equal("香港加油, \"violence\" must stop.\nSecond line of the tweet\n#HongKong", original.Text);
        Assert.Equal(Utc(2019, 8, 20, 14, 3), original.CreatedAt);
        Assert.Equal("zh", original.Language);
        Assert.Equal("Twitter Web Client", original.Client);
        Assert.Null(original.RepostOfPostId);
        Assert.Equal(["HongKong"], original.Hashtags!);
        Assert.Equal(["https://example.com/news?id=1&a=b", "http://bit.ly/2Hk"], original.Urls!);
        Assert.Equal(["example.com", "bit.ly"], original.Domains!);
        Assert.Empty(original.Mentions!);

        foreach (var (id, author) in new[] { ("1164000000000000002", Hashed1), ("1164000000000000003", Hashed3) })
        {
            var rt = Post(ds, id);
            Assert.Equal(author, rt.AccountId);
            Assert.Equal(Original, rt.RepostOfPostId);
            Assert.Equal(Numeric2, rt.RepostOfAccountId);
            Assert.Equal(Utc(2019, 8, 20, 14, 5), rt.CreatedAt);
            Assert.Equal([Numeric2], rt.Mentions!);
        }

        var reply = Post(ds, "1164000000000000004");
        Assert.Equal(Original, reply.ReplyToPostId);
        Assert.Equal(Numeric2, reply.ReplyToAccountId);
        Assert.Null(reply.RepostOfPostId);
        Assert.Equal("@wuming11xia Agreed!", reply.Text);

        var quote = Post(ds, "1164000000000000005");
        Assert.Equal(Original, quote.QuoteOfPostId);
        Assert.Equal("Look at this\r\nhttps://t.co/xyz", quote.Text);
        Assert.Equal(["HK", "China"], quote.Hashtags!);
        Assert.Equal(["twitter.com"], quote.Domains!);

        var bare = Post(ds, "1164000000000000006");
        Assert.Null(bare.Text);
        Assert.Null(bare.Language);
        Assert.Null(bare.Client);
        Assert.Empty(bare.Hashtags!);
        Assert.Equal(Utc(2019, 8, 22), bare.CreatedAt);

        var last = Post(ds, "1164000000000000007");
        Assert.Equal("Hello, world", last.Text);
        Assert.Equal(["it's", "HK"], last.Hashtags!);
        Assert.Equal([Hashed1], last.Mentions!);

        int reposts = ds.Posts.RepostOfPost.Count(x => x >= 0);
        int replies = ds.Posts.ReplyToPost.Count(x => x >= 0);
        int quotes = ds.Posts.QuoteOfPost.Count(x => x >= 0);
        Assert.Equal((2, 1, 1), (reposts, replies, quotes));
    }

    [Fact]
    public async Task Profiles_come_from_each_authors_first_tweet_row()
    {
        var ds = await DatasetImporter.ImportAsync([Tweets]);

        var numeric = Account(ds, Numeric2);
        Assert.Equal("wuming11xia", numeric.ScreenName);
        Assert.Equal("ailaiyi5", numeric.DisplayName);
        Assert.Equal("香港", numeric.ReportedLocation);
        Assert.Equal("Love HK, love \"peace\"", numeric.Description);
        Assert.Equal("https://t.co/Ab3dEf", numeric.ProfileUrl);
        Assert.Equal(23949, numeric.FollowerCount);
        Assert.Equal(52, numeric.FollowingCount);
        Assert.Equal(Utc(2016, 6, 27), numeric.CreatedAt);
        Assert.Equal("zh-cn", numeric.Language);
        Assert.Null(numeric.Label);

        var hashed = Account(ds, Hashed3);
        Assert.Equal(Hashed3, hashed.ScreenName);
        Assert.Null(hashed.ReportedLocation); // empty string = absent
        Assert.Null(hashed.ProfileUrl);
        Assert.Equal(0, hashed.FollowerCount); // row 3's value, not row 7's 5.0
        Assert.Equal(Utc(2017, 8, 18), hashed.CreatedAt);
        Assert.All(Enumerable.Range(0, ds.Accounts.Count), i => Assert.True(ds.Accounts.InAccountsFile[i]));
    }

    [Fact]
    public async Task Users_file_adds_accounts_and_its_profiles_win()
    {
        var ds = await DatasetImporter.ImportAsync([Tweets, Users], ImportFormat.Archive, label: "example_082019");

        Assert.Equal(7, ds.Posts.Count);
        Assert.Equal(4, ds.Accounts.Count);
        Assert.Equal(7, Account(ds, Hashed3).FollowerCount);
        var silent = Account(ds, "747292706536226816");
        Assert.Equal("牛小牛", silent.DisplayName);
        Assert.Equal("ru", silent.Language);
        Assert.Equal(12, silent.FollowerCount);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal("example_082019", ds.Accounts.Label[i]));
    }

    [Fact]
    public async Task Gzip_copy_imports_identically()
    {
        var plain = await DatasetImporter.ImportAsync([Tweets]);
        var gz = await DatasetImporter.ImportAsync([TweetsGz]);
        DatasetAssert.Equal(plain, gz);
        Assert.Empty(gz.Warnings); // the inflated size matches the gzip trailer
    }

    [Fact]
    public async Task Truncated_gzip_is_named_as_the_cause()
    {
        using var dir = new TempDir();
        var cut = dir.Sub("cut.csv.gz");
        var bytes = await File.ReadAllBytesAsync(TweetsGz);
        await File.WriteAllBytesAsync(cut, bytes[..500]);

        var e = await Assert.ThrowsAsync<DataFormatException>(() => DatasetImporter.ImportAsync([cut]));

        var p = Assert.Single(e.Problems);
        Assert.Equal(cut, p.File);
        Assert.Contains("unterminated quoted field", p.Message);
        Assert.Contains("probably truncated", p.Message);
    }

    [Fact]
    public async Task Gzip_missing_its_trailer_imports_what_inflates_with_a_truncation_warning()
    {
        using var dir = new TempDir();
        var full = dir.Sub("full.csv.gz");
        var cut = dir.Sub("cut.csv.gz");
        var text = "object_id,account_id,content_id,timestamp_share\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"o{i % 97},a{i % 13},c{i},{1_600_000_000 + i}\n"));
        await using (var gz = new System.IO.Compression.GZipStream(File.Create(full), System.IO.Compression.CompressionLevel.Optimal))
            await gz.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text));
        // keep everything but the trailer: the whole text inflates, the recorded size is gone
        var bytes = await File.ReadAllBytesAsync(full);
        await File.WriteAllBytesAsync(cut, bytes[..^4]);

        Assert.Empty((await DatasetImporter.ImportAsync([full])).Warnings);
        var ds = await DatasetImporter.ImportAsync([cut]);
        Assert.Equal(20_000, ds.Posts.Count);
        Assert.Contains(ds.Warnings, w => w.File == cut && w.Message.Contains("may be truncated"));
    }

    [Fact]
    public async Task China_2019_users_file_imports_744_labelled_accounts()
    {
        var path = SharedData.File("china-2019", "china_082019_1_users_csv_hashed.csv");
        var ds = await DatasetImporter.ImportAsync([path], label: "china_082019");

        Assert.Equal(744, ds.Accounts.Count);
        Assert.Equal(0, ds.Posts.Count);
        var accounts = Enumerable.Range(0, ds.Accounts.Count).Select(ds.Accounts.ToRecord).ToList();
        Assert.All(accounts, a => Assert.Equal("china_082019", a.Label));
        // the profile facts the data README lists
        Assert.Equal(119, accounts.Count(a => a.CreatedAt == Utc(2017, 8, 30)));
        Assert.Equal(97, accounts.Count(a => a.CreatedAt == Utc(2017, 8, 18)));
        Assert.Equal(30, accounts.Count(a => a.CreatedAt == Utc(2016, 6, 27)));
        // the README's 582 counts zh-cn in either case (569 zh-cn + 13 zh-CN); the importer keeps the text as written
        Assert.Equal(582, accounts.Count(a => string.Equals(a.Language, "zh-cn", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(13, accounts.Count(a => a.Language == "zh-CN"));
        Assert.Equal(104, accounts.Count(a => a.Language == "en"));
        Assert.Equal(36, accounts.Count(a => a.Language == "ru"));
        Assert.Equal(273, accounts.Count(a => a.FollowerCount == 0));
        Assert.Equal(214, accounts.Count(a => a.FollowerCount > 10_000));
        var first = accounts[0];
        Assert.Equal("vMm2zemFOF7kmXoDyX24Bo+TorqhNutpZlATYyxsE=", first.AccountId);
        Assert.Null(first.ReportedLocation);
    }

    [Fact]
    public async Task Retweet_without_its_original_id_is_kept_and_warned_about()
    {
        using var dir = new TempDir();
        var path = dir.Sub("t.csv");
        await File.WriteAllTextAsync(path,
            "tweetid,userid,tweet_time,is_retweet,retweet_userid,retweet_tweetid,tweet_text\n" +
            "1,a,2020-01-01 00:00,True,,,RT something\n" +
            "2,a,2020-01-01 00:01:30,False,9,8,not a retweet although retweet ids are set\n");
        var ds = await DatasetImporter.ImportAsync([path]);
        Assert.Equal(2, ds.Posts.Count);
        Assert.All(ds.Posts.RepostOfPost, x => Assert.Equal(-1, x));
        Assert.Single(ds.Warnings, w => w.Column == "retweet_tweetid");
        // one time has seconds, so the resolution is the observed one, not the archive's minute
        Assert.Equal(Time.MicrosPerSecond, ds.TimeResolutionMicros);
    }
}
