using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using NetDetect.Api.Infrastructure;
using NetDetect.Api.Processing;
using NetDetect.Api.Security;
using NetDetect.Api.Storage;
using NetDetect.Core.Data;

namespace NetDetect.Api.Batches;

/// <summary>Batch submission, status and verdicts: <c>/v1/batches</c>.</summary>
public static class BatchEndpoints
{
    public static RouteGroupBuilder MapBatches(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/batches").WithTags("Batches").RequireAuthorization(Policies.Submitter);

        group.MapPost("/", SubmitAsync)
            .WithName("SubmitBatch")
            .WithSummary("Submit a batch of accounts and posts for scoring")
            .WithDescription("Multipart form with `accounts` and `posts` Parquet files, or JSON `{accounts:[...], posts:[...]}` with the schema's snake_case fields. Validated before anything is queued; 202 with Location on success.")
            .Accepts<BatchJsonBody>("application/json", "multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();

        group.MapGet("/{id}", GetAsync)
            .WithName("GetBatch")
            .WithSummary("A batch's status, progress, counts and error")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/verdicts", GetVerdictsAsync)
            .WithName("GetBatchVerdicts")
            .WithSummary("A page of a batch's verdicts, ordered by account id")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    /// <summary>Validates the batch, stores its files and row, queues it, and answers 202.</summary>
    public static async Task<Results<Accepted<BatchDto>, ProblemHttpResult>> SubmitAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        [FromHeader(Name = "Idempotency-Key"), Description("Optional client key: a repeat with the same key returns the same batch")] string? idempotencyKey,
        IVerdictStore store,
        BatchQueue queue,
        BatchProgressBoard board,
        ServiceMetrics metrics,
        TimeProvider time,
        IOptions<ServiceOptions> options,
        CancellationToken cancellationToken)
    {
        string? scopedKey = string.IsNullOrEmpty(idempotencyKey) ? null : $"{user.Identity()}\n{idempotencyKey}";
        if (scopedKey is not null && await store.FindBatchByIdempotencyKeyAsync(scopedKey, cancellationToken) is { } seen)
            return Accepted(seen, board);
        if (queue.Count >= queue.Capacity)
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", $"The batch queue is full ({queue.Capacity}); retry later.");

        string id = Guid.CreateVersion7().ToString("N");
        string root = options.Value.BatchesDirectory;
        string staging = Path.Combine(root, $".incoming-{id}");
        Directory.CreateDirectory(staging);
        try
        {
            bool fromJson;
            if (request.HasFormContentType)
            {
                fromJson = false;
                var problem = await SaveFilesAsync(request, staging, cancellationToken);
                if (problem is not null) return problem;
            }
            else if (request.HasJsonContentType())
            {
                fromJson = true;
                var problem = await SaveJsonAsync(request, staging, cancellationToken);
                if (problem is not null) return problem;
            }
            else
            {
                return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                    "Send multipart/form-data with 'accounts' and 'posts' Parquet files, or application/json {\"accounts\": [...], \"posts\": [...]}.");
            }

            var report = await ParquetDatasetReader.ValidateAsync(staging, cancellationToken: cancellationToken);
            if (!report.IsValid)
                return Problems.InvalidData(report.Problems, path => FileName(path, fromJson));

            // durable before the 202: files renamed into place, then the row that makes the worker own them
            string final = Path.Combine(root, id);
            Directory.Move(staging, final);
            var record = new BatchRecord
            {
                Id = id,
                IdempotencyKey = scopedKey,
                SubmittedBy = user.Identity(),
                Status = BatchStatus.Queued,
                Accounts = report.Dataset!.Accounts.Count,
                Posts = report.Dataset.Posts.Count,
                CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds() * Time.MicrosPerMilli,
            };
            var (stored, created) = await store.CreateBatchAsync(record, cancellationToken);
            if (!created)
            {
                // lost an idempotency race: the other request's batch is the answer
                Directory.Delete(final, recursive: true);
                return Accepted(stored, board);
            }
            metrics.BatchesSubmitted.Add(1);
            // a full queue here is harmless: the row is queued in the store and the worker picks it up on its next start
            queue.TryEnqueue(id);
            return Accepted(stored, board);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Returns the batch's status, live progress and counts.</summary>
    public static async Task<Results<Ok<BatchDto>, ProblemHttpResult>> GetAsync(
        [Description("Batch id from the submission's Location")] string id,
        IVerdictStore store,
        BatchProgressBoard board,
        CancellationToken cancellationToken)
    {
        var batch = await store.GetBatchAsync(id, cancellationToken);
        return batch is null ? Problems.NotFound("batch", id) : TypedResults.Ok(BatchDto.From(batch, board.Get(id)));
    }

    /// <summary>Returns one page of verdicts of a finished batch.</summary>
    public static async Task<Results<Ok<PageDto<VerdictDto>>, ProblemHttpResult>> GetVerdictsAsync(
        [Description("Batch id")] string id,
        [Description("Only this verdict: coordinated, suspicious or clear")] string? verdict,
        [FromQuery(Name = "min_score"), Description("Only scores at or above this (0 to 1)")] double? minScore,
        [Description("Cursor from the previous page's next_cursor")] string? cursor,
        [Description("Page size, 1 to 1000 (default 100)")] int? limit,
        IVerdictStore store,
        CancellationToken cancellationToken)
    {
        if (verdict is not null and not ("coordinated" or "suspicious" or "clear"))
            return Problems.BadRequest($"verdict must be coordinated, suspicious or clear, not '{verdict}'.");
        if (minScore is < 0 or > 1) return Problems.BadRequest("min_score must be between 0 and 1.");
        int size = limit ?? 100;
        if (size is < 1 or > 1000) return Problems.BadRequest("limit must be between 1 and 1000.");
        if (!Cursor.TryDecode(cursor, out var after)) return Problems.BadRequest("cursor is not one this service issued.");
        var batch = await store.GetBatchAsync(id, cancellationToken);
        if (batch is null) return Problems.NotFound("batch", id);
        if (batch.Status != BatchStatus.Succeeded)
            return Problems.Status(StatusCodes.Status409Conflict, "Conflict", $"Batch '{id}' is {batch.Status}; verdicts exist once it has succeeded.");
        var rows = await store.GetVerdictsAsync(new VerdictQuery(id, verdict, minScore, after, size + 1), cancellationToken);
        var items = rows.Take(size).Select(VerdictDto.From).ToList();
        string? next = rows.Count > size ? Cursor.Encode(items[^1].AccountId) : null;
        return TypedResults.Ok(new PageDto<VerdictDto>(items, next));
    }

    private static Accepted<BatchDto> Accepted(BatchRecord batch, BatchProgressBoard board) =>
        TypedResults.Accepted($"/v1/batches/{batch.Id}", BatchDto.From(batch, board.Get(batch.Id)));

    private static string FileName(string path, bool fromJson)
    {
        string name = Path.GetFileName(path);
        if (name.Length == 0) return "batch";
        // never echo server paths; JSON bodies name their tables as the client sent them
        if (!fromJson) return name;
        return name == CanonicalSchema.AccountsFile ? JsonBatchReader.AccountsTable : name == CanonicalSchema.PostsFile ? JsonBatchReader.PostsTable : name;
    }

    private static async Task<ProblemHttpResult?> SaveFilesAsync(HttpRequest request, string staging, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var missing = new List<DataProblem>();
        foreach (var (field, file) in new[] { ("accounts", CanonicalSchema.AccountsFile), ("posts", CanonicalSchema.PostsFile) })
        {
            var upload = form.Files.GetFile(field);
            if (upload is null)
            {
                missing.Add(DataProblem.Error(file, null, null, $"missing: the form needs a file part named '{field}'"));
                continue;
            }
            await using var target = File.Create(Path.Combine(staging, file));
            await upload.CopyToAsync(target, ct);
            await target.FlushAsync(ct);
        }
        return missing.Count > 0 ? Problems.InvalidData(missing, p => p) : null;
    }

    private static async Task<ProblemHttpResult?> SaveJsonAsync(HttpRequest request, string staging, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            return Problems.InvalidData([DataProblem.Error("body", null, e.LineNumber + 1, $"malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message.Split(" LineNumber")[0]}")], p => p);
        }
        using (document)
        {
            var problems = new ProblemCollector();
            var (accounts, posts) = JsonBatchReader.Read(document.RootElement, problems);
            if (problems.HasErrors) return Problems.InvalidData(problems.Problems, p => p);
            await using (var writer = await AccountsParquetWriter.CreateAsync(Path.Combine(staging, CanonicalSchema.AccountsFile), ct))
                await writer.WriteRowGroupAsync(accounts, ct);
            await using (var writer = await PostsParquetWriter.CreateAsync(Path.Combine(staging, CanonicalSchema.PostsFile), ct))
                await writer.WriteRowGroupAsync(posts, ct);
        }
        return null;
    }
}
