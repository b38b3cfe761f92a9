using FsCheck.Xunit;
using NetDetect.Core.Data;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Data;

public class ParquetRoundTripTests
{
    [Property(MaxTest = 25)]
    public void Dataset_written_and_read_back_is_identical(int seed)
    {
        var original = DatasetGenerator.Build(seed, accounts: 30 + Math.Abs(seed % 20), posts: 150 + Math.Abs(seed % 97));
        using var dir = new TempDir();
        ParquetDatasetWriter.WriteAsync(original, dir.Path).GetAwaiter().GetResult();
        var read = ParquetDatasetReader.ReadAsync(dir.Path).GetAwaiter().GetResult();
        DatasetAssert.Equal(original, read);
    }

    [Fact]
    public async Task Empty_dataset_round_trips()
    {
        var empty = new DatasetBuilder().Build();
        using var dir = new TempDir();
        await ParquetDatasetWriter.WriteAsync(empty, dir.Path);
        var read = await ParquetDatasetReader.ReadAsync(dir.Path);
        Assert.Equal(0, read.Posts.Count);
        Assert.Equal(0, read.Accounts.Count);
    }

    [Fact]
    public async Task Authors_missing_from_accounts_are_created_and_reported()
    {
        var b = new DatasetBuilder();
        b.TryAddAccount(new AccountRecord { AccountId = "a" });
        b.TryAddPost(new PostRecord { PostId = "1", AccountId = "a", CreatedAt = 60_000_000 });
        b.TryAddPost(new PostRecord { PostId = "2", AccountId = "ghost", CreatedAt = 120_000_000 });
        var ds = b.Build();
        using var dir = new TempDir();
        await ParquetDatasetWriter.WriteAsync(ds, dir.Path);
        // rewrite accounts without the ghost so the reader sees an unknown author
        await using (var w = await AccountsParquetWriter.CreateAsync(dir.Sub(CanonicalSchema.AccountsFile)))
            await w.WriteRowGroupAsync([new AccountRecord { AccountId = "a" }]);
        var read = await ParquetDatasetReader.ReadAsync(dir.Path);
        Assert.Equal(2, read.Accounts.Count);
        Assert.False(read.Accounts.InAccountsFile[1]);
        var warning = Assert.Single(read.Warnings, w => w.Column == "account_id");
        Assert.Equal(1, warning.Count);
        Assert.Equal(Time.MicrosPerMinute, read.TimeResolutionMicros);
    }
}
