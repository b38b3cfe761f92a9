using System.CommandLine;
using NetDetect.Cli.Commands;

namespace NetDetect.Cli;

/// <summary>The netdetect command tree, built in one place for <c>Program</c> and for in-process CLI tests.</summary>
public static class CliApp
{
    /// <summary>A fresh root command; each command lives in Commands/ and is listed here.</summary>
    public static RootCommand CreateRoot() => new("NetDetect: find coordinated account networks in social-media data.")
    {
        ImportCommand.Create(),
        SimulateCommand.Create(),
        ValidateCommand.Create(),
        NetworkCommand.Create(),
        DetectCommand.Create(),
        TrainCommand.Create(),
        EvaluateCommand.Create(),
        InjectCommand.Create(),
        ServeCommand.Create(),
    };
}
