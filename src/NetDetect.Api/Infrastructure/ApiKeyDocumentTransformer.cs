using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace NetDetect.Api.Infrastructure;

/// <summary>Declares the <c>X-Api-Key</c> header scheme in the OpenAPI document and requires it on every /v1 operation.</summary>
public sealed class ApiKeyDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "NetDetect verdict service";
        document.Info.Description = "Submit account batches, fetch verdicts, review clusters and export labels. Every /v1 endpoint needs an X-Api-Key header; roles: submitter < analyst < admin. Errors are RFC 9457 problem details.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-Api-Key",
            Description = "API key from NETDETECT_API_KEYS (key:role[:name],...) or Auth:Keys",
        };
        var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] };
        foreach (var (path, item) in document.Paths)
        {
            if (!path.StartsWith("/v1", StringComparison.Ordinal) || item.Operations is null) continue;
            foreach (var operation in item.Operations.Values)
            {
                operation.Security ??= [];
                operation.Security.Add(requirement);
            }
        }
        return Task.CompletedTask;
    }
}
