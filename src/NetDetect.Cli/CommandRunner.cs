using System.CommandLine;
using NetDetect.Core.Data;

namespace NetDetect.Cli;

/// <summary>Exit codes every command uses.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int InternalError = 1;
    public const int BadInput = 2;
}

/// <summary>A problem with the user's arguments (exit code 2), reported without a stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Parses, runs and maps failures to exit codes: 2 for bad input or arguments, 1 for internal failures.</summary>
public static class CommandRunner
{
    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"error: {e.Message}");
            error.WriteLine("Run with --help for usage.");
            return ExitCodes.BadInput;
        }
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cts.Token);
        }
        catch (DataFormatException e)
        {
            foreach (var p in e.Problems) error.WriteLine(p.ToString());
            return ExitCodes.BadInput;
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (NetDetect.Core.Diagnostics.MemoryGuard.Refusal(ex) is { } e)
        {
            // a batch too large for the memory (MemoryGuard): the user changes the run, so it is reported like bad input
            error.WriteLine($"error: {e.Message} (options: --min-edge-pairs 2, --memory-limit SIZE; README, performance).");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return ExitCodes.InternalError;
        }
        catch (Exception e)
        {
            error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("NETDETECT_DEBUG") == "1") error.WriteLine(e.ToString());
            return ExitCodes.InternalError;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
