using NetDetect.Core.Data;

namespace NetDetect.Core.Import;

/// <summary>Input layouts <c>netdetect import</c> reads.</summary>
public enum ImportFormat
{
    /// <summary>Recognise each file by its header.</summary>
    Auto,
    /// <summary>Twitter information-operations archive: tweets CSV and/or users CSV.</summary>
    Archive,
    /// <summary>CooRTweet's long co-share table.</summary>
    Coortweet,
    /// <summary>CooRTweet's multimodal table (url, hashtag, domain and image ids per post).</summary>
    CoortweetMultimodal,
    /// <summary>The QUT coordination-network-toolkit CSV.</summary>
    Qut,
}

/// <summary>
/// Imports archive, CooRTweet and QUT files into a <see cref="Dataset"/>. Everything is parsed and checked before
/// anything is returned, so a caller that writes the result never writes a partial dataset; every problem is a
/// <see cref="DataFormatException"/> naming file, column and data row (the physical line is in the message).
/// </summary>
public static class DatasetImporter
{
    /// <summary>What one file holds, decided from its header.</summary>
    private enum FileKind
    {
        ArchiveTweets,
        ArchiveUsers,
        Coortweet,
        CoortweetMultimodal,
        Qut,
    }

    /// <summary>Imports <paramref name="files"/> (CSV, gzip-compressed CSV or Parquet) as one dataset.</summary>
    /// <param name="files">Input files; for the archive, a tweets file and/or a users file (several of each are merged).</param>
    /// <param name="format">The layout, or <see cref="ImportFormat.Auto"/> to recognise it from each header.</param>
    /// <param name="label">When given, the label of every account that has none (an archive release's operation name).</param>
    public static Task<Dataset> ImportAsync(IReadOnlyList<string> files, ImportFormat format = ImportFormat.Auto, string? label = null,
        IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0) throw new ArgumentException("at least one input file is needed", nameof(files));
        // parsing is synchronous CPU and file work: keep it off the caller's thread so a progress bar can redraw
        return Task.Run(() => Import(files, format, label, progress, cancellationToken), cancellationToken);
    }

    private static Dataset Import(IReadOnlyList<string> files, ImportFormat format, string? label, IProgress<StageProgress>? progress, CancellationToken ct)
    {
        var inputs = new List<(RowInput Input, FileKind Kind)>();
        try
        {
            OpenAll(files, format, inputs);
            var problems = new ProblemCollector();
            long totalBytes = inputs.Sum(i => i.Input.Length);
            var builder = new DatasetBuilder(1024, (int)Math.Clamp(totalBytes / 120, 1024, 1 << 24));
            var session = new ImportSession(builder, problems, progress, ct);
            var multimodal = new CoortweetMultimodalImporter.State();
            // users files first: their profiles are the release's own, the tweets rows only repeat them
            foreach (var (input, kind) in inputs.OrderBy(i => i.Kind == FileKind.ArchiveUsers ? 0 : 1))
            {
                session.Start(input);
                WarnUnknownColumns(input, kind, problems);
                try
                {
                    switch (kind)
                    {
                        case FileKind.ArchiveUsers: ArchiveImporter.ReadUsers(input, session); break;
                        case FileKind.ArchiveTweets: ArchiveImporter.ReadTweets(input, session); break;
                        case FileKind.Coortweet: CoortweetImporter.Read(input, session); break;
                        case FileKind.CoortweetMultimodal: CoortweetMultimodalImporter.Read(input, session, multimodal); break;
                        case FileKind.Qut: QutImporter.Read(input, session); break;
                    }
                }
                catch (DataFormatException e)
                {
                    // a file that cannot be read on (an unterminated quote, corrupt gzip) ends here; the other
                    // files are still read so that one run lists every problem
                    foreach (var p in e.Problems) problems.Error(p);
                    continue;
                }
                session.Finish(input);
            }
            CoortweetMultimodalImporter.Flush(session, multimodal);
            problems.ThrowIfErrors();

            if (session.MinuteTimes > 0 && session.AllTimesWholeMinutes) builder.DeclaredResolutionMicros = Time.MicrosPerMinute;
            if (inputs.Any(i => i.Kind == FileKind.CoortweetMultimodal)) builder.DomainsProvided = true;
            if (!string.IsNullOrEmpty(label)) builder.LabelAll(label);
            var dataset = builder.Build(problems.Warnings);
            session.CheckSuffixedIds(dataset);
            problems.ThrowIfErrors();
            return dataset;
        }
        finally
        {
            foreach (var (input, _) in inputs) input.Dispose();
        }
    }

    /// <summary>Opens every file and decides its kind; all problems of all files are reported together.</summary>
    private static void OpenAll(IReadOnlyList<string> files, ImportFormat format, List<(RowInput, FileKind)> inputs)
    {
        var problems = new List<DataProblem>();
        foreach (var file in files)
        {
            RowInput input;
            try
            {
                input = RowInput.Open(file);
            }
            catch (DataFormatException e)
            {
                problems.AddRange(e.Problems);
                continue;
            }
            inputs.Add((input, default));
            var kind = Decide(input, format, problems);
            if (kind is { } k) inputs[^1] = (input, k);
            else inputs.RemoveAt(inputs.Count - 1);
            if (kind is null) input.Dispose();
        }
        if (problems.Count == 0)
        {
            var families = inputs.Select(i => FamilyOf(i.Item2)).Distinct().ToList();
            if (families.Count > 1)
            {
                foreach (var (input, kind) in inputs)
                    problems.Add(DataProblem.Error(input.Path, null, null,
                        $"is {Describe(kind)}, but one import takes files of one layout only (found {string.Join(" and ", families.Select(Describe))})"));
            }
        }
        if (problems.Count > 0) throw new DataFormatException(problems);
    }

    private static FileKind? Decide(RowInput input, ImportFormat format, List<DataProblem> problems)
    {
        FileKind? kind = format switch
        {
            ImportFormat.Auto => Detect(input),
            ImportFormat.Archive => input.Has("tweetid") || !input.Has("userid") ? FileKind.ArchiveTweets : FileKind.ArchiveUsers,
            ImportFormat.Coortweet => FileKind.Coortweet,
            ImportFormat.CoortweetMultimodal => FileKind.CoortweetMultimodal,
            ImportFormat.Qut => FileKind.Qut,
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        if (kind is null)
        {
            problems.Add(DataProblem.Error(input.Path, null, null,
                $"header not recognised (columns: {ArchiveImporter.Shorten(string.Join(", ", input.Header))}); expected the archive's tweets CSV " +
                "(tweetid, userid, tweet_time, ...) or users CSV (userid, user_screen_name, ...), CooRTweet (object_id, account_id, content_id, " +
                "timestamp_share), CooRTweet multimodal (account_id, post_id, url_id, hashtag_id, domain_id, phash_id, timestamp) or QUT " +
                "(message_id, user_id, username, repost_id, reply_id, message, timestamp, urls); or name it with --format"));
            return null;
        }
        string[] required = kind switch
        {
            FileKind.ArchiveTweets => ArchiveImporter.RequiredTweetColumns,
            FileKind.ArchiveUsers => ArchiveImporter.RequiredUserColumns,
            FileKind.Coortweet => CoortweetImporter.Columns,
            FileKind.CoortweetMultimodal => CoortweetMultimodalImporter.Required,
            _ => QutImporter.Required,
        };
        bool ok = true;
        foreach (var column in required)
        {
            if (input.Has(column)) continue;
            problems.Add(DataProblem.Error(input.Path, column, null,
                $"required column of {Describe(kind.Value)} is missing from the header (found: {ArchiveImporter.Shorten(string.Join(", ", input.Header))})"));
            ok = false;
        }
        if (kind == FileKind.CoortweetMultimodal && !CoortweetMultimodalImporter.ObjectColumns.Any(input.Has))
        {
            problems.Add(DataProblem.Error(input.Path, "url_id", null,
                $"{Describe(kind.Value)} needs at least one object column: {string.Join(", ", CoortweetMultimodalImporter.ObjectColumns)}"));
            ok = false;
        }
        return ok ? kind : null;
    }

    private static FileKind? Detect(RowInput f)
    {
        if (f.Has("tweetid") && f.Has("userid")) return FileKind.ArchiveTweets;
        if (f.Has("userid") && (f.Has("user_screen_name") || f.Has("user_display_name") || f.Has("account_creation_date"))) return FileKind.ArchiveUsers;
        if (CoortweetImporter.Columns.All(f.Has)) return FileKind.Coortweet;
        if (f.Has("account_id") && f.Has("post_id") && f.Has("timestamp") && CoortweetMultimodalImporter.ObjectColumns.Any(f.Has)) return FileKind.CoortweetMultimodal;
        if (f.Has("message_id") && f.Has("user_id") && f.Has("timestamp")) return FileKind.Qut;
        return null;
    }

    private static ImportFormat FamilyOf(FileKind kind) => kind switch
    {
        FileKind.ArchiveTweets or FileKind.ArchiveUsers => ImportFormat.Archive,
        FileKind.Coortweet => ImportFormat.Coortweet,
        FileKind.CoortweetMultimodal => ImportFormat.CoortweetMultimodal,
        _ => ImportFormat.Qut,
    };

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.ArchiveTweets => "an archive tweets file",
        FileKind.ArchiveUsers => "an archive users file",
        FileKind.Coortweet => "a CooRTweet long table",
        FileKind.CoortweetMultimodal => "a CooRTweet multimodal table",
        _ => "a QUT toolkit file",
    };

    private static string Describe(ImportFormat format) => format switch
    {
        ImportFormat.Archive => "archive",
        ImportFormat.Coortweet => "CooRTweet",
        ImportFormat.CoortweetMultimodal => "CooRTweet multimodal",
        _ => "QUT",
    };

    private static void WarnUnknownColumns(RowInput input, FileKind kind, ProblemCollector problems)
    {
        string[] known = kind switch
        {
            FileKind.ArchiveTweets => ArchiveImporter.TweetColumns,
            FileKind.ArchiveUsers => ArchiveImporter.UserColumns,
            FileKind.Coortweet => CoortweetImporter.Columns,
            FileKind.CoortweetMultimodal => [.. CoortweetMultimodalImporter.Required, .. CoortweetMultimodalImporter.ObjectColumns],
            _ => QutImporter.Columns,
        };
        foreach (var column in input.Header)
        {
            if (!known.Contains(column, StringComparer.OrdinalIgnoreCase))
                problems.Warning(input.Path, column, "unknown column ignored");
        }
    }
}
