using Microsoft.AspNetCore.Http.HttpResults;
using NetDetect.Api.Security;
using NetDetect.Api.Storage;
using NetDetect.Core.Data;

namespace NetDetect.Api.Labels;

/// <summary>A training label from a review: <c>organic</c> for a dismissal, the cluster's operation name for a confirmation.</summary>
public sealed record LabelDto(string AccountId, string Label, string Decision, string ClusterId, string Reviewer, DateTime ReviewedAt);

/// <summary>Label export for retraining: <c>/v1/labels</c>.</summary>
public static class LabelEndpoints
{
    public const string ParquetMediaType = "application/vnd.apache.parquet";

    public static RouteGroupBuilder MapLabels(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/labels").WithTags("Labels").RequireAuthorization(Policies.Analyst);
        group.MapGet("/", GetAsync)
            .WithName("ExportLabels")
            .WithSummary("Every reviewed account as a label: JSON, or accounts.parquet (account_id, label) when Accept asks for Parquet")
            .Produces<IReadOnlyList<LabelDto>>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: ParquetMediaType);
        return group;
    }

    /// <summary>The latest confirmed/dismissed decision per account wins; escalations label nothing.</summary>
    public static async Task<Results<Ok<IReadOnlyList<LabelDto>>, FileContentHttpResult>> GetAsync(HttpRequest request, IVerdictStore store, CancellationToken cancellationToken)
    {
        var labels = Derive(await store.ListAllReviewsAsync(cancellationToken));
        bool parquet = request.Headers.Accept.Any(a => a is not null && (a.Contains(ParquetMediaType, StringComparison.OrdinalIgnoreCase) || a.Contains("application/x-parquet", StringComparison.OrdinalIgnoreCase)));
        if (!parquet) return TypedResults.Ok(labels);
        // the export is an accounts.parquet in the canonical schema, so `netdetect train` reads it as is
        string path = Path.Combine(Path.GetTempPath(), $"netdetect-labels-{Guid.NewGuid():N}.parquet");
        try
        {
            await using (var writer = await AccountsParquetWriter.CreateAsync(path, cancellationToken))
                await writer.WriteRowGroupAsync(labels.Select(l => new AccountRecord { AccountId = l.AccountId, Label = l.Label }).ToList(), cancellationToken);
            return TypedResults.File(await File.ReadAllBytesAsync(path, cancellationToken), ParquetMediaType, "labels.parquet");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Replays reviews in order; each covered account keeps its last deciding review.</summary>
    public static IReadOnlyList<LabelDto> Derive(IReadOnlyList<(ReviewRecord Review, IReadOnlyList<string> Members)> reviews)
    {
        var latest = new Dictionary<string, LabelDto>(StringComparer.Ordinal);
        foreach (var (review, members) in reviews)
        {
            if (review.Decision is not ("confirmed" or "dismissed")) continue;
            string label = review.Decision == "dismissed" ? "organic" : $"netdetect_cluster_{review.ClusterId}";
            foreach (var account in review.Accounts ?? members)
                latest[account] = new LabelDto(account, label, review.Decision, review.ClusterId, review.Reviewer, Time.ToDateTime(review.CreatedAt));
        }
        return latest.Values.OrderBy(l => l.AccountId, StringComparer.Ordinal).ToList();
    }
}
