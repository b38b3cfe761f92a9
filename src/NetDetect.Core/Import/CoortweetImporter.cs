using NetDetect.Core.Data;

namespace NetDetect.Core.Import;

/// <summary>
/// Reads CooRTweet's long co-share table (<c>object_id, account_id, content_id, timestamp_share</c>, epoch seconds):
/// every row becomes a post by <c>account_id</c> at <c>timestamp_share</c> whose <c>repost_of_post_id</c> is the
/// object. Every row is kept: a content id on several rows gives posts <c>content_id</c>, <c>content_id#2</c>, ...
/// (<see cref="ShareIds"/>), because CooRTweet counts participation in rows. Tables written from R are read as
/// R wrote them: <c>NA</c> is a missing value and times may be date-time text instead of epoch seconds.
/// </summary>
internal static class CoortweetImporter
{
    public static readonly string[] Columns = ["object_id", "account_id", "content_id", "timestamp_share"];

    public static void Read(RowInput input, ImportSession session)
    {
        int objectCol = input.Column("object_id"), accountCol = input.Column("account_id");
        int contentCol = input.Column("content_id"), timeCol = input.Column("timestamp_share");
        while (input.Next(session.Problems))
        {
            session.Tick(input);
            bool ok = true;
            var account = Value(input, accountCol);
            if (account.IsEmpty)
            {
                session.Error(input, "account_id", "account_id is empty");
                ok = false;
            }
            if (!TryParseTime(input[timeCol], out long time))
            {
                session.Error(input, "timestamp_share", $"expected epoch seconds (a whole or decimal number) or a UTC time 'YYYY-MM-DD HH:MM:SS', found '{input[timeCol].ToString()}'");
                ok = false;
            }
            var obj = Value(input, objectCol);
            var content = Value(input, contentCol);
            ok &= session.CheckId(input, "account_id", account) & session.CheckId(input, "object_id", obj) & session.CheckId(input, "content_id", content);
            if (!ok) continue;
            if (obj.IsEmpty) session.Warning(input, "object_id", "object_id is empty; the row is kept as a post that shares no object");
            var post = new PostRecord
            {
                PostId = content.IsEmpty ? session.EmptyId(input, "content_id") : content.ToString(),
                AccountId = account.ToString(),
                CreatedAt = time,
                RepostOfPostId = obj.IsEmpty ? null : obj.ToString(),
            };
            session.AddShare(input, "content_id", post);
        }
    }

    /// <summary>A field of a table R wrote: trimmed, and R's <c>NA</c> (write.csv's missing value) read as empty.</summary>
    internal static ReadOnlySpan<char> Value(RowInput input, int column)
    {
        var value = input[column].Trim();
        return value.SequenceEqual("NA") ? ReadOnlySpan<char>.Empty : value;
    }

    /// <summary>
    /// Epoch seconds, or a UTC date-time as R writes a POSIXct column (CooRTweet's <c>prep_data</c> accepts both).
    /// </summary>
    internal static bool TryParseTime(ReadOnlySpan<char> text, out long micros) =>
        FieldParsers.TryParseEpochSeconds(text, out micros) || FieldParsers.TryParseDateTime(text, out micros, out _);
}

/// <summary>
/// Reads CooRTweet's multimodal table (<c>account_id, post_id, url_id, hashtag_id, domain_id, phash_id,
/// timestamp</c>): one row per (post, object) combination. Rows of one post (same post_id, account and time) are
/// merged into one post whose urls, hashtags, domains and media hold every distinct object of its rows, which is
/// what CooRTweet's own recipe (<c>unique()</c> per modality) counts. A post_id reused with another account or
/// time is a different post and gets a derived id <c>post_id#k</c> (<see cref="ShareIds"/>).
/// </summary>
internal static class CoortweetMultimodalImporter
{
    public static readonly string[] Required = ["account_id", "post_id", "timestamp"];
    public static readonly string[] ObjectColumns = ["url_id", "hashtag_id", "domain_id", "phash_id", "image_id"];

