using StackExchange.Redis;

namespace TailHub.ScaleOut.Agent;

/// <summary>
/// One agent's claim on publishing one source (<see cref="RedisKeys.Lease"/>): taken with <c>SET NX PX</c>, renewed
/// with a compare-and-extend script while held, taken back at once by the same agent after a restart (its id is
/// persisted). Another agent's lease means this one must not publish the source: two writers would interleave two
/// sequences in one stream.
/// </summary>
public sealed class SourceLease(string source, string agentId, TimeSpan duration, TimeProvider time)
{
    // Extends the lease only if it is still ours, atomically.
    private const string ExtendScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private readonly RedisKey _key = RedisKeys.Lease(source);
    private long _renewAfter = long.MinValue;
    private long _validUntil = long.MinValue;

    /// <summary>The agent holding the lease when it was refused; null while this agent holds it (or has not asked).</summary>
    public string? RefusedBy { get; private set; }

    /// <summary>True while the lease is held and not past its duration on this process's clock.</summary>
    public bool Held => time.GetTimestamp() < Interlocked.Read(ref _validUntil);

    /// <summary>Holds the lease (taking, renewing or taking back), or says who holds it. Cheap when recently renewed.</summary>
    public async Task<bool> EnsureAsync(IDatabase db)
    {
        var now = time.GetTimestamp();
        if (Held && now < _renewAfter) return true;
        var ms = (long)duration.TotalMilliseconds;
        bool held;
        if (Held)
        {
            held = (long)await db.ScriptEvaluateAsync(ExtendScript, [_key], [agentId, ms]) == 1;
        }
        else
        {
            held = await db.StringSetAsync(_key, agentId, duration, When.NotExists);
            if (!held)
            {
                var owner = (string?)await db.StringGetAsync(_key);
                // Our own lease from before a restart: take it back.
                held = owner == agentId && (long)await db.ScriptEvaluateAsync(ExtendScript, [_key], [agentId, ms]) == 1;
                RefusedBy = held ? null : owner;
            }
        }
        if (held)
        {
            RefusedBy = null;
            Interlocked.Exchange(ref _validUntil, now + duration.Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond * 9 / 10);
            _renewAfter = now + duration.Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond / 3;
        }
        else
        {
            Interlocked.Exchange(ref _validUntil, long.MinValue);
            RefusedBy ??= "another agent";
        }
        return held;
    }

    /// <summary>Gives the lease up (the agent is stopping), so another agent may take the source over at once.</summary>
    public async Task ReleaseAsync(IDatabase db)
    {
        if (!Held) return;
        Interlocked.Exchange(ref _validUntil, long.MinValue);
        await db.ScriptEvaluateAsync(ReleaseScript, [_key], [agentId]);
    }
}
