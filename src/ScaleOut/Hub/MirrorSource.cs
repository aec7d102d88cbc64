using System.Threading.Channels;
using StackExchange.Redis;
using TailHub.Pipeline;
using TailHub.Sources;

namespace TailHub.ScaleOut.Hub;

/// <summary>
/// A hub's copy of a source an agent publishes: reads the source's Redis stream and hands the records to the hub
/// with the agent's sequence numbers, in the agent's epoch, so a cursor means the same on every hub. Made by
/// <see cref="SourceDiscovery"/>, never from configuration.
/// </summary>
/// <remarks>
/// StackExchange.Redis has no blocking <c>XREAD</c> (one multiplexed connection serves every caller), so the mirror
/// waits for the agent's wake-up on <see cref="RedisKeys.WakeChannel"/> and then reads with <c>XRANGE</c> after its
/// last sequence number; pub/sub may drop a message, so it also reads every <see cref="SafetyNetInterval"/>. A hole
/// in what it reads (entries trimmed before it got to them) is filled from its history (the agent's files), with a
/// gap only where the records are gone.
/// </remarks>
public sealed class MirrorSource : ISource, IHasOwner
{
    public static readonly TimeSpan SafetyNetInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LengthInterval = TimeSpan.FromSeconds(5);
    private const int EntriesPerRead = 200;

    private readonly RedisConnection _redis;
    private readonly ScaleOutOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private SourceRegistration _registration;
    private DateTimeOffset? _redisAwaySince;
    private long _streamLength;
    private double _lagSeconds;

    public MirrorSource(string name, SourceRegistration registration, RedisConnection redis, AgentHistoryClient agents, ScaleOutOptions options, TimeProvider time, ILogger logger)
    {
        Name = name;
        _registration = registration;
        _redis = redis;
        _options = options;
        _time = time;
        _logger = logger;
        Epoch = registration.Epoch;
        StreamKey = RedisKeys.Stream(name, registration.Epoch);
        Counters = new SourceCounters(time);
        History = new MirrorHistory(name, () => Volatile.Read(ref _registration), redis, agents, logger);
    }

    public string Name { get; }

    /// <summary>The kind the agent reads (<c>file</c>, <c>push</c>, …): what the source is, wherever it is served.</summary>
    public string Kind => Registration.Kind;
    public string Target => Registration.Target;
    public SourceCounters Counters { get; }
    public string Epoch { get; }
    public string StreamKey { get; }
    public MirrorHistory History { get; }
    public SourceRegistration Registration => Volatile.Read(ref _registration);

    /// <summary>The agent publishing the source.</summary>
    public string Owner => Registration.Agent;

    /// <summary>Entries in the source's stream when last read.</summary>
    public long StreamLength => Interlocked.Read(ref _streamLength);

    /// <summary>From the agent reading the newest line received to this hub receiving it, in seconds.</summary>
    public double LagSeconds => Volatile.Read(ref _lagSeconds);

    /// <summary>True while this hub cannot read Redis.</summary>
    public bool RedisAway => _redisAwaySince is not null;

    /// <summary>What the agent said last (same epoch: a new epoch is a new mirror).</summary>
    public void Update(SourceRegistration registration) => Volatile.Write(ref _registration, registration);

    public SourceStatus Status
    {
        get
        {
            if (_redisAwaySince is { } since)
                return new SourceStatus(SourceState.Error, [],
                    $"Redis ({_redis.Endpoints}) is unreachable since {since:HH:mm:ss} UTC: this hub serves what it received until then and catches up when Redis is back");
            var r = Registration;
            var silent = TimeSpan.FromMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds() - r.UpdatedAtMs);
            if (silent > _options.AgentSilentAfter)
                return new SourceStatus(SourceState.Error, [], $"agent {r.Agent} has not reported for {silent.TotalSeconds:0} s (it said: {r.State}{(r.Message is null ? "" : ", " + r.Message)})");
            var state = Enum.TryParse<SourceState>(r.State, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : SourceState.Following;
            var message = r.Message is null ? $"published by agent {r.Agent}" : r.Message.Contains(r.Agent, StringComparison.Ordinal) ? r.Message : $"{r.Message} (agent {r.Agent})";
            return new SourceStatus(state, [], message);
        }
    }

    /// <summary>
    /// Where a new mirror starts: after the stream's last sequence number less a backlog's worth, so its hub's
    /// memory fills with the newest records (never before the stream's first entry); older records are read as
    /// history when a viewer asks for them.
    /// </summary>
    public static async Task<long> StartAfterAsync(IDatabase db, string streamKey, SourceRegistration registration, int backlog)
    {
        var last = await db.StreamRangeAsync(streamKey, "-", "+", 1, Order.Descending);
        if (last.Length == 0) return registration.LastSeq;
        var startAfter = Math.Max(0, RedisKeys.SeqOf(last[0].Id) - backlog);
        var first = await db.StreamRangeAsync(streamKey, "-", "+", 1);
        if (first.Length > 0)
        {
            try
            {
                var records = StreamEntryCodec.Decode((byte[])first[0]["d"]!);
                if (records.Count > 0) startAfter = Math.Max(startAfter, SequenceGap.FirstSeqOf(records[0]) - 1);
            }
            catch (FormatException)
            {
                startAfter = Math.Max(startAfter, RedisKeys.SeqOf(first[0].Id));
            }
        }
        return startAfter;
    }

