using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TailHub.ScaleOut.Agent;

/// <summary>
/// Keeps this agent's sources in the registry (<see cref="RedisKeys.Registry"/>) every second: the epoch naming each
/// source's stream, this agent and where hubs reach its history route, the source's state, and how far it published.
/// Only sources whose lease this agent holds are registered. A source registered for the first time, or under a new
/// epoch, is also announced on <see cref="RedisKeys.RegistryChannel"/> so hubs show it at once. When the agent stops,
/// its sources are marked stopped and their leases given up, so another agent can take them over.
/// </summary>
public sealed class AgentRegistry(AgentPublishers publishers, RedisConnection redis, IOptions<ScaleOutOptions> options, Microsoft.AspNetCore.Hosting.Server.IServer server,
    TimeProvider time, ILogger<AgentRegistry> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, string> _announced = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await RefreshAsync(stopping: false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
        await publishers.StoppedAsync();
        await RefreshAsync(stopping: true);
    }

    private async Task RefreshAsync(bool stopping)
    {
        try
        {
            var db = await redis.DatabaseAsync();
            foreach (var publisher in publishers.All)
            {
                if (!publisher.Lease.Held) continue;
                publisher.StreamLength = await db.StreamLengthAsync(publisher.StreamKey);
                var registration = Describe(publisher, stopping);
                await db.HashSetAsync(RedisKeys.Registry, publisher.Name, registration.ToJson());
                if (stopping)
                {
                    await publisher.Lease.ReleaseAsync(db);
                    continue;
                }
                if (_announced.GetValueOrDefault(publisher.Name) != registration.Epoch)
                {
                    await (await redis.SubscriberAsync()).PublishAsync(RedisChannel.Literal(RedisKeys.RegistryChannel), publisher.Name);
                    _announced[publisher.Name] = registration.Epoch;
                }
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The publishers report Redis being away (health, metrics, log); the next tick tries again.
            logger.LogDebug("Registry refresh failed: {Error}", e.GetType().Name);
        }
    }

    private SourceRegistration Describe(StreamPublisher publisher, bool stopping)
    {
        var source = publisher.Live.Source;
        var status = source.Status;
        return new SourceRegistration(
            publisher.Live.Hub.Epoch,
            publishers.AgentId,
            AgentUrl(),
            source.Kind,
            source.Target,
            stopping ? "waiting" : status.State.ToString().ToLowerInvariant(),
            stopping ? $"agent {publishers.AgentId} stopped" : status.Message,
            Math.Max(0, publisher.PublishedSeq),
            time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    private string? AgentUrl()
    {
        if (options.Value.AgentUrl is { Length: > 0 } configured) return configured.TrimEnd('/');
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (listening is null || !Uri.TryCreate(listening.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri)) return null;
        // Listening on every address names none a hub could use: this host's name stands for them.
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? Environment.MachineName : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri.ToString().TrimEnd('/');
    }
}
