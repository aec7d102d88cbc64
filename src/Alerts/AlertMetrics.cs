using System.Diagnostics.Metrics;
using TailHub.Observability;

namespace TailHub.Alerts;

/// <summary>
/// Alerting's instruments on TailHub's meter, observed at scrape time from the counts rules, destinations and the
/// queue keep anyway: per rule matches, notifications sent, matches rolled up and notifications dropped; per
/// destination failures and whether it is failing; the queue's depth and overflow per source.
/// </summary>
public sealed class AlertMetrics
{
    // The alerts are resolved when first observed (at a scrape, after start-up), so creating the metrics never builds
    // them ahead of start-up validation.
    public AlertMetrics(IMeterFactory meters, IServiceProvider services)
    {
        var meter = meters.Create(TailHubMetrics.MeterName);
        var set = new Lazy<AlertSet>(services.GetRequiredService<AlertSet>);
        var pending = new Lazy<AlertQueue>(services.GetRequiredService<AlertQueue>);
        var evaluation = new Lazy<AlertEvaluator>(services.GetRequiredService<AlertEvaluator>);
        meter.CreateObservableCounter("tailhub.alert.matches", () => PerRule(set.Value, r => r.Matches), "{line}", "Lines that matched the rule.");
        meter.CreateObservableCounter("tailhub.alert.sent", () => PerRule(set.Value, r => r.Sent), "{notification}",
            "Notifications of the rule delivered, once per destination.");
        meter.CreateObservableCounter("tailhub.alert.rolled_up", () => PerRule(set.Value, r => r.RolledUp), "{line}",
            "Matches counted into a roll-up during a cooldown instead of being sent one by one.");
        meter.CreateObservableCounter("tailhub.alert.dropped", () => PerRule(set.Value, r => r.Dropped), "{notification}",
            "Notifications of the rule not delivered, once per destination: over the destination's MaxPerMinute, or failed after retries.");
        meter.CreateObservableCounter("tailhub.alert.destination.failures", () => PerDestination(set.Value, d => d.Failures), "{notification}",
            "Deliveries to the destination that failed after their retries.");
        meter.CreateObservableGauge("tailhub.alert.destination.failing", () => PerDestination(set.Value, d => d.State == DestinationState.Failing ? 1 : 0), null,
            "1 while the destination's last delivery failed.");
        meter.CreateObservableUpDownCounter("tailhub.alert.queue.lines", () => pending.Value.Queued, "{line}", "Lines waiting to be evaluated.");
        meter.CreateObservableCounter("tailhub.alert.queue.overflowed", () => pending.Value.Overflow.Select(o => new Measurement<long>(o.Value, new KeyValuePair<string, object?>("source", o.Key))),
            "{line}", "Lines of the source never evaluated because the evaluation queue was full.");
        meter.CreateObservableCounter("tailhub.alert.timeouts", () => evaluation.Value.Timeouts, "{line}", "Lines a rule's pattern could not decide within MatchTimeout.");
    }

    private static IEnumerable<Measurement<long>> PerRule(AlertSet alerts, Func<AlertRule, long> value) =>
        alerts.Rules.Select(r => new Measurement<long>(value(r), new KeyValuePair<string, object?>("rule", r.Name)));

    private static IEnumerable<Measurement<long>> PerDestination(AlertSet alerts, Func<AlertDestination, long> value) =>
        alerts.Destinations.Select(d => new Measurement<long>(value(d), new KeyValuePair<string, object?>("destination", d.Name)));
}
