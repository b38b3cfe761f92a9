using System.CommandLine;
using System.Text.Json;
using NetDetect.Core.Data;
using NetDetect.Core.Detection;
using NetDetect.Core.Import;
using NetDetect.Core.Reporting;

namespace NetDetect.Cli.Commands;

/// <summary><c>netdetect inject --background B --operation O --out DIR</c>: real operation behaviour inside a real background, labelled.</summary>
public static class InjectCommand
{
    public static Command Create()
    {
        var background = new Option<string>("--background") { Description = "Background: a dataset directory (accounts/posts.parquet) or a file any importer reads (e.g. coortweet/german_elections.csv)", Required = true };
        var operation = new Option<string>("--operation") { Description = "Operation tweets in the FiveThirtyEight IRA layout (e.g. ira-2016/ira_tweets_2016-09-01_to_2016-11-30.csv.gz)", Required = true };
        var output = new Option<string>("--out") { Description = "Output dataset directory (accounts.parquet, posts.parquet, injection.json)", Required = true };
        var defaults = new InjectionOptions();
        var accounts = new Option<int>("--accounts") { Description = "Operation accounts to inject", DefaultValueFactory = _ => defaults.OperationAccounts };
        var minPosts = new Option<int>("--min-posts") { Description = "Posts an operation account needs inside the background's period", DefaultValueFactory = _ => defaults.MinPosts };
        var seed = new Option<int>("--seed") { Description = "Seed of the account sample and the object remapping", DefaultValueFactory = _ => defaults.Seed };
        var part = new Option<string>("--part") { Description = "Account split N/K: keep only background and operation accounts in part N of K (disjoint train/test sets)", DefaultValueFactory = _ => "0/1" };
        var label = new Option<string>("--label") { Description = "Label of the injected accounts", DefaultValueFactory = _ => defaults.Label };
        var command = new Command("inject", "Inject a real operation's behaviour (time-shifted by whole weeks, objects remapped by popularity) into a real background as a labelled dataset.")
        {
            background, operation, output, accounts, minPosts, seed, part, label,
        };
        command.SetAction(async (parse, ct) =>
        {
            var log = parse.InvocationConfiguration.Output;
            var partText = parse.GetValue(part)!.Split('/');
            if (partText.Length != 2 || !int.TryParse(partText[0], out int n) || !int.TryParse(partText[1], out int k) || k < 1 || n < 0 || n >= k)
                throw new UsageException("--part must be N/K with 0 <= N < K, e.g. 0/2");
            if (parse.GetValue(accounts) < 1) throw new UsageException("--accounts must be at least 1");
            var options = new InjectionOptions
            {
                OperationAccounts = parse.GetValue(accounts), MinPosts = parse.GetValue(minPosts), Seed = parse.GetValue(seed),
                Part = n, Parts = k, Label = parse.GetValue(label)!,
            };
            var bgPath = parse.GetValue(background)!;
            var opPath = parse.GetValue(operation)!;
            if (!File.Exists(opPath)) throw new UsageException($"operation file not found: {opPath}");
            Dataset bg;
            if (Directory.Exists(bgPath)) bg = await ProgressDisplay.RunAsync(log, p => ParquetDatasetReader.ReadAsync(bgPath, p, ct));
            else if (File.Exists(bgPath)) bg = await ProgressDisplay.RunAsync(log, p => DatasetImporter.ImportAsync([bgPath], ImportFormat.Auto, null, p, ct));
            else throw new UsageException($"background not found: {bgPath}");
            var (dataset, summary) = await Task.Run(() => Injection.Inject(bg, opPath, options, ct), ct);
            var outDir = parse.GetValue(output)!;
            await ParquetDatasetWriter.WriteAsync(dataset, outDir, ct);
            await File.WriteAllTextAsync(Path.Combine(outDir, "injection.json"), JsonSerializer.Serialize(new { background = bgPath, operation = opPath, summary }, DetectionOutput.Json), ct);
            log.WriteLine($"{outDir}: {summary.BackgroundAccounts:N0} background accounts ({summary.BackgroundPosts:N0} posts) + {summary.OperationAccounts:N0} '{options.Label}' accounts ({summary.OperationPosts:N0} posts), shifted {summary.ShiftDays} days");
            return ExitCodes.Ok;
        });
        return command;
    }
}
