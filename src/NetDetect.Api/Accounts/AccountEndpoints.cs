using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using NetDetect.Api.Batches;
using NetDetect.Api.Infrastructure;
using NetDetect.Api.Security;
using NetDetect.Api.Storage;

namespace NetDetect.Api.Accounts;

/// <summary>Account look-up: <c>/v1/accounts</c>.</summary>
public static class AccountEndpoints
{
    public static RouteGroupBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/accounts").WithTags("Accounts").RequireAuthorization(Policies.Submitter);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetAccount")
            .WithSummary("An account's latest verdict across batches, with its batch and model")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>The verdict from the most recently finished batch that scored the account.</summary>
    public static async Task<Results<Ok<VerdictDto>, ProblemHttpResult>> GetAsync(
        [Description("Account id as submitted (account_id)")] string id,
        IVerdictStore store,
        CancellationToken cancellationToken)
    {
        var verdict = await store.GetLatestVerdictAsync(id, cancellationToken);
        return verdict is null ? Problems.NotFound("scored account", id) : TypedResults.Ok(VerdictDto.From(verdict));
    }
}
