using System.Diagnostics.Metrics;
using TailHub.Hosting;
using TailHub.Sources;
using TailHub.Limits;
using TailHub.Pipeline;
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
    private readonly Counter<long> _gaps;
    private readonly Counter<long> _refusals;

    // LiveSources is resolved when first observed (at a scrape, after start-up), so creating the metrics never
    // builds the sources ahead of start-up validation.
    public TailHubMetrics(IMeterFactory meters, IServiceProvider services, LineRedactor redactor, TimeProvider time)
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
        meter.CreateObservableGauge("tailhub.source.state", () => PerSourceState(sources.Value),
            null, "1 for the state the source is in (waiting, following, error), 0 for the others.");
        meter.CreateObservableGauge("tailhub.source.idle", () => PerSource(sources.Value, s => SourceObservations.IdleSeconds(s, time)),
            "s", "Seconds since the source last read a line (since TailHub started, if it has read none).");
        meter.CreateObservableGauge("tailhub.source.behind", () => PerSource(sources.Value, SourceObservations.BytesBehind),
            "By", "Bytes at the end of the source's files not read yet, as of its last poll.");
        meter.CreateObservableGauge("tailhub.source.queued_events", () => PerSource(sources.Value, s => SourceObservations.QueuedEvents(s).Total),
            "{event}", "Events waiting in the queues of the source's viewers, all together.");
        meter.CreateObservableGauge("tailhub.source.queued_events.max", () => PerSource(sources.Value, s => SourceObservations.QueuedEvents(s).Deepest),
            "{event}", "Events waiting in the queue of the source's viewer furthest behind.");
        meter.CreateObservableGauge("tailhub.jenkins.build.state", () => PerJenkinsBuildState(sources.Value),
            null, "1 for the state the Jenkins source's build is in (starting, waiting, queued, running, finished, cancelled, deleted, error), 0 for the others.");
        meter.CreateObservableGauge("tailhub.jenkins.build.number", () => PerJenkinsBuildNumber(sources.Value),
            null, "The number of the Jenkins build the source follows.");
        _gaps = meter.CreateCounter<long>("tailhub.source.gaps", "{event}",
            "gap events sent to viewers, by reason: slow-viewer, expired, file-gone, truncated, server-restarted, unpublished.");
        _refusals = meter.CreateCounter<long>("tailhub.source.refusals", "{request}",
            "Streams refused before they opened, by reason: client-limit (429, MaxViewersPerClient), server-limit (503, MaxViewers).");
        _delivery = meter.CreateHistogram("tailhub.delivery.duration", "s",
            "Time from reading a line from its file to writing it to a viewer (the oldest line of each event written).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DeliveryBuckets });
    }

    /// <summary>One event of <paramref name="source"/> was written to a viewer, <paramref name="seconds"/> after its first line was read.</summary>
    public void RecordDelivery(string source, double seconds) =>
        _delivery.Record(seconds, new KeyValuePair<string, object?>("source", source));

    /// <summary>A gap event for <paramref name="source"/> was written to a viewer.</summary>
    public void CountGap(string source, GapReason reason) =>
        _gaps.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("reason", ReasonName(reason)));

    /// <summary>A stream naming <paramref name="source"/> was refused.</summary>
    public void CountRefusal(string source, AdmissionRefusal refusal) =>
        _refusals.Add(1, new KeyValuePair<string, object?>("source", source),
            new KeyValuePair<string, object?>("reason", refusal == AdmissionRefusal.ClientFull ? "client-limit" : "server-limit"));

    // Written as the gap event itself writes it.
    private static string ReasonName(GapReason reason) => reason switch
    {
        GapReason.SlowViewer => "slow-viewer",
        GapReason.Expired => "expired",
        GapReason.FileGone => "file-gone",
        GapReason.Truncated => "truncated",
        GapReason.ServerRestarted => "server-restarted",
        GapReason.Unpublished => "unpublished",
        _ => reason.ToString(),
    };

    private static IEnumerable<Measurement<long>> PerSource(LiveSources sources, Func<LiveSource, long> value)
    {
        foreach (var source in sources.All) yield return new Measurement<long>(value(source), Source(source));
    }

    private static IEnumerable<Measurement<double>> PerSource(LiveSources sources, Func<LiveSource, double> value)
    {
        foreach (var source in sources.All) yield return new Measurement<double>(value(source), Source(source));
    }

    private static IEnumerable<Measurement<int>> PerSourceState(LiveSources sources)
    {
        foreach (var source in sources.All)
        {
            var current = SourceObservations.StateOf(source);
            foreach (var state in SourceObservations.States)
                yield return new Measurement<int>(state == current ? 1 : 0, Source(source), new KeyValuePair<string, object?>("state", state));
        }
    }

    private static IEnumerable<Measurement<int>> PerJenkinsBuildState(LiveSources sources)
    {
        foreach (var source in sources.All)
        {
            if (source.Source is not ITriggersBuilds jenkins) continue;
            var current = jenkins.Build.State;
            foreach (var state in SourceObservations.BuildStates)
                yield return new Measurement<int>(state == current ? 1 : 0, Source(source), new KeyValuePair<string, object?>("state", state));
        }
    }

    private static IEnumerable<Measurement<long>> PerJenkinsBuildNumber(LiveSources sources)
    {
        foreach (var source in sources.All)
        {
            if (source.Source is ITriggersBuilds { Build.Number: { } number }) yield return new Measurement<long>(number, Source(source));
        }
    }

    private static KeyValuePair<string, object?> Source(LiveSource source) => new("source", source.Name);
}
