namespace NetDetect.Api.Storage;

/// <summary>
/// The service's durable state: batches, verdicts, clusters, reviews and settings. Writes that may be repeated
/// after a crash (a batch's outcome, a review with an idempotency key) are keyed so a repeat changes nothing.
/// </summary>
public interface IVerdictStore
{
    /// <summary>Creates tables and indexes if missing.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts a queued batch; when its idempotency key is taken, returns the batch that holds it instead.</summary>
    Task<(BatchRecord Batch, bool Created)> CreateBatchAsync(BatchRecord batch, CancellationToken cancellationToken = default);

    Task<BatchRecord?> FindBatchByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default);

    Task<BatchRecord?> GetBatchAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Batches with one of the given statuses, oldest first.</summary>
    Task<IReadOnlyList<BatchRecord>> ListBatchesAsync(IReadOnlyCollection<string> statuses, CancellationToken cancellationToken = default);

    /// <summary>Moves a queued (or interrupted running) batch to running and counts the attempt.</summary>
    Task MarkRunningAsync(string id, long now, CancellationToken cancellationToken = default);

    Task UpdateProgressAsync(string id, string stage, double fraction, CancellationToken cancellationToken = default);

    /// <summary>Replaces the batch's verdicts and clusters with <paramref name="outcome"/> and marks it succeeded, atomically.</summary>
    Task CompleteBatchAsync(string id, BatchOutcome outcome, long now, CancellationToken cancellationToken = default);

    Task FailBatchAsync(string id, string error, long now, CancellationToken cancellationToken = default);

    /// <summary>One page of a batch's verdicts, ordered by account id, after the cursor.</summary>
    Task<IReadOnlyList<VerdictRecord>> GetVerdictsAsync(VerdictQuery query, CancellationToken cancellationToken = default);

    /// <summary>The account's verdict from the most recently finished batch that scored it.</summary>
    Task<VerdictRecord?> GetLatestVerdictAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>Clusters in creation order after <paramref name="afterSeq"/>; <paramref name="reviewed"/> filters on having any review.</summary>
    Task<IReadOnlyList<ClusterRecord>> ListClustersAsync(bool? reviewed, long afterSeq, int limit, CancellationToken cancellationToken = default);

    Task<ClusterRecord?> GetClusterAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Appends a review; a repeat of the same (cluster, idempotency key) returns the first review and <c>Created = false</c>.</summary>
    Task<(ReviewRecord Review, bool Created)> AddReviewAsync(ReviewRecord review, CancellationToken cancellationToken = default);

    /// <summary>A cluster's reviews, oldest first.</summary>
    Task<IReadOnlyList<ReviewRecord>> ListReviewsAsync(string clusterId, CancellationToken cancellationToken = default);

    /// <summary>Every review, oldest first, with its cluster's members (the input of the label export).</summary>
    Task<IReadOnlyList<(ReviewRecord Review, IReadOnlyList<string> Members)>> ListAllReviewsAsync(CancellationToken cancellationToken = default);

    Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default);

    Task SetSettingAsync(string name, string value, CancellationToken cancellationToken = default);
}
