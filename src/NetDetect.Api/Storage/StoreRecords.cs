namespace NetDetect.Api.Storage;

/// <summary>Lifecycle of a batch.</summary>
public static class BatchStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>A submitted batch as stored; times are microseconds since the Unix epoch.</summary>
public sealed record BatchRecord
{
    public required string Id { get; init; }
    public string? IdempotencyKey { get; init; }
    public required string SubmittedBy { get; init; }
    public required string Status { get; init; }
    public string? Stage { get; init; }
    public double Fraction { get; init; }
    public required int Accounts { get; init; }
    public required int Posts { get; init; }
    public int? Coordinated { get; init; }
    public int? Suspicious { get; init; }
    public int? Clear { get; init; }
    public int? Clusters { get; init; }
    public string? ModelId { get; init; }
    public string? Error { get; init; }
    public required long CreatedAt { get; init; }
    public long? StartedAt { get; init; }
    public long? FinishedAt { get; init; }
    public int Attempts { get; init; }
}

/// <summary>One account's verdict in one batch, with the model that produced it.</summary>
public sealed record VerdictRecord(
    string BatchId,
    string AccountId,
    double Score,
    string Verdict,
    string? ClusterId,
    string Reasons,
    string ModelId,
    long ScoredAt);

/// <summary>
/// A reported cluster: members, score, evidence as JSON, and the network as GEXF; its modalities and first and last
/// co-share time (µs) are kept beside the JSON so lists can show them without reading every cluster's evidence.
/// </summary>
public sealed record ClusterRecord(
    string Id,
    string BatchId,
    double Score,
    IReadOnlyList<string> Members,
    string DetailJson,
    string Gexf,
    string ModelId,
    long CreatedAt,
    long Seq = 0,
    int ReviewCount = 0,
    IReadOnlyList<string>? Modalities = null,
    long? FirstShare = null,
    long? LastShare = null);

/// <summary>An analyst's decision on a cluster (append-only).</summary>
public sealed record ReviewRecord(
    string Id,
    string ClusterId,
    string Decision,
    string? Note,
    IReadOnlyList<string>? Accounts,
    string Reviewer,
    long CreatedAt,
    string? IdempotencyKey = null,
    long Seq = 0);

/// <summary>Everything a finished batch writes, in one transaction.</summary>
public sealed record BatchOutcome(
    string ModelId,
    IReadOnlyList<VerdictRecord> Verdicts,
    IReadOnlyList<ClusterRecord> Clusters);

/// <summary>Filter and keyset cursor for a page of a batch's verdicts (ordered by account id).</summary>
public sealed record VerdictQuery(string BatchId, string? Verdict, double? MinScore, string? AfterAccountId, int Limit);
