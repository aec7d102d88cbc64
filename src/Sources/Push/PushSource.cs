using System.Text;
using System.Threading.RateLimiting;
using TailHub.Pipeline;
using TailHub.Pipeline.Spool;

namespace TailHub.Sources.Push;

/// <summary>
/// A <c>push</c> source: lines sent over HTTP (or read from standard input) become the source's lines, kept in
/// spool files under its data directory so they can be read back like any file's.
/// </summary>
/// <remarks>
/// <para>The pushed bytes form one stream per source, counted in bytes: an upload may say where its body starts
/// (<c>Upload-Offset</c>), and bytes the source already has are skipped, so a retried upload neither repeats nor
/// loses a line. Each upload frames its own bytes (so concurrent uploads never mix inside a line); its complete
/// lines are written to the spool, the accepted offset saved, and the lines handed to the hub, one upload at a time.</para>
/// <para>An upload that ends inside a line leaves that partial line held: the next upload to the source continues
/// it (a client that sends one command's output in several requests). It is written as a line of its own when the
/// source closes (TailHub stops, standard input ends). A held partial line is in memory only: after a restart the
/// source's offset is where its last complete line ended, and a retrying client sends the partial line again.</para>
/// </remarks>
public sealed class PushSource : ISource, IAcceptsPushedLines, IDisposable
{
    private const string StateFile = "push-state.json";

    /// <summary>
    /// Lines handed to the hub at once, at most: a fast upload's reads (up to Kestrel's 1 MiB request buffer) are cut
    /// to about what a file's 256 KiB read gives, so the hub's bounded channel stays bounded in memory too.
    /// </summary>
    internal const int MaxLinesPerCommit = 2048;

    private readonly PushSourceOptions _options;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource<SourceWriter> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PartitionedRateLimiter<string>? _limiter;
    private readonly int _linesPerRefill;
    private readonly Lock _parkLock = new();
    private SpoolFile? _spool;
    private PushStateFile? _state;
    private int _segment = 1;
    private long _committed;
    private long _accepted;
    private int _uploads;
    private Parked? _parked;
    private CancellationToken _stopping;

    /// <summary>A partial line left by an upload, with how much of that upload's bytes were committed.</summary>
    internal sealed record Parked(LineFramer Framer, long CommittedAt);

