using NetDetect.Core.Data;
using NetDetect.Core.Import;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Import;

public class CoortweetImporterTests
{
    private static readonly string Russian = SharedData.File("coortweet", "russian_coord_tweets.csv");
    private static readonly string German = SharedData.File("coortweet", "german_elections.csv");

    /// <summary>The CSV split by hand (these files have no quoted fields), independent of the importer.</summary>
    private static List<string[]> RawRows(string path) =>
        File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();

    [Fact]
    public async Task Russian_long_table_keeps_every_share_row()
    {
        var ds = await DatasetImporter.ImportAsync([Russian]);

        Assert.Equal(35_125, ds.Posts.Count);
        Assert.Equal(9_509, ds.Accounts.Count);
        Assert.Equal(Time.MicrosPerSecond, ds.TimeResolutionMicros);

        // every row becomes a post with the row's account, object and time: compare the multisets
        var raw = RawRows(Russian);
        var expected = raw.Select(r => $"{r[1]}|{r[0]}|{long.Parse(r[3]) * Time.MicrosPerSecond}").Order(StringComparer.Ordinal).ToList();
        var actual = Enumerable.Range(0, ds.Posts.Count)
            .Select(j => $"{ds.Accounts.Ids[ds.Posts.Account[j]]}|{ds.Posts.PostRefs[ds.Posts.RepostOfPost[j]]}|{ds.Posts.CreatedAt[j]}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Repeated_content_ids_get_derived_post_ids_that_map_back_to_the_content()
    {
        var ds = await DatasetImporter.ImportAsync([Russian]);
        var raw = RawRows(Russian);
        var rowsPerContent = raw.GroupBy(r => r[2]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(80, rowsPerContent.Values.Where(n => n > 1).Sum()); // data README: 80 rows share content ids

        var content = ShareIds.ContentOf(ds.Posts);
        int derived = 0;
        for (int j = 0; j < ds.Posts.Count; j++)
        {
            string original = ShareIds.ContentId(ds.Posts, j);
            Assert.True(rowsPerContent.ContainsKey(original), $"post {ds.Posts.Ids[j]} maps to unknown content {original}");
            Assert.Equal(original, ds.Posts.Ids[content[j]]);
            if (content[j] != j)
            {
                derived++;
                Assert.Equal($"{original}#2", ds.Posts.Ids[j]);
                Assert.Equal(ds.Posts.Account[content[j]], ds.Posts.Account[j]);
            }
        }
        Assert.Equal(40, derived);
        // rows per content id, counted through the mapping, equal the CSV's: CooRTweet's participation counts these rows
        var counted = content.GroupBy(c => ds.Posts.Ids[c]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(rowsPerContent.OrderBy(kv => kv.Key, StringComparer.Ordinal), counted.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task German_multimodal_table_merges_rows_of_a_post_and_keeps_every_object()
    {
        var ds = await DatasetImporter.ImportAsync([German]);
        var raw = RawRows(German);
        Assert.Equal(218_971, raw.Count);
        Assert.Equal(58_317, ds.Accounts.Count);

        // a post is a (post_id, account, time) group; the three rows without a post_id stay single posts
        int groups = raw.Where(r => r[1].Length > 0).Select(r => (r[1], r[0], r[6])).Distinct().Count();
        int empty = raw.Count(r => r[1].Length == 0);
        Assert.Equal(3, empty);
        Assert.Equal(groups + empty, ds.Posts.Count);
        Assert.Single(ds.Warnings, w => w.Column == "post_id" && w.Count == 3);

        // per modality, the (object, account, post, time) rows CooRTweet's recipe keeps after unique() are the list entries
        (int Column, ListColumn List)[] modalities =
            [(2, ds.Posts.Urls), (3, ds.Posts.Hashtags), (4, ds.Posts.Domains), (5, ds.Posts.Media)];
        var contentIds = ShareIds.ContentOf(ds.Posts).Select(c => ds.Posts.Ids[c]).ToArray();
        foreach (var (column, list) in modalities)
        {
            var expected = raw.Where(r => r[column].Length > 0).Select(r => $"{r[column]}|{r[0]}|{r[1]}|{r[6]}").ToHashSet(StringComparer.Ordinal);
            var actual = new List<string>();
            for (int j = 0; j < ds.Posts.Count; j++)
            {
                string suffix = $"|{ds.Accounts.Ids[ds.Posts.Account[j]]}|{contentIds[j]}|{ds.Posts.CreatedAt[j] / Time.MicrosPerSecond}";
                foreach (int v in list.Row(j)) actual.Add(list.Dictionary[v] + suffix);
            }
            Assert.Equal(expected.Count, actual.Count);
            Assert.True(expected.SetEquals(actual), $"column {column}: objects differ from the CSV's");
        }
        Assert.False(ds.Posts.DomainsDerived);
    }

    [Fact]
    public async Task Multimodal_post_id_reused_by_another_account_becomes_a_second_post()
    {
        using var dir = new TempDir();
        var path = dir.Sub("mm.csv");
        await File.WriteAllTextAsync(path,
            "account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp\n" +
            "a,1,u1,,d1,,100\n" +
            "a,1,u2,h1,d1,,100\n" +
            "b,1,u1,,,p9,160\n" +
            "a,1,u1,,d1,,100\n" +
            "b,2,,,,,170\n");
        var ds = await DatasetImporter.ImportAsync([path], ImportFormat.Auto);

        Assert.Equal(3, ds.Posts.Count);
        Assert.Equal(["1", "1#2", "2"], Enumerable.Range(0, 3).Select(j => ds.Posts.Ids[j]));
        Assert.Equal(["u1", "u2"], ds.Posts.Urls.RowStrings(0));
        Assert.Equal(["h1"], ds.Posts.Hashtags.RowStrings(0));
        Assert.Equal(["d1"], ds.Posts.Domains.RowStrings(0));
        Assert.Equal(["p9"], ds.Posts.Media.RowStrings(1));
        Assert.Equal("b", ds.Accounts.Ids[ds.Posts.Account[1]]);
        Assert.Equal(160 * Time.MicrosPerSecond, ds.Posts.CreatedAt[1]);
        Assert.Equal([0, 0, 2], ShareIds.ContentOf(ds.Posts));
    }

    [Fact]
    public async Task Tables_written_by_R_write_csv_read_NA_as_missing_and_date_time_text_as_UTC()
    {
        using var dir = new TempDir();
        var path = dir.Sub("r.csv");
        await File.WriteAllTextAsync(path,
            "\"\",\"account_id\",\"post_id\",\"url_id\",\"hashtag_id\",\"domain_id\",\"phash_id\",\"timestamp\"\n" +
            "\"1\",\"fb_1\",\"10\",\"u7\",NA,\"d3\",NA,\"2021-08-21 23:50:36\"\n" +
            "\"2\",\"tw_2\",NA,NA,\"h1\",NA,NA,1629589836\n");
        var ds = await DatasetImporter.ImportAsync([path]);

        Assert.Equal(2, ds.Posts.Count);
        var first = ds.Posts.ToRecord(0, ds.Accounts);
        Assert.Equal(("10", "fb_1"), (first.PostId, first.AccountId));
        Assert.Equal(["u7"], first.Urls!);
        Assert.Empty(first.Hashtags!);
        Assert.Equal(["d3"], first.Domains!);
        Assert.Empty(first.Media!);
        Assert.Equal(1629589836L * Time.MicrosPerSecond, first.CreatedAt);
        var second = ds.Posts.ToRecord(1, ds.Accounts);
        Assert.Equal("#empty1", second.PostId);
        Assert.Equal(["h1"], second.Hashtags!);
        Assert.Equal(first.CreatedAt, second.CreatedAt);
        // R's unnamed row-number column is reported once, not mistaken for data
        Assert.Contains(ds.Warnings, w => w.Column == "" && w.Message == "unknown column ignored");
    }

    [Fact]
    public async Task Input_id_shaped_like_a_derived_id_is_refused_when_it_would_be_mistaken()
    {
        using var dir = new TempDir();
        var path = dir.Sub("long.csv");
        await File.WriteAllTextAsync(path,
            "object_id,account_id,content_id,timestamp_share\n" +
            "o1,a,c,100\n" +
            "o2,b,c#2,100\n");
        var e = await Assert.ThrowsAsync<DataFormatException>(() => DatasetImporter.ImportAsync([path]));
        var p = Assert.Single(e.Problems);
        Assert.Equal(("content_id", 2L), (p.Column, p.Row));
        Assert.Contains("c#2", p.Message);

        // on its own (no 'c' in the input) the same id is just an id
        await File.WriteAllTextAsync(path, "object_id,account_id,content_id,timestamp_share\no2,b,c#2,100\no3,b,c#2,101\n");
        var ds = await DatasetImporter.ImportAsync([path]);
        Assert.Equal(["c#2", "c#2#2"], new[] { ds.Posts.Ids[0], ds.Posts.Ids[1] });
        Assert.Equal("c#2", ShareIds.ContentId(ds.Posts, 0));
        Assert.Equal("c#2", ShareIds.ContentId(ds.Posts, 1));
    }

    [Theory]
    [InlineData("1623881091", 1623881091_000000L)]
    [InlineData("1623881091.25", 1623881091_250000L)]
    [InlineData(" 7 ", 7_000000L)]
    [InlineData("-5", -5_000000L)]
    public async Task Epoch_seconds_are_read_to_the_microsecond(string text, long micros)
    {
        using var dir = new TempDir();
        var path = dir.Sub("long.csv");
        await File.WriteAllTextAsync(path, $"object_id,account_id,content_id,timestamp_share\no,a,c,{text}\n");
        var ds = await DatasetImporter.ImportAsync([path], ImportFormat.Coortweet);
        Assert.Equal(micros, ds.Posts.CreatedAt[0]);
    }

    [Fact]
    public async Task Several_long_files_import_as_one_dataset()
    {
        using var dir = new TempDir();
        var a = dir.Sub("a.csv");
        var b = dir.Sub("b.csv.gz");
        await File.WriteAllTextAsync(a, "object_id,account_id,content_id,timestamp_share\no1,x,c1,10\no1,y,c2,20\n");
        await using (var gz = new System.IO.Compression.GZipStream(File.Create(b), System.IO.Compression.CompressionLevel.Fastest))
        await using (var w = new StreamWriter(gz))
            await w.WriteAsync("object_id,account_id,content_id,timestamp_share\no2,x,c1,30\no1,z,c3,40\n");
        var ds = await DatasetImporter.ImportAsync([a, b], label: "test_op");
        Assert.Equal(["c1", "c2", "c1#2", "c3"], Enumerable.Range(0, ds.Posts.Count).Select(j => ds.Posts.Ids[j]));
        Assert.Equal(3, ds.Accounts.Count);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal("test_op", ds.Accounts.Label[i]));
    }
}
