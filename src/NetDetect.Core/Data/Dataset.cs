namespace NetDetect.Core.Data;

/// <summary>
/// The columnar in-memory form of a dataset, the input of every later stage. Accounts and posts are dense
/// ints; list columns are CSR arrays of interned ids; strings are kept only where a later stage reads them.
/// </summary>
public sealed class Dataset
{
    public required AccountTable Accounts { get; init; }
    public required PostTable Posts { get; init; }

    /// <summary>Observed timestamp resolution of the posts in microseconds (60,000,000 for whole minutes).</summary>
    public long TimeResolutionMicros { get; init; } = 1;

    /// <summary>Non-fatal findings from ingest (unknown columns, authors missing from accounts, ...).</summary>
    public IReadOnlyList<DataProblem> Warnings { get; init; } = [];

    /// <summary>Approximate bytes of the in-memory columns, used to report memory overhead in benchmarks.</summary>
    public long EstimatedBytes => Accounts.EstimatedBytes + Posts.EstimatedBytes;
}

/// <summary>Accounts: index i in 0..Count-1 is the dense id used everywhere else.</summary>
public sealed class AccountTable
{
    public required int Count { get; init; }
    /// <summary>Account id strings; <c>Ids[i]</c> is the id of account i.</summary>
    public required StringInterner Ids { get; init; }
    public required StringArena ScreenName { get; init; }
    public required StringArena DisplayName { get; init; }
    public required StringArena Description { get; init; }
    public required StringArena ReportedLocation { get; init; }
    public required StringArena ProfileUrl { get; init; }
    /// <summary>Creation time, µs since epoch, or <see cref="Time.Null"/>.</summary>
    public required long[] CreatedAt { get => _createdAt ?? throw ProfileReleased(); init => _createdAt = value; }
    /// <summary>Follower count or -1 when unknown.</summary>
    public required long[] FollowerCount { get => _followerCount ?? throw ProfileReleased(); init => _followerCount = value; }
    /// <summary>Following count or -1 when unknown.</summary>
    public required long[] FollowingCount { get => _followingCount ?? throw ProfileReleased(); init => _followingCount = value; }
    private long[]? _createdAt, _followerCount, _followingCount;

    /// <summary>True once <see cref="ReleaseProfileColumns"/> dropped the profile columns.</summary>
    public bool ProfileColumnsReleased => _createdAt is null;

    /// <summary>
    /// Drops the profile columns only the profile features read (names, description, location, URL, creation time,
    /// follower and following counts; ids, language, label and <see cref="InAccountsFile"/> stay) once they have read
    /// them: detection's command line does, for 2.5M accounts about 0.3 GB less while communities are searched.
    /// Reading one afterwards throws.
    /// </summary>
    public void ReleaseProfileColumns()
    {
        ScreenName.Release();
        DisplayName.Release();
        Description.Release();
        ReportedLocation.Release();
        ProfileUrl.Release();
        _createdAt = _followerCount = _followingCount = null;
    }

    private static InvalidOperationException ProfileReleased() =>
        new("the accounts' profile columns were released once the profile features had read them (AccountTable.ReleaseProfileColumns)");
    public required StringArena Language { get; init; }
    public required StringArena Label { get; init; }
    /// <summary>False for accounts created because a post named them as author but the accounts file did not.</summary>
    public required bool[] InAccountsFile { get; init; }

    /// <summary>True when account i carries an operation label (not empty and not <c>organic</c>).</summary>
    public bool IsOperation(int i)
    {
        var label = Label.GetSpan(i);
        return !label.IsEmpty && !label.SequenceEqual("organic");
    }

    /// <summary>Account i as a boundary record.</summary>
    public AccountRecord ToRecord(int i) => new()
    {
        AccountId = Ids[i],
        ScreenName = ScreenName[i],
        DisplayName = DisplayName[i],
        Description = Description[i],
        ReportedLocation = ReportedLocation[i],
        ProfileUrl = ProfileUrl[i],
        CreatedAt = CreatedAt[i] == Time.Null ? null : CreatedAt[i],
        FollowerCount = FollowerCount[i] < 0 ? null : FollowerCount[i],
        FollowingCount = FollowingCount[i] < 0 ? null : FollowingCount[i],
        Language = Language[i],
        Label = Label[i],
    };

