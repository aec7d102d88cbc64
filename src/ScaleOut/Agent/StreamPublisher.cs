using System.Threading.Channels;
using StackExchange.Redis;
using TailHub.Hosting;
using TailHub.Pipeline;

namespace TailHub.ScaleOut.Agent;

/// <summary>What an agent's publisher is doing for one source.</summary>
public enum PublisherState
{
    Starting,
    Publishing,
    /// <summary>Redis does not answer: records are buffered, within <see cref="ScaleOutOptions.PublishBufferRecords"/>.</summary>
    RedisUnreachable,
    /// <summary>Another agent holds the source's lease: this one does not publish it.</summary>
    Refused,
}

/// <summary>
/// Appends one source's records to its Redis stream, after its hub has journalled them: one entry per chunk (at most
/// <see cref="MaxEntryRecords"/> records or <see cref="MaxEntryBytes"/> bytes), id <c>{lastSeq}-0</c>, so
/// <c>XRANGE key S +</c> starts with the entry holding sequence number S; trimmed with <c>MINID ~</c> to about
/// <see cref="ScaleOutOptions.StreamMaxLines"/> lines, and its expiry refreshed; then the hubs are woken.
/// </summary>
/// <remarks>
/// Tailing never waits for Redis: records wait in a bounded buffer here. Past the bound the oldest are dropped and
/// published as one <see cref="GapReason.Unpublished"/> gap when Redis is back, never silently. Where the stream ends
/// is read from Redis (<c>XREVRANGE … COUNT 1</c>) whenever publishing (re)starts, and what the agent numbered since
/// is read back from the source's history, so a restart or an outage neither repeats nor skips a record.
/// </remarks>
public sealed class StreamPublisher : ISequencedRecordSink
{
    public const int MaxEntryRecords = 1000;
    public const int MaxEntryBytes = 64 * 1024;

    private readonly LiveSource _live;
    private readonly RedisConnection _redis;
    private readonly ScaleOutOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly LinkedList<SourceRecord[]> _queue = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly RedisKey _key;
    private readonly RedisChannel _wakeChannel;
    private int _buffered;
    private long _publishedSeq = -1;
    private long _errors;
    private long _published;
    private long _dropped;
    private long _streamLength;
    private long _lastAppend;

    public StreamPublisher(LiveSource live, SourceLease lease, RedisConnection redis, ScaleOutOptions options, TimeProvider time, ILogger logger)
    {
        _live = live;
        Lease = lease;
        _redis = redis;
        _options = options;
        _time = time;
        _logger = logger;
        _key = RedisKeys.Stream(live.Name, live.Hub.Epoch);
        _wakeChannel = RedisChannel.Sharded(RedisKeys.WakeChannel(live.Name));
    }

    public LiveSource Live => _live;
    public SourceLease Lease { get; }
    public string Name => _live.Name;
    public string StreamKey => _key.ToString();
    public PublisherState State { get; private set; } = PublisherState.Starting;

    /// <summary>Records waiting for Redis (a bulk-counted run counts as one: it is a range in memory, not its lines).</summary>
    public int Buffered => Volatile.Read(ref _buffered);

    /// <summary>The last sequence number in the stream, as far as this agent knows (-1 before it has looked).</summary>
    public long PublishedSeq => Interlocked.Read(ref _publishedSeq);

    /// <summary>Failed attempts to publish (each followed by a retry).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Records appended to the stream.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Records dropped from a full buffer (and published as a gap).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Entries in the stream when last looked at (the registry refresh asks every second).</summary>
    public long StreamLength
    {
        get => Interlocked.Read(ref _streamLength);
        set => Interlocked.Exchange(ref _streamLength, value);
    }

    public void Publish(SourceRecord[] records)
    {
        lock (_lock)
        {
            _queue.AddLast(records);
            _buffered += records.Length;
            while (_buffered > _options.PublishBufferRecords && DropOldestLocked()) { }
        }
        _wake.Writer.TryWrite(true);
    }

