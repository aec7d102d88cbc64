using System.Globalization;
using System.Threading.Channels;
using TailHub.Pipeline;
using TailHub.Sources.Runs;

namespace TailHub.Sources.Jenkins;

/// <summary>
/// A <c>jenkins</c> source: resolves which build to follow, follows its console with <see cref="ProgressiveTextStep"/>
/// into that build's spool (<see cref="JenkinsBuildFile"/>), whose lines go straight into the source's writer, and, in
/// follow mode, moves on to the job's next build when it ends. A build queued through <see cref="TriggerAsync"/>
/// interrupts whatever it was doing and is followed as soon as its queue item names it. Build state goes to
/// <see cref="Build"/> and, as notices, through the same writer as the lines, so they arrive in order with them.
/// Each build is a run (<see cref="IHasRuns"/>) under its Jenkins number, listed in a <see cref="RunLedger"/> beside
/// the spools: its lines lie between the notice that it is followed and the notice that it finished. When TailHub
/// starts, the job's newest <c>Builds</c> builds not read yet are read one after another, oldest first, so each
/// build's lines are one stretch of the source's sequence, before the newest is followed.
/// </summary>
public sealed class JenkinsSource : ISource, ITriggersBuilds, IHasRuns, IDisposable
{
    // A response holding this many line terminators was cut short by Jenkins (LargeText.MAX_LINES_READ): more is waiting.
    private const int MaxLinesPerResponse = 10_000;
    // After this many polls with nothing new, the build API is asked whether the build is over (a missing log never ends).
    private const int EmptyPollsBeforeBuildCheck = 3;

    private readonly string _job;
    private readonly JenkinsBuildRef _configured;
    private readonly bool _follow;
    private readonly TimeSpan _poll;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JenkinsClient _client;
    private readonly QueueTracker _queue;
    private readonly RunLedger _runs;
    private readonly int _keep;
    private readonly Channel<TriggeredBuild> _triggers = Channel.CreateUnbounded<TriggeredBuild>();
    private readonly Lock _gate = new();
    private CancellationTokenSource? _activity;
    private CancellationToken _stopping;
    private SourceWriter? _writer;
    private int? _lastFollowed;
    private bool _saidFault;

