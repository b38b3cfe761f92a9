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
    /// <summary>
    /// Optional: per account, its posts with a share in the modality, when the table leaves out shares that can be on no
    /// pair (<see cref="ShareExtractor.Extract"/>'s shared texts only): min participation counts them all, as it would on
    /// the whole table. Null: counted from the shares.
    /// </summary>
    public int[]? Participation { get; init; }
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

    /// <summary>This table with <see cref="Participation"/> set.</summary>
    internal ShareTable With(int[] participation) => new()
    {
        Modality = Modality, Object = Object, Account = Account, Time = Time, Post = Post, ObjectCount = ObjectCount,
        AccountCount = AccountCount, PostAccount = PostAccount, PostContent = PostContent, PostTime = PostTime,
        Participation = participation, TimeResolutionMicros = TimeResolutionMicros, ObjectName = ObjectName,
        AccountName = AccountName, PostName = PostName,
    };

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
    /// <remarks><paramref name="threads"/> normalise texts in parallel (the text modality); the shares never depend on it.
    /// <paramref name="sharedTextsOnly"/> leaves out the texts only one post carries (text modality only): they are on no
    /// co-share pair, so the layer is the same, its objects numbered among the shared texts in the same order.</remarks>
    public static ShareTable Extract(Dataset dataset, Modality modality, bool distinctPerPost = true, int threads = 1, bool sharedTextsOnly = false)
    {
        var table = ExtractCore(dataset, modality, distinctPerPost, threads, sharedTextsOnly);
        if (distinctPerPost) return table;
        // peer-compatible extraction: rows of one content id are one content (see ShareIds)
        return new ShareTable
        {
            Modality = table.Modality, Object = table.Object, Account = table.Account, Time = table.Time, Post = table.Post,
            ObjectCount = table.ObjectCount, AccountCount = table.AccountCount, PostAccount = table.PostAccount, PostTime = table.PostTime, Participation = table.Participation,
            PostContent = Import.ShareIds.ContentOf(dataset.Posts), TimeResolutionMicros = table.TimeResolutionMicros,
            ObjectName = table.ObjectName, AccountName = table.AccountName, PostName = table.PostName,
        };
    }

    private static ShareTable ExtractCore(Dataset dataset, Modality modality, bool distinctPerPost, int threads, bool sharedTextsOnly)
    {
        var posts = dataset.Posts;
        var accounts = dataset.Accounts;
        return modality switch
        {
            Modality.Repost => FromReference(dataset, modality, posts.RepostOfPost, originalsOnly: false),
            Modality.Reply => FromReference(dataset, modality, posts.ReplyToPost, originalsOnly: true),
            Modality.Hashtag => FromList(dataset, modality, posts.Hashtags, FoldCase(posts.Hashtags.Dictionary), distinctPerPost, threads),
            Modality.Url => FromList(dataset, modality, posts.Urls, Remap(posts.Urls.Dictionary, s => UrlNormalizer.Normalize(s)), distinctPerPost, threads),
            Modality.Domain => FromList(dataset, modality, posts.Domains, Identity(posts.Domains.Dictionary), distinctPerPost, threads),
            Modality.Mention => FromList(dataset, modality, posts.Mentions, Identity(posts.Mentions.Dictionary), distinctPerPost, threads),
            Modality.Media => FromList(dataset, modality, posts.Media, Identity(posts.Media.Dictionary), distinctPerPost, threads),
            Modality.Text => FromText(dataset, threads, sharedTextsOnly),
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

    // Normalises each distinct value once (the dictionary is far smaller than the number of shares). One thread: each
    // normal form is garbage as soon as it is interned (normalised on two threads first, the 2M URLs of 10M posts were
    // held at once and cost a 0.2 s collection, more than the second thread saved).
    private static ValueMap Remap(StringInterner dictionary, Func<string, string> normalise)
    {
        var folded = new StringInterner(Math.Max(16, dictionary.Count));
        var map = new int[dictionary.Count];
        for (int i = 0; i < map.Length; i++) map[i] = folded.GetOrAdd(normalise(dictionary[i]));
        return new ValueMap(map, folded.Count, i => folded[i]);
    }

    // Two passes over blocks of posts on the given threads: the first counts each block's shares, which places every
    // block in exactly sized columns; the second writes them there. Shares come in post order, as from one thread.
    private static ShareTable FromList(Dataset dataset, Modality modality, ListColumn column, ValueMap values, bool distinctPerPost, int threads)
    {
        var posts = dataset.Posts;
        int n = posts.Count;
        var offsets = column.Offsets;
        var raw = column.Values;
        var map = values.Map;
        var account = posts.Account;
        var createdAt = posts.CreatedAt;
        const int Block = 1 << 15;
        int blocks = (n + Block - 1) / Block;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        // a value repeated inside one post's list is one share: kept only where it first appears in the row
        bool Repeated(int start, int i)
        {
            int o = map[raw[i]];
            for (int k = start; k < i; k++) if (map[raw[k]] == o) return true;
            return false;
        }
        var start = new int[blocks + 1];
        Parallel.For(0, blocks, parallel, b =>
        {
            int count = 0;
            for (int j = b * Block, end = Math.Min(n, j + Block); j < end; j++)
                for (int i = offsets[j]; i < offsets[j + 1]; i++)
                    if (!distinctPerPost || !Repeated(offsets[j], i)) count++;
            start[b + 1] = count;
        });
        for (int b = 0; b < blocks; b++) start[b + 1] += start[b];
        int total = start[blocks];
        // every element is written by the second pass
        var obj = GC.AllocateUninitializedArray<int>(total);
        var acc = GC.AllocateUninitializedArray<int>(total);
        var time = GC.AllocateUninitializedArray<long>(total);
        var post = GC.AllocateUninitializedArray<int>(total);
        Parallel.For(0, blocks, parallel, b =>
        {
            int k = start[b];
            for (int j = b * Block, end = Math.Min(n, j + Block); j < end; j++)
                for (int i = offsets[j]; i < offsets[j + 1]; i++)
                {
                    if (distinctPerPost && Repeated(offsets[j], i)) continue;
                    obj[k] = map[raw[i]];
                    acc[k] = account[j];
                    time[k] = createdAt[j];
                    post[k] = j;
                    k++;
                }
        });
        return Make(dataset, modality, obj, acc, time, post, values.Count, values.Name);
    }

    /// <summary>
    /// The text modality's shares: every original post with a text, its object the post's normal form
    /// (<see cref="TextNormalizer"/>), numbered in order of first appearance. With <paramref name="sharedOnly"/> the texts
    /// only one post carries are left out (they are on no co-share pair; detection's layer then sorts and sweeps the
    /// few shared ones instead of one share per post) and the shared ones are numbered among themselves, in the same
    /// order.
    /// </summary>
    /// <remarks>
    /// No table of texts: each post's normal form is hashed (64-bit XxHash3) on all threads, the (hash, post) pairs are
    /// radix sorted, and only the posts of a hash that several posts carry are normalised again and compared, on all
    /// threads, so that equal hashes of different texts (never seen, but possible) stay different objects. The shares
    /// and their numbering depend on the texts only, not on the thread count. Before, every normal form went through
    /// one string table on one thread: 2.5 s at 1.3 cores for 10M posts.
    /// </remarks>
    private static ShareTable FromText(Dataset dataset, int threads, bool sharedOnly) => FromText(dataset, threads, sharedOnly, keyBits: 36);

    /// <summary><see cref="FromText(Dataset, int, bool)"/> with the sort key cut to <paramref name="keyBits"/> bits of the hash
    /// (tests cut it to a few, so that most texts share a key and only the comparison tells them apart).</summary>
    internal static ShareTable FromText(Dataset dataset, int threads, bool sharedOnly, int keyBits)
    {
        if (keyBits is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(keyBits));
        var posts = dataset.Posts;
        int n = posts.Count;
        threads = Math.Max(1, threads);
        const int Block = 1 << 14;
        int blocks = (n + Block - 1) / Block;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        // 1. per post, the hash of its normal form; 0 marks a post without a text share (a text hashing to 0 becomes 1)
        var hash = GC.AllocateUninitializedArray<ulong>(n);
        var withText = new int[blocks];
        Parallel.For(0, blocks, parallel, () => new char[256], (b, _, buffer) =>
        {
            int count = 0;
            for (int j = b * Block, end = Math.Min(n, j + Block); j < end; j++)
            {
                int len = TextNormalizer.NormalizeOriginal(posts, j, ref buffer);
                if (len == 0) { hash[j] = 0; continue; }
                ulong h = System.IO.Hashing.XxHash3.HashToUInt64(System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan(0, len)));
                hash[j] = h == 0 ? 1 : h;
                count++;
            }
            withText[b] = count;
            return buffer;
        }, _ => { });
        int m = 0;
        foreach (int c in withText) m += c;
        // 2. (hash, post) sorted by the hash's top 36 bits (three radix passes instead of six), posts ascending within
        // a key (the sort is stable). Texts whose keys collide (about n²/2³⁷: a few hundred pairs at 10M posts) are told
        // apart by the comparison below, like any equal hashes.
        
        var keys = GC.AllocateUninitializedArray<ulong>(m);
        var keyPost = GC.AllocateUninitializedArray<int>(m);
        for (int j = 0, k = 0; j < n; j++)
        {
            if (hash[j] == 0) continue;
            keys[k] = keyBits == 64 ? hash[j] : hash[j] >> (64 - keyBits);
            keyPost[k++] = j;
        }
        RadixSort.Sort(keys, keyPost, keyBits);
        // 3. runs of one key carried by several posts: their normal forms compared, each distinct one a text
        var runs = new List<(int Start, int Length)>();
        for (int i = 0; i < m;)
        {
            int j = i + 1;
            while (j < m && keys[j] == keys[i]) j++;
            if (j - i > 1) runs.Add((i, j - i));
            i = j;
        }
        keys = null!;
        var texts = new List<(int First, string Name, int[] Posts)>[runs.Count];
        Parallel.For(0, runs.Count, parallel, () => new char[256], (r, _, buffer) =>
        {
            var (start, length) = runs[r];
            var found = new List<(int First, string Name, List<int> Posts)>(1);
            for (int i = start; i < start + length; i++)
            {
                int post = keyPost[i];
                int len = TextNormalizer.NormalizeOriginal(posts, post, ref buffer);
                var form = buffer.AsSpan(0, len);
                int t = 0;
                while (t < found.Count && !form.SequenceEqual(found[t].Name)) t++;
                if (t == found.Count) found.Add((post, new string(form), []));
                found[t].Posts.Add(post);
            }
            texts[r] = found.Select(f => (f.First, f.Name, f.Posts.ToArray())).ToList();
            return buffer;
        }, _ => { });
        // 4. a text's posts point at its first post (a shared text's first post at ~itself); ids in order of first posts
        var first = new int[n];
        for (int j = 0; j < n; j++) first[j] = j;
        var sharedName = new Dictionary<int, string>();
        foreach (var list in texts)
            foreach (var (f, name, members) in list)
            {
                if (members.Length < 2) continue;
                foreach (int p in members) first[p] = f;
                first[f] = ~f;
                sharedName[f] = name;
            }
        var obj = new GrowArray<int>(sharedOnly ? 16 : Math.Max(16, m));
        var acc = new GrowArray<int>(sharedOnly ? 16 : Math.Max(16, m));
        var time = new GrowArray<long>(sharedOnly ? 16 : Math.Max(16, m));
        var post = new GrowArray<int>(sharedOnly ? 16 : Math.Max(16, m));
        var objectPost = new GrowArray<int>(16);
        var names = new List<string?>();
        for (int j = 0; j < n; j++)
        {
            if (hash[j] == 0) continue;
            int f = first[j], id;
            if (f == j)
            {
                // a text of this post alone
                if (sharedOnly) continue;
                id = objectPost.Count;
                objectPost.Add(j);
                names.Add(null);
            }
            else if (f < 0)
            {
                // the first post of a shared text: the text's id, kept in its place for the later posts
                id = objectPost.Count;
                objectPost.Add(j);
                names.Add(sharedName[j]);
                first[j] = id;
            }
            else id = first[f];
            obj.Add(id);
            acc.Add(posts.Account[j]);
            time.Add(posts.CreatedAt[j]);
            post.Add(j);
        }
        // min participation counts every post with a text, shared or not
        int[]? participation = null;
        if (sharedOnly)
        {
            participation = new int[dataset.Accounts.Count];
            for (int j = 0; j < n; j++) if (hash[j] != 0) participation[posts.Account[j]]++;
        }
        var firstPostOf = objectPost.ToArray();
        var namesOf = names.ToArray();
        var text = posts.Text;
        // the names of shared texts are kept; a text of one post alone is normalised again from it when asked for
        // (no evidence names one: it is on no pair; detection drops the posts' text once this layer is built)
        var table = Make(dataset, Modality.Text, obj.ToArray(), acc.ToArray(), time.ToArray(), post.ToArray(), firstPostOf.Length,
            o => namesOf[o] ?? TextNormalizer.Normalize(text.GetString(firstPostOf[o]) ?? ""));
        return participation is null ? table : table.With(participation);
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
