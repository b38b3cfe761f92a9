using NetDetect.Core.Data;

namespace NetDetect.Core.Network;

/// <summary>
/// The shares of one modality as columns: share i is post <c>Post[i]</c> by account <c>Account[i]</c> acting on
/// object <c>Object[i]</c> at <c>Time[i]</c> (µs). A post with three hashtags is three shares; shares of one post
/// are contiguous. Object ids are dense 0..ObjectCount-1 within the modality.
/// </summary>
public sealed class ShareTable
{
    public required Modality Modality { get; init; }
    public required int[] Object { get => _object ?? throw Released(); init => _object = value; }
    public required int[] Account { get => _account ?? throw Released(); init => _account = value; }
    public required long[] Time { get => _time ?? throw Released(); init => _time = value; }
    public required int[] Post { get => _post ?? throw Released(); init => _post = value; }
    private int[]? _object, _account, _post;
    private long[]? _time;
    public required int ObjectCount { get; init; }
    /// <summary>Accounts in the dataset (N of the idf), ids 0..AccountCount-1.</summary>
    public required int AccountCount { get; init; }
    /// <summary>Author of every post of the dataset (indexed by post, not by share).</summary>
    public required int[] PostAccount { get; init; }
    /// <summary>
    /// Optional: for every post, the post carrying its original content id, when a peer table put one content id
    /// on several rows (imported as <c>X</c>, <c>X#2</c>, ...); CooRTweet's refinement counts rows by content id.
    /// </summary>
    public int[]? PostContent { get; init; }
    /// <summary>
    /// Optional: every post's time (µs, indexed by post), set when each share's time is its post's
    /// (<c>Time[i] == PostTime[Post[i]]</c>), as in every table extracted from a dataset. The builder then stores its
    /// evidence items without their Δ, which is read from these times (<see cref="EvidenceItems"/>).
    /// </summary>
    public long[]? PostTime { get; init; }
    /// <summary>Timestamp resolution of the source data in µs.</summary>
    public long TimeResolutionMicros { get; init; } = 1;
    /// <summary>Readable object id (a post id, a hashtag, a normalised URL, ...).</summary>
    public required Func<int, string> ObjectName { get; init; }
    public required Func<int, string> AccountName { get; init; }
    public required Func<int, string> PostName { get; init; }

    /// <summary>Shares (still known once the columns are released).</summary>
    public int Count => _count >= 0 ? _count : Object.Length;
    private int _count = -1;

    /// <summary>True once <see cref="ReleaseColumns"/> dropped the four share columns.</summary>
    public bool ColumnsReleased => _object is null;

    /// <summary>
    /// Drops the share columns (object, account, time, post: 20 bytes a share, about 1.4 GB for the seven layers of 10M
    /// posts) once a layer is built from them and nothing will read them again; counts and names stay. Detection does
    /// it layer by layer, after the content features took what they need (<see cref="Features.AccountFeatures.Builder.MarkSharedPosts"/>).
    /// </summary>
    public void ReleaseColumns()
    {
        if (_object is null) return;
        _count = _object.Length;
        _object = _account = _post = null;
        _time = null;
    }

    private InvalidOperationException Released() =>
        new($"the {Modality.Name()} shares' columns were released once its layer was built (ShareTable.ReleaseColumns)");

