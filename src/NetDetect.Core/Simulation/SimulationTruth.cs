using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetDetect.Core.Simulation;

/// <summary>What the simulator knows about the data it wrote (<c>DIR/truth.json</c>), for evaluating detectors per operation and per hard-negative kind.</summary>
public sealed record SimulationTruth
{
    public const string FileName = "truth.json";

    public int FormatVersion { get; init; } = 1;
    public required SimulationSettings Settings { get; init; }
    public required DateTime Start { get; init; }
    public required DateTime End { get; init; }
    public required long Accounts { get; init; }
    public required long Posts { get; init; }
    public required IReadOnlyList<OperationTruth> Operations { get; init; }
    /// <summary>Genuine accounts that look coordinated; their <c>label</c> stays <c>organic</c>.</summary>
    public required IReadOnlyList<GroupTruth> HardNegatives { get; init; }
    /// <summary>State-media outlets the operations amplify (genuine outlets, label <c>organic</c>).</summary>
    public required GroupTruth StateMedia { get; init; }
    public required IReadOnlyList<CommunityTruth> Communities { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // keep hashtags and names readable (the file is data, never embedded in HTML)
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static SimulationTruth FromJson(string json) => JsonSerializer.Deserialize<SimulationTruth>(json, Json) ?? throw new InvalidDataException("empty truth file");

    public static async Task<SimulationTruth> ReadAsync(string directory, CancellationToken cancellationToken = default) =>
        FromJson(await File.ReadAllTextAsync(Path.Combine(directory, FileName), cancellationToken));
}

/// <summary>The knobs a run used.</summary>
public sealed record SimulationSettings(int Accounts, long Posts, int Days, int Operations, ulong Seed, string Difficulty, double OperationShare, bool HardNegatives);

/// <summary>One operation: who is in it and how it was set to behave.</summary>
public sealed record OperationTruth
{
    public required string Name { get; init; }
    /// <summary>The <c>label</c> value its accounts carry.</summary>
    public required string Label { get; init; }
    /// <summary>0 = sloppy (easy to detect) … 1 = careful (sparse, jittered, organic filler).</summary>
    public required double Care { get; init; }
    public required string Difficulty { get; init; }
    public required int Members { get; init; }
    public required long Posts { get; init; }
    public required IReadOnlyDictionary<string, int> Origins { get; init; }
    public required IReadOnlyDictionary<string, int> Roles { get; init; }
    public required int OfficeUtcOffsetHours { get; init; }
    public required int CoordinatedActions { get; init; }
    public required double RepostSubsetMean { get; init; }
    public required double RepostDelayMedianSeconds { get; init; }
    public required double FillerShare { get; init; }
    public required IReadOnlyList<string> Clients { get; init; }
    public required IReadOnlyList<string> Hashtags { get; init; }
    public required IReadOnlyList<string> Domains { get; init; }
    public required IReadOnlyList<string> StateMediaAmplified { get; init; }
    public required IReadOnlyList<string> CreationBurstDays { get; init; }
    public required IReadOnlyList<string> MemberIds { get; init; }
}

/// <summary>A named group of genuine accounts (a hard negative or the state media).</summary>
public sealed record GroupTruth
{
    public required string Name { get; init; }
    /// <summary><c>news_burst</c>, <c>activist</c>, <c>fan</c>, <c>schedule_bot</c>, <c>organisation</c> or <c>state_media</c>.</summary>
    public required string Kind { get; init; }
    public string? Description { get; init; }
    /// <summary>The account the group reacts to (outlet, idol, organisation), when there is one.</summary>
    public string? FocusId { get; init; }
    public required long Posts { get; init; }
    public required IReadOnlyList<string> MemberIds { get; init; }
}

/// <summary>One topical community of the background.</summary>
public sealed record CommunityTruth(string Name, string Language, int UtcOffsetMinutes, int Members);
