using Microsoft.Extensions.Diagnostics.HealthChecks;
using TailHub.Hosting;

namespace TailHub.Observability;

/// <summary>
/// Readiness of the sources: a source in <c>error</c> (a file it cannot read, Jenkins refusing its credentials) makes
/// TailHub degraded, and every source in error makes it unhealthy. The sources in error are named, with their message.
/// </summary>
public sealed class SourcesHealthCheck(LiveSources sources) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var source in sources.All)
        {
            if (ErrorOf(source) is { } message) failing[source.Name] = message;
        }
        if (failing.Count == 0) return Task.FromResult(HealthCheckResult.Healthy($"{sources.All.Count} sources, none in error"));

        var description = Describe(failing.Keys);
        return Task.FromResult(failing.Count == sources.All.Count
            ? HealthCheckResult.Unhealthy(description, data: failing)
            : HealthCheckResult.Degraded(description, data: failing));
    }

    /// <summary>The description naming the sources in error (the check's data holds one entry per source, by name).</summary>
    public static string Describe(IEnumerable<string> failing) =>
        failing.Any() ? $"sources in error: {string.Join(", ", failing)}" : "no source this caller may see is in error";

    private static string? ErrorOf(LiveSource source)
    {
        var status = source.Source.Status;
        return status.State == Sources.SourceState.Error ? status.Message ?? "error" : null;
    }
}