    internal sealed class Pending
    {
        public required string PostId;
        public required string Account;
        public required long Time;
        public required string File;
        public required long Row;
        public required string? Where;
        public required int? RowGroup;
        public int Next = -1; // the next pending post with the same input post_id (another account or time)
        public List<string>? Urls, Hashtags, Domains, Media;
    }

    /// <summary>Posts of all multimodal files of one import, merged across files, added in first-seen order by <see cref="Flush"/>.</summary>
    public sealed class State
    {
        internal readonly List<Pending> Posts = [];
        internal readonly Dictionary<string, int> ByPostId = new(StringComparer.Ordinal);
    }

    public static void Read(RowInput input, ImportSession session, State state)
    {
        int accountCol = input.Column("account_id"), postCol = input.Column("post_id"), timeCol = input.Column("timestamp");
        int urlCol = input.Column("url_id"), hashtagCol = input.Column("hashtag_id"), domainCol = input.Column("domain_id");
        int mediaCol = input.Has("phash_id") ? input.Column("phash_id") : input.Column("image_id");
        int[] objectCols = [urlCol, hashtagCol, domainCol, mediaCol];
        while (input.Next(session.Problems))
        {
            session.Tick(input);
            bool ok = true;
            var account = CoortweetImporter.Value(input, accountCol);
            if (account.IsEmpty)
            {
                session.Error(input, "account_id", "account_id is empty");
                ok = false;
            }
            if (!CoortweetImporter.TryParseTime(input[timeCol], out long time))
            {
                session.Error(input, "timestamp", $"expected epoch seconds (a whole or decimal number) or a UTC time 'YYYY-MM-DD HH:MM:SS', found '{input[timeCol].ToString()}'");
                ok = false;
            }
            var postId = CoortweetImporter.Value(input, postCol);
            ok &= session.CheckId(input, "account_id", account) & session.CheckId(input, "post_id", postId);
            foreach (int column in objectCols)
                if (column >= 0) ok &= session.CheckId(input, input.Header[column], CoortweetImporter.Value(input, column));
            if (!ok) continue;
            var pending = Find(input, session, state, postId, account, time);
            Add(ref pending.Urls, input, urlCol);
            Add(ref pending.Hashtags, input, hashtagCol);
            Add(ref pending.Domains, input, domainCol);
            Add(ref pending.Media, input, mediaCol);
        }
    }

    private static Pending Find(RowInput input, ImportSession session, State state, ReadOnlySpan<char> postId, ReadOnlySpan<char> account, long time)
    {
        if (postId.IsEmpty) return Create(input, state, session.EmptyId(input, "post_id"), account, time);
        string id = postId.ToString();
        if (!state.ByPostId.TryGetValue(id, out int index))
        {
            session.NoteSuffixed(input, "post_id", id);
            state.ByPostId[id] = state.Posts.Count;
            return Create(input, state, id, account, time);
        }
        int occurrence = 1;
        while (true)
        {
            var p = state.Posts[index];
            if (p.Time == time && account.SequenceEqual(p.Account)) return p;
            occurrence++;
            if (p.Next < 0)
            {
                p.Next = state.Posts.Count;
                return Create(input, state, ShareIds.Derive(id, occurrence), account, time);
            }
            index = p.Next;
        }
    }

    private static Pending Create(RowInput input, State state, string id, ReadOnlySpan<char> account, long time)
    {
        var p = new Pending
        {
            PostId = id, Account = account.ToString(), Time = time, File = input.Path, Row = input.Row, Where = input.Where, RowGroup = input.RowGroup,
        };
        state.Posts.Add(p);
        return p;
    }

    private static void Add(ref List<string>? list, RowInput input, int column)
    {
        if (column < 0) return;
        var value = CoortweetImporter.Value(input, column);
        if (value.IsEmpty) return;
        list ??= new List<string>(2);
        foreach (var existing in list)
            if (value.SequenceEqual(existing)) return;
        list.Add(value.ToString());
    }

