using Microsoft.Extensions.Options;
using NetDetect.Api.Infrastructure;
using NetDetect.Api.Storage;
using NetDetect.Core.Data;

namespace NetDetect.Api.Models;

/// <summary>A model ready to score batches; every verdict it produces carries its <see cref="Id"/>.</summary>
public interface ILoadedModel
{
    string Id { get; }

    /// <summary>Runs the detection pipeline on a batch's dataset directory and returns what the store keeps.</summary>
    Task<BatchOutcome> ScoreAsync(string batchId, string datasetDirectory, IProgress<StageProgress> progress, CancellationToken cancellationToken);
}

/// <summary>Loads a model zip into an <see cref="ILoadedModel"/> (the detection engine's loader).</summary>
public interface IModelLoader
{
    ILoadedModel Load(string id, string path);
}

/// <summary>A model file in the models directory.</summary>
public sealed record ModelFile(string Id, string Path, long Bytes, DateTime ModifiedUtc);

/// <summary>
/// The models directory and the active model. Activation loads the new model first and then swaps one reference,
/// so batches already running finish on the model they started with and no request sees a half-loaded one.
/// </summary>
public sealed class ModelRegistry(IOptions<ServiceOptions> options, IVerdictStore store, IModelLoader loader, ILogger<ModelRegistry> log)
{
    private const string ActiveSetting = "active_model";
    private readonly SemaphoreSlim _swap = new(1, 1);
    private ILoadedModel? _active;

    public string Directory { get; } = ResolveDirectory(options.Value);

    /// <summary>The model new batches use; null until one loaded.</summary>
    public ILoadedModel? Active => Volatile.Read(ref _active);

    /// <summary>Why no model is active, for /readyz.</summary>
    public string? LoadError { get; private set; }

    public IReadOnlyList<ModelFile> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return new DirectoryInfo(Directory).EnumerateFiles("*.zip")
            .Select(f => new ModelFile(System.IO.Path.GetFileNameWithoutExtension(f.Name), f.FullName, f.Length, f.LastWriteTimeUtc))
            .OrderBy(f => f.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Loads the persisted active model, else the configured default.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var id = await store.GetSettingAsync(ActiveSetting, cancellationToken) ?? options.Value.DefaultModel;
        var file = List().FirstOrDefault(m => m.Id == id);
        if (file is null)
        {
            LoadError = $"model '{id}' not found in {Directory}";
            log.LogWarning("No model loaded: {Reason}", LoadError);
            return;
        }
        try
        {
            Volatile.Write(ref _active, loader.Load(file.Id, file.Path));
            LoadError = null;
            log.LogInformation("Scoring with model {Model}", file.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LoadError = $"model '{id}' could not be loaded: {e.Message}";
            log.LogError(e, "Model {Model} could not be loaded", id);
        }
    }

    /// <summary>Loads <paramref name="id"/> and makes it active; returns null when no such model file exists.</summary>
    public async Task<ModelFile?> ActivateAsync(string id, CancellationToken cancellationToken)
    {
        var file = List().FirstOrDefault(m => m.Id == id);
        if (file is null) return null;
        await _swap.WaitAsync(cancellationToken);
        try
        {
            var loaded = loader.Load(file.Id, file.Path);
            await store.SetSettingAsync(ActiveSetting, file.Id, cancellationToken);
            Volatile.Write(ref _active, loaded);
            LoadError = null;
            log.LogInformation("Activated model {Model}", file.Id);
            return file;
        }
        finally
        {
            _swap.Release();
        }
    }

    private static string ResolveDirectory(ServiceOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ModelsDirectory)) return System.IO.Path.GetFullPath(options.ModelsDirectory);
        // the shipped models/ folder: beside the binaries, else in the working directory or one of its parents (a checkout)
        foreach (var start in new[] { AppContext.BaseDirectory, System.IO.Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "models");
                if (System.IO.Directory.Exists(candidate) && System.IO.Directory.EnumerateFiles(candidate, "*.zip").Any()) return candidate;
            }
        }
        return System.IO.Path.GetFullPath("models");
    }
}
