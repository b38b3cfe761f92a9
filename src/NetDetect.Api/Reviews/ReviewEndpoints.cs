using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NetDetect.Api.Infrastructure;
using NetDetect.Api.Security;
using NetDetect.Api.Storage;
using NetDetect.Core.Data;

namespace NetDetect.Api.Reviews;

/// <summary>An analyst's decision: confirmed, dismissed or escalated, optionally for some of the cluster's accounts.</summary>
public sealed record ReviewRequest(
    [property: Description("confirmed, dismissed or escalated")] string? Decision,
    [property: Description("Free text kept with the review")] string? Note,
    [property: Description("The members the decision covers; all members when absent")] IReadOnlyList<string>? Accounts);

/// <summary>A stored review with its reviewer (the API key's name) and time.</summary>
public sealed record ReviewDto(string Id, string ClusterId, string Decision, string? Note, IReadOnlyList<string>? Accounts, string Reviewer, DateTime CreatedAt)
{
    public static ReviewDto From(ReviewRecord r) => new(r.Id, r.ClusterId, r.Decision, r.Note, r.Accounts, r.Reviewer, Time.ToDateTime(r.CreatedAt));
}

/// <summary>Append-only cluster reviews: <c>/v1/clusters/{id}/reviews</c>.</summary>
public static class ReviewEndpoints
{
    public static readonly string[] Decisions = ["confirmed", "dismissed", "escalated"];

    public static RouteGroupBuilder MapReviews(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/clusters/{id}/reviews").WithTags("Reviews").RequireAuthorization(Policies.Analyst);
        group.MapPost("/", AddAsync)
            .WithName("AddReview")
            .WithSummary("Record a decision on a cluster (append-only)")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListAsync)
            .WithName("ListReviews")
            .WithSummary("A cluster's reviews, oldest first")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Appends a review; a repeat with the same Idempotency-Key returns the first one (200) instead of a second (201).</summary>
    public static async Task<Results<Created<ReviewDto>, Ok<ReviewDto>, ProblemHttpResult>> AddAsync(
        [Description("Cluster id")] string id,
        ReviewRequest body,
        [FromHeader(Name = "Idempotency-Key"), Description("Optional client key: a retry with the same key records nothing new")] string? idempotencyKey,
        ClaimsPrincipal user,
        IVerdictStore store,
        ServiceMetrics metrics,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (body.Decision is null || !Decisions.Contains(body.Decision))
            return Problems.BadRequest($"decision must be one of {string.Join(", ", Decisions)}.");
        if (body.Note is { Length: > 10_000 }) return Problems.BadRequest("note is longer than 10,000 characters.");
        var cluster = await store.GetClusterAsync(id, cancellationToken);
        if (cluster is null) return Problems.NotFound("cluster", id);
        if (body.Accounts is { } accounts)
        {
            var members = cluster.Members.ToHashSet(StringComparer.Ordinal);
            var strangers = accounts.Where(a => !members.Contains(a)).ToList();
            if (accounts.Count == 0) return Problems.BadRequest("accounts, when given, must list at least one member.");
            if (strangers.Count > 0) return Problems.BadRequest($"accounts not in cluster '{id}': {string.Join(", ", strangers.Take(20))}.");
        }
        var review = new ReviewRecord(Guid.CreateVersion7().ToString("N"), id, body.Decision, body.Note, body.Accounts?.Distinct(StringComparer.Ordinal).ToList(),
            user.Identity(), time.GetUtcNow().ToUnixTimeMilliseconds() * Time.MicrosPerMilli, string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey);
        var (stored, created) = await store.AddReviewAsync(review, cancellationToken);
        if (!created) return TypedResults.Ok(ReviewDto.From(stored));
        metrics.ReviewsRecorded.Add(1, new KeyValuePair<string, object?>("decision", stored.Decision));
        return TypedResults.Created($"/v1/clusters/{id}/reviews", ReviewDto.From(stored));
    }

    /// <summary>Lists a cluster's reviews.</summary>
    public static async Task<Results<Ok<IReadOnlyList<ReviewDto>>, ProblemHttpResult>> ListAsync(
        [Description("Cluster id")] string id,
        IVerdictStore store,
        CancellationToken cancellationToken)
    {
        if (await store.GetClusterAsync(id, cancellationToken) is null) return Problems.NotFound("cluster", id);
        var reviews = await store.ListReviewsAsync(id, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ReviewDto>>(reviews.Select(ReviewDto.From).ToList());
    }
}
