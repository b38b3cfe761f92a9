using NetDetect.Core.Data;

namespace NetDetect.Core.Import;

/// <summary>
/// Reads the Twitter information-operations archive as released: a tweets CSV with the author's profile repeated
/// on every row, and the 10-column users CSV (schema.md, "The Twitter information-operations archive layout").
/// </summary>
internal static class ArchiveImporter
{
    /// <summary>Columns of the users CSV; the tweets CSV carries all but none of these differently named.</summary>
    public static readonly string[] UserColumns =
    [
        "userid", "user_display_name", "user_screen_name", "user_reported_location", "user_profile_description",
        "user_profile_url", "follower_count", "following_count", "account_creation_date", "account_language",
    ];

    public static readonly string[] TweetColumns =
    [
        "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
        "user_profile_description", "user_profile_url", "follower_count", "following_count", "account_creation_date",
        "account_language", "tweet_language", "tweet_text", "tweet_time", "tweet_client_name", "in_reply_to_userid",
        "in_reply_to_tweetid", "quoted_tweet_tweetid", "is_retweet", "retweet_userid", "retweet_tweetid", "latitude",
        "longitude", "quote_count", "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions",
        "poll_choices",
    ];

    public static readonly string[] RequiredTweetColumns = ["tweetid", "userid", "tweet_time"];
    public static readonly string[] RequiredUserColumns = ["userid"];

    /// <summary>Profile columns, looked up once per file.</summary>
    private sealed class ProfileColumns(RowInput input)
    {
        public readonly int UserId = input.Column("userid");
        public readonly int DisplayName = input.Column("user_display_name");
        public readonly int ScreenName = input.Column("user_screen_name");
        public readonly int Location = input.Column("user_reported_location");
        public readonly int Description = input.Column("user_profile_description");
        public readonly int ProfileUrl = input.Column("user_profile_url");
        public readonly int Followers = input.Column("follower_count");
        public readonly int Following = input.Column("following_count");
        public readonly int Created = input.Column("account_creation_date");
        public readonly int Language = input.Column("account_language");
    }

    /// <summary>Reads a users CSV: one account per row (a repeated userid is an error, as in accounts.parquet).</summary>
    public static void ReadUsers(RowInput input, ImportSession session)
    {
        var c = new ProfileColumns(input);
        while (input.Next(session.Problems))
        {
            session.Tick(input);
            var account = ReadAccount(input, session, c);
            if (account is null) continue;
            if (!session.Builder.TryAddAccount(account))
                session.Error(input, "userid", $"duplicate userid '{account.AccountId}'");
        }
    }

    /// <summary>Reads a tweets CSV: one post per row; the first row of each author also gives its profile.</summary>
    public static void ReadTweets(RowInput input, ImportSession session)
    {
        var c = new ProfileColumns(input);
        int tweetId = input.Column("tweetid"), time = input.Column("tweet_time"), text = input.Column("tweet_text");
        int language = input.Column("tweet_language"), client = input.Column("tweet_client_name");
        int replyUser = input.Column("in_reply_to_userid"), replyTweet = input.Column("in_reply_to_tweetid");
        int quoted = input.Column("quoted_tweet_tweetid"), isRetweet = input.Column("is_retweet");
        int retweetUser = input.Column("retweet_userid"), retweetTweet = input.Column("retweet_tweetid");
        int hashtags = input.Column("hashtags"), urls = input.Column("urls"), mentions = input.Column("user_mentions");
        var seenAuthors = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>();
        while (input.Next(session.Problems))
        {
            session.Tick(input);
            bool ok = true;
            var id = input[tweetId].Trim();
            if (id.IsEmpty)
            {
                session.Error(input, "tweetid", "tweetid is empty");
                ok = false;
            }
            else ok &= session.CheckId(input, "tweetid", id);

            var author = input[c.UserId].Trim();
            if (author.IsEmpty)
            {
                session.Error(input, "userid", "userid is empty");
                ok = false;
            }
            else ok &= session.CheckId(input, "userid", author);

            var timeText = input[time];
            if (!FieldParsers.TryParseDateTime(timeText, out long created, out bool wholeMinutes))
            {
                session.Error(input, "tweet_time", $"cannot read '{timeText.ToString()}' as a UTC time 'YYYY-MM-DD HH:MM'");
                ok = false;
            }
            else if (wholeMinutes) session.MinuteTimes++;
            else session.AllTimesWholeMinutes = false;

            bool retweet = false;
            if (isRetweet >= 0 && !FieldParsers.TryParseFlag(input[isRetweet], out retweet))
            {
                session.Error(input, "is_retweet", $"expected true or false, found '{input[isRetweet].ToString()}'");
                ok = false;
            }

            var post = new PostRecord
            {
                Text = Optional(input, text),
                Language = Optional(input, language),
                Client = Optional(input, client),
                ReplyToPostId = OptionalId(input, session, replyTweet, "in_reply_to_tweetid", ref ok),
                ReplyToAccountId = OptionalId(input, session, replyUser, "in_reply_to_userid", ref ok),
                QuoteOfPostId = OptionalId(input, session, quoted, "quoted_tweet_tweetid", ref ok),
                Hashtags = List(input, session, hashtags, "hashtags", list, stripHash: true, ref ok),
                Urls = List(input, session, urls, "urls", list, stripHash: false, ref ok),
                Mentions = List(input, session, mentions, "user_mentions", list, stripHash: false, ref ok),
            };
            if (retweet)
            {
                post.RepostOfPostId = OptionalId(input, session, retweetTweet, "retweet_tweetid", ref ok);
                post.RepostOfAccountId = OptionalId(input, session, retweetUser, "retweet_userid", ref ok);
                if (post.RepostOfPostId is null)
                    session.Warning(input, "retweet_tweetid", "is_retweet is true but retweet_tweetid is empty; the retweet is kept without its original");
            }
            if (post.Mentions is { } m)
            {
                foreach (var mention in m)
                    ok &= session.CheckId(input, "user_mentions", mention);
            }
            if (!ok) continue;

            string authorId = author.ToString();
            if (seenAuthors.Add(authorId))
            {
                // the users file, when given, was read first and wins; otherwise the author's first row is its profile
                var account = ReadAccount(input, session, c);
                if (account is not null) session.Builder.TryAddAccount(account);
            }
            post.PostId = id.ToString();
            post.AccountId = authorId;
            post.CreatedAt = created;
            if (!session.Builder.TryAddPost(post))
                session.Error(input, "tweetid", $"duplicate tweetid '{post.PostId}'");
        }
    }

