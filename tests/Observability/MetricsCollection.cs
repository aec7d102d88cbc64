namespace TailHub.Tests.Observability;

/// <summary>
/// OpenTelemetry listens to every meter of a given name in the process, so a TailHub started by another test at the
/// same time would add its series to this one's /metrics. In production one process is one TailHub; here the metrics
/// tests run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics (alone in the process)";
}
