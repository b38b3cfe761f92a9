using NetDetect.Core.Data;
using Spectre.Console;

namespace NetDetect.Cli;

/// <summary>
/// Shows stage progress: a Spectre.Console bar on an interactive terminal, one plain line per stage when
/// output is redirected (logs and CI stay readable).
/// </summary>
public static class ProgressDisplay
{
    public static bool Interactive => !Console.IsOutputRedirected && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with a progress sink drawn to <paramref name="log"/> or a bar.</summary>
    public static async Task<T> RunAsync<T>(TextWriter log, Func<IProgress<StageProgress>, Task<T>> work)
    {
        if (!Interactive || !ReferenceEquals(log, Console.Out))
        {
            var plain = new PlainLineProgress(log);
            var result = await work(plain);
            plain.Finish();
            return result;
        }
        T value = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new Progress<StageProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.Stage, out var task))
                    {
                        foreach (var t in tasks.Values) t.Value = t.MaxValue;
                        task = ctx.AddTask(p.Stage, maxValue: 1.0);
                        tasks[p.Stage] = task;
                    }
                    task.Value = p.Fraction;
                });
                value = await work(progress);
                foreach (var t in tasks.Values) t.Value = t.MaxValue;
            });
        return value;
    }

    /// <summary>Writes one line when a stage starts and reports it done when the next begins.</summary>
    private sealed class PlainLineProgress(TextWriter log) : IProgress<StageProgress>
    {
        private readonly object _gate = new();
        private string? _stage;
        private long _done;
        private long _total;
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public void Report(StageProgress value)
        {
            lock (_gate)
            {
                if (_stage != value.Stage)
                {
                    Finish();
                    _stage = value.Stage;
                    _clock.Restart();
                }
                _done = value.Done;
                _total = value.Total;
            }
        }

        public void Finish()
        {
            lock (_gate)
            {
                if (_stage is null) return;
                // A stage that counted its items to the end says how many; stages that report steps only say they finished.
                var count = _total > 0 && _done == _total ? $"{_total:N0} " : "";
                log.WriteLine($"{_stage}: {count}done in {_clock.Elapsed.TotalSeconds:F1} s");
                _stage = null;
            }
        }
    }
}
