using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TailHub.Configuration;
using TailHub.Hosting;

namespace TailHub.ScaleOut.Hub;

/// <summary>
/// A hub's sources: read from the registry every second and whenever an agent announces one, each made into a
/// <see cref="MirrorSource"/> in <see cref="LiveSources"/>. A source whose epoch changed (its agent's state was reset,
/// or another agent took it over) gets a new mirror in place of the old; its viewers reconnect and are told.
/// </summary>
public sealed partial class SourceDiscovery(LiveSources sources, RedisConnection redis, AgentHistoryClient agents, IOptions<ScaleOutOptions> options,
    IOptions<TailHubOptions> tailHub, TimeProvider time, ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, MirrorSource> _mirrors = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ILogger _logger = loggers.CreateLogger("TailHub.ScaleOut.Hub");
    private readonly HashSet<string> _ignored = [];
    private DateTimeOffset? _awaySince;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex SourceName();

    /// <summary>Since when this hub cannot read the registry; null while it can.</summary>
    public DateTimeOffset? RedisAwaySince => _awaySince;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var subscribed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!subscribed)
                {
                    await (await redis.SubscriberAsync()).SubscribeAsync(RedisChannel.Literal(RedisKeys.RegistryChannel), (_, _) => _wake.Writer.TryWrite(true));
                    subscribed = true;
                }
                await RefreshAsync(await redis.DatabaseAsync());
                _awaySince = null;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                if (_awaySince is null) _logger.LogWarning("Cannot read the source registry from Redis at {Redis} ({Error}); retrying", redis.Endpoints, e.GetType().Name);
                _awaySince ??= time.GetUtcNow();
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(Interval);
            try
            {
                await _wake.Reader.WaitToReadAsync(timeout.Token);
                _wake.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RefreshAsync(IDatabase db)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var field in await db.HashGetAllAsync(RedisKeys.Registry))
        {
            var name = (string?)field.Name ?? "";
            if (!SourceName().IsMatch(name) || TailHubOptionsValidator.ReservedEventNames.Contains(name) || SourceRegistration.TryParse(field.Value) is not { } registration)
            {
                if (_ignored.Add(name)) _logger.LogWarning("Registry entry '{Name}' is not a source registration TailHub can use; ignored", name.Length > 64 ? name[..64] : name);
                continue;
            }
            // A source whose agent has been gone longer than its stream lives is history, not a source.
            if (now - registration.UpdatedAtMs > options.Value.StreamIdleExpiry.TotalMilliseconds) continue;
            if (_mirrors.TryGetValue(name, out var mirror) && mirror.Epoch == registration.Epoch)
            {
                mirror.Update(registration);
                continue;
            }
            var fresh = new MirrorSource(name, registration, redis, agents, options.Value, time, _logger);
            var startAfter = await MirrorSource.StartAfterAsync(db, fresh.StreamKey, registration, tailHub.Value.BacklogLines);
            sources.Add(fresh, fresh.History, registration.Epoch, startAfter);
            if (mirror is null) _logger.LogInformation("Source {Source} discovered: published by agent {Agent} (epoch {Epoch})", name, registration.Agent, registration.Epoch);
            else _logger.LogWarning("Source {Source} changed epoch {Old} → {New} (agent {Agent}): its viewers reconnect and are told", name, mirror.Epoch, registration.Epoch, registration.Agent);
            _mirrors[name] = fresh;
        }
    }
}