    // Tailing never waits for Redis: the buffer is bounded by dropping, not by back-pressure.
    public ValueTask WaitForRoomAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Drops the oldest buffered chunk into the gap at the front of the buffer; false when there is nothing to drop.</summary>
    private bool DropOldestLocked()
    {
        // The buffer may begin with the gap of what was dropped before; the oldest records come after it.
        var head = _queue.First;
        var gap = head?.Value is [SequenceGap { Reason: GapReason.Unpublished } g] ? g : null;
        var victim = gap is null ? head : head!.Next;
        if (victim is null) return false;
        var dropped = victim.Value;
        var follower = victim.Next;
        _queue.Remove(victim);
        _buffered -= dropped.Length;
        Interlocked.Add(ref _dropped, dropped.Sum(r => (long)r.SeqCount));
        var from = gap?.From ?? SequenceGap.FirstSeqOf(dropped[0]);
        var to = dropped[^1].LastSeq;
        if (gap is not null)
        {
            _queue.RemoveFirst();
            _buffered--;
        }
        // A gap from before may follow (a batch that failed to publish was put back in front of it): one gap, not two.
        if (follower?.Value is [SequenceGap { Reason: GapReason.Unpublished } later] && later.From == to + 1)
        {
            to = later.To;
            _queue.Remove(follower);
            _buffered--;
        }
        _queue.AddFirst([new SequenceGap(from, to, GapReason.Unpublished, _time.GetUtcNow().ToUnixTimeMilliseconds())]);
        _buffered++;
        return true;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var db = await _redis.DatabaseAsync();
                if (!await Lease.EnsureAsync(db))
                {
                    if (State != PublisherState.Refused)
                        _logger.LogWarning("Source {Source}: agent {Owner} publishes it (it holds the lease); this agent does not", Name, Lease.RefusedBy);
                    State = PublisherState.Refused;
                    Interlocked.Exchange(ref _publishedSeq, -1);
                    await Task.Delay(_options.LeaseDuration / 3, _time, cancellationToken);
                    continue;
                }
                if (PublishedSeq < 0) await FindPositionAsync(db);
                await CoalesceAsync(cancellationToken);
                var batch = Take();
                if (batch.Count == 0)
                {
                    State = PublisherState.Publishing;
                    await WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
                    continue;
                }
                try
                {
                    await AppendAsync(db, batch, cancellationToken);
                    _lastAppend = _time.GetTimestamp();
                }
                catch
                {
                    PutBack(batch);
                    throw;
                }
                if (State != PublisherState.Publishing) _logger.LogInformation("Source {Source}: publishing to Redis", Name);
                State = PublisherState.Publishing;
                backoff = TimeSpan.FromMilliseconds(200);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException or IOException)
            {
                Interlocked.Increment(ref _errors);
                // Where the stream ends is asked again once Redis answers: an append may have landed without its reply.
                Interlocked.Exchange(ref _publishedSeq, -1);
                if (State != PublisherState.RedisUnreachable)
                    _logger.LogWarning("Source {Source}: cannot publish to Redis at {Redis} ({Error}); buffering up to {Bound} records", Name, _redis.Endpoints, e.GetType().Name, _options.PublishBufferRecords);
                State = PublisherState.RedisUnreachable;
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

    /// <summary>
    /// Leading-edge throttle, as the broadcaster's: a chunk after a quiet spell is appended at once; while chunks keep
    /// coming they are gathered for <see cref="ScaleOutOptions.PublishInterval"/> after the last append. Every entry
    /// costs Redis an append and every hub a wake-up and a read, so entries, not lines, are what a scale-out pays for.
    /// </summary>
    private async Task CoalesceAsync(CancellationToken cancellationToken)
    {
        if (_lastAppend == 0) return;
        var wait = _options.PublishInterval - _time.GetElapsedTime(_lastAppend);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, cancellationToken);
    }

    private async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _wake.Reader.WaitToReadAsync(timer.Token);
            _wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Reads where the stream ends, and puts in front of the buffer what the source numbered after that and before
    /// the buffer begins (records journalled while Redis was away before a restart), read back from its history:
    /// at most <see cref="ScaleOutOptions.StreamMaxLines"/> of them, or, for a new stream, the backlog's worth.
    /// </summary>
    private async Task FindPositionAsync(IDatabase db)
    {
        var last = await db.StreamRangeAsync(_key, "-", "+", 1, Order.Descending);
        var inStream = last.Length > 0 ? RedisKeys.SeqOf(last[0].Id) : 0;
        long end;
        lock (_lock) end = _queue.First is { } first ? SequenceGap.FirstSeqOf(first.Value[0]) - 1 : _live.Hub.LastSeq;
        var window = inStream > 0 ? _options.StreamMaxLines : Math.Max(1, _live.Hub.Backlog.Capacity);
        var from = Math.Max(inStream, end - window);
        if (end > from)
        {
            var missing = _live.Hub.History(from, end).ToArray();
            if (missing.Length > 0)
            {
                lock (_lock)
                {
                    _queue.AddFirst(missing);
                    _buffered += missing.Length;
                }
            }
        }
        Interlocked.Exchange(ref _publishedSeq, inStream);
    }

