namespace NetDetect.Core.Data;

/// <summary>A short human summary of a dataset: counts, time span, resolution, labels.</summary>
public static class DatasetSummary
{
    public static string Describe(Dataset ds)
    {
        var posts = ds.Posts;
        var lines = new List<string>
        {
            $"accounts: {ds.Accounts.Count:N0} ({ds.Accounts.InAccountsFile.Count(x => !x):N0} known only as post authors)",
            $"posts: {posts.Count:N0}",
        };
        if (posts.Count > 0)
        {
            long min = long.MaxValue, max = long.MinValue;
            foreach (long t in posts.CreatedAt)
            {
                if (t < min) min = t;
                if (t > max) max = t;
            }
            lines.Add($"time span: {Time.ToDateTime(min):yyyy-MM-dd HH:mm:ss} to {Time.ToDateTime(max):yyyy-MM-dd HH:mm:ss} UTC");
            lines.Add($"timestamp resolution: {Time.DescribeResolution(ds.TimeResolutionMicros)}");
            int reposts = posts.RepostOfPost.Count(x => x >= 0);
            int replies = posts.ReplyToPost.Count(x => x >= 0);
            lines.Add($"reposts: {reposts:N0}, replies: {replies:N0}");
            lines.Add($"hashtags: {posts.Hashtags.Values.Length:N0} uses of {posts.Hashtags.Dictionary.Count:N0}; urls: {posts.Urls.Values.Length:N0} of {posts.Urls.Dictionary.Count:N0}; domains: {posts.Domains.Dictionary.Count:N0}{(posts.DomainsDerived ? " (derived from urls)" : "")}; mentions: {posts.Mentions.Values.Length:N0}; media: {posts.Media.Values.Length:N0}");
        }
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < ds.Accounts.Count; i++)
        {
            var l = ds.Accounts.Label[i];
            if (string.IsNullOrEmpty(l)) continue;
            labels[l] = labels.GetValueOrDefault(l) + 1;
        }
        if (labels.Count > 0)
            lines.Add("labels: " + string.Join(", ", labels.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value:N0}")));
        return string.Join(Environment.NewLine, lines);
    }
}
