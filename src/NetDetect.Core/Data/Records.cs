namespace NetDetect.Core.Data;

/// <summary>One row of <c>accounts.parquet</c> (the boundary type importers and the simulator produce).</summary>
public sealed class AccountRecord
{
    public string AccountId { get; set; } = "";
    public string? ScreenName { get; set; }
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    public string? ReportedLocation { get; set; }
    public string? ProfileUrl { get; set; }
    /// <summary>Creation time in microseconds since the Unix epoch (UTC), or null.</summary>
    public long? CreatedAt { get; set; }
    public long? FollowerCount { get; set; }
    public long? FollowingCount { get; set; }
    public string? Language { get; set; }
    public string? Label { get; set; }
}

/// <summary>One row of <c>posts.parquet</c>.</summary>
public sealed class PostRecord
{
    public string PostId { get; set; } = "";
    public string AccountId { get; set; } = "";
    /// <summary>Posting time in microseconds since the Unix epoch (UTC).</summary>
    public long CreatedAt { get; set; }
    public string? Text { get; set; }
    public string? Language { get; set; }
    public string? Client { get; set; }
    public string? RepostOfPostId { get; set; }
    public string? RepostOfAccountId { get; set; }
    public string? ReplyToPostId { get; set; }
    public string? ReplyToAccountId { get; set; }
    public string? QuoteOfPostId { get; set; }
    public string[]? Hashtags { get; set; }
    public string[]? Urls { get; set; }
    public string[]? Domains { get; set; }
    public string[]? Mentions { get; set; }
    public string[]? Media { get; set; }
}

/// <summary>Time helpers: NetDetect stores every timestamp as int64 microseconds since the Unix epoch, UTC.</summary>
public static class Time
{
    public const long MicrosPerSecond = 1_000_000;
    public const long MicrosPerMinute = 60 * MicrosPerSecond;
    public const long MicrosPerMilli = 1_000;

    /// <summary>Sentinel for a missing timestamp in a <c>long[]</c> column.</summary>
    public const long Null = long.MinValue;

    public static long FromDateTime(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        return (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10;
    }

    public static DateTime ToDateTime(long micros) => new(DateTime.UnixEpoch.Ticks + micros * 10, DateTimeKind.Utc);

    public static long FromUnixSeconds(long seconds) => seconds * MicrosPerSecond;

    /// <summary>Human name of a resolution in microseconds ("1 min", "1 s", "1 ms", "1 µs").</summary>
    public static string DescribeResolution(long micros) => micros switch
    {
        >= MicrosPerMinute when micros % MicrosPerMinute == 0 => $"{micros / MicrosPerMinute} min",
        >= MicrosPerSecond when micros % MicrosPerSecond == 0 => $"{micros / MicrosPerSecond} s",
        >= MicrosPerMilli when micros % MicrosPerMilli == 0 => $"{micros / MicrosPerMilli} ms",
        _ => $"{micros} µs",
    };
}
