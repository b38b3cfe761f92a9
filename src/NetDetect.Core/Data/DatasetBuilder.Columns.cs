namespace NetDetect.Core.Data;

// Column-at-a-time access for the Parquet reader. Each group of members below is touched by exactly one
// reader job, so jobs can fill different columns on different threads; within a column, rows are appended
// in file order, which keeps every id identical for any number of threads.
public sealed partial class DatasetBuilder
{
    // ---- accounts (before any post is added) ----
    internal StringInterner AccountIdPool => _accountIds;
    internal StringArena AccountScreenName => _screenName;
    internal StringArena AccountDisplayName => _displayName;
    internal StringArena AccountDescription => _description;
    internal StringArena AccountLocation => _location;
    internal StringArena AccountProfileUrl => _profileUrl;
    internal StringArena AccountLanguage => _accountLanguage;
    internal StringArena AccountLabel => _label;
    internal GrowArray<long> AccountCreated => _accountCreated;
    internal GrowArray<long> AccountFollowers => _followers;
    internal GrowArray<long> AccountFollowing => _following;

    /// <summary>Marks the first <paramref name="count"/> accounts (added column by column) as rows of the accounts file.</summary>
    internal void MarkAccountsFromFile(int count)
    {
        _inAccountsFile.EnsureCapacity(count);
        while (_inAccountsFile.Count < count) _inAccountsFile.Add(true);
    }

    // ---- posts ----
    internal StringInterner PostIdPool => _postIds;
    internal GrowArray<int> PostAuthor => _author;
    internal GrowArray<long> PostTime => _time;
    internal StringArena PostText => _text;
    internal StringInterner LanguagePool => _languages;
    internal GrowArray<int> PostLanguage => _language;
    internal StringInterner ClientPool => _clients;
    internal GrowArray<int> PostClient => _client;
    internal StringInterner PostRefPool => _postRefs;
    internal StringInterner AccountRefPool => _accountRefs;
    internal GrowArray<int> RepostOfPostColumn => _repostOfPost;
    internal GrowArray<int> RepostOfAccountColumn => _repostOfAccount;
    internal GrowArray<int> ReplyToPostColumn => _replyToPost;
    internal GrowArray<int> ReplyToAccountColumn => _replyToAccount;
    internal GrowArray<int> QuoteOfPostColumn => _quoteOfPost;

    /// <summary>The author of the next post: interned, created with unknown profile when new, counted when not from the accounts file.</summary>
    internal void AppendAuthor(int accountId)
    {
        _author.Add(accountId);
        if (!_inAccountsFile[accountId]) _missingAuthors++;
    }

    /// <summary>The id of an author account, appending an account with unknown profile when it is new.</summary>
    internal int InternAuthorId(ReadOnlySpan<char> accountId) => InternAuthor(accountId);

    /// <summary>
    /// Gives every author id added to <see cref="AccountIdPool"/> directly (the reader interns a whole column chunk
    /// there without a callback per value) its account with unknown profile, as <see cref="InternAuthorId"/> does one by one.
    /// </summary>
    internal void AddAccountsForNewAuthors()
    {
        while (_inAccountsFile.Count < _accountIds.Count) AppendEmptyAccount();
    }

    internal StringInterner ListDictionary(PostList list) => _lists[(int)list].Dictionary;
    internal void AppendListId(PostList list, int id) => _lists[(int)list].AddId(id);

    /// <summary>The value ids of a list column (CSR values), for bulk appends by the reader.</summary>
    internal GrowArray<int> ListValues(PostList list) => _lists[(int)list].Values;

    /// <summary>The row end offsets of a list column (CSR offsets after the leading 0), for bulk appends by the reader.</summary>
    internal GrowArray<int> ListOffsets(PostList list) => _lists[(int)list].Offsets;
}
