using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using NetDetect.Api.Infrastructure;
using NetDetect.Api.Security;

namespace NetDetect.Api.Models;

/// <summary>A model file and whether new batches are scored with it.</summary>
public sealed record ModelDto(string Id, bool Active, long Bytes, DateTime ModifiedAt);

/// <summary>Model listing and activation: <c>/v1/models</c>.</summary>
public static class ModelEndpoints
{
    public static RouteGroupBuilder MapModels(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/models").WithTags("Models").RequireAuthorization(Policies.Analyst);
        group.MapGet("/", List)
            .WithName("ListModels")
            .WithSummary("Models in the models directory and which one is active");
        group.MapPost("/{id}/activate", ActivateAsync)
            .WithName("ActivateModel")
            .WithSummary("Load a model and score new batches with it, without a restart (admin)")
            .RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    /// <summary>Lists the model files.</summary>
    public static Ok<IReadOnlyList<ModelDto>> List(ModelRegistry models)
    {
        string? active = models.Active?.Id;
        return TypedResults.Ok<IReadOnlyList<ModelDto>>(models.List().Select(m => new ModelDto(m.Id, m.Id == active, m.Bytes, m.ModifiedUtc)).ToList());
    }

    /// <summary>Activates a model; batches already running finish on the model they started with.</summary>
    public static async Task<Results<Ok<ModelDto>, ProblemHttpResult>> ActivateAsync(
        [Description("Model id: the file name without .zip")] string id,
        ModelRegistry models,
        CancellationToken cancellationToken)
    {
        try
        {
            var file = await models.ActivateAsync(id, cancellationToken);
            return file is null ? Problems.NotFound("model", id) : TypedResults.Ok(new ModelDto(file.Id, true, file.Bytes, file.ModifiedUtc));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Problems.Status(StatusCodes.Status422UnprocessableEntity, "Unprocessable Model", $"Model '{id}' could not be loaded: {e.Message}");
        }
    }
}
