using System.Globalization;
using System.Text.Json;
using NetDetect.Core.Data;

namespace NetDetect.Api.Batches;

/// <summary>
/// Reads a JSON batch <c>{accounts:[...], posts:[...]}</c> whose objects carry the Parquet schema's snake_case
/// fields. Every problem names the table ("accounts"/"posts"), the field and the 1-based row.
/// Timestamps are ISO 8601 strings or integers (microseconds since the Unix epoch).
/// </summary>
public static class JsonBatchReader
{
    public const string AccountsTable = "accounts";
    public const string PostsTable = "posts";

    public static (List<AccountRecord> Accounts, List<PostRecord> Posts) Read(JsonElement root, ProblemCollector problems)
    {
        var accounts = new List<AccountRecord>();
        var posts = new List<PostRecord>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Error("body", null, null, "the body must be a JSON object {\"accounts\": [...], \"posts\": [...]}");
            return (accounts, posts);
        }
        foreach (var (table, target) in new (string, Action<JsonElement, long>)[]
        {
            (AccountsTable, (e, row) => { var a = ReadAccount(e, row, problems); if (a is not null) accounts.Add(a); }),
            (PostsTable, (e, row) => { var p = ReadPost(e, row, problems); if (p is not null) posts.Add(p); }),
        })
        {
            if (!root.TryGetProperty(table, out var array))
            {
                problems.Error(table, null, null, $"missing: the body needs a \"{table}\" array");
                continue;
            }
            if (array.ValueKind != JsonValueKind.Array)
            {
                problems.Error(table, null, null, $"\"{table}\" must be an array of objects");
                continue;
            }
            long row = 0;
            foreach (var item in array.EnumerateArray())
            {
                row++;
                if (item.ValueKind != JsonValueKind.Object) problems.Error(table, null, row, "each row must be a JSON object");
                else target(item, row);
            }
        }
        foreach (var property in root.EnumerateObject())
            if (property.Name is not (AccountsTable or PostsTable)) problems.Warning("body", property.Name, "unknown field ignored");
        return (accounts, posts);
    }

    private static AccountRecord? ReadAccount(JsonElement e, long row, ProblemCollector problems)
    {
        var r = new Row(AccountsTable, e, row, problems, CanonicalSchema.Accounts);
        var account = new AccountRecord
        {
            AccountId = r.RequiredString("account_id") ?? "",
            ScreenName = r.String("screen_name"),
            DisplayName = r.String("display_name"),
            Description = r.String("description"),
            ReportedLocation = r.String("reported_location"),
            ProfileUrl = r.String("profile_url"),
            CreatedAt = r.Timestamp("created_at"),
            FollowerCount = r.Int64("follower_count"),
            FollowingCount = r.Int64("following_count"),
            Language = r.String("language"),
            Label = r.String("label"),
        };
        return r.Ok ? account : null;
    }

    private static PostRecord? ReadPost(JsonElement e, long row, ProblemCollector problems)
    {
        var r = new Row(PostsTable, e, row, problems, CanonicalSchema.Posts);
        var post = new PostRecord
        {
            PostId = r.RequiredString("post_id") ?? "",
            AccountId = r.RequiredString("account_id") ?? "",
            CreatedAt = r.Timestamp("created_at", required: true) ?? 0,
            Text = r.String("text"),
            Language = r.String("language"),
            Client = r.String("client"),
            RepostOfPostId = r.String("repost_of_post_id"),
            RepostOfAccountId = r.String("repost_of_account_id"),
            ReplyToPostId = r.String("reply_to_post_id"),
            ReplyToAccountId = r.String("reply_to_account_id"),
            QuoteOfPostId = r.String("quote_of_post_id"),
            Hashtags = r.List("hashtags"),
            Urls = r.List("urls"),
            Domains = r.List("domains"),
            Mentions = r.List("mentions"),
            Media = r.List("media"),
        };
        return r.Ok ? post : null;
    }

    /// <summary>Typed field access on one JSON row that records a problem instead of throwing.</summary>
    private sealed class Row
    {
        private readonly string _table;
        private readonly JsonElement _e;
        private readonly long _row;
        private readonly ProblemCollector _problems;

        public Row(string table, JsonElement e, long row, ProblemCollector problems, IReadOnlyList<ColumnSpec> schema)
        {
            (_table, _e, _row, _problems) = (table, e, row, problems);
            foreach (var p in e.EnumerateObject())
                if (!schema.Any(c => c.Name == p.Name)) problems.Warning(table, p.Name, "unknown field ignored");
        }

        public bool Ok { get; private set; } = true;

        private void Error(string field, string message)
        {
            Ok = false;
            _problems.Error(_table, field, _row, message);
        }

        private JsonElement? Get(string field) =>
            _e.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

        public string? String(string field)
        {
            if (Get(field) is not { } v) return null;
            if (v.ValueKind == JsonValueKind.String) return v.GetString();
            Error(field, $"expected a string, got {Describe(v)}");
            return null;
        }

        public string? RequiredString(string field)
        {
            if (Get(field) is null)
            {
                Error(field, "required field is missing or null");
                return null;
            }
            var s = String(field);
            if (s is { Length: 0 }) Error(field, "required field is empty");
            return s;
        }

        public long? Int64(string field)
        {
            if (Get(field) is not { } v) return null;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n)) return n;
            Error(field, $"expected an integer, got {Describe(v)}");
            return null;
        }

        public long? Timestamp(string field, bool required = false)
        {
            if (Get(field) is not { } v)
            {
                if (required) Error(field, "required field is missing or null");
                return null;
            }
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long micros)) return micros;
            if (v.ValueKind == JsonValueKind.String &&
                DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
                return (t.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;
            Error(field, $"expected an ISO 8601 time or integer microseconds since the Unix epoch, got {Describe(v)}");
            return null;
        }

        public string[]? List(string field)
        {
            if (Get(field) is not { } v) return null;
            if (v.ValueKind != JsonValueKind.Array)
            {
                Error(field, $"expected an array of strings, got {Describe(v)}");
                return null;
            }
            var list = new string[v.GetArrayLength()];
            int i = 0;
            foreach (var item in v.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    Error(field, $"element {i + 1} must be a string, got {Describe(item)}");
                    return null;
                }
                list[i++] = item.GetString()!;
            }
            return list;
        }

        private static string Describe(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.String => $"the string \"{Truncate(v.GetString()!)}\"",
            JsonValueKind.Number => $"the number {v.GetRawText()}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {v.GetRawText()}",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            _ => v.ValueKind.ToString().ToLowerInvariant(),
        };

        private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
    }
}
