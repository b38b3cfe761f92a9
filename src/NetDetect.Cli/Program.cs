using NetDetect.Cli;

// The netdetect command line: the commands are listed in CliApp.cs.
// Large runs fault gigabytes of fresh memory in: ask Linux for huge pages on the managed heap first.
NetDetect.Core.Data.HugePages.AdviseManagedHeap();
return await CommandRunner.RunAsync(CliApp.CreateRoot(), args);
