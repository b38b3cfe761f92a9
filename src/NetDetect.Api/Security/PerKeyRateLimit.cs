using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using NetDetect.Api.Infrastructure;

namespace NetDetect.Api.Security;

/// <summary>A token bucket per API key (partitioned by the key's name, never the secret); 429 ProblemDetails when empty.</summary>
public sealed class PerKeyRateLimit(IOptions<ServiceOptions> options, IProblemDetailsService problems) : IRateLimiterPolicy<string>
{
    public const string Name = "per-key";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, _) =>
    {
        var http = context.HttpContext;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        int retry = 1;
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)) retry = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds));
        http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = 429,
                Title = "Too Many Requests",
                Detail = $"This API key may make {options.Value.RequestsPerSecond} requests per second (burst {options.Value.Burst}); retry after {retry} s.",
            },
        });
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        string partition = httpContext.User.Identity?.IsAuthenticated == true
            ? "key:" + httpContext.User.Identity.Name
            : "ip:" + httpContext.Connection.RemoteIpAddress;
        var o = options.Value;
        return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = o.Burst,
            TokensPerPeriod = o.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
