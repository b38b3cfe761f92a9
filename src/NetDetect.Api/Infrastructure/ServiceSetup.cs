using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using NetDetect.Api.Models;
using NetDetect.Api.Processing;
using NetDetect.Api.Security;
using NetDetect.Api.Storage;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

namespace NetDetect.Api.Infrastructure;

/// <summary>Service registration and the middleware pipeline, kept out of Program.cs so it reads as a table of contents.</summary>
public static class ServiceSetup
{
    public static WebApplicationBuilder AddNetDetectServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ServiceOptions>().BindConfiguration(ServiceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);
        services.AddSingleton(TimeProvider.System);

        // storage: SQLite under the data directory unless PostgreSQL is configured
        services.AddSingleton<SqlDialect>(sp => CreateDialect(sp.GetRequiredService<IOptions<ServiceOptions>>().Value, sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<IVerdictStore>(sp => new SqlVerdictStore(sp.GetRequiredService<SqlDialect>()));

        // processing
        services.AddSingleton<BatchQueue>();
        services.AddSingleton<BatchProgressBoard>();
        services.AddSingleton<ServiceReadiness>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<IModelLoader, DetectionModelLoader>();
        services.AddHostedService<BatchWorker>();

        // security: API keys, roles, per-key rate limits, body size limit
        services.AddSingleton(sp => CreateKeyRing(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOptions<ServiceOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("NetDetect.Api.Security")));
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Submitter, p => p.RequireRole(nameof(ApiRole.Submitter)))
            .AddPolicy(Policies.Analyst, p => p.RequireRole(nameof(ApiRole.Analyst)))
            .AddPolicy(Policies.Admin, p => p.RequireRole(nameof(ApiRole.Admin)));
        services.AddRateLimiter(o => o.AddPolicy<string, PerKeyRateLimit>(PerKeyRateLimit.Name));
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServiceOptions>>((k, o) => k.Limits.MaxRequestBodySize = o.Value.MaxRequestBytes);
        services.AddOptions<FormOptions>().Configure<IOptions<ServiceOptions>>((f, o) => f.MultipartBodyLengthLimit = o.Value.MaxRequestBytes);

        // errors leave as RFC 9457 problem details
        services.AddProblemDetails();
        services.AddExceptionHandler<RequestExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = null;
        });

        // documentation and telemetry
        services.AddOpenApi(o => o.AddDocumentTransformer<ApiKeyDocumentTransformer>());
        services.AddSingleton<ServiceMetrics>();
        var otel = services.AddOpenTelemetry().WithMetrics(m =>
        {
            m.AddMeter(ServiceMetrics.MeterName).AddAspNetCoreInstrumentation().AddPrometheusExporter();
            if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) m.AddOtlpExporter();
        });
        return builder;
    }

    public static WebApplication UseNetDetectPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RejectOversizeBodies);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>OpenAPI document, Scalar reference and the Prometheus scrape endpoint.</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference().AllowAnonymous();
        app.MapPrometheusScrapingEndpoint().AllowAnonymous();
        return app;
    }

    /// <summary>Answers 413 before reading a body whose declared length is over the limit (Kestrel enforces it for chunked bodies).</summary>
    private static async Task RejectOversizeBodies(HttpContext context, Func<Task> next)
    {
        long max = context.RequestServices.GetRequiredService<IOptions<ServiceOptions>>().Value.MaxRequestBytes;
        if (context.Request.ContentLength is { } length && length > max)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = 413, Title = "Content Too Large", Detail = $"The body is {length:N0} bytes; the limit is {max:N0}." },
            });
            return;
        }
        await next();
    }

    private static SqlDialect CreateDialect(ServiceOptions service, StorageOptions storage)
    {
        switch (storage.Provider.ToLowerInvariant())
        {
            case "sqlite":
                var cs = string.IsNullOrWhiteSpace(storage.ConnectionString)
                    ? $"Data Source={Path.Combine(Path.GetFullPath(service.DataDirectory), "netdetect.db")}"
                    : storage.ConnectionString;
                return new SqliteDialect(cs);
            case "postgres" or "postgresql":
                if (string.IsNullOrWhiteSpace(storage.ConnectionString))
                    throw new OptionsValidationException(StorageOptions.Section, typeof(StorageOptions), ["Storage:Provider=postgres needs Storage:ConnectionString"]);
                return new PostgresDialect(storage.ConnectionString);
            default:
                throw new OptionsValidationException(StorageOptions.Section, typeof(StorageOptions), [$"Storage:Provider '{storage.Provider}' is not sqlite or postgres"]);
        }
    }

    /// <summary>Keys from <c>Auth:Keys</c> and <c>NETDETECT_API_KEYS</c>; with none, an admin key is generated once into the data directory.</summary>
    private static ApiKeyRing CreateKeyRing(IConfiguration configuration, ServiceOptions options, ILogger log)
    {
        var keys = new List<ApiKey>();
        foreach (var k in configuration.GetSection("Auth:Keys").Get<List<ApiKeyConfig>>() ?? [])
        {
            if (string.IsNullOrEmpty(k.Key) || !ApiKeyRing.TryParseRole(k.Role, out var role))
                throw new OptionsValidationException("Auth:Keys", typeof(ApiKeyConfig), [$"Auth:Keys entry '{k.Name}' needs a key and a role (submitter, analyst, admin)"]);
            keys.Add(new ApiKey(k.Key, role, k.Name ?? k.Role.ToLowerInvariant()));
        }
        keys.AddRange(ApiKeyRing.Parse(configuration["NETDETECT_API_KEYS"]));
        if (keys.Count == 0)
        {
            string path = Path.Combine(Path.GetFullPath(options.DataDirectory), "admin.key");
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant() + Environment.NewLine);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            keys.Add(new ApiKey(File.ReadAllText(path).Trim(), ApiRole.Admin, "admin"));
            // the path, never the key: keys are not logged
            log.LogWarning("No API keys configured (NETDETECT_API_KEYS or Auth:Keys); using the admin key stored in {Path}", path);
        }
        return new ApiKeyRing(keys);
    }
}
