using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NetDetect.Core.Simulation;

namespace NetDetect.Cli.Commands;

/// <summary><c>netdetect simulate --out DIR</c>: writes a labelled synthetic dataset with state-backed operations and hard negatives.</summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var defaults = new SimulationOptions();
        var output = new Option<string>("--out") { Description = "Output dataset directory (accounts.parquet, posts.parquet, truth.json)", Required = true };
        var accounts = new Option<int>("--accounts") { Description = "Accounts, all kinds together", DefaultValueFactory = _ => defaults.Accounts };
        var posts = new Option<long>("--posts") { Description = "Approximate total posts; the organic background scales to reach it", DefaultValueFactory = _ => defaults.Posts };
        var days = new Option<int>("--days") { Description = "Days simulated", DefaultValueFactory = _ => defaults.Days };
        var operations = new Option<int>("--operations") { Description = "State-backed operations", DefaultValueFactory = _ => defaults.Operations };
        var seed = new Option<ulong>("--seed") { Description = "Random seed: the same seed writes byte-identical files", DefaultValueFactory = _ => defaults.Seed };
        var start = new Option<string>("--start") { Description = "First day, yyyy-MM-dd (UTC)", DefaultValueFactory = _ => defaults.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        var difficulty = new Option<string>("--difficulty") { Description = "easy, medium, hard, or mixed (operations spread from easy to hard)", DefaultValueFactory = _ => defaults.Difficulty };
        difficulty.AcceptOnlyFromAmong("easy", "medium", "hard", "mixed");
        var share = new Option<double>("--operation-share") { Description = "Share of accounts that belong to an operation", DefaultValueFactory = _ => defaults.OperationShare };
        var noHard = new Option<bool>("--no-hard-negatives") { Description = "Leave out news bursts, activists, fans, schedule bots and the organisation" };
        var threads = new Option<int>("--threads") { Description = "Generation threads (the output does not depend on it)", DefaultValueFactory = _ => defaults.Threads };
        var command = new Command("simulate", "Write a labelled synthetic dataset: organic background, hard negatives and state-backed operations calibrated on public takedown data.")
        {
            output, accounts, posts, days, operations, seed, start, difficulty, share, noHard, threads,
        };
        command.SetAction(async (parse, ct) =>
        {
            var log = parse.InvocationConfiguration.Output;
            if (!DateOnly.TryParseExact(parse.GetValue(start), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var startDay))
                throw new UsageException("--start must be a date yyyy-MM-dd");
            var options = new SimulationOptions
            {
                Accounts = parse.GetValue(accounts), Posts = parse.GetValue(posts), Days = parse.GetValue(days),
                Operations = parse.GetValue(operations), Seed = parse.GetValue(seed), Start = startDay,
                Difficulty = parse.GetValue(difficulty)!, OperationShare = parse.GetValue(share),
                HardNegatives = !parse.GetValue(noHard), Threads = parse.GetValue(threads),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            string dir = parse.GetValue(output)!;
            var clock = Stopwatch.StartNew();
            var truth = await ProgressDisplay.RunAsync(log, p => CampaignSimulator.RunAsync(options, dir, p, ct));
            log.WriteLine($"{dir}: {truth.Accounts:N0} accounts, {truth.Posts:N0} posts in {clock.Elapsed.TotalSeconds:F1} s");
            foreach (var op in truth.Operations)
                log.WriteLine($"  {op.Name} ({op.Difficulty}, care {op.Care:F2}): {op.Members:N0} accounts, {op.Posts:N0} posts");
            foreach (var g in truth.HardNegatives)
                log.WriteLine($"  hard negative {g.Name} ({g.Kind}): {g.MemberIds.Count:N0} accounts, {g.Posts:N0} posts");
            log.WriteLine($"  truth: {Path.Combine(dir, SimulationTruth.FileName)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