    public PushSource(PushSourceOptions options, string directory, TimeProvider time, ILogger<PushSource> logger)
    {
        _options = options;
        _directory = directory;
        _time = time;
        _logger = logger;
        Name = options.Name;
        Counters = new SourceCounters(time);
        if (options.MaxLinesPerSecond > 0)
        {
            var limit = options.MaxLinesPerSecond;
            // A tenth of a second's allowance ten times a second; below 10 lines/s, one line at a time as often as the limit allows.
            var perPeriod = _linesPerRefill = Math.Max(1, limit / 10);
            _limiter = PartitionedRateLimiter.Create<string, string>(writer => RateLimitPartition.GetTokenBucketLimiter(writer, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit,
                TokensPerPeriod = perPeriod,
                ReplenishmentPeriod = TimeSpan.FromSeconds((double)perPeriod / limit),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            }));
        }
    }

    public string Name { get; }
    public string Kind => "push";
    public string Target => _options.Stdin ? "standard input" : $"PUT/POST /api/sources/{Name}/lines";
    public SourceCounters Counters { get; }

    public SourceStatus Status => Volatile.Read(ref _uploads) > 0
        ? new SourceStatus(SourceState.Following, [], _options.Stdin ? "reading standard input" : $"receiving {_uploads} upload(s)")
        : new SourceStatus(SourceState.Waiting, [], _ready.Task.IsCompleted ? "waiting for lines to be pushed" : "starting");

    public long Offset => Interlocked.Read(ref _accepted);

    public async Task RunAsync(SourceWriter writer, CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        await RecoverAsync(writer, cancellationToken);
        _ready.TrySetResult(writer);
        try
        {
            if (_options.Stdin) await ReadStandardInputAsync(cancellationToken);
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await CloseAsync(writer);
        }
    }

    public async ValueTask<PushUpload?> BeginUploadAsync(long? startsAt, string writer, CancellationToken cancellationToken)
    {
        var sourceWriter = await _ready.Task.WaitAsync(cancellationToken);
        var end = Offset;
        if (startsAt > end) return null;
        Parked? parked;
        lock (_parkLock)
        {
            parked = _parked;
            _parked = null;
        }
        Interlocked.Increment(ref _uploads);
        var framer = parked?.Framer ?? sourceWriter.Framer(null);
        return new PushUpload(this, sourceWriter, framer, parked?.CommittedAt ?? 0, startsAt is { } s ? end - s : 0, writer);
    }

    public TimeSpan? RetryAfter(string writer)
    {
        // Statistics, not a zero-line lease: the bucket refills in fractions, and a fraction of a line is no allowance.
        if (_limiter?.GetStatistics(writer) is not { } allowance) return null;
        if (allowance.CurrentAvailablePermits >= 1 && allowance.CurrentQueuedCount == 0) return null;
        // The lines already waiting, and one more, at the writer's rate.
        var owed = allowance.CurrentQueuedCount + 1 - Math.Max(0, allowance.CurrentAvailablePermits);
        return TimeSpan.FromSeconds((double)owed / _options.MaxLinesPerSecond);
    }

    public async ValueTask<PushResult> AddLinesAsync(IReadOnlyList<PushedLine> lines, string writer, CancellationToken cancellationToken)
    {
        var sourceWriter = await _ready.Task.WaitAsync(cancellationToken);
        var framed = new List<SourceRecord>();
        long bytes = 0;
        var framer = sourceWriter.Framer(null);
        foreach (var line in lines)
        {
            var utf8 = Encoding.UTF8.GetBytes(line.Text + "\n");
            bytes += utf8.Length;
            var now = line.Timestamp?.ToUnixTimeMilliseconds() ?? _time.GetUtcNow().ToUnixTimeMilliseconds();
            framer.Push(utf8, now, _time.GetTimestamp(), framed, line.Level);
        }
        if (framed.Count == 0) return Result(0, 0, 0);
        for (var left = framed.Count; left > 0;) left -= await AllowanceAsync(writer, left, cancellationToken);
        // From here the request's lines are the source's, whether or not its client is still there to hear so.
        Accepted(bytes);
        long first = long.MaxValue, last = 0, committedAt = 0;
        for (var at = 0; at < framed.Count; at += MaxLinesPerCommit)
        {
            var slice = framed.GetRange(at, Math.Min(MaxLinesPerCommit, framed.Count - at));
            var end = ((LogLine)slice[^1]).End;
            var (f, l) = await CommitAsync(slice, end - committedAt, sourceWriter, CancellationToken.None);
            committedAt = end;
            if (l < f) continue;
            first = Math.Min(first, f);
            last = l;
        }
        return Result(first, last, framed.Count);
    }

    /// <summary>The answer to an upload: <paramref name="first"/> &gt; <paramref name="last"/> when none of its lines was numbered.</summary>
    internal PushResult Result(long first, long last, long lines) =>
        new(lines > 0 && first <= last ? first : null, lines > 0 && first <= last ? last : null, lines, Offset);

    internal void Accepted(long bytes) => Interlocked.Add(ref _accepted, bytes);

    /// <summary>
    /// How many of <paramref name="wanted"/> lines <paramref name="writer"/> may commit now: all of them without a rate
    /// limit; otherwise up to one refill's worth, waiting for it if the writer's allowance is spent.
    /// </summary>
    internal async ValueTask<int> AllowanceAsync(string writer, int wanted, CancellationToken cancellationToken)
    {
        if (_limiter is null) return wanted;
        // No more than one refill at a time: a writer being slowed never has lines to spare, so its other requests get 429.
        var take = Math.Min(wanted, _linesPerRefill);
        using var lease = await _limiter.AcquireAsync(writer, take, cancellationToken);
        return take;
    }

    /// <summary>
    /// Writes complete lines to the spool, records the stream bytes they complete, and hands them to the hub: one
    /// commit at a time, so the spool, the saved offset and the sequence always agree. Returns the sequence numbers
    /// given out (first &gt; last when none were, e.g. TailHub is stopping: the lines are spooled and numbered after
    /// the restart).
    /// </summary>
    internal async Task<(long First, long Last)> CommitAsync(List<SourceRecord> lines, long committedBytes, SourceWriter sourceWriter, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_spool!.Length >= _options.SpoolFileBytes && lines.Count > 0) Roll();
            _spool.Append(lines);
            _committed += committedBytes;
            SaveState();
            if (lines.Count > 0) Counters.AddLines(lines.Count);
            Counters.AddBytes(committedBytes);
            sourceWriter.AddRange(lines);
            // Once the lines are in the spool they are the source's: only stopping TailHub interrupts handing them over.
            try
            {
                return await sourceWriter.FlushAsync(_stopping);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return (0, -1);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>An upload ended: its partial line is held for the next upload, or written now when its stream is over.</summary>
    internal async Task EndUploadAsync(LineFramer framer, long committedAt, bool endOfStream, SourceWriter writer)
    {
        if (!framer.HasPartialLine) return;
        if (endOfStream)
        {
            await FlushPartialAsync(framer, committedAt, writer);
            return;
        }
        Parked? displaced;
        lock (_parkLock)
        {
            displaced = _parked;
            _parked = new Parked(framer, committedAt);
        }
        // Two uploads each ended inside a line: the older partial line cannot be continued any more.
        if (displaced is not null) await FlushPartialAsync(displaced.Framer, displaced.CommittedAt, writer);
    }

    internal void UploadEnded() => Interlocked.Decrement(ref _uploads);

    private async Task FlushPartialAsync(LineFramer framer, long committedAt, SourceWriter writer)
    {
        var lines = new List<SourceRecord>();
        framer.FlushPartial(_time.GetUtcNow().ToUnixTimeMilliseconds(), _time.GetTimestamp(), lines);
        await CommitAsync(lines, framer.Position - committedAt, writer, CancellationToken.None);
    }

    private async Task ReadStandardInputAsync(CancellationToken cancellationToken)
    {
        await using var input = Console.OpenStandardInput();
        var upload = (await BeginUploadAsync(null, "stdin", cancellationToken))!;
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            // A console read is not cancelled by its token once it waits for input: stopping TailHub leaves it behind.
            while ((n = await input.ReadAsync(buffer, CancellationToken.None).AsTask().WaitAsync(cancellationToken)) > 0)
                await upload.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
        }
        finally
        {
            await upload.CompleteAsync(endOfStream: true, CancellationToken.None);
        }
        _logger.LogInformation("Source {Source}: standard input ended after {Lines} lines", Name, Counters.Lines);
    }

    /// <summary>Opens the current spool and hands over every line spooled but never numbered (TailHub stopped in between).</summary>
    private async Task RecoverAsync(SourceWriter writer, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_directory);
        var state = PushState.Read(Path.Combine(_directory, StateFile), _logger, Name);
        _segment = state?.Segment ?? 1;
        _committed = state?.Committed ?? 0;
        _accepted = _committed;
        foreach (var (number, path) in Segments())
        {
            if (number > _segment)
            {
                // Started just before a crash, before the state named it: its lines are sent again.
                File.Delete(path);
                continue;
            }
            if (number == _segment) continue;
            using var old = SpoolFile.Open(path);
            await writer.RecoverAsync(old, cancellationToken);
        }
        _spool = SpoolFile.Open(SegmentPath(_segment), state?.SpoolLength ?? 0);
        await writer.RecoverAsync(_spool, cancellationToken);
        _state = PushStateFile.Create(Path.Combine(_directory, StateFile), State);
    }

    private async Task CloseAsync(SourceWriter writer)
    {
        Parked? parked;
        lock (_parkLock)
        {
            parked = _parked;
            _parked = null;
        }
        if (parked is null || _spool is null) return;
        try
        {
            // The source is closing: a held partial line will not be continued. It is spooled now and numbered after
            // a restart if the hub has already stopped.
            var lines = new List<SourceRecord>();
            parked.Framer.FlushPartial(_time.GetUtcNow().ToUnixTimeMilliseconds(), _time.GetTimestamp(), lines);
            await _gate.WaitAsync();
            try
            {
                _spool.Append(lines);
                _committed += parked.Framer.Position - parked.CommittedAt;
                SaveState();
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Source {Source}: could not keep a partial line at shutdown: {Error}", Name, e.Message);
        }
    }

    private void Roll()
    {
        _spool!.Dispose();
        _segment++;
        _spool = SpoolFile.Open(SegmentPath(_segment), 0);
    }

    private PushState State => new(PushState.CurrentVersion, _committed, _segment, _spool!.Length);

    private void SaveState() => _state!.Save(State);

    private string SegmentPath(int number) => Path.Combine(_directory, $"spool-{number}.log");

    private IEnumerable<(int Number, string Path)> Segments() =>
        Directory.EnumerateFiles(_directory, "spool-*.log")
            .Select(p => (Number: int.TryParse(Path.GetFileNameWithoutExtension(p)["spool-".Length..], out var n) ? n : 0, Path: p))
            .Where(s => s.Number > 0)
            .OrderBy(s => s.Number);

    public void Dispose()
    {
        _spool?.Dispose();
        _state?.Dispose();
        _limiter?.Dispose();
        _gate.Dispose();
    }
}
