using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace NetDetect.Api.Security;

/// <summary>Authenticates <c>X-Api-Key</c>; answers 401 and 403 as ProblemDetails. The key itself is never logged.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRing keys,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
            return Task.FromResult(AuthenticateResult.NoResult());
        var key = keys.Find(values[0]!);
        if (key is null) return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
        var claims = new List<Claim> { new(ClaimTypes.Name, key.Name) };
        // roles nest: an admin is also an analyst and a submitter
        foreach (var role in Enum.GetValues<ApiRole>())
            if (role <= key.Role) claims.Add(new Claim(ClaimTypes.Role, role.ToString()));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        bool presented = Request.Headers.ContainsKey(Header);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{Header}";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = 401,
                Title = "Unauthorized",
                Detail = presented ? $"The {Header} header does not hold a known API key." : $"Every /v1 endpoint needs an {Header} header.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var role = Context.User.FindAll(ClaimTypes.Role).Select(c => c.Value).LastOrDefault() ?? "none";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = 403,
                Title = "Forbidden",
                Detail = $"This endpoint needs a higher role than the key's ({role.ToLowerInvariant()}).",
            },
        });
    }
}

/// <summary>Authorization policy names, one per role.</summary>
public static class Policies
{
    public const string Submitter = "submitter";
    public const string Analyst = "analyst";
    public const string Admin = "admin";

    /// <summary>The reviewer/submitter identity: the key's configured name.</summary>
    public static string Identity(this ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
