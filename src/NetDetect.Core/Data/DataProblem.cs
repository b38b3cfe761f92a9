namespace NetDetect.Core.Data;

public enum ProblemSeverity
{
    Error,
    Warning,
}

/// <summary>One finding about input data, with the coordinates an analyst needs to find it.</summary>
/// <param name="File">File name as given (or the logical table name for API bodies).</param>
/// <param name="Column">Column or field, when one is to blame.</param>
/// <param name="Row">1-based data row within the file (header excluded), when one is to blame.</param>
/// <param name="RowGroup">0-based Parquet row group, when the file is Parquet.</param>
/// <param name="Count">How many rows share this finding (warnings are aggregated).</param>
public sealed record DataProblem(
    ProblemSeverity Severity,
    string File,
    string? Column,
    long? Row,
    int? RowGroup,
    string Message,
    long Count = 1)
{
    public static DataProblem Error(string file, string? column, long? row, string message, int? rowGroup = null) =>
        new(ProblemSeverity.Error, file, column, row, rowGroup, message);

    public static DataProblem Warning(string file, string? column, string message, long count = 1) =>
        new(ProblemSeverity.Warning, file, column, null, null, message, count);

    public override string ToString()
    {
        var where = new List<string> { File };
        if (Column is not null) where.Add($"column '{Column}'");
        if (RowGroup is not null) where.Add($"row group {RowGroup}");
        if (Row is not null) where.Add($"row {Row}");
        var head = Severity == ProblemSeverity.Error ? "error" : "warning";
        var count = Count > 1 ? $" ({Count:N0} rows)" : "";
        return $"{head}: {string.Join(", ", where)}: {Message}{count}";
    }
}

/// <summary>Input data that cannot be used; carries every problem found, each naming file, column and row.</summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(IReadOnlyList<DataProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    public DataFormatException(DataProblem problem)
        : this([problem])
    {
    }

    public IReadOnlyList<DataProblem> Problems { get; }

    private static string Describe(IReadOnlyList<DataProblem> problems)
    {
        var errors = problems.Where(p => p.Severity == ProblemSeverity.Error).ToList();
        if (errors.Count == 0) return "invalid input";
        var first = string.Join(Environment.NewLine, errors.Take(20).Select(p => p.ToString()));
        return errors.Count > 20 ? $"{first}{Environment.NewLine}... and {errors.Count - 20} more errors" : first;
    }
}

/// <summary>Collects problems while reading, capping how many row-level errors of one kind are kept.</summary>
public sealed class ProblemCollector
{
    private readonly List<DataProblem> _problems = [];
    private readonly Dictionary<(string File, string? Column, string Message), long> _warnings = [];
    private readonly Dictionary<(string File, string? Column), int> _errorsPerColumn = [];

    /// <summary>Row-level errors kept per file and column; the rest are counted in one summary line.</summary>
    public int MaxErrorsPerColumn { get; init; } = 50;

    public bool HasErrors { get; private set; }

    public void Error(DataProblem problem)
    {
        HasErrors = true;
        var key = (problem.File, problem.Column);
        _errorsPerColumn.TryGetValue(key, out int n);
        _errorsPerColumn[key] = n + 1;
        if (n < MaxErrorsPerColumn) _problems.Add(problem);
    }

    public void Error(string file, string? column, long? row, string message, int? rowGroup = null) =>
        Error(DataProblem.Error(file, column, row, message, rowGroup));

    /// <summary>Adds a warning; repeated warnings with the same text are merged into one with a count.</summary>
    public void Warning(string file, string? column, string message, long count = 1)
    {
        var key = (file, column, message);
        _warnings.TryGetValue(key, out long n);
        _warnings[key] = n + count;
    }

    /// <summary>Adds everything <paramref name="other"/> collected (used to merge per-thread collectors in a fixed order).</summary>
    public void Add(ProblemCollector other)
    {
        foreach (var p in other._problems) Error(p);
        foreach (var (key, n) in other._errorsPerColumn)
        {
            int listed = Math.Min(n, other.MaxErrorsPerColumn);
            if (n > listed)
            {
                _errorsPerColumn.TryGetValue(key, out int mine);
                _errorsPerColumn[key] = mine + n - listed;
                HasErrors = true;
            }
        }
        foreach (var ((file, column, message), count) in other._warnings) Warning(file, column, message, count);
    }

    public IReadOnlyList<DataProblem> Problems
    {
        get
        {
            var all = new List<DataProblem>(_problems);
            foreach (var ((file, column), n) in _errorsPerColumn)
            {
                if (n > MaxErrorsPerColumn)
                {
                    all.Add(new DataProblem(ProblemSeverity.Error, file, column, null, null,
                        $"{n - MaxErrorsPerColumn:N0} more errors in this column not listed", n - MaxErrorsPerColumn));
                }
            }
            all.AddRange(_warnings.Select(w => DataProblem.Warning(w.Key.File, w.Key.Column, w.Key.Message, w.Value)));
            return all;
        }
    }

    public IReadOnlyList<DataProblem> Warnings => Problems.Where(p => p.Severity == ProblemSeverity.Warning).ToList();

    public void ThrowIfErrors()
    {
        if (HasErrors) throw new DataFormatException(Problems);
    }
}
