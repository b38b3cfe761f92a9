
namespace NetDetect.Api.Review;

/// <summary>The analyst review page at <c>/review</c>: static HTML/CSS/JS embedded in this assembly, so it works offline and from any working directory.</summary>
public static class ReviewPage
{
    private const string Prefix = "review/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
        [".LICENSE"] = "text/plain; charset=utf-8",
    };

    /// <summary>Maps <c>/review</c> (the page) and <c>/review/{file}</c> (its assets); no key needed, the page asks for one and sends it to /v1.</summary>
    public static IEndpointConventionBuilder MapReview(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/review").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/", () => Serve("index.html"));
        group.MapGet("/{*file}", (string file) => Serve(file));
        return group;
    }

    private static IResult Serve(string file)
    {
        var assembly = typeof(ReviewPage).Assembly;
        // names are the logical names given in the csproj: only files shipped there can be read
        var stream = assembly.GetManifestResourceStream(Prefix + file);
        if (stream is null) return Results.NotFound();
        string type = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
        return new PageResult(stream, type);
    }

    /// <summary>An embedded file with headers that keep the page on this origin (CSP) and fresh (no-cache).</summary>
    private sealed class PageResult(Stream stream, string contentType) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";
            headers.CacheControl = "no-cache";
            headers.XContentTypeOptions = "nosniff";
            await using (stream)
                await Results.Stream(stream, contentType).ExecuteAsync(httpContext);
        }
    }

}