    public long EstimatedBytes => Ids.EstimatedBytes + ScreenName.EstimatedBytes + DisplayName.EstimatedBytes
        + Description.EstimatedBytes + ReportedLocation.EstimatedBytes + ProfileUrl.EstimatedBytes
        + Language.EstimatedBytes + Label.EstimatedBytes + (long)Count * (8 * 3 + 1);
}

/// <summary>Posts: index j in 0..Count-1. Reference columns hold ids into <see cref="PostRefs"/> or
/// <see cref="AccountRefs"/> (-1 when absent), so a repost target need not be in the dataset.</summary>
public sealed class PostTable
{
    public required int Count { get; init; }
    public required StringInterner Ids { get; init; }
    /// <summary>Author account index.</summary>
    public required int[] Account { get; init; }
    /// <summary>µs since epoch.</summary>
    public required long[] CreatedAt { get; init; }
    public required StringArena Text { get; init; }
    /// <summary>Language id into <see cref="Languages"/>, -1 when null.</summary>
    public required int[] Language { get => _language ?? throw FeatureReleased(nameof(Language)); init => _language = value; }
    public required StringInterner Languages { get; init; }
    /// <summary>Client id into <see cref="Clients"/>, -1 when null.</summary>
    public required int[] Client { get => _client ?? throw FeatureReleased(nameof(Client)); init => _client = value; }
    public required StringInterner Clients { get; init; }

    /// <summary>Post ids that posts refer to (repost, reply, quote targets), whether or not they are in the dataset.</summary>
    public required StringInterner PostRefs { get; init; }
    /// <summary>Account ids that posts refer to (repost and reply targets).</summary>
    public required StringInterner AccountRefs { get; init; }
    public required int[] RepostOfPost { get; init; }
    public required int[] RepostOfAccount { get => _repostOfAccount ?? throw FeatureReleased(nameof(RepostOfAccount)); init => _repostOfAccount = value; }
    public required int[] ReplyToPost { get => _replyToPost ?? throw FeatureReleased(nameof(ReplyToPost)); init => _replyToPost = value; }
    public required int[] ReplyToAccount { get => _replyToAccount ?? throw FeatureReleased(nameof(ReplyToAccount)); init => _replyToAccount = value; }
    public required int[] QuoteOfPost { get => _quoteOfPost ?? throw FeatureReleased(nameof(QuoteOfPost)); init => _quoteOfPost = value; }
    private int[]? _language, _client, _repostOfAccount, _replyToPost, _replyToAccount, _quoteOfPost;

    /// <summary>True once <see cref="ReleaseFeatureColumns"/> dropped the columns only layers and features read.</summary>
    public bool FeatureColumnsReleased => _language is null;

    /// <summary>
    /// Drops the columns that only the layers and the content and profile features read (language, client, the
    /// reply, quote and repost-author references, the rows of the list columns; ids, authors, times, repost targets,
    /// text and the lists' value names stay) once they have read them: detection's command line does, for 10M posts
    /// about 0.5 GB less while communities are searched and verdicts written. Reading one afterwards throws.
    /// </summary>
    public void ReleaseFeatureColumns()
    {
        _language = _client = _repostOfAccount = _replyToPost = _replyToAccount = _quoteOfPost = null;
        Hashtags.ReleaseRows();
        Urls.ReleaseRows();
        Domains.ReleaseRows();
        Mentions.ReleaseRows();
        Media.ReleaseRows();
    }

    /// <summary>
    /// Drops the hash tables of the post ids and of the referenced post and account ids (<see cref="StringInterner.ReleaseTable"/>):
    /// once the layers are built nothing looks these up by value, and at 10M posts they are 0.2 GB. Values by id stay;
    /// a later lookup by value builds its table again.
    /// </summary>
    public void ReleaseLookupTables()
    {
        Ids.ReleaseTable();
        PostRefs.ReleaseTable();
        AccountRefs.ReleaseTable();
    }

