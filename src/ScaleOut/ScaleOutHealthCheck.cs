using Microsoft.Extensions.Diagnostics.HealthChecks;
using TailHub.Hosting;
using TailHub.ScaleOut.Agent;
using TailHub.ScaleOut.Hub;

namespace TailHub.ScaleOut;

/// <summary>
/// Readiness of an agent's or a hub's link to Redis. An agent is degraded while Redis is away (it buffers) and for
/// each source another agent publishes; a hub is degraded while it cannot read the registry (its mirrors also say
/// so, in <c>error</c>). Never unhealthy on Redis alone: a hub still serves what it holds, an agent still reads.
/// </summary>
public sealed class ScaleOutHealthCheck(IServiceProvider services, RedisConnection redis) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = new Dictionary<string, object>(StringComparer.Ordinal);
        if (services.GetService<AgentPublishers>() is { } publishers)
        {
            foreach (var publisher in publishers.All)
            {
                if (publisher.State == PublisherState.Refused)
                    problems[publisher.Name] = $"not published by this agent: agent {publisher.Lease.RefusedBy} holds its lease";
                else if (publisher.State == PublisherState.RedisUnreachable)
                    problems[publisher.Name] = $"Redis ({redis.Endpoints}) is unreachable: {publisher.Buffered} records buffered";
            }
        }
        if (services.GetService<SourceDiscovery>() is { RedisAwaySince: { } since })
            problems["redis"] = $"Redis ({redis.Endpoints}) is unreachable since {since:HH:mm:ss} UTC: sources cannot be discovered or followed";
        if (problems.Count == 0) return Task.FromResult(HealthCheckResult.Healthy($"Redis ({redis.Endpoints}) reachable"));
        return Task.FromResult(HealthCheckResult.Degraded(string.Join("; ", problems.Select(p => $"{p.Key}: {p.Value}")), data: problems));
    }
}
