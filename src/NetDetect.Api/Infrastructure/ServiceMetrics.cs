using System.Diagnostics.Metrics;

namespace NetDetect.Api.Infrastructure;

/// <summary>The service's OpenTelemetry instruments (meter <c>NetDetect.Api</c>).</summary>
public sealed class ServiceMetrics
{
    public const string MeterName = "NetDetect.Api";

    public ServiceMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        BatchesSubmitted = meter.CreateCounter<long>("netdetect.batches.submitted", "{batch}", "Batches accepted for processing");
        BatchesCompleted = meter.CreateCounter<long>("netdetect.batches.completed", "{batch}", "Batches finished, by status");
        AccountsScored = meter.CreateCounter<long>("netdetect.accounts.scored", "{account}", "Accounts given a verdict");
        BatchDuration = meter.CreateHistogram<double>("netdetect.batch.duration", "s", "Time from start of processing to stored verdicts");
        ReviewsRecorded = meter.CreateCounter<long>("netdetect.reviews.recorded", "{review}", "Analyst reviews appended");
    }

    public Counter<long> BatchesSubmitted { get; }
    public Counter<long> BatchesCompleted { get; }
    public Counter<long> AccountsScored { get; }
    public Histogram<double> BatchDuration { get; }
    public Counter<long> ReviewsRecorded { get; }
}