    private static InvalidOperationException FeatureReleased(string column) =>
        new($"the posts' {column} column was released once the features had read it (PostTable.ReleaseFeatureColumns)");

    public required ListColumn Hashtags { get; init; }
    public required ListColumn Urls { get; init; }
    public required ListColumn Domains { get; init; }
    public required ListColumn Mentions { get; init; }
    public required ListColumn Media { get; init; }

    /// <summary>True when the domains were derived from the URLs because the input had no domains.</summary>
    public bool DomainsDerived { get; init; }

    /// <summary>Post j as a boundary record.</summary>
    public PostRecord ToRecord(int j, AccountTable accounts) => new()
    {
        PostId = Ids[j],
        AccountId = accounts.Ids[Account[j]],
        CreatedAt = CreatedAt[j],
        Text = Text[j],
        Language = Language[j] < 0 ? null : Languages[Language[j]],
        Client = Client[j] < 0 ? null : Clients[Client[j]],
        RepostOfPostId = RepostOfPost[j] < 0 ? null : PostRefs[RepostOfPost[j]],
        RepostOfAccountId = RepostOfAccount[j] < 0 ? null : AccountRefs[RepostOfAccount[j]],
        ReplyToPostId = ReplyToPost[j] < 0 ? null : PostRefs[ReplyToPost[j]],
        ReplyToAccountId = ReplyToAccount[j] < 0 ? null : AccountRefs[ReplyToAccount[j]],
        QuoteOfPostId = QuoteOfPost[j] < 0 ? null : PostRefs[QuoteOfPost[j]],
        Hashtags = Hashtags.RowStrings(j),
        Urls = Urls.RowStrings(j),
        Domains = Domains.RowStrings(j),
        Mentions = Mentions.RowStrings(j),
        Media = Media.RowStrings(j),
    };

    public long EstimatedBytes => Ids.EstimatedBytes + Text.EstimatedBytes + Languages.EstimatedBytes
        + Clients.EstimatedBytes + PostRefs.EstimatedBytes + AccountRefs.EstimatedBytes
        + (long)Count * (4 + 8 + 4 + 4 + 4 * 5)
        + Hashtags.EstimatedBytes + Urls.EstimatedBytes + Domains.EstimatedBytes + Mentions.EstimatedBytes + Media.EstimatedBytes;
}

/// <summary>A list column as CSR: row j's values are <c>Values[Offsets[j]..Offsets[j+1]]</c>, ids into <see cref="Dictionary"/>.</summary>
public sealed class ListColumn
{
    public required int[] Offsets { get => _offsets ?? throw RowsReleased(); init => _offsets = value; }
    public required int[] Values { get => _values ?? throw RowsReleased(); init => _values = value; }
    public required StringInterner Dictionary { get; init; }
    private int[]? _offsets, _values;

    /// <summary>Drops the rows (offsets and values); the dictionary, which names the values, stays.</summary>
    public void ReleaseRows() => _offsets = _values = null;

    private static InvalidOperationException RowsReleased() =>
        new("this list column's rows were released once the features had read them (ListColumn.ReleaseRows)");

    public ReadOnlySpan<int> Row(int row) => Values.AsSpan(Offsets[row], Offsets[row + 1] - Offsets[row]);

    /// <summary>Row values as strings (an empty array for an empty row).</summary>
    public string[] RowStrings(int row)
    {
        var ids = Row(row);
        var result = new string[ids.Length];
        for (int k = 0; k < ids.Length; k++) result[k] = Dictionary[ids[k]];
        return result;
    }

    public int RowLength(int row) => Offsets[row + 1] - Offsets[row];

    public long EstimatedBytes => (long)(_offsets?.Length ?? 0) * 4 + (long)(_values?.Length ?? 0) * 4 + Dictionary.EstimatedBytes;
}
