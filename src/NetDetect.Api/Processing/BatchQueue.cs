using System.Threading.Channels;
using Microsoft.Extensions.Options;
using NetDetect.Api.Infrastructure;

namespace NetDetect.Api.Processing;

/// <summary>The bounded in-memory queue of batch ids between the API and the workers; the store is the durable copy.</summary>
public sealed class BatchQueue(IOptions<ServiceOptions> options)
{
    private readonly Channel<string> _channel = Channel.CreateBounded<string>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
        SingleWriter = false,
    });

    public int Capacity { get; } = options.Value.QueueCapacity;

    public int Count => _channel.Reader.Count;

    /// <summary>Queues a newly accepted batch; false when the queue is full (the caller answers 503).</summary>
    public bool TryEnqueue(string batchId) => _channel.Writer.TryWrite(batchId);

    /// <summary>Queues a recovered batch, waiting for room.</summary>
    public ValueTask EnqueueAsync(string batchId, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(batchId, cancellationToken);

    public IAsyncEnumerable<string> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);
}
