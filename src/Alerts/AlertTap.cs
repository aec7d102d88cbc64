using TailHub.Hosting;
using TailHub.Pipeline;

namespace TailHub.Alerts;

/// <summary>
/// Feeds the alert queue: each source some rule watches hands every numbered chunk over as its hub publishes it (a
/// reference, no copy); a source no rule watches is left alone.
/// </summary>
public sealed class AlertTap(AlertSet alerts, AlertQueue queue, ILogger<AlertTap> logger) : ISourceTap
{
    public ISequencedRecordSink? Attach(LiveSource source) =>
        alerts.Rules.Any(r => r.AppliesTo(source.Name)) ? new Sink(source, queue, logger) : null;

    private sealed class Sink(LiveSource source, AlertQueue queue, ILogger logger) : ISequencedRecordSink
    {
        public void Publish(SourceRecord[] records)
        {
            if (!queue.TryAdd(source, records))
                logger.LogWarning("Alerts: the queue of lines to evaluate is full ({Capacity} lines); lines of {Source} were not evaluated", queue.Capacity, source.Name);
        }

        // The hub never waits for alerts.
        public ValueTask WaitForRoomAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
