using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using NetDetect.Core.Data;

namespace NetDetect.Api.Infrastructure;

/// <summary>One data problem as the API reports it: where (file or table, field, row) and why.</summary>
public sealed record ProblemItem(string Severity, string File, string? Field, long? Row, int? RowGroup, string Reason, long Count);

/// <summary>Builders for the RFC 9457 problem responses the endpoints return.</summary>
public static class Problems
{
    public static ProblemHttpResult Status(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static ProblemHttpResult NotFound(string what, string id) =>
        Status(StatusCodes.Status404NotFound, "Not Found", $"No {what} with id '{id}'.");

    public static ProblemHttpResult BadRequest(string detail) =>
        Status(StatusCodes.Status400BadRequest, "Bad Request", detail);

    /// <summary>A 400 listing every problem found in the submitted data.</summary>
    public static ProblemHttpResult InvalidData(IEnumerable<DataProblem> problems, Func<string, string> fileName)
    {
        var items = problems
            .Select(p => new ProblemItem(p.Severity == ProblemSeverity.Error ? "error" : "warning", fileName(p.File), p.Column, p.Row, p.RowGroup, p.Message, p.Count))
            .ToList();
        int errors = items.Count(i => i.Severity == "error");
        return TypedResults.Problem(
            detail: $"The batch has {errors} problem{(errors == 1 ? "" : "s")}; nothing was queued. Each item of 'problems' names the file, field and row.",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid batch",
            type: "https://netdetect.dev/problems/invalid-batch",
            extensions: new Dictionary<string, object?> { ["problems"] = items });
    }
}

/// <summary>Turns request-level exceptions into problem responses: oversize bodies (413), bad requests (400).</summary>
public sealed class RequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        (int status, string title, string detail) = exception switch
        {
            BadHttpRequestException { StatusCode: 413 } => (413, "Content Too Large", "The request body is larger than the service accepts."),
            InvalidDataException e when e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) => (413, "Content Too Large", e.Message),
            BadHttpRequestException e => (e.StatusCode, "Bad Request", e.Message),
            _ => (500, "Internal Server Error", "The service failed to handle the request; the error is in its log."),
        };
        if (context.Response.HasStarted) return false;
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
