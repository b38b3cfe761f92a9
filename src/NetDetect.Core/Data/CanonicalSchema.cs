namespace NetDetect.Core.Data;

/// <summary>Logical type of a canonical column.</summary>
public enum ColumnKind
{
    String,
    Timestamp,
    Int64,
    StringList,
}

/// <summary>One column of the data contract (<c>shared/spec/schema.md</c>, written up in <c>docs/schema.md</c>).</summary>
public sealed record ColumnSpec(string Name, ColumnKind Kind, bool Required);

/// <summary>The canonical tables and their columns, in file order.</summary>
public static class CanonicalSchema
{
    public const string AccountsFile = "accounts.parquet";
    public const string PostsFile = "posts.parquet";

    public static readonly IReadOnlyList<ColumnSpec> Accounts =
    [
        new("account_id", ColumnKind.String, true),
        new("screen_name", ColumnKind.String, false),
        new("display_name", ColumnKind.String, false),
        new("description", ColumnKind.String, false),
        new("reported_location", ColumnKind.String, false),
        new("profile_url", ColumnKind.String, false),
        new("created_at", ColumnKind.Timestamp, false),
        new("follower_count", ColumnKind.Int64, false),
        new("following_count", ColumnKind.Int64, false),
        new("language", ColumnKind.String, false),
        new("label", ColumnKind.String, false),
    ];

    public static readonly IReadOnlyList<ColumnSpec> Posts =
    [
        new("post_id", ColumnKind.String, true),
        new("account_id", ColumnKind.String, true),
        new("created_at", ColumnKind.Timestamp, true),
        new("text", ColumnKind.String, false),
        new("language", ColumnKind.String, false),
        new("client", ColumnKind.String, false),
        new("repost_of_post_id", ColumnKind.String, false),
        new("repost_of_account_id", ColumnKind.String, false),
        new("reply_to_post_id", ColumnKind.String, false),
        new("reply_to_account_id", ColumnKind.String, false),
        new("quote_of_post_id", ColumnKind.String, false),
        new("hashtags", ColumnKind.StringList, false),
        new("urls", ColumnKind.StringList, false),
        new("domains", ColumnKind.StringList, false),
        new("mentions", ColumnKind.StringList, false),
        new("media", ColumnKind.StringList, false),
    ];
}
