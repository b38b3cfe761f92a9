using System.CommandLine;
using NetDetect.Core.Data;
using NetDetect.Core.Import;

namespace NetDetect.Cli.Commands;

/// <summary><c>netdetect import FILE... --out DIR</c>: converts archive, CooRTweet and QUT files to canonical Parquet.</summary>
public static class ImportCommand
{
    /// <summary>The <c>--format</c> values, as typed on the command line.</summary>
    private static readonly Dictionary<string, ImportFormat> Formats = new(StringComparer.OrdinalIgnoreCase)
    {
        ["auto"] = ImportFormat.Auto,
        ["archive"] = ImportFormat.Archive,
        ["coortweet"] = ImportFormat.Coortweet,
        ["coortweet-multimodal"] = ImportFormat.CoortweetMultimodal,
        ["qut"] = ImportFormat.Qut,
    };

    public static Command Create()
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Input files: CSV, gzip-compressed CSV (.csv.gz) or Parquet, recognised by content. For the archive, a tweets file and/or its users file",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out") { Description = "Output dataset directory (gets accounts.parquet and posts.parquet)", Required = true };
        var format = new Option<string>("--format")
        {
            Description = "Input layout; auto recognises it from the header",
            DefaultValueFactory = _ => "auto",
        };
        format.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Formats.ContainsKey(value))
                result.AddError($"--format: '{value}' is not one of {string.Join(", ", Formats.Keys)}");
        });
        format.CompletionSources.Add([.. Formats.Keys]);
        var label = new Option<string?>("--label") { Description = "Label every imported account with this operation name (e.g. china_082019)" };
        var command = new Command("import", "Import takedown-archive, CooRTweet or QUT files into a canonical dataset directory.")
        {
            files,
            output,
            format,
            label,
        };
        command.SetAction(async (parse, ct) =>
        {
            var log = parse.InvocationConfiguration.Output;
            var outDir = parse.GetValue(output)!;
            if (File.Exists(outDir)) throw new UsageException($"--out {outDir}: is a file; give a directory");
            var inputs = parse.GetValue(files)!;
            var chosen = Formats[parse.GetValue(format)!];
            string? name = parse.GetValue(label);
            if (name is not null && string.IsNullOrWhiteSpace(name)) throw new UsageException("--label: give a non-empty name");
            var dataset = await ProgressDisplay.RunAsync(log, async p =>
            {
                var ds = await DatasetImporter.ImportAsync(inputs, chosen, name, p, ct);
                long rows = (long)ds.Accounts.Count + ds.Posts.Count;
                p.Report(new StageProgress("write Parquet", 0, Math.Max(1, rows)));
                await ParquetDatasetWriter.WriteAsync(ds, outDir, ct);
                p.Report(new StageProgress("write Parquet", rows, Math.Max(1, rows)));
                return ds;
            });
            foreach (var w in dataset.Warnings) log.WriteLine(w.ToString());
            log.WriteLine(DatasetSummary.Describe(dataset));
            log.WriteLine($"wrote {Path.Combine(outDir, CanonicalSchema.AccountsFile)} and {Path.Combine(outDir, CanonicalSchema.PostsFile)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
