using System.CommandLine;

namespace NetDetect.Cli.Commands;

/// <summary><c>netdetect import FILE... --out DIR</c>: converts archive, CooRTweet and QUT files to canonical Parquet.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "Input files (CSV, .csv.gz or Parquet)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Output dataset directory", Required = true };
        var command = new Command("import", "Import takedown-archive, CooRTweet or QUT files into a canonical dataset directory.")
        {
            files,
            output,
        };
        command.SetAction((parse, ct) => throw new UsageException("import is not implemented yet"));
        return command;
    }
}
