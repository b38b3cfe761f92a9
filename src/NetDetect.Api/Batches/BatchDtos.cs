using NetDetect.Api.Storage;
using NetDetect.Core.Data;

namespace NetDetect.Api.Batches;

/// <summary>Where a batch's processing is.</summary>
public sealed record BatchProgressDto(string? Stage, double Fraction);

/// <summary>How many rows a batch had and how its accounts were judged.</summary>
public sealed record BatchCountsDto(int Accounts, int Posts, int? Coordinated, int? Suspicious, int? Clear, int? Clusters);

/// <summary>A batch: status queued | running | succeeded | failed.</summary>
public sealed record BatchDto(
    string Id,
    string Status,
    BatchProgressDto Progress,
    BatchCountsDto Counts,
    string? ModelId,
    string? Error,
    string SubmittedBy,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt)
{
    public static BatchDto From(BatchRecord b, StageProgress? live) => new(
        b.Id,
        b.Status,
        live is { } p && b.Status == BatchStatus.Running ? new BatchProgressDto(p.Stage, p.Fraction) : new BatchProgressDto(b.Stage, b.Fraction),
        new BatchCountsDto(b.Accounts, b.Posts, b.Coordinated, b.Suspicious, b.Clear, b.Clusters),
        b.ModelId,
        b.Error,
        b.SubmittedBy,
        Time.ToDateTime(b.CreatedAt),
        b.StartedAt is { } s ? Time.ToDateTime(s) : null,
        b.FinishedAt is { } f ? Time.ToDateTime(f) : null);
}

/// <summary>One account's verdict: calibrated score, band, cluster, reasons, and the batch and model behind it.</summary>
public sealed record VerdictDto(string AccountId, string BatchId, double Score, string Verdict, string? ClusterId, string Reasons, string ModelId, DateTime ScoredAt)
{
    public static VerdictDto From(VerdictRecord v) => new(v.AccountId, v.BatchId, v.Score, v.Verdict, v.ClusterId, v.Reasons, v.ModelId, Time.ToDateTime(v.ScoredAt));
}

/// <summary>A page of items; pass <c>next_cursor</c> as <c>cursor</c> for the next page (null at the end).</summary>
public sealed record PageDto<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>JSON batch body: the schema's account and post fields, snake_case.</summary>
public sealed record BatchJsonBody(IReadOnlyList<Dictionary<string, object?>> Accounts, IReadOnlyList<Dictionary<string, object?>> Posts);

/// <summary>Opaque page cursors (base64url of the last key).</summary>
public static class Cursor
{
    public static string Encode(string key) => Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Encode(System.Text.Encoding.UTF8.GetBytes(key));

    public static bool TryDecode(string? cursor, out string? key)
    {
        key = null;
        if (string.IsNullOrEmpty(cursor)) return true;
        try
        {
            key = System.Text.Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Decode(cursor));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
