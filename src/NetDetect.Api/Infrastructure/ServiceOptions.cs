using System.ComponentModel.DataAnnotations;

namespace NetDetect.Api.Infrastructure;

/// <summary>Where the service keeps its data and which model it starts with; defaults make a bare <c>netdetect serve</c> work.</summary>
public sealed class ServiceOptions
{
    public const string Section = "NetDetect";

    /// <summary>Batches, the SQLite store and a generated admin key live here.</summary>
    [Required]
    public string DataDirectory { get; set; } = "netdetect-data";

    /// <summary>Directory of model zips; empty means the shipped <c>models/</c> found beside the binaries or in the working directory.</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>Model used until an admin activates another (file name without <c>.zip</c>).</summary>
    public string DefaultModel { get; set; } = "netdetect-default";

    /// <summary>Batches scored at the same time.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 1;

    /// <summary>Batches waiting in memory; beyond this a submission is refused with 503 until the queue drains.</summary>
    [Range(1, 100_000)]
    public int QueueCapacity { get; set; } = 256;

    /// <summary>Largest request body accepted (bytes); larger ones get 413.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Requests per second each API key may make (token bucket refilled every second).</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerSecond { get; set; } = 2_000;

    /// <summary>Burst above the steady rate each key may spend.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 4_000;

    /// <summary>
    /// Cap on the managed heap while a batch is scored (bytes); empty = 75% of the memory the process can use. A batch
    /// whose network would pass it fails with a message naming what did not fit, and the service goes on (without a
    /// cap the kernel would kill the whole process when memory runs out). See the CLI's <c>--memory-limit</c>.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long? MemoryLimitBytes { get; set; }

    /// <summary>Network-builder threads per batch.</summary>
    [Range(1, 256)]
    public int DetectionThreads { get; set; } = 2;

    /// <summary>
    /// Before reporting ready, score a small simulated batch once so the first real batch does not pay for JIT
    /// compilation of the whole pipeline (about a second of CPU on 2 cores).
    /// </summary>
    public bool WarmUp { get; set; } = true;

    public string BatchesDirectory => Path.Combine(Path.GetFullPath(DataDirectory), "batches");
}

/// <summary>Which <see cref="Storage.IVerdictStore"/> backs the service.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>sqlite</c> (default, a WAL file in the data directory) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Connection string; for SQLite empty means <c>{DataDirectory}/netdetect.db</c>.</summary>
    public string? ConnectionString { get; set; }
}
