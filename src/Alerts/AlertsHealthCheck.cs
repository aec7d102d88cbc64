using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TailHub.Alerts;

/// <summary>
/// Alert destinations in readiness: one whose last delivery failed (after its retries) makes TailHub degraded, named
/// with its error; never unhealthy, since the sources are read and served all the same. Its data is keyed by
/// destination (health details filter data by source name, so a key limited to some sources sees none of it).
/// </summary>
public sealed class AlertsHealthCheck(AlertSet alerts) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = alerts.Destinations.Where(d => d.State == DestinationState.Failing)
            .ToDictionary(d => d.Name, d => (object)(d.LastError ?? "failing"), StringComparer.Ordinal);
        if (failing.Count == 0)
            return Task.FromResult(HealthCheckResult.Healthy($"{alerts.Destinations.Count} alert destinations, none failing"));
        return Task.FromResult(HealthCheckResult.Degraded($"alert destinations failing: {string.Join(", ", failing.Keys)}", data: failing));
    }
}
