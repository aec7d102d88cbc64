namespace TailHub.ScaleOut;

/// <summary>
/// Where a scale-out keeps things in Redis. Every key of one source carries its name as a hash tag (<c>{name}</c>),
/// so under Redis Cluster a source's stream, lease and wake-up channel live on one shard and sources spread over all.
/// </summary>
public static class RedisKeys
{
    /// <summary>The registry: a hash of source name → <see cref="SourceRegistration"/> JSON, refreshed by each agent every second.</summary>
    public const string Registry = "tailhub:sources";

    /// <summary>Agents publish a source's name here when they register it or its epoch changes, so hubs need not wait for their next poll.</summary>
    public const string RegistryChannel = "tailhub:registry";

    /// <summary>One stream per source and epoch: a new epoch is a new sequence, so a new stream.</summary>
    public static string Stream(string source, string epoch) => $"tailhub:src:{{{source}}}:{epoch}";

    /// <summary>Which agent publishes the source: <c>SET NX PX</c>, renewed while the agent lives.</summary>
    public static string Lease(string source) => $"tailhub:lease:{{{source}}}";

    /// <summary>
    /// Published after each append to the source's stream, to wake the hubs' mirrors: a sharded channel
    /// (<c>SPUBLISH</c>, Redis 7), so under Redis Cluster a wake-up stays on its source's shard instead of going to every node.
    /// </summary>
    public static string WakeChannel(string source) => $"tailhub:wake:{{{source}}}";

    /// <summary>The sequence number a stream entry id names (<c>{lastSeq}-0</c>); -1 when it is not one of ours.</summary>
    public static long SeqOf(StackExchange.Redis.RedisValue id)
    {
        var text = (string?)id ?? "";
        var dash = text.IndexOf('-');
        return long.TryParse(dash < 0 ? text : text[..dash], out var seq) ? seq : -1;
    }
}
