namespace NetDetect.Core.Data;

/// <summary>Which list column of posts.</summary>
public enum PostList
{
    Hashtags,
    Urls,
    Domains,
    Mentions,
    Media,
}

/// <summary>
/// Builds a <see cref="Dataset"/> row by row or column by column. The Parquet reader, the importers and the
/// simulator all go through it, so interning, defaults and derived columns are decided in one place.
/// </summary>
public sealed partial class DatasetBuilder
{
    private readonly StringInterner _accountIds;
    private readonly StringArena _screenName, _displayName, _description, _location, _profileUrl, _accountLanguage, _label;
    private readonly GrowArray<long> _accountCreated, _followers, _following;
    private readonly GrowArray<bool> _inAccountsFile;

    private readonly StringInterner _postIds;
    private readonly GrowArray<int> _author;
    private readonly GrowArray<long> _time;
    private readonly StringArena _text;
    private readonly GrowArray<int> _language, _client;
    private readonly StringInterner _languages = new(), _clients = new();
    private readonly StringInterner _postRefs, _accountRefs;
    private readonly GrowArray<int> _repostOfPost, _repostOfAccount, _replyToPost, _replyToAccount, _quoteOfPost;
    private readonly ListBuilder[] _lists;
    private long _missingAuthors;

    public DatasetBuilder(int accountCapacity = 1024, int postCapacity = 1024)
    {
        _accountIds = new StringInterner(accountCapacity);
        _screenName = new StringArena(accountCapacity);
        _displayName = new StringArena(accountCapacity);
        _description = new StringArena(accountCapacity);
        _location = new StringArena(accountCapacity);
        _profileUrl = new StringArena(accountCapacity);
        _accountLanguage = new StringArena(accountCapacity);
        _label = new StringArena(accountCapacity);
        _accountCreated = new GrowArray<long>(accountCapacity);
        _followers = new GrowArray<long>(accountCapacity);
        _following = new GrowArray<long>(accountCapacity);
        _inAccountsFile = new GrowArray<bool>(accountCapacity);

        _postIds = new StringInterner(postCapacity);
        // Post ids usually come sorted by time, which for snowflake ids is ascending order: no table until they are not.
        _postIds.UseOrderedMode();
        _author = new GrowArray<int>(postCapacity);
        _time = new GrowArray<long>(postCapacity);
        _text = new StringArena(postCapacity);
        _language = new GrowArray<int>(postCapacity);
        _client = new GrowArray<int>(postCapacity);
        _postRefs = new StringInterner(Math.Max(16, postCapacity / 4));
        _accountRefs = new StringInterner(Math.Max(16, accountCapacity));
        _repostOfPost = new GrowArray<int>(postCapacity);
        _repostOfAccount = new GrowArray<int>(postCapacity);
        _replyToPost = new GrowArray<int>(postCapacity);
        _replyToAccount = new GrowArray<int>(postCapacity);
        _quoteOfPost = new GrowArray<int>(postCapacity);
        _lists = Enumerable.Range(0, 5).Select(_ => new ListBuilder(postCapacity)).ToArray();
    }

    public int AccountCount => _accountIds.Count;
    public int PostCount => _postIds.Count;

    /// <summary>Set by a reader whose input had a <c>domains</c> column; otherwise domains are derived from URLs.</summary>
    public bool DomainsProvided { get; set; }

    /// <summary>Timestamp resolution to record instead of the observed one (e.g. the archive's whole minutes).</summary>
    public long? DeclaredResolutionMicros { get; set; }

    // ---- accounts ----

    /// <summary>Adds an account. Returns false (and changes nothing) when the id was already added from an accounts row.</summary>
    public bool TryAddAccount(AccountRecord account)
    {
        int id = _accountIds.GetOrAdd(account.AccountId, out bool added);
        if (added) AppendEmptyAccount();
        else if (_inAccountsFile[id]) return false;
        _inAccountsFile[id] = true;
        SetProfile(id, account);
        return true;
    }

    /// <summary>The dense index of an account id, creating an account with unknown profile when new.</summary>
    public int InternAuthor(ReadOnlySpan<char> accountId)
    {
        int id = _accountIds.GetOrAdd(accountId, out bool added);
        if (added) AppendEmptyAccount();
        return id;
    }

    private void AppendEmptyAccount()
    {
        _screenName.AddNull();
        _displayName.AddNull();
        _description.AddNull();
        _location.AddNull();
        _profileUrl.AddNull();
        _accountLanguage.AddNull();
        _label.AddNull();
        _accountCreated.Add(Time.Null);
        _followers.Add(-1);
        _following.Add(-1);
        _inAccountsFile.Add(false);
    }

    private void SetProfile(int id, AccountRecord a)
    {
        _screenName.Set(id, a.ScreenName);
        _displayName.Set(id, a.DisplayName);
        _description.Set(id, a.Description);
        _location.Set(id, a.ReportedLocation);
        _profileUrl.Set(id, a.ProfileUrl);
        _accountLanguage.Set(id, a.Language);
        _label.Set(id, a.Label);
        _accountCreated[id] = a.CreatedAt ?? Time.Null;
        _followers[id] = a.FollowerCount ?? -1;
        _following[id] = a.FollowingCount ?? -1;
    }

