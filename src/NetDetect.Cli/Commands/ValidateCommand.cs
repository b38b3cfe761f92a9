using System.CommandLine;
using NetDetect.Core.Data;

namespace NetDetect.Cli.Commands;

/// <summary><c>netdetect validate DIR</c>: checks a dataset directory against the data contract.</summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "Dataset directory holding accounts.parquet and posts.parquet" };
        var command = new Command("validate", "Check a dataset directory against the data contract and summarise it; lists every problem with file, column and row.")
        {
            dir,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var path = parse.GetValue(dir)!;
            var report = await ProgressDisplay.RunAsync(output, p => ParquetDatasetReader.ValidateAsync(path, p, ct));
            return Print(report, output, parse.InvocationConfiguration.Error);
        });
        return command;
    }

    private static int Print(ValidationReport report, TextWriter output, TextWriter error)
    {
        foreach (var p in report.Errors) error.WriteLine(p.ToString());
        foreach (var p in report.Warnings) output.WriteLine(p.ToString());
        if (!report.IsValid)
        {
            error.WriteLine($"{report.Directory}: invalid ({report.Errors.Count()} problems listed)");
            return ExitCodes.BadInput;
        }
        var ds = report.Dataset!;
        output.WriteLine(DatasetSummary.Describe(ds));
        output.WriteLine($"{report.Directory}: valid");
        return ExitCodes.Ok;
    }
}
