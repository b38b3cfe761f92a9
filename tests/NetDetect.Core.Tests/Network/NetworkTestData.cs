using NetDetect.Core.Data;

namespace NetDetect.Core.Tests.Network;

/// <summary>Small hand-made datasets for the network tests.</summary>
internal static class NetworkTestData
{
    public static Dataset Build(IEnumerable<PostRecord> posts)
    {
        var b = new DatasetBuilder { DomainsProvided = true };
        foreach (var p in posts) Assert.True(b.TryAddPost(p));
        return b.Build();
    }

    public static PostRecord Post(string id, string account, long seconds, string? text = null, string? repostOf = null, string? replyTo = null,
        string[]? hashtags = null, string[]? urls = null, string[]? mentions = null, string[]? media = null, string[]? domains = null) => new()
    {
        PostId = id,
        AccountId = account,
        CreatedAt = seconds * Time.MicrosPerSecond,
        Text = text,
        RepostOfPostId = repostOf,
        ReplyToPostId = replyTo,
        Hashtags = hashtags,
        Urls = urls,
        Mentions = mentions,
        Media = media,
        Domains = domains,
    };
}