    /// <summary>Sets the label of every account added so far that has none (importer option <c>--label</c>).</summary>
    public void LabelAll(string label)
    {
        _label.FillEmpty(label);
    }

    // ---- posts ----

    /// <summary>Adds a post. Returns false when its id was already added (the caller reports the duplicate).</summary>
    public bool TryAddPost(PostRecord post)
    {
        if (!TryBeginPost(post.PostId, post.AccountId, post.CreatedAt)) return false;
        _text.Add(post.Text);
        _language.Add(InternOptional(_languages, post.Language));
        _client.Add(InternOptional(_clients, post.Client));
        _repostOfPost.Add(InternOptional(_postRefs, post.RepostOfPostId));
        _repostOfAccount.Add(InternOptional(_accountRefs, post.RepostOfAccountId));
        _replyToPost.Add(InternOptional(_postRefs, post.ReplyToPostId));
        _replyToAccount.Add(InternOptional(_accountRefs, post.ReplyToAccountId));
        _quoteOfPost.Add(InternOptional(_postRefs, post.QuoteOfPostId));
        AddList(PostList.Hashtags, post.Hashtags);
        AddList(PostList.Urls, post.Urls);
        AddList(PostList.Domains, post.Domains);
        AddList(PostList.Mentions, post.Mentions);
        AddList(PostList.Media, post.Media);
        return true;
    }

    private void AddList(PostList list, string[]? values)
    {
        var b = _lists[(int)list];
        if (values is not null)
            foreach (var v in values)
                if (v is not null) b.Add(v);
        b.EndRow();
    }

    private bool TryBeginPost(ReadOnlySpan<char> postId, ReadOnlySpan<char> accountId, long createdAt)
    {
        _postIds.GetOrAdd(postId, out bool added);
        if (!added) return false;
        int author = InternAuthor(accountId);
        if (!_inAccountsFile[author]) _missingAuthors++;
        _author.Add(author);
        _time.Add(createdAt);
        return true;
    }

    private static int InternOptional(StringInterner pool, string? value) =>
        string.IsNullOrEmpty(value) ? -1 : pool.GetOrAdd(value);

    /// <summary>Number of posts whose author was not (yet) among the accounts added from account rows.</summary>
    public long MissingAuthorCount => _missingAuthors;

    // ---- column-at-a-time appends for the Parquet reader (each call appends the next post's value) ----

    internal bool BeginPost(ReadOnlySpan<char> postId, ReadOnlySpan<char> accountId, long createdAt) =>
        TryBeginPost(postId, accountId, createdAt);

    internal void EnsurePostCapacity(int capacity)
    {
        _postIds.EnsureCapacity(capacity);
        _author.EnsureCapacity(capacity);
        _time.EnsureCapacity(capacity);
        _text.EnsureCapacity(capacity);
        _language.EnsureCapacity(capacity);
        _client.EnsureCapacity(capacity);
        _repostOfPost.EnsureCapacity(capacity);
        _repostOfAccount.EnsureCapacity(capacity);
        _replyToPost.EnsureCapacity(capacity);
        _replyToAccount.EnsureCapacity(capacity);
        _quoteOfPost.EnsureCapacity(capacity);
        foreach (var l in _lists) l.EnsureRowCapacity(capacity);
    }

    internal void AppendText(ReadOnlySpan<char> value, bool isNull)
    {
        if (isNull) _text.AddNull();
        else _text.Add(value);
    }

    internal void AppendLanguage(ReadOnlySpan<char> value) => _language.Add(value.IsEmpty ? -1 : _languages.GetOrAdd(value));
    internal void AppendClient(ReadOnlySpan<char> value) => _client.Add(value.IsEmpty ? -1 : _clients.GetOrAdd(value));
    internal void AppendRepostOfPost(ReadOnlySpan<char> value) => _repostOfPost.Add(value.IsEmpty ? -1 : _postRefs.GetOrAdd(value));
    internal void AppendRepostOfAccount(ReadOnlySpan<char> value) => _repostOfAccount.Add(value.IsEmpty ? -1 : _accountRefs.GetOrAdd(value));
    internal void AppendReplyToPost(ReadOnlySpan<char> value) => _replyToPost.Add(value.IsEmpty ? -1 : _postRefs.GetOrAdd(value));
    internal void AppendReplyToAccount(ReadOnlySpan<char> value) => _replyToAccount.Add(value.IsEmpty ? -1 : _accountRefs.GetOrAdd(value));
    internal void AppendQuoteOfPost(ReadOnlySpan<char> value) => _quoteOfPost.Add(value.IsEmpty ? -1 : _postRefs.GetOrAdd(value));
    internal void AppendListValue(PostList list, ReadOnlySpan<char> value) => _lists[(int)list].Add(value);
    internal void EndListRow(PostList list) => _lists[(int)list].EndRow();
    internal void EnsureListValueCapacity(PostList list, int capacity) => _lists[(int)list].EnsureValueCapacity(capacity);

