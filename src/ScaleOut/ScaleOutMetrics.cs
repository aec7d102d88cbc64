using System.Diagnostics.Metrics;
using TailHub.Hosting;
using TailHub.Observability;
using TailHub.ScaleOut.Agent;
using TailHub.ScaleOut.Hub;

namespace TailHub.ScaleOut;

/// <summary>
/// An agent's and a hub's scale-out series, per source, observed at scrape time from what the publishers and
/// mirrors keep (meter <c>TailHub</c>). Lag from an agent's read to a hub's viewer is the hub's
/// <c>tailhub_delivery_duration_seconds</c>: a mirrored line's read time is the agent's.
/// </summary>
public sealed class ScaleOutMetrics
{
    public ScaleOutMetrics(IMeterFactory meters, IServiceProvider services, RedisConnection redis)
    {
        var meter = meters.Create(TailHubMetrics.MeterName);
        var sources = new Lazy<LiveSources>(services.GetRequiredService<LiveSources>);
        IEnumerable<StreamPublisher> Publishers() => services.GetService<AgentPublishers>()?.All ?? [];
        IEnumerable<MirrorSource> Mirrors() => sources.Value.All.Select(s => s.Source).OfType<MirrorSource>();

        meter.CreateObservableGauge("tailhub.redis.connected", () => redis.IsConnected ? 1 : 0,
            null, "1 while this agent or hub is connected to Redis.");
        meter.CreateObservableGauge("tailhub.publish.buffered", () => Publishers().Select(p => Measure((long)p.Buffered, p.Name)),
            "{record}", "Agent: records waiting for Redis (past TailHub:PublishBufferRecords the oldest become an unpublished gap).");
        meter.CreateObservableCounter("tailhub.publish.errors", () => Publishers().Select(p => Measure(p.Errors, p.Name)),
            "{error}", "Agent: failed attempts to append to the source's stream (each retried).");
        meter.CreateObservableCounter("tailhub.publish.records", () => Publishers().Select(p => Measure(p.Published, p.Name)),
            "{record}", "Agent: records appended to the source's stream.");
        meter.CreateObservableCounter("tailhub.publish.dropped", () => Publishers().Select(p => Measure(p.Dropped, p.Name)),
            "{line}", "Agent: lines dropped from a full buffer while Redis was away (published as an unpublished gap).");
        meter.CreateObservableGauge("tailhub.stream.length",
            () => Publishers().Where(p => p.Lease.Held).Select(p => Measure(p.StreamLength, p.Name)).Concat(Mirrors().Select(m => Measure(m.StreamLength, m.Name))),
            "{entry}", "Entries in the source's Redis stream (XLEN), as last read.");
        meter.CreateObservableGauge("tailhub.mirror.lag", () => Mirrors().Select(m => new Measurement<double>(m.LagSeconds, Source(m.Name))),
            "s", "Hub: from the agent reading the newest line received to this hub receiving it.");
    }

    private static Measurement<long> Measure(long value, string source) => new(value, Source(source));

    private static KeyValuePair<string, object?> Source(string name) => new("source", name);
}
