using Microsoft.Extensions.Options;
using TailHub.Hosting;
using TailHub.Pipeline;

namespace TailHub.ScaleOut.Agent;

/// <summary>
/// An agent's publishers, one per source: attached to each source's hub beside its broadcaster (so a chunk reaches
/// Redis only once it is journalled), each running until the application stops.
/// </summary>
public sealed class AgentPublishers(RedisConnection redis, AgentIdentity identity, IOptions<ScaleOutOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILoggerFactory loggers) : ISourceTap
{
    private readonly Lock _lock = new();
    private readonly List<(StreamPublisher Publisher, Task Running)> _publishers = [];
    private readonly ILogger _logger = loggers.CreateLogger("TailHub.ScaleOut.Agent");

    public string AgentId => identity.Id;

    public IReadOnlyList<StreamPublisher> All
    {
        get { lock (_lock) return _publishers.Select(p => p.Publisher).ToList(); }
    }

    public ISequencedRecordSink? Attach(LiveSource source)
    {
        var lease = new SourceLease(source.Name, identity.Id, options.Value.LeaseDuration, time);
        var publisher = new StreamPublisher(source, lease, redis, options.Value, time, _logger);
        var running = Task.Run(() => publisher.RunAsync(lifetime.ApplicationStopping));
        lock (_lock) _publishers.Add((publisher, running));
        return publisher;
    }

    /// <summary>Waits for the publishers to stop (they stop with the application).</summary>
    public Task StoppedAsync()
    {
        lock (_lock) return Task.WhenAll(_publishers.Select(p => p.Running));
    }
}
