using Microsoft.AspNetCore.Http.HttpResults;
using NetDetect.Api.Models;
using NetDetect.Api.Processing;
using NetDetect.Api.Storage;

namespace NetDetect.Api.Health;

/// <summary>Readiness: each check and whether it passed.</summary>
public sealed record ReadinessDto(string Status, IReadOnlyDictionary<string, string> Checks);

/// <summary>Liveness and readiness probes (no API key): <c>/healthz</c>, <c>/readyz</c>.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Live).WithTags("Health").WithName("Healthz").WithSummary("The process is up").AllowAnonymous().DisableRateLimiting();
        app.MapGet("/readyz", ReadyAsync).WithTags("Health").WithName("Readyz")
            .WithSummary("The store answers, pending batches were resumed and a model is loaded").AllowAnonymous().DisableRateLimiting();
        return app;
    }

    public static Ok<string> Live() => TypedResults.Ok("ok");

    public static async Task<Results<Ok<ReadinessDto>, JsonHttpResult<ReadinessDto>>> ReadyAsync(
        IVerdictStore store, ModelRegistry models, ServiceReadiness readiness, CancellationToken cancellationToken)
    {
        var checks = new Dictionary<string, string>();
        bool ok = true;
        try
        {
            await store.GetSettingAsync("active_model", cancellationToken);
            checks["store"] = "ok";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ok = false;
            checks["store"] = $"failed: {e.GetType().Name}";
        }
        checks["worker"] = readiness.WorkerStarted ? "ok" : "starting";
        ok &= readiness.WorkerStarted;
        checks["warm_up"] = readiness.WarmUp;
        checks["model"] = models.Active is { } m ? m.Id : models.LoadError ?? "not loaded";
        ok &= models.Active is not null;
        var body = new ReadinessDto(ok ? "ready" : "not ready", checks);
        return ok ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
