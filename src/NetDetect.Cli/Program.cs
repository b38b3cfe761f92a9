using System.CommandLine;
using NetDetect.Cli;
using NetDetect.Cli.Commands;

// The netdetect command line: each command lives in Commands/ and is listed here.
var root = new RootCommand("NetDetect: find coordinated account networks in social-media data.")
{
    ImportCommand.Create(),
    SimulateCommand.Create(),
    ValidateCommand.Create(),
};

return await CommandRunner.RunAsync(root, args);
