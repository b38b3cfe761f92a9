using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using NetDetect.Api.Infrastructure;
using NetDetect.Api.Models;
using NetDetect.Api.Storage;
using NetDetect.Core.Data;

namespace NetDetect.Api.Processing;

/// <summary>Live progress of running batches, fresher than the copy the store gets once a second.</summary>
public sealed class BatchProgressBoard
{
    private readonly ConcurrentDictionary<string, StageProgress> _live = new(StringComparer.Ordinal);

    public void Set(string batchId, StageProgress progress) => _live[batchId] = progress;

    public void Clear(string batchId) => _live.TryRemove(batchId, out _);

    public StageProgress? Get(string batchId) => _live.TryGetValue(batchId, out var p) ? p : null;
}

/// <summary>
/// Runs queued batches with the configured concurrency. On start it re-queues every batch the store holds as
/// queued or running (running ones were interrupted by a crash or stop), so every accepted batch finishes.
/// </summary>
public sealed class BatchWorker(
    BatchQueue queue,
    IVerdictStore store,
    ModelRegistry models,
    BatchProgressBoard board,
    ServiceMetrics metrics,
    ServiceReadiness readiness,
    TimeProvider time,
    IOptions<ServiceOptions> options,
    ILogger<BatchWorker> log) : BackgroundService
{
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        await models.InitializeAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = await store.ListBatchesAsync([BatchStatus.Running, BatchStatus.Queued], stoppingToken);
        if (pending.Count > 0) log.LogInformation("Resuming {Count} queued or interrupted batches", pending.Count);
        await WarmUpAsync(stoppingToken);
        readiness.WorkerStarted = true;
        var workers = new List<Task>();
        for (int i = 0; i < options.Value.Concurrency; i++) workers.Add(Task.Run(() => ConsumeAsync(stoppingToken), stoppingToken));
        try
        {
            foreach (var batch in pending) await queue.EnqueueAsync(batch.Id, stoppingToken);
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: batches still running stay 'running' in the store and resume on the next start
        }
    }

    /// <summary>Scores a small simulated batch with the active model so the first real batch runs on compiled code.</summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.WarmUp) { readiness.WarmUp = "off"; return; }
        if (models.Active is not DetectionModel model) { readiness.WarmUp = "skipped: no model"; return; }
        readiness.WarmUp = "running";
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await model.WarmUpAsync(cancellationToken);
            readiness.WarmUp = $"ok ({clock.Elapsed.TotalSeconds:F1} s)";
            log.LogInformation("Warm-up batch scored in {Seconds:F1} s", clock.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // the service still works without it; only the first batch is slower
            readiness.WarmUp = $"failed: {e.GetType().Name}";
            log.LogWarning(e, "Warm-up batch failed");
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        await foreach (var id in queue.ReadAllAsync(stoppingToken))
        {
            if (!_inFlight.TryAdd(id, 0)) continue;
            try
            {
                await ProcessAsync(id, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                // a store outage must not kill the worker; the batch stays queued/running and resumes on restart
                log.LogError(e, "Batch {Batch} could not be processed", id);
            }
            finally
            {
                _inFlight.TryRemove(id, out _);
                board.Clear(id);
            }
        }
    }

    private async Task ProcessAsync(string id, CancellationToken stoppingToken)
    {
        var batch = await store.GetBatchAsync(id, stoppingToken);
        if (batch is null || batch.Status is BatchStatus.Succeeded or BatchStatus.Failed) return;
        var model = models.Active;
        if (model is null)
        {
            await store.FailBatchAsync(id, $"no model is active: {models.LoadError}", Now(), stoppingToken);
            metrics.BatchesCompleted.Add(1, new KeyValuePair<string, object?>("status", BatchStatus.Failed));
            return;
        }
        await store.MarkRunningAsync(id, Now(), stoppingToken);
        var clock = Stopwatch.StartNew();
        var progress = new StoreProgress(id, store, board, stoppingToken);
        string directory = Path.Combine(options.Value.BatchesDirectory, id);
        BatchOutcome outcome;
        try
        {
            // the cap holds for this batch's flow only (other batches running at the same time have their own)
            using var limit = options.Value.MemoryLimitBytes is { } bytes ? NetDetect.Core.Diagnostics.MemoryGuard.Limit(bytes) : null;
            outcome = await model.ScoreAsync(id, directory, progress, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (DataFormatException e)
        {
            await Fail(id, e.Message, stoppingToken);
            return;
        }
        catch (Exception e)
        {
            log.LogError(e, "Detection failed on batch {Batch}", id);
            await Fail(id, $"detection failed: {e.Message}", stoppingToken);
            return;
        }
        await store.CompleteBatchAsync(id, outcome, Now(), CancellationToken.None);
        metrics.BatchesCompleted.Add(1, new KeyValuePair<string, object?>("status", BatchStatus.Succeeded));
        metrics.AccountsScored.Add(outcome.Verdicts.Count, new KeyValuePair<string, object?>("model", outcome.ModelId));
        metrics.BatchDuration.Record(clock.Elapsed.TotalSeconds);
        log.LogInformation("Batch {Batch} scored {Accounts} accounts with {Model} in {Seconds:F1} s", id, outcome.Verdicts.Count, outcome.ModelId, clock.Elapsed.TotalSeconds);
    }

    private async Task Fail(string id, string error, CancellationToken ct)
    {
        await store.FailBatchAsync(id, error, Now(), ct);
        metrics.BatchesCompleted.Add(1, new KeyValuePair<string, object?>("status", BatchStatus.Failed));
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds() * Time.MicrosPerMilli;

    /// <summary>Publishes progress live and persists it at most once a second.</summary>
    private sealed class StoreProgress(string id, IVerdictStore store, BatchProgressBoard board, CancellationToken ct) : IProgress<StageProgress>
    {
        private long _lastWrite;
        private string? _lastStage;

        public void Report(StageProgress value)
        {
            board.Set(id, value);
            long now = Environment.TickCount64;
            if (value.Stage == _lastStage && now - Interlocked.Read(ref _lastWrite) < 1000) return;
            _lastStage = value.Stage;
            Interlocked.Exchange(ref _lastWrite, now);
            _ = PersistAsync(value);
        }

        private async Task PersistAsync(StageProgress value)
        {
            try
            {
                await store.UpdateProgressAsync(id, value.Stage, value.Fraction, ct);
            }
            catch (Exception)
            {
                // progress is advisory; the live board still has it
            }
        }
    }
}

/// <summary>What /readyz checks besides the store: the worker has resumed pending batches and a model is loaded.</summary>
public sealed class ServiceReadiness
{
    public volatile bool WorkerStarted;
    /// <summary>State of the start-up warm-up batch: off, running, ok (seconds), skipped or failed.</summary>
    public volatile string WarmUp = "pending";
}