    /// <summary>Adds the merged posts to the builder in first-seen order.</summary>
    public static void Flush(ImportSession session, State state)
    {
        foreach (var p in state.Posts)
        {
            var post = new PostRecord
            {
                PostId = p.PostId,
                AccountId = p.Account,
                CreatedAt = p.Time,
                Urls = p.Urls?.ToArray(),
                Hashtags = p.Hashtags?.ToArray(),
                Domains = p.Domains?.ToArray(),
                Media = p.Media?.ToArray(),
            };
            if (!session.Builder.TryAddPost(post))
            {
                string message = $"post id '{p.PostId}' (derived for a post_id reused with another account or time) is also an id of the input";
                session.Problems.Error(p.File, "post_id", p.Row, p.Where is null ? message : $"{p.Where}: {message}", p.RowGroup);
            }
        }
    }
}

/// <summary>
/// Reads the QUT coordination-network-toolkit CSV (<c>message_id, user_id, username, repost_id, reply_id, message,
/// timestamp, urls</c>; timestamp in seconds, urls space-separated), as the toolkit's <c>preprocess</c> does:
/// empty repost/reply ids are null and a repeated message_id keeps its first row.
/// </summary>
internal static class QutImporter
{
    public static readonly string[] Columns = ["message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls"];
    public static readonly string[] Required = ["message_id", "user_id", "timestamp"];

    public static void Read(RowInput input, ImportSession session)
    {
        int idCol = input.Column("message_id"), userCol = input.Column("user_id"), nameCol = input.Column("username");
        int repostCol = input.Column("repost_id"), replyCol = input.Column("reply_id"), textCol = input.Column("message");
        int timeCol = input.Column("timestamp"), urlsCol = input.Column("urls");
        var urls = new List<string>();
        while (input.Next(session.Problems))
        {
            session.Tick(input);
            bool ok = true;
            var id = input[idCol].Trim();
            if (id.IsEmpty)
            {
                session.Error(input, "message_id", "message_id is empty");
                ok = false;
            }
            var user = input[userCol].Trim();
            if (user.IsEmpty)
            {
                session.Error(input, "user_id", "user_id is empty");
                ok = false;
            }
            if (!FieldParsers.TryParseEpochSeconds(input[timeCol], out long time))
            {
                session.Error(input, "timestamp", $"expected seconds (a whole or decimal number), found '{input[timeCol].ToString()}'");
                ok = false;
            }
            ok &= session.CheckId(input, "message_id", id) & session.CheckId(input, "user_id", user);
            if (repostCol >= 0) ok &= session.CheckId(input, "repost_id", input[repostCol]);
            if (replyCol >= 0) ok &= session.CheckId(input, "reply_id", input[replyCol]);
            if (!ok) continue;
            string userId = user.ToString();
            if (nameCol >= 0)
                session.Builder.TryAddAccount(new AccountRecord { AccountId = userId, ScreenName = input.GetStringOrNull(nameCol) });
            urls.Clear();
            if (urlsCol >= 0)
            {
                // the toolkit splits on single spaces; empty pieces (double spaces) carry no URL and are dropped
                foreach (var range in input[urlsCol].Split(' '))
                {
                    var url = input[urlsCol][range];
                    if (!url.IsEmpty) urls.Add(url.ToString());
                }
            }
            var post = new PostRecord
            {
                PostId = id.ToString(),
                AccountId = userId,
                CreatedAt = time,
                Text = textCol < 0 ? null : input.GetStringOrNull(textCol),
                RepostOfPostId = repostCol < 0 ? null : input.GetStringOrNull(repostCol),
                ReplyToPostId = replyCol < 0 ? null : input.GetStringOrNull(replyCol),
                Urls = urls.Count == 0 ? null : urls.ToArray(),
            };
            if (!session.Builder.TryAddPost(post))
                session.Warning(input, "message_id", "repeated message_id: the first row is kept, as the QUT toolkit does");
        }
    }
}