    private List<SourceRecord[]> Take()
    {
        lock (_lock)
        {
            var batch = new List<SourceRecord[]>();
            var taken = 0;
            while (_queue.First is { } node && taken < 16 * MaxEntryRecords)
            {
                batch.Add(node.Value);
                taken += node.Value.Length;
                _buffered -= node.Value.Length;
                _queue.RemoveFirst();
            }
            return batch;
        }
    }

    private void PutBack(List<SourceRecord[]> batch)
    {
        lock (_lock)
        {
            for (var i = batch.Count - 1; i >= 0; i--)
            {
                _queue.AddFirst(batch[i]);
                _buffered += batch[i].Length;
            }
            while (_buffered > _options.PublishBufferRecords && DropOldestLocked()) { }
        }
    }

    /// <summary>
    /// Appends the batch as entries (runs read back as lines first), one after another: an entry is appended only once
    /// the one before it is in the stream, so the stream's last id always says how far the agent got. Then the
    /// hubs are woken and the stream's expiry refreshed.
    /// </summary>
    private async Task AppendAsync(IDatabase db, List<SourceRecord[]> batch, CancellationToken cancellationToken)
    {
        var entry = new List<SourceRecord>(MaxEntryRecords);
        var entryBytes = 0;
        var appendedTo = PublishedSeq;
        foreach (var chunk in batch)
        {
            foreach (var record in chunk)
            {
                if (record.LastSeq <= appendedTo) continue;
                if (record is LineRun run)
                {
                    // Read back in slices: a run can be millions of lines, never all in memory at once.
                    for (var from = Math.Max(run.Seq, appendedTo + 1); from <= run.LastSeq; from += MaxEntryRecords)
                    {
                        foreach (var line in _live.Hub.History(from - 1, Math.Min(run.LastSeq, from + MaxEntryRecords - 1))) await AddAsync(line);
                    }
                    continue;
                }
                await AddAsync(record is SequenceGap gap && gap.From <= appendedTo ? new SequenceGap(appendedTo + 1, gap.To, gap.Reason, gap.TimestampMs) : record);
            }
        }
        await FlushAsync();
        // The hubs are woken before anything else: their read is on every line's path. Neither waits for an answer
        // (a lost wake-up costs a hub its next safety-net read; the expiry is refreshed again on the next append).
        await (await _redis.SubscriberAsync()).PublishAsync(_wakeChannel, appendedTo, CommandFlags.FireAndForget);
        await db.KeyExpireAsync(_key, _options.StreamIdleExpiry, CommandFlags.FireAndForget);

        async ValueTask AddAsync(SourceRecord record)
        {
            if (record.LastSeq <= appendedTo) return;
            entry.Add(record);
            appendedTo = record.LastSeq;
            entryBytes += record is LogLine l ? l.Utf8.Length + 8 : 64;
            if (entry.Count >= MaxEntryRecords || entryBytes >= MaxEntryBytes) await FlushAsync();
        }

        async ValueTask FlushAsync()
        {
            if (entry.Count == 0) return;
            cancellationToken.ThrowIfCancellationRequested();
            await AppendEntryAsync(db, entry.ToArray());
            entry.Clear();
            entryBytes = 0;
        }
    }

    private async Task AppendEntryAsync(IDatabase db, SourceRecord[] records)
    {
        var lastSeq = records[^1].LastSeq;
        var readAt = ReadAtMs(records);
        var payload = StreamEntryCodec.Encode(records, readAt);
        var trimBelow = lastSeq - _options.StreamMaxLines;
        try
        {
            await db.StreamAddAsync(_key, [new NameValueEntry("d", payload)], new StreamAddOptions
            {
                MessageId = $"{lastSeq}-0",
                MinId = trimBelow > 0 ? $"{trimBelow}-0" : null,
                Approximate = true,
            });
        }
        catch (RedisServerException e) when (e.Message.Contains("equal or smaller", StringComparison.OrdinalIgnoreCase))
        {
            // Already in the stream (its append landed, its reply did not): nothing to repeat.
        }
        Interlocked.Exchange(ref _publishedSeq, Math.Max(PublishedSeq, lastSeq));
        Interlocked.Add(ref _published, records.Length);
    }

    /// <summary>When the entry's first line was read, on the wall clock (Unix ms), from its monotonic read time.</summary>
    private long ReadAtMs(SourceRecord[] records)
    {
        foreach (var record in records)
        {
            if (record is LogLine { ReadTimestamp: not 0 } line)
                return _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)_time.GetElapsedTime(line.ReadTimestamp).TotalMilliseconds;
        }
        return 0;
    }
}