    public async Task RunAsync(SourceWriter writer, CancellationToken cancellationToken)
    {
        var channel = RedisChannel.Sharded(RedisKeys.WakeChannel(Name));
        Action<RedisChannel, RedisValue> wake = (_, _) => _wake.Writer.TryWrite(true);
        var subscribed = false;
        try
        {
            await FollowAsync(writer, channel, wake, () => subscribed = true, cancellationToken);
        }
        finally
        {
            // A mirror replaced by one of a new epoch stops listening; the multiplexer's subscription stays for the new one.
            if (subscribed)
            {
                try { await (await _redis.SubscriberAsync()).UnsubscribeAsync(channel, wake); }
                catch (Exception e) when (e is RedisException or TimeoutException) { }
            }
        }
    }

    private async Task FollowAsync(SourceWriter writer, RedisChannel channel, Action<RedisChannel, RedisValue> wake, Action subscribed, CancellationToken cancellationToken)
    {
        var isSubscribed = false;
        var lengthReadAt = 0L;
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!isSubscribed)
                {
                    await (await _redis.SubscriberAsync()).SubscribeAsync(channel, wake);
                    isSubscribed = true;
                    subscribed();
                }
                var db = await _redis.DatabaseAsync();
                var entries = await db.StreamRangeAsync(StreamKey, $"{writer.LastSeq + 1}", "+", EntriesPerRead);
                if (_redisAwaySince is not null) _logger.LogInformation("Source {Source}: Redis is back; catching up from {Seq}", Name, writer.LastSeq + 1);
                _redisAwaySince = null;
                backoff = TimeSpan.FromMilliseconds(200);
                if (entries.Length == 0)
                {
                    // The stream's length is for metrics: every few seconds is plenty (a hub follows every source).
                    if (lengthReadAt == 0 || _time.GetElapsedTime(lengthReadAt) > LengthInterval)
                    {
                        Interlocked.Exchange(ref _streamLength, await db.StreamLengthAsync(StreamKey));
                        lengthReadAt = _time.GetTimestamp();
                    }
                    await WaitAsync(cancellationToken);
                    continue;
                }
                foreach (var entry in entries) await ForwardAsync(writer, entry, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                if (_redisAwaySince is null)
                    _logger.LogWarning("Source {Source}: cannot read Redis at {Redis} ({Error}); retrying", Name, _redis.Endpoints, e.GetType().Name);
                _redisAwaySince ??= _time.GetUtcNow();
                try
                {
                    await Task.Delay(backoff, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromMilliseconds(Math.Min(2000, backoff.TotalMilliseconds * 2));
            }
        }
    }

    private async Task ForwardAsync(SourceWriter writer, StreamEntry entry, CancellationToken cancellationToken)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        List<SourceRecord> records;
        try
        {
            var payload = (byte[])entry["d"]!;
            records = StreamEntryCodec.Decode(payload, ReadTimestamp);
            var readAt = StreamEntryCodec.ReadAtMs(payload);
            if (readAt > 0) Volatile.Write(ref _lagSeconds, Math.Max(0, nowMs - readAt) / 1000.0);
        }
        catch (FormatException e)
        {
            _logger.LogWarning("Source {Source}: stream entry {Id} is not readable ({Error}); its records are a gap", Name, entry.Id, e.Message);
            records = [new SequenceGap(writer.LastSeq + 1, RedisKeys.SeqOf(entry.Id), GapReason.Expired, nowMs)];
        }
        var fresh = records.FindIndex(r => r.LastSeq > writer.LastSeq);
        if (fresh < 0) return;
        var first = SequenceGap.FirstSeqOf(records[fresh]);
        IEnumerable<SourceRecord> forward = records.Skip(fresh);
        if (first > writer.LastSeq + 1)
        {
            // Entries trimmed before this hub read them: the agent's files may still have those records.
            var from = writer.LastSeq + 1;
            var filled = await Task.Run(() => History.Replay(from, first - 1, nowMs), cancellationToken);
            forward = filled.Concat(forward);
        }
        var lines = 0;
        long bytes = 0;
        foreach (var record in records)
        {
            if (record is not LogLine line || line.Seq <= writer.LastSeq) continue;
            lines++;
            bytes += line.Utf8.Length + 1;
        }
        await writer.ForwardAsync(forward, cancellationToken);
        Counters.AddLines(lines);
        Counters.AddBytes(bytes);
    }

    /// <summary>The agent's read time (its wall clock) as a monotonic timestamp on this hub's clock, for delivery latency.</summary>
    private long ReadTimestamp(long readAtMs)
    {
        var ago = Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - readAtMs);
        return _time.GetTimestamp() - ago * _time.TimestampFrequency / 1000;
    }

    private async Task WaitAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SafetyNetInterval);
        try
        {
            await _wake.Reader.WaitToReadAsync(timeout.Token);
            _wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}