    /// <param name="directory">Where this source's build spools live.</param>
    /// <param name="network">The HTTP handler to Jenkins; tests may pass their own.</param>
    public JenkinsSource(JenkinsSourceOptions options, string directory, TimeProvider time, ILoggerFactory loggers, HttpMessageHandler? network = null)
    {
        Name = options.Name;
        Directory = directory;
        _time = time;
        Counters = new SourceCounters(time);
        _logger = loggers.CreateLogger<JenkinsSource>();
        _follow = options.Follow;
        _poll = options.PollInterval;
        JenkinsJobPath.TryParse(options.Job, out var job, out _);
        _job = job.FullName;
        JenkinsBuildRef.TryParse(options.Build, out _configured);
        var token = string.IsNullOrEmpty(options.TokenEnv) ? null : Environment.GetEnvironmentVariable(options.TokenEnv);
        var http = JenkinsHttp.CreateClient(Name, _poll, options.RequestTimeout, time, _logger, network);
        _client = new JenkinsClient(Name, new Uri(options.Url!), job, options.User, token, http, _logger);
        _queue = new QueueTracker(_client, _poll, time, _logger, Name);
        _keep = options.Builds;
        try
        {
            _runs = RunLedger.Open(directory, time.GetUtcNow(), _logger, Name, runsOutliveTailHub: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _client.Dispose();
            throw new Configuration.StartupException($"source '{Name}': cannot keep its builds in '{directory}' ({e.Message}); check TailHub:DataDirectory.");
        }
    }

    public string Name { get; }
    public string Kind => "jenkins";
    public string Target => _client.JobUrl;
    public SourceCounters Counters { get; }

    /// <summary>The source's state, from its build's: a build it cannot see is an error, one not there yet is waited for.</summary>
    public SourceStatus Status => Build.State switch
    {
        "error" => new SourceStatus(SourceState.Error, [], Build.Message),
        "starting" or "waiting" => new SourceStatus(SourceState.Waiting, [], Build.Message),
        _ => new SourceStatus(SourceState.Following, [], Build.Message),
    };

    /// <summary>Where this source's build spools live.</summary>
    public string Directory { get; }

    /// <summary>The build being followed, or what the source waits for.</summary>
    public JenkinsBuildStatus Build { get; private set; } = JenkinsBuildStatus.Starting;

    /// <summary>The builds read, at most <c>Builds</c> of them that have ended, oldest first.</summary>
    public IReadOnlyList<RunInfo> Runs => _runs.Runs;

    public RunInfo? CurrentRun
    {
        get
        {
            var runs = _runs.Runs;
            return runs.LastOrDefault(r => r.IsActive) ?? runs.LastOrDefault();
        }
    }

    private abstract record Plan;
    private sealed record CatchUp : Plan;
    /// <param name="Then">Builds to read after this one, in order (the catch-up at start).</param>
    private sealed record FollowBuild(int Number, IReadOnlyList<int>? Then = null) : Plan;
    private sealed record AwaitNextAfter(int Number) : Plan;
    private sealed record AwaitQueue(TriggeredBuild Trigger) : Plan;
    private sealed record Idle : Plan;

    private enum BuildEnd { Finished, Deleted }

    /// <summary>
    /// Queues a build with <paramref name="parameters"/> and makes it the build this source follows. Returns at once
    /// with the queue item; its outcome (the build number) completes when Jenkins assigns one.
    /// </summary>
    public async Task<TriggeredBuild> TriggerAsync(IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var queueId = await _client.TriggerAsync(parameters, cancellationToken);
        var trigger = new TriggeredBuild(queueId, _queue.WaitForBuildAsync(queueId, _stopping));
        lock (_gate)
        {
            _triggers.Writer.TryWrite(trigger);
            _activity?.Cancel();
        }
        _logger.LogInformation("Source {Source}: queued a build of {Job} as queue item {QueueId}", Name, _job, queueId);
        return trigger;
    }

    public async Task RunAsync(SourceWriter writer, CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        _writer = writer;
        System.IO.Directory.CreateDirectory(Directory);
        Plan plan = Initial();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                using var activity = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                lock (_gate) _activity = activity;
                // The newest trigger wins; older ones still get their answer from their own queue item.
                while (_triggers.Reader.TryRead(out var trigger)) plan = new AwaitQueue(trigger);
                try
                {
                    plan = await StepAsync(plan, activity.Token);
                    _saidFault = false;
                }
                catch (OperationCanceledException) when (activity.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
                {
                    // A trigger arrived: it is picked up at the top of the loop.
                }
                catch (JenkinsAuthException e)
                {
                    // Asking again with the same credentials will not help: stop until a trigger or a restart.
                    SetStatus(Build with { State = "error", Message = e.Message });
                    await SayAsync(NoticeKind.Error, _client.JobUrl, e.Message, stoppingToken);
                    _logger.LogError("Source {Source}: {Error}; no more requests until a build is triggered or TailHub restarts", Name, e.Message);
                    plan = new Idle();
                }
                catch (Exception e) when (e is JenkinsException || JenkinsFaults.IsTransient(e, stoppingToken))
                {
                    var message = $"Jenkins is unavailable ({e.Message}); retrying";
                    SetStatus(Build with { Message = message });
                    if (!_saidFault) await SayAsync(NoticeKind.Error, _client.JobUrl, message, stoppingToken);
                    _saidFault = true;
                    _logger.LogWarning("Source {Source}: {Error}", Name, message);
                    await DelayAsync(activity.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A bug or a surprise from the file system must not end the source: say so, wait, try again.
                    SetStatus(Build with { State = "error", Message = $"unexpected failure: {e.Message}" });
                    _logger.LogError(e, "Source {Source}: unexpected failure; retrying", Name);
                    await DelayAsync(activity.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
                finally
                {
                    lock (_gate) _activity = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _client.Dispose();
        }
    }

    private Plan Initial()
    {
        var resumed = JenkinsBuildFile.Latest(Directory);
        if (_configured.Number is { } configured)
            return resumed is { } r && r > configured && _follow ? new FollowBuild(r) : new FollowBuild(configured);
        return new CatchUp();
    }

    /// <summary>Whether build <paramref name="number"/>'s console was read to its end (and so is not read again).</summary>
    private bool WasRead(int number) =>
        JenkinsBuildFile.IsComplete(Directory, number) || _runs.Find(number) is { IsActive: false, LastSeq: not null };

    private async Task<Plan> StepAsync(Plan plan, CancellationToken cancellationToken)
    {
        switch (plan)
        {
            case CatchUp:
                IReadOnlyList<JenkinsRecentBuild> recent;
                try
                {
                    recent = await _client.GetRecentBuildsAsync(_keep, cancellationToken);
                }
                catch (JenkinsNotFoundException)
                {
                    recent = [];
                }
                if (recent.Count == 0)
                {
                    await WaitingAsync(null, $"{_job} has no build yet (or this user may not see it)", cancellationToken);
                    return plan;
                }
                // Builds still going when TailHub stopped are followed to their end even if newer ones pushed them out of the list.
                var unread = recent.Select(b => b.Number).Where(n => !WasRead(n))
                    .Union(_runs.Runs.Where(r => r.IsActive).Select(r => r.Number))
                    .Order().ToList();
                var newest = recent.MaxBy(b => b.Number)!;
                if (unread.Count > 0)
                {
                    if (unread.Count > 1) _logger.LogInformation("Source {Source}: reading {Count} builds of {Job} not read yet, from #{First}", Name, unread.Count, _job, unread[0]);
                    return new FollowBuild(unread[0], unread[1..]);
                }
                SetStatus(new JenkinsBuildStatus(newest.Building ? "running" : "finished", newest.Number, newest.Building ? null : newest.Result, null, BuildUrl(newest.Number), null));
                return _follow ? new AwaitNextAfter(newest.Number) : new Idle();

            case FollowBuild(var number, var then):
                var end = await FollowBuildAsync(number, cancellationToken);
                if (end == BuildEnd.Deleted)
                {
                    SetStatus(new JenkinsBuildStatus("deleted", number, null, null, BuildUrl(number), $"build #{number} was deleted in Jenkins"));
                    var lost = _runs.Find(number) is { LastSeq: null } open
                        ? open with { State = RunState.Lost, EndedAt = _time.GetUtcNow(), Message = "deleted in Jenkins while TailHub read it" }
                        : null;
                    var seq = await SayAsync(NoticeKind.Build, BuildUrl(number), $"build #{number} was deleted in Jenkins", cancellationToken, lost);
                    if (lost is not null) EndRun(lost with { LastSeq = seq });
                }
                if (then is { Count: > 0 }) return new FollowBuild(then[0], then.Skip(1).ToList());
                return _follow ? new AwaitNextAfter(number) : new Idle();

            case AwaitNextAfter(var number):
                var job = await _client.GetJobAsync(cancellationToken);
                var next = job.Builds?.Where(b => b.Number > number).Select(b => (int?)b.Number).Min();
                if (next is { } n) return new FollowBuild(n);
                // The finished build stays what /api/sources shows until the next one starts.
                var waiting = $"waiting for the build after #{number}";
                if (Build.Message != waiting)
                {
                    SetStatus(Build with { Message = waiting });
                    await SayAsync(NoticeKind.Waiting, _client.JobUrl, waiting, cancellationToken);
                }
                await DelayAsync(cancellationToken);
                return plan;

            case AwaitQueue(var trigger):
                SetStatus(new JenkinsBuildStatus("queued", null, null, trigger.QueueId, null, $"queue item {trigger.QueueId}"));
                await SayAsync(NoticeKind.Build, _client.JobUrl, $"build queued (queue item {trigger.QueueId})", cancellationToken);
                var outcome = await trigger.Outcome.WaitAsync(cancellationToken);
                if (outcome.Number is { } triggered) return new FollowBuild(triggered);
                SetStatus(new JenkinsBuildStatus("cancelled", null, null, trigger.QueueId, null, outcome.Message));
                await SayAsync(NoticeKind.Build, _client.JobUrl, outcome.Message ?? $"queue item {trigger.QueueId} did not become a build", cancellationToken);
                return _follow && _lastFollowed is { } previous ? new AwaitNextAfter(previous) : new Idle();

            default:
                await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken);
                return plan;
        }
    }

    private async Task<BuildEnd> FollowBuildAsync(int number, CancellationToken cancellationToken)
    {
        var url = BuildUrl(number);
        var label = number.ToString(CultureInfo.InvariantCulture);
        JenkinsBuildInfo info;
        while (true)
        {
            try
            {
                info = await _client.GetBuildAsync(label, cancellationToken);
                break;
            }
            catch (JenkinsNotFoundException)
            {
                if (JenkinsBuildFile.WasSeen(Directory, number)) return BuildEnd.Deleted;
                await WaitingAsync(number, $"build #{number} does not exist yet", cancellationToken);
            }
        }

        using var file = JenkinsBuildFile.Open(Directory, number, Writer);
        // Lines spooled before a restart that never got their numbers get them now, before anything new.
        await file.RecoverAsync(_stopping);
        var same = file.Identify(info.Timestamp);
        if (!same)
            await SayAsync(NoticeKind.Build, url, $"build #{number} is another build than the one saved under that number; fetching its console anew", cancellationToken);
        // A console not read to its end is a run: begun by this notice, or, when resumed, by the one that began it before.
        RunInfo? run = null;
        if (!file.Complete)
        {
            var result = info.Completed ? info.Result : null;
            run = same && _runs.Find(number) is { FirstSeq: not null, LastSeq: null } begun
                ? begun with { State = StateOf(info), Result = result }
                : new RunInfo(number, StateOf(info), DateTimeOffset.FromUnixTimeMilliseconds(info.Timestamp), null, Result: result);
        }
        if (_lastFollowed != number || run is { FirstSeq: null })
        {
            var seq = await SayAsync(NoticeKind.Build, url, $"following build #{number} of {_job}", cancellationToken, run);
            if (run is not null) run = run with { FirstSeq = run.FirstSeq ?? seq };
        }
        if (run is not null) _runs.Put(run);
        _lastFollowed = number;
        SetStatus(new JenkinsBuildStatus(info.Completed ? "finished" : "running", number, info.Completed ? info.Result : null, info.QueueId, url, null));
        if (file.Complete) return await FinishedAsync(number, info, cancellationToken);

        var emptyPolls = 0;
        var buildOver = false;
        while (true)
        {
            ProgressiveTextResponse response;
            try
            {
                response = await _client.GetProgressiveTextAsync(number, file.RawOffset, cancellationToken);
            }
            catch (JenkinsNotFoundException)
            {
                return BuildEnd.Deleted;
            }
            var before = file.RawOffset;
            var step = ProgressiveTextStep.From(before, response);
            if (step.LogReplaced)
            {
                file.Reset();
                await SayAsync(NoticeKind.Build, url, $"the log of build #{number} was replaced in Jenkins; reading it from its start", cancellationToken);
            }
            file.Append(step.Console, step.Next, step.Complete);
            Counters.AddBytes(step.Console.Length);
            await FlushAsync();
            if (step.Complete) return await FinishedAsync(number, null, cancellationToken);

            emptyPolls = step.Console.Length == 0 && step.Next == before ? emptyPolls + 1 : 0;
            if (buildOver && emptyPolls > 0)
            {
                // Jenkins reports more data forever when the log file is missing; the build API says it is over.
                file.Append([], file.RawOffset, complete: true);
                await FlushAsync();
                return await FinishedAsync(number, null, cancellationToken);
            }
            if (emptyPolls >= EmptyPollsBeforeBuildCheck && emptyPolls % EmptyPollsBeforeBuildCheck == 0)
            {
                try
                {
                    var now = await _client.GetBuildAsync(label, cancellationToken);
                    // One more console poll first: the last lines may have been written since the previous one.
                    buildOver = now.Completed;
                    if (buildOver) continue;
                }
                catch (JenkinsNotFoundException)
                {
                    return BuildEnd.Deleted;
                }
            }
            if (!CutShort(response.Body)) await DelayAsync(cancellationToken);
        }
    }

    private async Task<BuildEnd> FinishedAsync(int number, JenkinsBuildInfo? info, CancellationToken cancellationToken)
    {
        info ??= await _client.GetBuildAsync(number.ToString(CultureInfo.InvariantCulture), cancellationToken);
        var result = info.Result ?? "unknown";
        // A run read to its end before (its console complete on disk) keeps the stretch it had: this notice is not in it.
        var open = _runs.Find(number) is { LastSeq: null } r ? r : null;
        var ended = open is null ? null : open with
        {
            // Its console is complete: the build is over, whatever a build API answer sampled a moment earlier said.
            State = EndState(info.Result),
            Result = info.Result,
            EndedAt = info.Duration is > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(info.Timestamp + info.Duration.Value) : _time.GetUtcNow(),
        };
        var seq = await SayAsync(NoticeKind.Build, BuildUrl(number), $"build #{number} finished: {result}", cancellationToken, ended);
        if (ended is not null) EndRun(ended with { LastSeq = seq });
        // Last: whoever sees the build finished sees its run ended too.
        SetStatus(new JenkinsBuildStatus("finished", number, info.Result, info.QueueId, BuildUrl(number), null));
        return BuildEnd.Finished;
    }

    /// <summary>A run's state from its build's: running until its log is complete, then its result.</summary>
    private static RunState StateOf(JenkinsBuildInfo info) => info.Completed ? EndState(info.Result) : RunState.Running;

    private static RunState EndState(string? result) => result switch
    {
        "SUCCESS" => RunState.Succeeded,
        "UNSTABLE" => RunState.Unstable,
        "FAILURE" => RunState.Failed,
        "ABORTED" => RunState.Aborted,
        "NOT_BUILT" => RunState.NotBuilt,
        // A finished build Jenkins gives no result to: how it ended is not known.
        _ => RunState.Lost,
    };

    /// <summary>Records how a run ended and lets the oldest ended runs beyond <c>Builds</c> fall off the list (their files are Retention's).</summary>
    private void EndRun(RunInfo run)
    {
        _runs.Put(run);
        _runs.Trim(_keep);
        _logger.LogInformation("Source {Source}: run #{Run} {State} (records {First}-{Last})", Name, run.Number, RunStates.Name(run.State), run.FirstSeq, run.LastSeq);
    }

    private async Task WaitingAsync(int? number, string message, CancellationToken cancellationToken)
    {
        if (Build.State != "waiting" || Build.Message != message)
        {
            SetStatus(new JenkinsBuildStatus("waiting", number, null, null, number is { } n ? BuildUrl(n) : _client.JobUrl, message));
            await SayAsync(NoticeKind.Waiting, _client.JobUrl, message, cancellationToken);
        }
        await DelayAsync(cancellationToken);
    }

    private static bool CutShort(byte[] body)
    {
        // Every raw terminator counts; the server sends a raw LF as CRLF, which is one of them.
        var span = body.AsSpan();
        var terminators = span.Count((byte)'\n') + span.Count((byte)'\r') - CountCrLf(span);
        return terminators >= MaxLinesPerResponse;
    }

    private static int CountCrLf(ReadOnlySpan<byte> span)
    {
        var count = 0;
        for (var i = 1; i < span.Length; i++) if (span[i] == (byte)'\n' && span[i - 1] == (byte)'\r') count++;
        return count;
    }

    private string BuildUrl(int number) => $"{_client.JobUrl}{number}/";

    private Task DelayAsync(CancellationToken cancellationToken) => Task.Delay(_poll, _time, cancellationToken);

    private void SetStatus(JenkinsBuildStatus status)
    {
        if (status == Build) return;
        Build = status;
        _logger.LogInformation("Source {Source}: build {Number} {State} {Result} {Message}", Name, status.Number, status.State, status.Result, status.Message);
    }

    private SourceWriter Writer => _writer ?? throw new InvalidOperationException("The source is not running.");

    /// <summary>Hands the lines and notices added so far to the hub. Only stopping TailHub interrupts it, never a trigger.</summary>
    private async Task FlushAsync()
    {
        var (first, last) = await Writer.FlushAsync(_stopping);
        if (last >= first) Counters.AddLines(last - first + 1);
    }

    /// <summary>Sends a notice (naming <paramref name="run"/>, if given, as it stands now) after the lines before it; returns its sequence number.</summary>
    private async Task<long> SayAsync(NoticeKind kind, string path, string message, CancellationToken cancellationToken, RunInfo? run = null)
    {
        Writer.Add(new SourceNotice(kind, path, message, _time.GetUtcNow().ToUnixTimeMilliseconds()) { Run = run });
        var pendingLines = Writer.PendingLines;
        var (_, last) = await Writer.FlushAsync(_stopping);
        if (pendingLines > 0) Counters.AddLines(pendingLines);
        return last;
    }

    public void Dispose() => _client.Dispose();
}
