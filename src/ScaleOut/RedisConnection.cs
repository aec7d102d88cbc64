using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TailHub.ScaleOut;

/// <summary>
/// The process's one connection to Redis (StackExchange.Redis multiplexes every command and subscription over it).
/// Made on first use and never fatal: while Redis is unreachable commands fail fast and the multiplexer keeps
/// reconnecting in the background, so agents buffer, hubs report it, and both recover by themselves.
/// </summary>
public sealed class RedisConnection(IOptions<ScaleOutOptions> options) : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => ConnectAsync(options.Value.Redis!));

    /// <summary>Where Redis is, for messages: host and port only, never the rest of the configuration (it may hold a password).</summary>
    public string Endpoints { get; } = DescribeEndpoints(options.Value.Redis);

    public async Task<IDatabase> DatabaseAsync() => (await _connection.Value).GetDatabase();

    /// <summary>For the synchronous history interface; only after the connection was first made (else Redis counts as away).</summary>
    public IDatabase? DatabaseIfStarted() => _connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully ? _connection.Value.Result.GetDatabase() : null;

    public async Task<ISubscriber> SubscriberAsync() => (await _connection.Value).GetSubscriber();

    /// <summary>True when connected now (false before the first use).</summary>
    public bool IsConnected => _connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully && _connection.Value.Result.IsConnected;

    private static async Task<ConnectionMultiplexer> ConnectAsync(string configuration)
    {
        // Fail fast and keep trying: a TailHub process outlives Redis restarts. What the configuration string says wins.
        var options = ConfigurationOptions.Parse("abortConnect=false,connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000,connectRetry=1," + configuration);
        options.ReconnectRetryPolicy ??= new LinearRetry(500);
        options.ClientName ??= "tailhub";
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private static string DescribeEndpoints(string? configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration)) return "(none)";
        try
        {
            return string.Join(",", ConfigurationOptions.Parse(configuration).EndPoints.Select(e => e switch
            {
                System.Net.DnsEndPoint d => $"{d.Host}:{d.Port}",
                _ => e.ToString() ?? "",
            }));
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return "(invalid)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully) await _connection.Value.Result.DisposeAsync();
    }
}
