using System.ComponentModel;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using NetDetect.Api.Batches;
using NetDetect.Api.Infrastructure;
using NetDetect.Api.Security;
using NetDetect.Api.Storage;
using NetDetect.Core.Data;

namespace NetDetect.Api.Clusters;

/// <summary>
/// A cluster in a list: status open until its first review; the modalities its members co-shared in and the first and
/// last co-share (null for clusters stored before the service kept them).
/// </summary>
public sealed record ClusterSummaryDto(string Id, string BatchId, string Status, double Score, int Size, string ModelId, DateTime CreatedAt, int Reviews,
    IReadOnlyList<string>? Modalities, DateTime? FirstShare, DateTime? LastShare)
{
    public static ClusterSummaryDto From(ClusterRecord c) =>
        new(c.Id, c.BatchId, c.ReviewCount > 0 ? "reviewed" : "open", c.Score, c.Members.Count, c.ModelId, Time.ToDateTime(c.CreatedAt), c.ReviewCount,
            c.Modalities, c.FirstShare is { } f ? Time.ToDateTime(f) : null, c.LastShare is { } l ? Time.ToDateTime(l) : null);
}

/// <summary>A cluster with its members (scores, reasons) and evidence (shared objects, post ids, Δt, timeline).</summary>
public sealed record ClusterDto(string Id, string BatchId, string Status, double Score, int Size, string ModelId, DateTime CreatedAt, int Reviews, IReadOnlyList<string> Members, JsonElement Detail);

/// <summary>Clusters for analysts: <c>/v1/clusters</c>.</summary>
public static class ClusterEndpoints
{
    public static RouteGroupBuilder MapClusters(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/clusters").WithTags("Clusters").RequireAuthorization(Policies.Analyst);
        group.MapGet("/", ListAsync)
            .WithName("ListClusters")
            .WithSummary("Clusters in the order they were found, optionally only open or reviewed ones")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetCluster")
            .WithSummary("A cluster's members with scores and reasons, and its evidence")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/network.gexf", GetGexfAsync)
            .WithName("GetClusterNetwork")
            .WithSummary("The cluster's coordination network as GEXF 1.3 (Gephi)")
            .Produces<string>(StatusCodes.Status200OK, "application/gexf+xml")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Lists clusters after the cursor.</summary>
    public static async Task<Results<Ok<PageDto<ClusterSummaryDto>>, ProblemHttpResult>> ListAsync(
        [Description("open (no review yet) or reviewed; all when absent")] string? status,
        [Description("Cursor from the previous page's next_cursor")] string? cursor,
        [Description("Page size, 1 to 500 (default 50)")] int? limit,
        IVerdictStore store,
        CancellationToken cancellationToken)
    {
        bool? reviewed = status switch
        {
            null => null,
            "open" => false,
            "reviewed" => true,
            _ => (bool?)null,
        };
        if (status is not null and not ("open" or "reviewed")) return Problems.BadRequest($"status must be open or reviewed, not '{status}'.");
        int size = limit ?? 50;
        if (size is < 1 or > 500) return Problems.BadRequest("limit must be between 1 and 500.");
        long after = 0;
        if (!Cursor.TryDecode(cursor, out var key) || (key is not null && !long.TryParse(key, out after)))
            return Problems.BadRequest("cursor is not one this service issued.");
        var rows = await store.ListClustersAsync(reviewed, after, size + 1, cancellationToken);
        var items = rows.Take(size).ToList();
        string? next = rows.Count > size ? Cursor.Encode(items[^1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
        return TypedResults.Ok(new PageDto<ClusterSummaryDto>(items.Select(ClusterSummaryDto.From).ToList(), next));
    }

    /// <summary>Returns one cluster with its evidence.</summary>
    public static async Task<Results<Ok<ClusterDto>, ProblemHttpResult>> GetAsync(
        [Description("Cluster id ({batch id}.{n})")] string id,
        IVerdictStore store,
        CancellationToken cancellationToken)
    {
        var c = await store.GetClusterAsync(id, cancellationToken);
        if (c is null) return Problems.NotFound("cluster", id);
        using var detail = JsonDocument.Parse(c.DetailJson);
        return TypedResults.Ok(new ClusterDto(c.Id, c.BatchId, c.ReviewCount > 0 ? "reviewed" : "open", c.Score, c.Members.Count, c.ModelId,
            Time.ToDateTime(c.CreatedAt), c.ReviewCount, c.Members, detail.RootElement.Clone()));
    }

    /// <summary>Returns the cluster's network as GEXF.</summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetGexfAsync(
        [Description("Cluster id")] string id,
        IVerdictStore store,
        CancellationToken cancellationToken)
    {
        var c = await store.GetClusterAsync(id, cancellationToken);
        return c is null ? Problems.NotFound("cluster", id) : TypedResults.Text(c.Gexf, "application/gexf+xml", System.Text.Encoding.UTF8);
    }
}
