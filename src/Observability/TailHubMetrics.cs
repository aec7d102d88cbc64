using System.Diagnostics.Metrics;
using TailHub.Hosting;
using TailHub.Pipeline.Redaction;

namespace TailHub.Observability;

/// <summary>
/// TailHub's own instruments (meter <c>TailHub</c>). Per-source counts are observed from the counters the pipeline
/// already keeps, at scrape time, so reading and fanning out lines pays nothing extra for them; only the delivery
/// histogram is recorded on the hot path, once per event written to a viewer.
/// </summary>
public sealed class TailHubMetrics
{
    public const string MeterName = "TailHub";

    /// <summary>Delivery latencies: from well under a millisecond (a quiet source) to seconds (a viewer far behind).</summary>
    private static readonly double[] DeliveryBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Histogram<double> _delivery;

    // LiveSources is resolved when first observed (at a scrape, after start-up), so creating the metrics never
    // builds the sources ahead of start-up validation.
    public TailHubMetrics(IMeterFactory meters, IServiceProvider services, LineRedactor redactor)
    {
        var meter = meters.Create(MeterName);
        var sources = new Lazy<LiveSources>(services.GetRequiredService<LiveSources>);

        meter.CreateObservableCounter("tailhub.source.lines", () => PerSource(sources.Value, s => s.Source.Counters.Lines),
            "{line}", "Lines the source read (from its files, uploads, build consoles).");
        meter.CreateObservableCounter("tailhub.source.bytes", () => PerSource(sources.Value, s => s.Source.Counters.Bytes),
            "By", "Bytes the source read.");
        meter.CreateObservableCounter("tailhub.source.rotations", () => PerSource(sources.Value, s => s.Source.Counters.Rotations),
            "{rotation}", "Times a followed path came to name another file (rename, delete and re-create, swapped symlink).");
        meter.CreateObservableCounter("tailhub.source.truncations", () => PerSource(sources.Value, s => s.Source.Counters.Truncations),
            "{truncation}", "Times a followed file shrank or was rewritten below what had been read.");
        meter.CreateObservableCounter("tailhub.source.lines_dropped", () => PerSource(sources.Value, s => s.Broadcaster.LinesDropped),
            "{line}", "Lines dropped from slow viewers' queues, counted once per viewer.");
        meter.CreateObservableUpDownCounter("tailhub.source.viewers", () => PerSource(sources.Value, s => (long)s.Broadcaster.ViewerCount),
            "{viewer}", "Viewers connected to the source.");
        meter.CreateObservableCounter("tailhub.redaction.lines", () => redactor.LinesMasked,
            "{line}", "Lines in which a secret was masked.");
        _delivery = meter.CreateHistogram("tailhub.delivery.duration", "s",
            "Time from reading a line from its file to writing it to a viewer (the oldest line of each event written).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DeliveryBuckets });
    }

    /// <summary>One event of <paramref name="source"/> was written to a viewer, <paramref name="seconds"/> after its first line was read.</summary>
    public void RecordDelivery(string source, double seconds) =>
        _delivery.Record(seconds, new KeyValuePair<string, object?>("source", source));

    private static IEnumerable<Measurement<long>> PerSource(LiveSources sources, Func<LiveSource, long> value)
    {
        foreach (var source in sources.All) yield return new Measurement<long>(value(source), new KeyValuePair<string, object?>("source", source.Name));
    }
}