    /// <summary>Builds a table from plain columns (tests, peer formats); names default to the numbers.</summary>
    public static ShareTable FromColumns(Modality modality, int[] obj, int[] account, long[] time, int[] post,
        int objectCount, int accountCount, int[] postAccount, Func<int, string>? objectName = null,
        Func<int, string>? accountName = null, Func<int, string>? postName = null, long resolution = 1) => new()
    {
        Modality = modality,
        Object = obj,
        Account = account,
        Time = time,
        Post = post,
        ObjectCount = objectCount,
        AccountCount = accountCount,
        PostAccount = postAccount,
        TimeResolutionMicros = resolution,
        ObjectName = objectName ?? (i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        AccountName = accountName ?? (i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        PostName = postName ?? (i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };
}

/// <summary>Maps a dataset's posts to the shares of one modality (spec/semantics.md, Modalities).</summary>
public static class ShareExtractor
{
    /// <summary>
    /// The shares of <paramref name="modality"/>. With <paramref name="distinctPerPost"/> (the default) a value
    /// repeated inside one post's list is one share; CooRTweet mode passes false because that tool counts rows.
    /// </summary>
    /// <remarks><paramref name="threads"/> normalise texts in parallel (the text modality); the shares never depend on it.</remarks>
    public static ShareTable Extract(Dataset dataset, Modality modality, bool distinctPerPost = true, int threads = 1)
    {
        var table = ExtractCore(dataset, modality, distinctPerPost, threads);
        if (distinctPerPost) return table;
        // peer-compatible extraction: rows of one content id are one content (see ShareIds)
        return new ShareTable
        {
            Modality = table.Modality, Object = table.Object, Account = table.Account, Time = table.Time, Post = table.Post,
            ObjectCount = table.ObjectCount, AccountCount = table.AccountCount, PostAccount = table.PostAccount, PostTime = table.PostTime,
            PostContent = Import.ShareIds.ContentOf(dataset.Posts), TimeResolutionMicros = table.TimeResolutionMicros,
            ObjectName = table.ObjectName, AccountName = table.AccountName, PostName = table.PostName,
        };
    }

    private static ShareTable ExtractCore(Dataset dataset, Modality modality, bool distinctPerPost, int threads)
    {
        var posts = dataset.Posts;
        var accounts = dataset.Accounts;
        return modality switch
        {
            Modality.Repost => FromReference(dataset, modality, posts.RepostOfPost, originalsOnly: false),
            Modality.Reply => FromReference(dataset, modality, posts.ReplyToPost, originalsOnly: true),
            Modality.Hashtag => FromList(dataset, modality, posts.Hashtags, FoldCase(posts.Hashtags.Dictionary), distinctPerPost),
            Modality.Url => FromList(dataset, modality, posts.Urls, Remap(posts.Urls.Dictionary, s => UrlNormalizer.Normalize(s)), distinctPerPost),
            Modality.Domain => FromList(dataset, modality, posts.Domains, Identity(posts.Domains.Dictionary), distinctPerPost),
            Modality.Mention => FromList(dataset, modality, posts.Mentions, Identity(posts.Mentions.Dictionary), distinctPerPost),
            Modality.Media => FromList(dataset, modality, posts.Media, Identity(posts.Media.Dictionary), distinctPerPost),
            Modality.Text => FromText(dataset, threads),
            _ => throw new ArgumentException($"modality {modality.Name()} is not a share modality (it has its own builder)", nameof(modality)),
        };
    }

    private static ShareTable FromReference(Dataset dataset, Modality modality, int[] reference, bool originalsOnly)
    {
        var posts = dataset.Posts;
        int n = 0;
        for (int j = 0; j < posts.Count; j++)
            if (reference[j] >= 0 && (!originalsOnly || posts.RepostOfPost[j] < 0)) n++;
        var obj = new int[n];
        var acc = new int[n];
        var time = new long[n];
        var post = new int[n];
        int k = 0;
        for (int j = 0; j < posts.Count; j++)
        {
            if (reference[j] < 0 || (originalsOnly && posts.RepostOfPost[j] >= 0)) continue;
            obj[k] = reference[j];
            acc[k] = posts.Account[j];
            time[k] = posts.CreatedAt[j];
            post[k] = j;
            k++;
        }
        var refs = posts.PostRefs;
        return Make(dataset, modality, obj, acc, time, post, refs.Count, i => refs[i]);
    }

    private readonly record struct ValueMap(int[] Map, int Count, Func<int, string> Name);

    private static ValueMap Identity(StringInterner dictionary)
    {
        var map = new int[dictionary.Count];
        for (int i = 0; i < map.Length; i++) map[i] = i;
        return new ValueMap(map, map.Length, i => dictionary[i]);
    }

    private static ValueMap FoldCase(StringInterner dictionary) => Remap(dictionary, s => s.ToLowerInvariant());

    // Normalises each distinct value once (the dictionary is far smaller than the number of shares).
    private static ValueMap Remap(StringInterner dictionary, Func<string, string> normalise)
    {
        var folded = new StringInterner(Math.Max(16, dictionary.Count));
        var map = new int[dictionary.Count];
        for (int i = 0; i < map.Length; i++) map[i] = folded.GetOrAdd(normalise(dictionary[i]));
        return new ValueMap(map, folded.Count, i => folded[i]);
    }

    private static ShareTable FromList(Dataset dataset, Modality modality, ListColumn column, ValueMap values, bool distinctPerPost)
    {
        var posts = dataset.Posts;
        int capacity = column.Offsets[posts.Count] - column.Offsets[0];
        var obj = new int[capacity];
        var acc = new int[capacity];
        var time = new long[capacity];
        var post = new int[capacity];
        int k = 0;
        for (int j = 0; j < posts.Count; j++)
        {
            var row = column.Row(j);
            int start = k;
            foreach (int raw in row)
            {
                int o = values.Map[raw];
                if (distinctPerPost && Array.IndexOf(obj, o, start, k - start) >= 0) continue;
                obj[k] = o;
                acc[k] = posts.Account[j];
                time[k] = posts.CreatedAt[j];
                post[k] = j;
                k++;
            }
        }
        if (k < capacity)
        {
            Array.Resize(ref obj, k);
            Array.Resize(ref acc, k);
            Array.Resize(ref time, k);
            Array.Resize(ref post, k);
        }
        return Make(dataset, modality, obj, acc, time, post, values.Count, values.Name);
    }

    /// <summary>One thread's share of a round of <see cref="FromText"/>: its posts' normal forms as UTF-8, one after another.</summary>
    private sealed class TextBlock
    {
        public const int Posts = 1 << 14;
        public readonly int[] Start = new int[Posts], Length = new int[Posts];
        public readonly uint[] Hash = new uint[Posts];
        public byte[] Bytes = new byte[1 << 16];
        public char[] Chars = new char[256];
        public int First, Count;

        /// <summary>Normalises posts First..First+Count-1 (a length of -1: no share).</summary>
        public void Fill(PostTable posts)
        {
            int used = 0;
            for (int i = 0; i < Count; i++)
            {
                Length[i] = -1;
                int len = TextNormalizer.NormalizeOriginal(posts, First + i, ref Chars);
                if (len == 0) continue;
                if (Bytes.Length < used + len * 3) Array.Resize(ref Bytes, Math.Max(used + len * 3, Bytes.Length * 2));
                // exactly what StringInterner.GetOrAdd does with the characters
                int written = StringInterner.Encode(Chars.AsSpan(0, len), Bytes.AsSpan(used));
                Start[i] = used;
                Length[i] = written;
                Hash[i] = StringInterner.Hash(Bytes.AsSpan(used, written));
                used += written;
            }
        }
    }

    private static ShareTable FromText(Dataset dataset, int threads)
    {
        var posts = dataset.Posts;
        int originals = 0;
        for (int j = 0; j < posts.Count; j++) if (posts.RepostOfPost[j] < 0) originals++;
        // sized for every original post having a text of its own, the usual case: no table or column regrows on the way
        var texts = new StringInterner(Math.Max(16, originals));
        var obj = new GrowArray<int>(Math.Max(16, originals));
        var acc = new GrowArray<int>(Math.Max(16, originals));
        var time = new GrowArray<long>(Math.Max(16, originals));
        var post = new GrowArray<int>(Math.Max(16, originals));
        // Rounds of posts: normalised and hashed on several threads (most of the time at millions of posts), then
        // interned on this one in post order, prefetched a few texts ahead, so ids are first-seen order for any threads.
        threads = Math.Max(1, threads);
        var blocks = new TextBlock[threads];
        for (int t = 0; t < threads; t++) blocks[t] = new TextBlock();
        const int SlotAhead = 12, EntryAhead = 8, BytesAhead = 4;
        for (int round = 0; round < posts.Count; round += threads * TextBlock.Posts)
        {
            int used = 0;
            for (int t = 0; t < threads; t++)
            {
                blocks[t].First = Math.Min(posts.Count, round + t * TextBlock.Posts);
                blocks[t].Count = Math.Min(TextBlock.Posts, posts.Count - blocks[t].First);
                if (blocks[t].Count > 0) used++;
            }
            if (used <= 1) blocks[0].Fill(posts);
            else Parallel.For(0, used, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => blocks[t].Fill(posts));
            for (int t = 0; t < used; t++)
            {
                var b = blocks[t];
                for (int i = 0; i < b.Count; i++)
                {
                    if (i + SlotAhead < b.Count && b.Length[i + SlotAhead] >= 0) texts.PrefetchSlot(b.Hash[i + SlotAhead]);
                    if (i + EntryAhead < b.Count && b.Length[i + EntryAhead] >= 0) texts.PrefetchEntry(b.Hash[i + EntryAhead]);
                    if (i + BytesAhead < b.Count && b.Length[i + BytesAhead] >= 0) texts.PrefetchBytes(b.Hash[i + BytesAhead]);
                    if (b.Length[i] < 0) continue;
                    int j = b.First + i;
                    obj.Add(texts.GetOrAddUtf8(b.Bytes.AsSpan(b.Start[i], b.Length[i]), b.Hash[i], out _));
                    acc.Add(posts.Account[j]);
                    time.Add(posts.CreatedAt[j]);
                    post.Add(j);
                }
            }
        }
        var objects = obj.ToArray();
        var postOf = post.ToArray();
        return Make(dataset, Modality.Text, objects, acc.ToArray(), time.ToArray(), postOf, texts.Count, SharedTextNames(dataset, texts, objects, postOf));
    }

    // Names of the texts more than one post carries are kept; any other is normalised again from its post's text
    // when asked for. Only shared texts can be on a co-share pair, so evidence never asks for the others, and nearly
    // every normalised text is a single post's: keeping them all held hundreds of MB (UTF-8, entries, hash table) through
    // the whole run at 10M posts. Detection also drops the posts' text once this layer is built (ReleasePostText).
    private static Func<int, string> SharedTextNames(Dataset dataset, StringInterner texts, int[] objects, int[] posts)
    {
        var seen = new byte[texts.Count];
        var firstPost = new int[texts.Count];
        for (int i = 0; i < objects.Length; i++)
            if (seen[objects[i]]++ == 0) firstPost[objects[i]] = posts[i];
            else seen[objects[i]] = 2;
        var index = new int[texts.Count];
        var names = new List<string>();
        for (int o = 0; o < index.Length; o++)
        {
            if (seen[o] < 2) { index[o] = ~firstPost[o]; continue; }
            index[o] = names.Count;
            names.Add(texts[o]);
        }
        var text = dataset.Posts.Text;
        return o => index[o] >= 0 ? names[index[o]] : TextNormalizer.Normalize(text.GetString(~index[o]) ?? "");
    }

    private static ShareTable Make(Dataset dataset, Modality modality, int[] obj, int[] acc, long[] time, int[] post, int objectCount, Func<int, string> objectName)
    {
        var accounts = dataset.Accounts.Ids;
        var postIds = dataset.Posts.Ids;
        return new ShareTable
        {
            Modality = modality,
            Object = obj,
            Account = acc,
            Time = time,
            Post = post,
            ObjectCount = objectCount,
            AccountCount = dataset.Accounts.Count,
            PostAccount = dataset.Posts.Account,
            PostTime = dataset.Posts.CreatedAt,
            TimeResolutionMicros = dataset.TimeResolutionMicros,
            ObjectName = objectName,
            AccountName = i => accounts[i],
            PostName = i => postIds[i],
        };
    }
}
