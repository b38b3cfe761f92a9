using System.Security.Cryptography;
using NetDetect.Cli;
using NetDetect.Core.Data;
using NetDetect.Core.Tests.Data;
using NetDetect.Core.Tests.TestSupport;
using Parquet;
using static NetDetect.Core.Tests.Data.ParquetTestFile;

namespace NetDetect.Core.Tests.Cli;

/// <summary>
/// <c>netdetect validate DIR</c> run in-process on bad and good dataset directories: exit code 2 with a message
/// naming file, column and row (or row group) for every kind of bad input, and the directory left untouched.
/// </summary>
public class ValidateCommandTests
{
    private static async Task<(int Code, string Out, string Err)> RunValidateAsync(string dir)
    {
        var root = CliApp.CreateRoot();
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await CommandRunner.RunAsync(root, ["validate", dir], output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Every file under <paramref name="dir"/> with a hash of its bytes, to show validate wrote and changed nothing.</summary>
    private static SortedDictionary<string, string> Snapshot(string dir)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(dir)) return result;
        foreach (var file in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories))
            result[Path.GetRelativePath(dir, file)] = File.Exists(file) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))) : "dir";
        return result;
    }

    private static async Task<(int Code, string Out, string Err)> ValidateUnchangedAsync(string dir)
    {
        var before = Snapshot(dir);
        var result = await RunValidateAsync(dir);
        Assert.Equal(before, Snapshot(dir));
        return result;
    }

    private static async Task<string> BadInputAsync(string dir)
    {
        var (code, _, err) = await ValidateUnchangedAsync(dir);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("invalid", err);
        return err;
    }

    private static string AccountsPath(TempDir d) => d.Sub(CanonicalSchema.AccountsFile);
    private static string PostsPath(TempDir d) => d.Sub(CanonicalSchema.PostsFile);

    private static ParquetTestFile Accounts() => new ParquetTestFile().Strings("account_id", "a1", "a2", "a3");

    private static ParquetTestFile Posts() => new ParquetTestFile()
        .Strings("post_id", "p1", "p2", "p3", "p4")
        .Strings("account_id", "a1", "a2", "a1", "a3")
        .RequiredTimestamps("created_at", At(0), At(1), At(2), At(3));

    private static async Task<TempDir> ValidDirAsync()
    {
        var d = new TempDir();
        await Accounts().WriteAsync(AccountsPath(d));
        await Posts().WriteAsync(PostsPath(d));
        return d;
    }

    [Fact]
    public async Task Valid_directory_prints_summary_with_resolution_and_exits_0()
    {
        using var d = await ValidDirAsync();
        var (code, output, err) = await ValidateUnchangedAsync(d.Path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", err);
        Assert.Contains("accounts: 3 (0 known only as post authors)", output);
        Assert.Contains("posts: 4", output);
        Assert.Contains("time span: 2019-08-01 00:00:00 to 2019-08-01 00:03:00 UTC", output);
        Assert.Contains("timestamp resolution: 1 min", output);
        Assert.Contains($"{d.Path}: valid", output);
    }

    [Fact]
    public async Task Resolution_reports_seconds_when_timestamps_have_seconds()
    {
        using var d = new TempDir();
        await Accounts().WriteAsync(AccountsPath(d));
        await new ParquetTestFile()
            .Strings("post_id", "p1", "p2")
            .Strings("account_id", "a1", "a2")
            .RequiredTimestamps("created_at", At(0).AddSeconds(7), At(1))
            .WriteAsync(PostsPath(d));
        var (code, output, _) = await ValidateUnchangedAsync(d.Path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("timestamp resolution: 1 s", output);
    }

    [Fact]
    public async Task Truncated_posts_file_names_the_file()
    {
        using var d = await ValidDirAsync();
        var bytes = await File.ReadAllBytesAsync(PostsPath(d));
        await File.WriteAllBytesAsync(PostsPath(d), bytes[..(bytes.Length / 2)]);
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {PostsPath(d)}: not a readable Parquet file (truncated or corrupt?)", err);
    }

    [Fact]
    public async Task Corrupt_column_chunk_names_file_column_and_row_group()
    {
        using var d = await ValidDirAsync();
        long offset, length;
        await using (var reader = await ParquetReader.CreateAsync(PostsPath(d)))
        {
            var field = reader.Schema.DataFields.Single(f => f.Name == "account_id");
            using var rg = reader.OpenRowGroupReader(0);
            var md = rg.GetMetadata(field)!.MetaData!;
            offset = md.DictionaryPageOffset is > 0 and var dict ? dict : md.DataPageOffset;
            length = md.TotalCompressedSize;
        }
        await using (var stream = new FileStream(PostsPath(d), FileMode.Open, FileAccess.Write))
        {
            stream.Position = offset;
            stream.Write(Enumerable.Repeat((byte)0xFF, (int)length).ToArray());
        }
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {PostsPath(d)}, column 'account_id', row group 0: cannot decode rows 1-4", err);
    }

    [Fact]
    public async Task Corrupt_footer_names_the_file()
    {
        using var d = await ValidDirAsync();
        var bytes = await File.ReadAllBytesAsync(AccountsPath(d));
        // the 4 bytes before the trailing "PAR1" give the footer length; scribble over the footer itself
        for (int i = bytes.Length - 40; i < bytes.Length - 8; i++) bytes[i] = 0xEE;
        await File.WriteAllBytesAsync(AccountsPath(d), bytes);
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {AccountsPath(d)}: not a readable Parquet file", err);
    }

    [Theory]
    [InlineData("posts", "created_at")]
    [InlineData("posts", "post_id")]
    [InlineData("posts", "account_id")]
    [InlineData("accounts", "account_id")]
    public async Task Missing_required_column_is_named(string table, string column)
    {
        using var d = new TempDir();
        var accounts = table == "accounts"
            ? new ParquetTestFile().Strings("screen_name", "x", "y")
            : Accounts();
        var posts = new ParquetTestFile();
        if (!(table == "posts" && column == "post_id")) posts.Strings("post_id", "p1", "p2");
        if (!(table == "posts" && column == "account_id")) posts.Strings("account_id", "a1", "a2");
        if (!(table == "posts" && column == "created_at")) posts.RequiredTimestamps("created_at", At(0), At(1));
        await accounts.WriteAsync(AccountsPath(d));
        await posts.WriteAsync(PostsPath(d));
        var err = await BadInputAsync(d.Path);
        string file = table == "accounts" ? AccountsPath(d) : PostsPath(d);
        Assert.Contains($"error: {file}, column '{column}': required column is missing", err);
    }

    [Fact]
    public async Task Account_created_at_as_string_is_a_wrong_type()
    {
        using var d = await ValidDirAsync();
        await Accounts().Strings("created_at", "2019-01-01", "yesterday", null).WriteAsync(AccountsPath(d));
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {AccountsPath(d)}, column 'created_at': wrong type: expected timestamp, found string", err);
    }

    [Fact]
    public async Task Follower_count_as_string_is_a_wrong_type()
    {
        using var d = await ValidDirAsync();
        await Accounts().Strings("follower_count", "12", "1.2K", null).WriteAsync(AccountsPath(d));
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {AccountsPath(d)}, column 'follower_count': wrong type: expected int64, found string", err);
    }

    [Fact]
    public async Task Hashtags_as_plain_string_is_a_wrong_type()
    {
        using var d = await ValidDirAsync();
        await Posts().Strings("hashtags", "['a', 'b']", "[]", null, "c").WriteAsync(PostsPath(d));
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {PostsPath(d)}, column 'hashtags': wrong type: expected list<string>, found string", err);
    }

    [Fact]
    public async Task Post_created_at_as_int64_is_a_wrong_type()
    {
        using var d = await ValidDirAsync();
        await new ParquetTestFile()
            .Strings("post_id", "p1", "p2")
            .Strings("account_id", "a1", "a2")
            .Longs("created_at", 1_565_000_000, 1_565_000_060)
            .WriteAsync(PostsPath(d));
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {PostsPath(d)}, column 'created_at': wrong type: expected timestamp, found int64", err);
    }

    [Fact]
    public async Task Null_and_empty_post_ids_name_their_rows()
    {
        using var d = await ValidDirAsync();
        await new ParquetTestFile()
            .Strings("post_id", "p1", "p2", null, "", "p5")
            .Strings("account_id", "a1", "a2", "a1", "a3", "a1")
            .RequiredTimestamps("created_at", At(0), At(1), At(2), At(3), At(4))
            .WriteAsync(PostsPath(d));
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {PostsPath(d)}, column 'post_id', row group 0, row 3: post id is null or empty", err);
        Assert.Contains($"error: {PostsPath(d)}, column 'post_id', row group 0, row 4: post id is null or empty", err);
        Assert.DoesNotContain("row 5", err);
    }

    [Fact]
    public async Task Null_author_names_its_row()
    {
        using var d = await ValidDirAsync();
        await new ParquetTestFile()
            .Strings("post_id", "p1", "p2")
            .Strings("account_id", "a1", null)
            .RequiredTimestamps("created_at", At(0), At(1))
            .WriteAsync(PostsPath(d));
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {PostsPath(d)}, column 'account_id', row group 0, row 2: author account id is null or empty", err);
    }

    [Fact]
    public async Task Null_account_id_names_its_row()
    {
        using var d = await ValidDirAsync();
        await new ParquetTestFile().Strings("account_id", "a1", null, "a3").WriteAsync(AccountsPath(d));
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {AccountsPath(d)}, column 'account_id', row group 0, row 2: account id is null or empty", err);
    }

    [Fact]
    public async Task Duplicate_account_id_names_the_id_and_row()
    {
        using var d = await ValidDirAsync();
        await new ParquetTestFile().Strings("account_id", "a1", "a2", "a3", "a2").WriteAsync(AccountsPath(d));
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {AccountsPath(d)}, column 'account_id', row group 0, row 4: duplicate account id 'a2'", err);
    }

    [Fact]
    public async Task Duplicate_post_id_names_the_id_and_row()
    {
        using var d = await ValidDirAsync();
        await new ParquetTestFile()
            .Strings("post_id", "p1", "p2", "p1")
            .Strings("account_id", "a1", "a2", "a3")
            .RequiredTimestamps("created_at", At(0), At(1), At(2))
            .WriteAsync(PostsPath(d));
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {PostsPath(d)}, column 'post_id', row group 0, row 3: duplicate post id 'p1'", err);
    }

    [Fact]
    public async Task Duplicate_post_ids_in_a_dictionary_encoded_column_are_found()
    {
        using var d = await ValidDirAsync();
        var posts = new ParquetTestFile()
            .Strings("post_id", "p1", "p2", "p1", "p2")
            .Strings("account_id", "a1", "a2", "a3", "a1")
            .RequiredTimestamps("created_at", At(0), At(1), At(2), At(3));
        posts.Options.ColumnEncodingHints["post_id"] = EncodingHint.Dictionary;
        await posts.WriteAsync(PostsPath(d));
        var err = await BadInputAsync(d.Path);
        Assert.Contains("row 3: duplicate post id 'p1'", err);
        Assert.Contains("row 4: duplicate post id 'p2'", err);
    }

    [Fact]
    public async Task Null_created_at_names_its_row()
    {
        using var d = await ValidDirAsync();
        await new ParquetTestFile()
            .Strings("post_id", "p1", "p2", "p3")
            .Strings("account_id", "a1", "a2", "a3")
            .Timestamps("created_at", At(0), null, At(2))
            .WriteAsync(PostsPath(d));
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {PostsPath(d)}, column 'created_at', row group 0, row 2: created_at is null", err);
    }

    [Fact]
    public async Task Empty_file_is_named()
    {
        using var d = await ValidDirAsync();
        await File.WriteAllBytesAsync(AccountsPath(d), []);
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {AccountsPath(d)}: empty file: not a Parquet file", err);
    }

    [Fact]
    public async Task Directory_without_the_two_files_names_both()
    {
        using var d = new TempDir();
        await File.WriteAllTextAsync(d.Sub("posts.csv"), "post_id\n1\n");
        var err = await BadInputAsync(d.Path);
        Assert.Contains($"error: {AccountsPath(d)}: missing: a dataset directory holds accounts.parquet and posts.parquet", err);
        Assert.Contains($"error: {PostsPath(d)}: missing", err);
    }

    [Fact]
    public async Task Nonexistent_directory_is_named_and_not_created()
    {
        using var d = new TempDir();
        string missing = d.Sub("no-such-dataset");
        var (code, _, err) = await RunValidateAsync(missing);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"error: {missing}: directory does not exist", err);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Every_problem_is_listed_not_just_the_first()
    {
        using var d = new TempDir();
        await new ParquetTestFile().Strings("account_id", "a1", "a1").Strings("follower_count", "x", "y").WriteAsync(AccountsPath(d));
        await new ParquetTestFile()
            .Strings("post_id", "p1", null)
            .Strings("account_id", "a1", "a1")
            .Timestamps("created_at", null, At(1))
            .WriteAsync(PostsPath(d));
        var err = await BadInputAsync(d.Path);
        Assert.Contains("column 'follower_count': wrong type", err);
        Assert.Contains("column 'account_id', row group 0, row 2: duplicate account id 'a1'", err);
    }

    [Fact]
    public async Task Unknown_columns_are_warnings_with_counts_and_the_data_is_valid()
    {
        using var d = new TempDir();
        await Accounts().Strings("favourite_colour", "red", "blue", null).WriteAsync(AccountsPath(d));
        await Posts().Strings("sentiment", "+", "-", "+", "0").Longs("retweet_count", 1, 2, 3, 4).WriteAsync(PostsPath(d));
        var (code, output, err) = await ValidateUnchangedAsync(d.Path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", err);
        Assert.Contains($"warning: {PostsPath(d)}, column 'sentiment': unknown column ignored (4 rows)", output);
        Assert.Contains($"warning: {PostsPath(d)}, column 'retweet_count': unknown column ignored (4 rows)", output);
        Assert.Contains($"warning: {AccountsPath(d)}, column 'favourite_colour': unknown column ignored (3 rows)", output);
        Assert.Contains(": valid", output);
    }

    [Fact]
    public async Task Posts_whose_author_is_missing_are_a_warning_with_the_post_count()
    {
        using var d = new TempDir();
        await Accounts().WriteAsync(AccountsPath(d));
        await new ParquetTestFile()
            .Strings("post_id", "p1", "p2", "p3", "p4")
            .Strings("account_id", "a1", "ghost", "ghost", "phantom")
            .RequiredTimestamps("created_at", At(0), At(1), At(2), At(3))
            .WriteAsync(PostsPath(d));
        var (code, output, _) = await ValidateUnchangedAsync(d.Path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"warning: {PostsPath(d)}, column 'account_id': post author not in accounts.parquet; account created with unknown profile (3 rows)", output);
        Assert.Contains("accounts: 5 (2 known only as post authors)", output);
    }
}
