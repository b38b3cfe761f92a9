using NetDetect.Core.Data;
using NetDetect.Core.Import;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Import;

public class QutImporterTests
{
    private static readonly string Fixture = SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv");

    [Fact]
    public async Task Toolkit_test_input_imports_row_for_row()
    {
        var ds = await DatasetImporter.ImportAsync([Fixture]);

        Assert.Equal(15, ds.Posts.Count);
        Assert.Equal(9, ds.Accounts.Count); // uid0-5, uid10-12
        Assert.All(Enumerable.Range(0, ds.Accounts.Count), i => Assert.True(ds.Accounts.InAccountsFile[i]));

        // rows as the file has them (BOM and CRLF included), read without the importer
        var lines = File.ReadAllLines(Fixture).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(15, lines.Count);
        for (int j = 0; j < 15; j++)
        {
            var row = lines[j];
            var post = ds.Posts.ToRecord(j, ds.Accounts);
            Assert.Equal(row[0], post.PostId);
            Assert.Equal(row[1], post.AccountId);
            Assert.Equal(row[3], post.RepostOfPostId);
            Assert.Null(post.ReplyToPostId);
            Assert.Equal(row[5].Trim('"'), post.Text);
            Assert.Equal(long.Parse(row[6]) * Time.MicrosPerSecond, post.CreatedAt);
            Assert.Empty(post.Urls!);
            Assert.Equal(row[2], ds.Accounts.ScreenName[ds.Posts.Account[j]]);
        }
    }

    [Fact]
    public async Task Urls_are_split_on_spaces_replies_kept_and_repeated_message_ids_keep_the_first_row()
    {
        using var dir = new TempDir();
        var path = dir.Sub("qut.csv");
        await File.WriteAllTextAsync(path,
            "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n" +
            "m1,u1,alice,,,\"hello, world\",1600000000.5,https://a.example/x https://b.example/y\n" +
            "m2,u2,bob,,m1,reply,1600000001,\n" +
            "m1,u3,carol,,,dup,1600000002,\n");
        var ds = await DatasetImporter.ImportAsync([path], ImportFormat.Qut);

        Assert.Equal(2, ds.Posts.Count);
        Assert.Equal(3, ds.Accounts.Count);
        var first = ds.Posts.ToRecord(0, ds.Accounts);
        Assert.Equal("hello, world", first.Text);
        Assert.Equal(1600000000_500000L, first.CreatedAt);
        Assert.Equal(["https://a.example/x", "https://b.example/y"], first.Urls!);
        Assert.Equal(["a.example", "b.example"], first.Domains!);
        Assert.Equal("m1", ds.Posts.ToRecord(1, ds.Accounts).ReplyToPostId);
        var dup = Assert.Single(ds.Warnings);
        Assert.Equal("message_id", dup.Column);
    }
}
