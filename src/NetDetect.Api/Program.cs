using NetDetect.Api.Accounts;
using NetDetect.Api.Batches;
using NetDetect.Api.Clusters;
using NetDetect.Api.Health;
using NetDetect.Api.Infrastructure;
using NetDetect.Api.Labels;
using NetDetect.Api.Models;
using NetDetect.Api.Review;
using NetDetect.Api.Reviews;
using NetDetect.Api.Security;

namespace NetDetect.Api;

/// <summary>The NetDetect verdict service, as a table of contents: services, pipeline, then one line per feature.</summary>
public partial class Program
{
    public static async Task Main(string[] args)
    {
        NetDetect.Core.Data.HugePages.AdviseManagedHeap();
        await Build(args).RunAsync();
    }

    /// <summary>Builds the app; <paramref name="configure"/> lets <c>netdetect serve</c> and tests add settings first.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddNetDetectServices();     // options, storage, worker, keys, rate limits, OpenAPI, metrics

        var app = builder.Build();
        app.UseNetDetectPipeline();         // problem details, 413, authentication, authorization, rate limits

        app.MapHealth();                    // /healthz, /readyz
        var v1 = app.MapGroup("/v1").RequireRateLimiting(PerKeyRateLimit.Name);
        v1.MapBatches();                    // POST /v1/batches, GET /v1/batches/{id}, GET /v1/batches/{id}/verdicts
        v1.MapAccounts();                   // GET /v1/accounts/{id}
        v1.MapClusters();                   // GET /v1/clusters, /v1/clusters/{id}, /v1/clusters/{id}/network.gexf
        v1.MapReviews();                    // POST/GET /v1/clusters/{id}/reviews
        v1.MapLabels();                     // GET /v1/labels
        v1.MapModels();                     // GET /v1/models, POST /v1/models/{id}/activate
        app.MapReview();                    // /review: the analyst page (static, embedded)
        app.MapApiDocs();                   // /openapi/v1.json, /scalar, /metrics
        return app;
    }
}
