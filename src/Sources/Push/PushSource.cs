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

    private readonly PushSourceOptions _options;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource<SourceWriter> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PartitionedRateLimiter<string>? _limiter;
    private readonly Lock _parkLock = new();
    private SpoolFile? _spool;
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
            _limiter = PartitionedRateLimiter.Create<string, string>(writer => RateLimitPartition.GetTokenBucketLimiter(writer, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit,
                TokensPerPeriod = Math.Max(1, limit / 10),
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
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
        if (_limiter is null) return null;
        using var lease = _limiter.AttemptAcquire(writer, 0);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
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
        Interlocked.Add(ref _accepted, bytes);
        var (first, last) = await CommitAsync(framed, bytes, writer, sourceWriter, cancellationToken);
        return Result(first, last, framed.Count);
    }

    internal PushResult Result(long first, long last, long lines) =>
        new(lines > 0 ? first : null, lines > 0 ? last : null, lines, Offset);

    internal void Accepted(long bytes) => Interlocked.Add(ref _accepted, bytes);

    /// <summary>
    /// Writes complete lines to the spool, records the stream bytes they complete, and hands them to the hub: one
    /// upload at a time, so the spool, the saved offset and the sequence always agree.
    /// </summary>
    internal async Task<(long First, long Last)> CommitAsync(List<SourceRecord> lines, long committedBytes, string writer, SourceWriter sourceWriter, CancellationToken cancellationToken)
    {
        if (_limiter is not null && lines.Count > 0) await ThrottleAsync(writer, lines.Count, cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_spool!.Length >= _options.SpoolFileBytes && lines.Count > 0) Roll();
            _spool.Append(lines);
            _committed += committedBytes;
            SaveState();
            sourceWriter.AddRange(lines);
            // Once the lines are in the spool they are the source's: only stopping TailHub interrupts handing them over.
            var (first, last) = await sourceWriter.FlushAsync(_stopping);
            if (lines.Count > 0) Counters.AddLines(lines.Count);
            Counters.AddBytes(committedBytes);
            return (first, last);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>An upload ended: its partial line is held for the next upload, or written now when its stream is over.</summary>
    internal async Task EndUploadAsync(PushUpload upload, LineFramer framer, long committedAt, bool endOfStream, SourceWriter writer)
    {
        try
        {
            if (!framer.HasPartialLine) return;
            if (endOfStream)
            {
                await FlushPartialAsync(framer, committedAt, upload.Writer, writer);
                return;
            }
            Parked? displaced;
            lock (_parkLock)
            {
                displaced = _parked;
                _parked = new Parked(framer, committedAt);
            }
            // Two uploads each ended inside a line: the older partial line cannot be continued any more.
            if (displaced is not null) await FlushPartialAsync(displaced.Framer, displaced.CommittedAt, upload.Writer, writer);
        }
        finally
        {
            Interlocked.Decrement(ref _uploads);
        }
    }

    private async Task FlushPartialAsync(LineFramer framer, long committedAt, string writerKey, SourceWriter writer)
    {
        var lines = new List<SourceRecord>();
        framer.FlushPartial(_time.GetUtcNow().ToUnixTimeMilliseconds(), _time.GetTimestamp(), lines);
        await CommitAsync(lines, framer.Position - committedAt, writerKey, writer, _stopping);
    }

    private async Task ThrottleAsync(string writer, int lines, CancellationToken cancellationToken)
    {
        var left = lines;
        while (left > 0)
        {
            var take = Math.Min(left, _options.MaxLinesPerSecond);
            using var lease = await _limiter!.AcquireAsync(writer, take, cancellationToken);
            left -= take;
        }
    }

    private async Task ReadStandardInputAsync(CancellationToken cancellationToken)
    {
        await using var input = Console.OpenStandardInput();
        var upload = (await BeginUploadAsync(null, "stdin", cancellationToken))!;
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await input.ReadAsync(buffer, cancellationToken)) > 0) await upload.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
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
        SaveState();
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

    private void SaveState() => PushState.Write(Path.Combine(_directory, StateFile), new PushState(PushState.CurrentVersion, _committed, _segment, _spool!.Length));

    private string SegmentPath(int number) => Path.Combine(_directory, $"spool-{number}.log");

    private IEnumerable<(int Number, string Path)> Segments() =>
        Directory.EnumerateFiles(_directory, "spool-*.log")
            .Select(p => (Number: int.TryParse(Path.GetFileNameWithoutExtension(p)["spool-".Length..], out var n) ? n : 0, Path: p))
            .Where(s => s.Number > 0)
            .OrderBy(s => s.Number);

    public void Dispose()
    {
        _spool?.Dispose();
        _limiter?.Dispose();
        _gate.Dispose();
    }
}
