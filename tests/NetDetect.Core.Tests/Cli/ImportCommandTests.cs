using NetDetect.Cli;
using NetDetect.Core.Data;
using NetDetect.Core.Import;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Cli;

public class ImportCommandTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "archive", name);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandRunner.RunAsync(CliApp.CreateRoot(), args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Archive_import_writes_a_dataset_that_reads_back_identically()
    {
        using var dir = new TempDir();
        var outDir = dir.Sub("out");
        var tweets = Fixture("example_082019_tweets_csv_hashed.csv");
        var users = Fixture("example_082019_users_csv_hashed.csv");

        var (code, stdout, stderr) = await Run("import", tweets, users, "--out", outDir, "--label", "example_082019");

        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("accounts: 4", stdout);
        Assert.Contains("posts: 7", stdout);
        Assert.Contains("timestamp resolution: 1 min", stdout);
        Assert.Contains("labels: example_082019 4", stdout);
        Assert.Equal(["accounts.parquet", "posts.parquet"], Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).Order());

        var imported = await DatasetImporter.ImportAsync([tweets, users], label: "example_082019");
        var read = await ParquetDatasetReader.ReadAsync(outDir);
        Assert.Equal(4, read.Accounts.Count);
        Assert.Equal(7, read.Posts.Count);
        DatasetAssert.Equal(imported, read);
    }

    [Fact]
    public async Task CooRTweet_import_round_trips_every_share_row()
    {
        using var dir = new TempDir();
        var outDir = dir.Sub("russian");
        var input = SharedData.File("coortweet", "russian_coord_tweets.csv");

        var (code, stdout, stderr) = await Run("import", input, "--out", outDir, "--format", "coortweet");

        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("posts: 35,125", stdout);
        var read = await ParquetDatasetReader.ReadAsync(outDir);
        Assert.Equal(35_125, read.Posts.Count);
        Assert.Equal(9_509, read.Accounts.Count);
        Assert.Equal(35_125 - 40, ShareIds.ContentOf(read.Posts).Distinct().Count());
        // field by field rather than DatasetAssert (reflection over 35k records is slow)
        var imported = await DatasetImporter.ImportAsync([input]);
        Assert.Equal(imported.TimeResolutionMicros, read.TimeResolutionMicros);
        Assert.Equal(imported.Posts.CreatedAt, read.Posts.CreatedAt);
        for (int j = 0; j < imported.Posts.Count; j++)
        {
            Assert.Equal(imported.Posts.Ids[j], read.Posts.Ids[j]);
            Assert.Equal(imported.Accounts.Ids[imported.Posts.Account[j]], read.Accounts.Ids[read.Posts.Account[j]]);
            Assert.Equal(imported.Posts.PostRefs[imported.Posts.RepostOfPost[j]], read.Posts.PostRefs[read.Posts.RepostOfPost[j]]);
        }
    }

    [Fact]
    public async Task Qut_import_prints_a_summary()
    {
        using var dir = new TempDir();
        var (code, stdout, _) = await Run("import", SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv"), "--out", dir.Sub("q"));
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("accounts: 9 (0 known only as post authors)", stdout);
        Assert.Contains("reposts: 15, replies: 0", stdout);
    }

    private const string ArchiveHeader = "tweetid,userid,tweet_time,tweet_text,hashtags\n";
    private const string LongHeader = "object_id,account_id,content_id,timestamp_share\n";

    /// <summary>Bad inputs: file content, the column the message must name, the row (null for file-level problems), a word of the message.</summary>
    public static TheoryData<string, string, string?, long?, string> BadInputs => new()
    {
        { "unterminated_quote", ArchiveHeader + "1,a,2020-01-01 00:00,fine,[]\n2,a,2020-01-01 00:01,\"never closed,[]\n3,a,2020-01-01 00:02,x,[]\n", "tweet_text", 2, "unterminated quoted field in the record starting on line 3" },
        { "empty", "", null, null, "file is empty" },
        { "blank_lines_only", "\n\n", null, null, "file is empty" },
        { "missing_column", "tweetid,userid,tweet_text\n1,a,x\n", "tweet_time", null, "required column of an archive tweets file is missing" },
        { "bad_timestamp", ArchiveHeader + "1,a,2020-01-01 00:00,x,[]\n2,a,20/01/2020 10:00,y,[]\n", "tweet_time", 2, "line 3: cannot read '20/01/2020 10:00'" },
        { "scientific_id", ArchiveHeader + "1.17E+18,a,2020-01-01 00:00,x,[]\n", "tweetid", 1, "'1.17E+18' is a number in scientific or decimal notation" },
        { "scientific_userid", ArchiveHeader + "1,9.87e17,2020-01-01 00:00,x,[]\n", "userid", 1, "digits were lost" },
        { "bad_list", ArchiveHeader + "1,a,2020-01-01 00:00,x,['open]\n", "hashtags", 1, "has no closing '" },
        { "non_numeric_epoch", LongHeader + "o,a,c,1600000000\no,b,d,yesterday\n", "timestamp_share", 2, "line 3: expected epoch seconds" },
        { "exponent_epoch", LongHeader + "o,a,c,1.6e+09\n", "timestamp_share", 1, "found '1.6e+09'" },
        { "empty_account", LongHeader + "o,,c,1600000000\n", "account_id", 1, "account_id is empty" },
        { "unknown_header", "foo,bar\n1,2\n", null, null, "header not recognised" },
        { "short_row", LongHeader + "o,a,c\n", null, 1, "the row has 3 fields but the header has 4" },
        { "duplicate_tweetid", ArchiveHeader + "1,a,2020-01-01 00:00,x,[]\n1,b,2020-01-01 00:01,y,[]\n", "tweetid", 2, "duplicate tweetid '1'" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_exits_2_naming_file_column_and_row_and_writes_nothing(string name, string content, string? column, long? row, string message)
    {
        using var dir = new TempDir();
        var input = dir.Sub(name + ".csv");
        await File.WriteAllTextAsync(input, content);
        var outDir = dir.Sub("out");

        var (code, _, stderr) = await Run("import", input, "--out", outDir);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(input, stderr);
        Assert.Contains(message, stderr);
        if (column is not null) Assert.Contains($"column '{column}'", stderr);
        if (row is not null) Assert.Contains($"row {row}", stderr);
        Assert.False(Directory.Exists(outDir), $"{outDir} was created: {string.Join(", ", Directory.Exists(outDir) ? Directory.GetFileSystemEntries(outDir) : [])}");
    }

    [Fact]
    public async Task Failed_import_leaves_an_existing_output_directory_untouched()
    {
        using var dir = new TempDir();
        var outDir = dir.Sub("out");
        var good = Fixture("example_082019_tweets_csv_hashed.csv");
        Assert.Equal(ExitCodes.Ok, (await Run("import", good, "--out", outDir)).Code);
        var before = Directory.GetFiles(outDir).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        var bad = dir.Sub("bad.csv");
        await File.WriteAllTextAsync(bad, LongHeader + "o,a,c,soon\n");
        var (code, _, stderr) = await Run("import", bad, "--out", outDir);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("timestamp_share", stderr);
        var after = Directory.GetFiles(outDir).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (file, bytes) in before) Assert.Equal(bytes, after[file]);
    }

    [Fact]
    public async Task Problems_of_every_file_are_listed_in_one_run()
    {
        using var dir = new TempDir();
        var badTime = dir.Sub("a.csv");
        var openQuote = dir.Sub("b.csv");
        await File.WriteAllTextAsync(badTime, LongHeader + "o,a,c,x\n");
        await File.WriteAllTextAsync(openQuote, LongHeader + "o,a,c,100\no,a,\"d,100\n");

        var (code, _, stderr) = await Run("import", badTime, openQuote, "--out", dir.Sub("out"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"{badTime}, column 'timestamp_share', row 1: line 2:", stderr);
        Assert.Contains($"{openQuote}, column 'content_id', row 2: unterminated quoted field", stderr);
        Assert.False(Directory.Exists(dir.Sub("out")));
    }

    [Fact]
    public async Task Missing_file_exits_2_naming_it()
    {
        using var dir = new TempDir();
        var missing = dir.Sub("no_such_tweets.csv");
        var (code, _, stderr) = await Run("import", Fixture("example_082019_tweets_csv_hashed.csv"), missing, "--out", dir.Sub("out"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(missing, stderr);
        Assert.Contains("file not found", stderr);
        Assert.False(Directory.Exists(dir.Sub("out")));
    }

    [Fact]
    public async Task Files_of_different_layouts_are_refused_together()
    {
        using var dir = new TempDir();
        var (code, _, stderr) = await Run("import", Fixture("example_082019_tweets_csv_hashed.csv"),
            SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv"), "--out", dir.Sub("out"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("one import takes files of one layout only", stderr);
        Assert.False(Directory.Exists(dir.Sub("out")));
    }

    [Fact]
    public async Task Format_that_does_not_match_the_header_names_the_missing_columns()
    {
        using var dir = new TempDir();
        var (code, _, stderr) = await Run("import", SharedData.File("peer-fixtures", "qut_coretweet_test_input.csv"),
            "--out", dir.Sub("out"), "--format", "coortweet");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("column 'object_id'", stderr);
        Assert.Contains("column 'content_id'", stderr);
    }

    [Theory]
    [InlineData("--format", "excel")]
    [InlineData("--label", " ")]
    public async Task Bad_arguments_exit_2(string option, string value)
    {
        using var dir = new TempDir();
        var (code, _, stderr) = await Run("import", Fixture("example_082019_tweets_csv_hashed.csv"), "--out", dir.Sub("out"), option, value);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(option, stderr);
        Assert.False(Directory.Exists(dir.Sub("out")));
    }

    [Fact]
    public async Task Out_must_be_given_and_not_be_a_file()
    {
        using var dir = new TempDir();
        var tweets = Fixture("example_082019_tweets_csv_hashed.csv");
        Assert.Equal(ExitCodes.BadInput, (await Run("import", tweets)).Code);
        var file = dir.Sub("file");
        await File.WriteAllTextAsync(file, "x");
        var (code, _, stderr) = await Run("import", tweets, "--out", file);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("is a file", stderr);
    }
}
