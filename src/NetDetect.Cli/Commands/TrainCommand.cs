using System.CommandLine;
using System.Diagnostics;
using NetDetect.Core.Data;
using NetDetect.Core.Detection;
using NetDetect.Core.Features;

namespace NetDetect.Cli.Commands;

/// <summary><c>netdetect train DIR... --out MODEL.zip</c>: trains the coordination classifier on labelled datasets.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var dirs = new Argument<string[]>("DIR") { Description = "Labelled dataset directories (accounts.label: operation name, 'organic', or empty = ignored)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Model zip to write", Required = true };
        var threads = new Option<int>("--threads") { Description = "LightGBM and network threads (the model does not depend on it)", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed of ML.NET, LightGBM and the calibration hold-out", DefaultValueFactory = _ => 7 };
        var iterations = new Option<int>("--iterations") { Description = "Boosting iterations", DefaultValueFactory = _ => 300 };
        var command = new Command("train", "Train the coordination classifier (ML.NET LightGBM, Platt-calibrated on held-out accounts) on labelled datasets.")
        {
            dirs, output, threads, seed, iterations,
        };
        command.SetAction(async (parse, ct) =>
        {
            var log = parse.InvocationConfiguration.Output;
            int t = parse.GetValue(threads);
            if (t < 1) throw new UsageException("--threads must be at least 1");
            var options = new TrainingOptions { Seed = parse.GetValue(seed), Threads = t, Iterations = parse.GetValue(iterations) };
            var network = new DetectionNetworkOptions { Threads = t };
            var clock = Stopwatch.StartNew();
            var sets = new List<(FeatureMatrix, sbyte[], string[])>();
            var names = new List<string>();
            foreach (var dir in parse.GetValue(dirs)!)
            {
                var dataset = await ProgressDisplay.RunAsync(log, p => ParquetDatasetReader.ReadAsync(dir, p, ct));
                var name = Path.GetFileName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar));
                var set = Labels.TrainingSet(dataset, network, name, null, ct);
                int pos = set.Labels.Count(l => l == 1), neg = set.Labels.Count(l => l == 0);
                log.WriteLine($"{dir}: {dataset.Accounts.Count:N0} accounts ({pos:N0} operation, {neg:N0} organic, {dataset.Accounts.Count - pos - neg:N0} unlabelled)");
                if (pos + neg == 0) throw new UsageException($"{dir}: no labelled accounts (accounts.label is empty everywhere)");
                sets.Add(set);
                names.Add(name);
            }
            CoordinationModel model;
            try
            {
                model = CoordinationModel.Train(sets, network, options, trainedOn: names);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            var outPath = parse.GetValue(output)!;
            await model.SaveAsync(outPath, ct);
            var m = model.Metadata;
            log.WriteLine($"trained on {m.TrainAccounts:N0} accounts ({m.TrainPositives:N0} operation), calibrated on {m.CalibrationAccounts:N0} ({m.CalibrationPositives:N0}); Platt A={m.PlattA:F4} B={m.PlattB:F4}");
            log.WriteLine($"wrote {outPath} ({new FileInfo(outPath).Length / 1024.0:F0} KiB) in {clock.Elapsed.TotalSeconds:F1} s");
            return ExitCodes.Ok;
        });
        return command;
    }
}