    private static AccountRecord? ReadAccount(RowInput input, ImportSession session, ProfileColumns c)
    {
        var id = input[c.UserId].Trim();
        if (id.IsEmpty)
        {
            session.Error(input, "userid", "userid is empty");
            return null;
        }
        if (!session.CheckId(input, "userid", id)) return null;
        bool ok = true;
        var account = new AccountRecord
        {
            AccountId = id.ToString(),
            DisplayName = Optional(input, c.DisplayName),
            ScreenName = Optional(input, c.ScreenName),
            ReportedLocation = Optional(input, c.Location),
            Description = Optional(input, c.Description),
            ProfileUrl = Optional(input, c.ProfileUrl),
            Language = Optional(input, c.Language),
            FollowerCount = Count(input, session, c.Followers, "follower_count", ref ok),
            FollowingCount = Count(input, session, c.Following, "following_count", ref ok),
        };
        if (c.Created >= 0 && !input[c.Created].IsWhiteSpace())
        {
            if (FieldParsers.TryParseDate(input[c.Created], out long created)) account.CreatedAt = created;
            else
            {
                session.Error(input, "account_creation_date", $"cannot read '{input[c.Created].ToString()}' as a date 'YYYY-MM-DD'");
                ok = false;
            }
        }
        return ok ? account : null;
    }

    private static string? Optional(RowInput input, int column) => column < 0 ? null : input.GetStringOrNull(column);

    private static string? OptionalId(RowInput input, ImportSession session, int column, string name, ref bool ok)
    {
        if (column < 0) return null;
        var value = input[column].Trim();
        if (value.IsEmpty) return null;
        if (!session.CheckId(input, name, value))
        {
            ok = false;
            return null;
        }
        return value.ToString();
    }

    private static long? Count(RowInput input, ImportSession session, int column, string name, ref bool ok)
    {
        if (column < 0) return null;
        var value = input[column];
        if (value.IsWhiteSpace()) return null;
        if (FieldParsers.TryParseCount(value, out long n)) return n;
        session.Error(input, name, $"expected a whole non-negative number, found '{value.ToString()}'");
        ok = false;
        return null;
    }

    private static string[]? List(RowInput input, ImportSession session, int column, string name, List<string> buffer, bool stripHash, ref bool ok)
    {
        if (column < 0) return null;
        string? error = FieldParsers.ParseListLike(input[column], buffer);
        if (error is not null)
        {
            session.Error(input, name, $"{error}; found '{Shorten(input[column])}'");
            ok = false;
            return null;
        }
        if (buffer.Count == 0) return null;
        var result = buffer.ToArray();
        if (stripHash)
        {
            for (int k = 0; k < result.Length; k++)
                if (result[k].StartsWith('#')) result[k] = result[k][1..];
        }
        return result;
    }

    internal static string Shorten(ReadOnlySpan<char> value) =>
        value.Length <= 80 ? value.ToString() : string.Concat(value[..77], "...");
}
