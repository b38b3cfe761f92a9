using NetDetect.Cli;

// The netdetect command line: the commands are listed in CliApp.cs.
return await CommandRunner.RunAsync(CliApp.CreateRoot(), args);
