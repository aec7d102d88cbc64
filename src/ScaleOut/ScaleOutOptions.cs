using System.ComponentModel.DataAnnotations;

namespace TailHub.ScaleOut;

/// <summary>What a TailHub process is in a scale-out: all of TailHub alone, a publisher of its sources, or a server of everyone's.</summary>
public enum ScaleOutRole
{
    /// <summary>One process reads its sources and serves viewers (the default; no Redis).</summary>
    Standalone,
    /// <summary>Reads its configured sources and publishes them to Redis; serves only health, metrics and history to hubs.</summary>
    Agent,
    /// <summary>Serves viewers the sources agents publish, discovered from Redis; reads no source itself.</summary>
    Hub,
}

/// <summary>
/// Scale-out settings, read from the <c>TailHub</c> section beside the rest (<c>TailHub:Role</c>, <c>TailHub:Redis</c>,
/// <c>TailHub:StreamMaxLines</c>, …). A standalone TailHub uses none of them.
/// </summary>
public sealed class ScaleOutOptions
{
    /// <summary><c>standalone</c> (the default), <c>agent</c> or <c>hub</c>; see <see cref="Mode"/>.</summary>
    public string Role { get; set; } = "standalone";

    /// <summary><see cref="Role"/> understood (validated at start-up: anything else stops TailHub).</summary>
    public ScaleOutRole Mode => Enum.TryParse<ScaleOutRole>(Role, ignoreCase: true, out var mode) && Enum.IsDefined(mode) ? mode : ScaleOutRole.Standalone;

    /// <summary>StackExchange.Redis configuration (<c>host:6379,password=…,ssl=true</c>); never logged or shown.</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// Lines kept per source stream in Redis, approximately (trimmed with <c>MINID ~</c>: entry ids are sequence
    /// numbers, so this counts lines whatever the size of the chunks they were published in).
    /// </summary>
    [Range(100, 100_000_000)]
    public long StreamMaxLines { get; set; } = 10_000;

    /// <summary>
    /// While lines keep coming, an agent appends a source's lines to Redis at most this often (a line after a quiet
    /// spell goes at once): fewer, larger entries, so fewer appends for Redis and fewer wake-ups and reads for hubs.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>A source's stream (and its registration) expires this long after its agent last published to it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan StreamIdleExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Records an agent holds per source while Redis cannot take them; past this the oldest are dropped and published
    /// as an <c>unpublished</c> gap once Redis is back.
    /// </summary>
    [Range(100, 100_000_000)]
    public int PublishBufferRecords { get; set; } = 100_000;

    /// <summary>How long an agent's claim on a source lasts unless renewed (it is renewed every third of this).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A hub shows a source in error when its agent has not refreshed its registration for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")]
    public TimeSpan AgentSilentAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Where hubs reach this agent's history route; default: the first address it listens on.</summary>
    public string? AgentUrl { get; set; }

    /// <summary>The environment variable holding the key hubs and agents share for the history route (32+ characters).</summary>
    public string? ClusterKeyEnv { get; set; }

    /// <summary>True unless this is a hub: a hub's sources are the agents'.</summary>
    public bool ReadsConfiguredSources => Mode != ScaleOutRole.Hub;

    /// <summary>True for an agent or a hub.</summary>
    public bool UsesRedis => Mode != ScaleOutRole.Standalone;
}
