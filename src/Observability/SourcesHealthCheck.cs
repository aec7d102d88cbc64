using Microsoft.Extensions.Diagnostics.HealthChecks;
using TailHub.Hosting;
using TailHub.Sources;

namespace TailHub.Observability;

/// <summary>
/// Readiness of the sources: a source in <c>error</c> (no file it can read, Jenkins refusing its credentials), or one
/// with a file it cannot read beside those it follows, makes TailHub degraded; every source in <c>error</c> makes it
/// unhealthy. The sources concerned are named, with their message.
/// </summary>
public sealed class SourcesHealthCheck(LiveSources sources) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = new Dictionary<string, object>(StringComparer.Ordinal);
        var inError = 0;
        foreach (var source in sources.All)
        {
            var (message, whole) = ProblemOf(source);
            if (message is null) continue;
            failing[source.Name] = message;
            if (whole) inError++;
        }
        if (failing.Count == 0) return Task.FromResult(HealthCheckResult.Healthy($"{sources.All.Count} sources, none in error"));

        var description = Describe(failing.Keys);
        return Task.FromResult(inError == sources.All.Count
            ? HealthCheckResult.Unhealthy(description, data: failing)
            : HealthCheckResult.Degraded(description, data: failing));
    }

    /// <summary>The description naming the sources in error (the check's data holds one entry per source, by name).</summary>
    public static string Describe(IEnumerable<string> failing) =>
        failing.Any() ? $"sources in error: {string.Join(", ", failing)}" : "no source this caller may see is in error";

    /// <summary>What is wrong with a source, and whether it is wrong as a whole (in error) or only with some of its files.</summary>
    private static (string? Message, bool Whole) ProblemOf(LiveSource source)
    {
        var status = source.Source.Status;
        if (status.State == SourceState.Error) return (status.Message ?? "error", true);
        if (status.Files.Any(f => f.Error is not null)) return (status.Message ?? "a file cannot be read", false);
        return (null, false);
    }
}