    /// <summary>Finishes the dataset. The builder must not be used afterwards.</summary>
    public Dataset Build(IReadOnlyList<DataProblem>? warnings = null)
    {
        int n = _postIds.Count;
        var time = _time.ToArray();
        var domains = _lists[(int)PostList.Domains];
        bool derive = !DomainsProvided && domains.ValueCount == 0 && _lists[(int)PostList.Urls].ValueCount > 0;
        ListColumn urls = _lists[(int)PostList.Urls].Build(n);
        ListColumn domainColumn = derive ? DeriveDomains(urls, n) : domains.Build(n);
        var posts = new PostTable
        {
            Count = n,
            Ids = _postIds,
            Account = _author.ToArray(),
            CreatedAt = time,
            Text = _text,
            Language = _language.ToArray(),
            Languages = _languages,
            Client = _client.ToArray(),
            Clients = _clients,
            PostRefs = _postRefs,
            AccountRefs = _accountRefs,
            RepostOfPost = _repostOfPost.ToArray(),
            RepostOfAccount = _repostOfAccount.ToArray(),
            ReplyToPost = _replyToPost.ToArray(),
            ReplyToAccount = _replyToAccount.ToArray(),
            QuoteOfPost = _quoteOfPost.ToArray(),
            Hashtags = _lists[(int)PostList.Hashtags].Build(n),
            Urls = urls,
            Domains = domainColumn,
            Mentions = _lists[(int)PostList.Mentions].Build(n),
            Media = _lists[(int)PostList.Media].Build(n),
            DomainsDerived = derive,
        };
        var accounts = new AccountTable
        {
            Count = _accountIds.Count,
            Ids = _accountIds,
            ScreenName = _screenName,
            DisplayName = _displayName,
            Description = _description,
            ReportedLocation = _location,
            ProfileUrl = _profileUrl,
            CreatedAt = _accountCreated.ToArray(),
            FollowerCount = _followers.ToArray(),
            FollowingCount = _following.ToArray(),
            Language = _accountLanguage,
            Label = _label,
            InAccountsFile = _inAccountsFile.ToArray(),
        };
        return new Dataset
        {
            Accounts = accounts,
            Posts = posts,
            TimeResolutionMicros = DeclaredResolutionMicros ?? ObservedResolution(time),
            Warnings = warnings ?? [],
        };
    }

    /// <summary>The coarsest of 1 min, 1 s, 1 ms, 1 µs that divides every timestamp.</summary>
    public static long ObservedResolution(ReadOnlySpan<long> times)
    {
        if (times.IsEmpty) return 1;
        bool minute = true, second = true, milli = true;
        foreach (long t in times)
        {
            if (t % Time.MicrosPerMilli != 0) return 1;
            if (second && t % Time.MicrosPerSecond != 0) { second = false; minute = false; }
            else if (minute && t % Time.MicrosPerMinute != 0) minute = false;
        }
        return minute ? Time.MicrosPerMinute : second ? Time.MicrosPerSecond : milli ? Time.MicrosPerMilli : 1;
    }

    private static ListColumn DeriveDomains(ListColumn urls, int rows)
    {
        var b = new ListBuilder(rows);
        var hostCache = new Dictionary<int, string?>();
        for (int r = 0; r < rows; r++)
        {
            foreach (int u in urls.Row(r))
            {
                if (!hostCache.TryGetValue(u, out var domain))
                {
                    domain = UrlNormalizer.RegistrableDomain(urls.Dictionary[u]);
                    hostCache[u] = domain;
                }
                if (domain is not null) b.Add(domain);
            }
            b.EndRow();
        }
        return b.Build(rows);
    }

    private sealed class ListBuilder(int rowCapacity)
    {
        private readonly StringInterner _dict = new();
        private readonly GrowArray<int> _offsets = Init(rowCapacity);
        private readonly GrowArray<int> _values = new(Math.Max(16, rowCapacity));

        private static GrowArray<int> Init(int capacity)
        {
            var g = new GrowArray<int>(capacity + 1);
            g.Add(0);
            return g;
        }

        public int ValueCount => _values.Count;

        public StringInterner Dictionary => _dict;

        public GrowArray<int> Values => _values;

        public GrowArray<int> Offsets => _offsets;

        public void AddId(int id) => _values.Add(id);

        public void EnsureRowCapacity(int rows) => _offsets.EnsureCapacity(rows + 1);

        public void EnsureValueCapacity(int values) => _values.SetExpectedCount(values);

        public void Add(ReadOnlySpan<char> value) => _values.Add(_dict.GetOrAdd(value));

        public void Add(string value) => _values.Add(_dict.GetOrAdd(value));

        public void EndRow() => _offsets.Add(_values.Count);

        public ListColumn Build(int rows)
        {
            if (_offsets.Count != rows + 1)
                throw new InvalidOperationException($"list column has {_offsets.Count - 1} rows, expected {rows}");
            return new ListColumn { Offsets = _offsets.ToArray(), Values = _values.ToArray(), Dictionary = _dict };
        }
    }
}
