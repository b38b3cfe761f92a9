using NetDetect.Core.Data;

namespace NetDetect.Core.Import;

/// <summary>State shared by the importers of one import: the builder, the problems found, progress and ids.</summary>
internal sealed class ImportSession(DatasetBuilder builder, ProblemCollector problems, IProgress<StageProgress>? progress, CancellationToken cancellationToken)
{
    private const int TickRows = 8192;

    private readonly Dictionary<string, int> _repeats = new(StringComparer.Ordinal);
    private readonly List<(string File, string Column, long Row, int? RowGroup, string? Where, string Id)> _suffixedIds = [];
    private long _rows, _rowsSinceTick;
    private int _emptyIds;

    public DatasetBuilder Builder { get; } = builder;
    public ProblemCollector Problems { get; } = problems;

    /// <summary>True when every post time parsed so far had whole minutes written without seconds.</summary>
    public bool AllTimesWholeMinutes { get; set; } = true;

    /// <summary>Posts whose times came from minute-only text (<see cref="AllTimesWholeMinutes"/> is meaningful only then).</summary>
    public long MinuteTimes { get; set; }

    /// <summary>Reports progress and honours cancellation every few thousand rows.</summary>
    public void Tick(RowInput input)
    {
        _rows++;
        if (++_rowsSinceTick < TickRows) return;
        _rowsSinceTick = 0;
        cancellationToken.ThrowIfCancellationRequested();
        // rows are what a person wants to read; the total is estimated from the bytes consumed so far, which
        // makes the bar's fraction the share of the file read (compressed bytes for .gz)
        long position = Math.Max(1, input.Position);
        long estimate = Math.Max(_rows, (long)((double)_rows * input.Length / position));
        progress?.Report(new StageProgress(StageName(input), _rows, estimate));
    }

    /// <summary>Reports the file done, with its exact row count.</summary>
    public void Finish(RowInput input) => progress?.Report(new StageProgress(StageName(input), _rows, _rows));

    public void Start(RowInput input)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _rows = 0;
        _rowsSinceTick = 0;
        progress?.Report(new StageProgress(StageName(input), 0, 1));
    }

    private static string StageName(RowInput input) => $"import {Path.GetFileName(input.Path)}";

    /// <summary>A row-level error at the current row of <paramref name="input"/>, with the physical line (CSV) or row group (Parquet).</summary>
    public void Error(RowInput input, string column, string message) =>
        Problems.Error(input.Path, column, input.Row, input.At(message), input.RowGroup);

    public void Warning(RowInput input, string column, string message) => Problems.Warning(input.Path, column, message);

    /// <summary>
    /// Refuses an id a spreadsheet mangled into a number (<c>1.17E+18</c>); returns true when the id is usable.
    /// </summary>
    public bool CheckId(RowInput input, string column, ReadOnlySpan<char> id)
    {
        if (!FieldParsers.IsMangledNumericId(id)) return true;
        Error(input, column, $"id '{id.ToString()}' is a number in scientific or decimal notation, so its digits were lost (a spreadsheet saved this file?); NetDetect does not guess ids: re-export the column as text");
        return false;
    }

    /// <summary>
    /// Adds a share row whose content id may repeat: the first row keeps the id, the k-th becomes <c>id#k</c>
    /// (<see cref="ShareIds"/>). Returns the post id used, or null when even the derived id collided.
    /// </summary>
    public string? AddShare(RowInput input, string idColumn, PostRecord post)
    {
        string content = post.PostId;
        NoteSuffixed(input, idColumn, content);
        if (Builder.TryAddPost(post)) return content;
        int k = _repeats.TryGetValue(content, out int seen) ? seen + 1 : 2;
        _repeats[content] = k;
        post.PostId = ShareIds.Derive(content, k);
        if (Builder.TryAddPost(post)) return post.PostId;
        Error(input, idColumn, $"the row is share number {k} of content '{content}', but its derived post id '{post.PostId}' is also an id of the input");
        return null;
    }

    /// <summary>Remembers an input id shaped like a derived one (<c>X#k</c>), checked by <see cref="CheckSuffixedIds"/>.</summary>
    public void NoteSuffixed(RowInput input, string column, string id)
    {
        if (ShareIds.TrySplit(id, out _, out _)) _suffixedIds.Add((input.Path, column, input.Row, input.RowGroup, input.Where, id));
    }

    /// <summary>A post id for a row whose id is empty: <c>#empty1</c>, <c>#empty2</c>, ... (reported as a warning).</summary>
    public string EmptyId(RowInput input, string column)
    {
        Warning(input, column, "id is empty; the row is kept under a generated post id '#emptyN'");
        return $"{ShareIds.Separator}empty{++_emptyIds}";
    }

    /// <summary>
    /// After the dataset is built: an input id <c>X#k</c> whose prefix X is also a post would be read back as a
    /// repeated share of X, so it is refused rather than silently merged.
    /// </summary>
    public void CheckSuffixedIds(Dataset dataset)
    {
        foreach (var (file, column, row, group, where, id) in _suffixedIds)
        {
            ShareIds.TrySplit(id, out var prefix, out _);
            if (dataset.Posts.Ids.IndexOf(prefix) < 0) continue;
            string message = $"id '{id}' ends in '{ShareIds.Separator}<number>' and '{prefix.ToString()}' is also an id of the input; NetDetect names the repeated rows of a content id that way, so the two cannot be told apart: rename one";
            Problems.Error(file, column, row, where is null ? message : $"{where}: {message}", group);
        }
    }
}
