using System.Buffers;
using System.Globalization;
using TailHub.Pipeline;
using TailHub.Pipeline.Spool;

namespace TailHub.Sources.Runs;

/// <summary>
/// A source whose output comes in runs: a <c>command</c> (a local process) or an <c>ssh</c> command, whichever
/// <see cref="IRunLauncher"/> it is given. Each run is numbered, spools its output to its own file under the
/// source's data directory, and is listed (and kept across restarts) in <see cref="RunLedger"/>. Its start and end
/// are <c>status</c> notices through the same writer as its lines, so viewers get them in order. Runs start on
/// request, when TailHub starts (<c>AutoStart</c>), or after one ends (<c>Restart</c>, with a backoff), at most
/// <c>MaxConcurrentRuns</c> at a time.
/// </summary>
/// <remarks>
/// The source's writer is used by one caller at a time: every run's output, and every notice, goes through it under
/// one gate. A run's output is taken in turns of a few chunks, so concurrent runs share it.
/// </remarks>
public sealed class RunSource : ISource, IHasRuns, IStartsRuns, IDisposable
{
    private const int FlushLines = 4096;
    private const int ChunksPerTurn = 32;
    // When TailHub stops, a run gets this long (or its CancelGrace, if shorter) between SIGTERM and SIGKILL.
    private static readonly TimeSpan StoppingGrace = TimeSpan.FromSeconds(3);

    private readonly RunSourceOptions _options;
    private readonly IRunLauncher _launcher;
    private readonly RestartPolicy _restart;
    private readonly RunParameters _parameters;
    private readonly RunLedger _ledger;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource<SourceWriter> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly Dictionary<int, ActiveRun> _active = [];
    private CancellationToken _stopping;
    private SourceWriter? _writer;
    private string? _launchError;
    private int _shortRuns;

    /// <param name="directory">Where the runs list and the runs' spools are kept.</param>
    public RunSource(string kind, RunSourceOptions options, IRunLauncher launcher, string directory, TimeProvider time, ILogger logger)
    {
        Name = options.Name;
        Kind = kind;
        _options = options;
        _launcher = launcher;
        RestartPolicies.TryParse(options.Restart, out _restart);
        _parameters = RunParameters.From(options.Parameters);
        _time = time;
        _logger = logger;
        try
        {
            _ledger = RunLedger.Open(directory, time.GetUtcNow(), logger, Name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Configuration.StartupException($"source '{Name}': cannot keep its runs in '{directory}' ({e.Message}); check TailHub:DataDirectory.");
        }
    }

    public string Name { get; }
    public string Kind { get; }
    public string Target => _launcher.Target;
    public SourceCounters Counters { get; } = new();

    public IReadOnlyList<RunInfo> Runs => _ledger.Runs;

    public RunInfo? CurrentRun
    {
        get
        {
            lock (_lock)
            {
                if (_active.Count > 0) return _active.Values.MaxBy(a => a.Run.Number)!.Run;
            }
            return _ledger.Runs.LastOrDefault();
        }
    }

    public SourceStatus Status
    {
        get
        {
            List<RunInfo> active;
            lock (_lock) active = _active.Values.Select(a => a.Run).OrderBy(r => r.Number).ToList();
            var running = active.Where(r => r.State == RunState.Running).ToList();
            if (running.Count > 0)
                return new SourceStatus(SourceState.Following, [], running.Count == 1
                    ? $"run #{running[0].Number} running"
                    : $"{running.Count} runs running ({string.Join(", ", running.Select(r => $"#{r.Number}"))})");
            if (active.Count > 0) return new SourceStatus(SourceState.Waiting, [], $"run #{active[^1].Number} queued");
            if (Volatile.Read(ref _launchError) is { } error) return new SourceStatus(SourceState.Error, [], error);
            if (!_ready.Task.IsCompleted) return SourceStatus.Starting;
            return _ledger.Runs.LastOrDefault() is { } last
                ? new SourceStatus(SourceState.Waiting, [], $"idle; run #{last.Number} {RunStates.Name(last.State)}")
                : new SourceStatus(SourceState.Waiting, [], "no run yet");
        }
    }

    public async Task RunAsync(SourceWriter writer, CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        _writer = writer;
        await RecoverAsync(writer, cancellationToken);
        _ready.TrySetResult(writer);
        try
        {
            if (_options.AutoStart) Admit(new Dictionary<string, string>(), TimeSpan.Zero, "started with TailHub (AutoStart)");
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await StopAllAsync();
        }
    }

    public async Task<RunInfo> StartRunAsync(IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var accepted = _parameters.Check(parameters);
        await _ready.Task.WaitAsync(cancellationToken);
        var active = Admit(accepted, TimeSpan.Zero, null);
        return await active.Started.Task.WaitAsync(cancellationToken);
    }

    public Task<RunInfo?> CancelRunAsync(int number, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_active.TryGetValue(number, out var active))
            {
                active.RequestStop(_options.CancelGrace);
                _logger.LogInformation("Source {Source}: run {Run} cancelled on request", Name, number);
                return Task.FromResult<RunInfo?>(active.Run);
            }
        }
        if (_ledger.Find(number) is not { } run) return Task.FromResult<RunInfo?>(null);
        throw new RunRejectedException(RunRejection.AlreadyEnded, $"run #{number} has already ended ({RunStates.Name(run.State)}).");
    }

    /// <summary>Adds a queued run and starts it after <paramref name="delay"/>; refused when the source already has its maximum.</summary>
    private ActiveRun Admit(IReadOnlyDictionary<string, string> parameters, TimeSpan delay, string? why)
    {
        lock (_lock)
        {
            if (_active.Count >= _options.MaxConcurrentRuns)
                throw new RunRejectedException(RunRejection.TooManyRuns,
                    $"source '{Name}' already has {_active.Count} run(s) queued or running, and allows {_options.MaxConcurrentRuns} at a time (MaxConcurrentRuns).");
            var run = _ledger.Add(n => new RunInfo(n, RunState.Queued, null, null, Message: why, Parameters: parameters));
            var active = new ActiveRun(run, _time);
            _active[run.Number] = active;
            active.Completion = Task.Run(() => ExecuteAsync(active, delay));
            return active;
        }
    }

    private async Task ExecuteAsync(ActiveRun active, TimeSpan delay)
    {
        var writer = _writer!;
        var run = active.Run;
        var ended = false;
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await AnnounceAsync(active, run, $"run #{run.Number} queued: starting in {Describe(delay)} ({run.Message})");
                try
                {
                    await Task.Delay(delay, _time, active.Terminate);
                }
                catch (OperationCanceledException) when (active.StopRequested && !_stopping.IsCancellationRequested)
                {
                    await EndAsync(active, active.Run with { State = RunState.Cancelled, EndedAt = _time.GetUtcNow(), Message = "cancelled before it started" },
                        $"run #{run.Number} cancelled before it started", null);
                    ended = true;
                    return;
                }
            }
            var (exit, launchError, recorder) = await LaunchAsync(active, writer);
            using (recorder)
            {
                if (_stopping.IsCancellationRequested) return;
                if (recorder is not null)
                {
                    await _gate.WaitAsync(_stopping);
                    try
                    {
                        recorder.Finish();
                        await FlushAsync(writer);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            var (final, message) = Outcome(active, exit, launchError);
            await EndAsync(active, final, message, launchError);
            ended = true;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // TailHub is stopping: the run stays "running" in the list and is reported lost when TailHub starts again.
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Source {Source}: run {Run} failed unexpectedly", Name, run.Number);
            _ledger.Update(active.Run with { State = RunState.Failed, EndedAt = _time.GetUtcNow(), Message = $"unexpected failure: {e.Message}" });
        }
        finally
        {
            lock (_lock) _active.Remove(run.Number);
            active.Started.TrySetResult(_ledger.Find(run.Number) ?? active.Run);
            active.Dispose();
            if (ended) AfterRun(_ledger.Find(run.Number) ?? active.Run);
        }
    }

    /// <summary>Starts the process and records its output until it ends. Returns how it ended, or why it never started.</summary>
    private async Task<(RunExit? Exit, string? LaunchError, RunRecorder? Recorder)> LaunchAsync(ActiveRun active, SourceWriter writer)
    {
        var output = new RunOutput();
        RunRecorder? recorder = null;
        Task pump = Task.CompletedTask;
        async Task StartedAsync()
        {
            recorder = new RunRecorder(writer, SpoolFile.Open(_ledger.SpoolPath(active.Run.Number)), _options.MaxRunBytes);
            var running = active.Run with { State = RunState.Running, StartedAt = _time.GetUtcNow() };
            running = await AnnounceAsync(active, running, $"run #{running.Number} started: {Target}", first: true);
            active.Started.TrySetResult(running);
            pump = PumpAsync(output, recorder, active, writer);
        }
        try
        {
            var context = new RunContext(active.Run.Number, active.Run.Parameters ?? new Dictionary<string, string>(), output, StartedAsync, active.Terminate, active.Kill);
            return (await _launcher.RunAsync(context), null, recorder);
        }
        catch (RunLaunchException e)
        {
            return (null, e.Message, recorder);
        }
        catch (OperationCanceledException) when (active.Killed)
        {
            return (new RunExit(null, Signals.Name(Signals.Kill)), null, recorder);
        }
        finally
        {
            output.Complete();
            await pump;
        }
    }

    /// <summary>Moves the run's output from its queue into the writer, a few chunks per turn at the gate.</summary>
    private async Task PumpAsync(RunOutput output, RunRecorder recorder, ActiveRun active, SourceWriter writer)
    {
        var reader = output.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping))
            {
                await _gate.WaitAsync(_stopping);
                try
                {
                    for (var i = 0; i < ChunksPerTurn && reader.TryRead(out var chunk); i++)
                    {
                        try
                        {
                            recorder.Write(chunk.Stream, chunk.Buffer.AsSpan(0, chunk.Length));
                            Counters.AddBytes(chunk.Length);
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(chunk.Buffer);
                        }
                        if (writer.PendingLines >= FlushLines) await FlushAsync(writer);
                    }
                    recorder.Commit();
                    await FlushAsync(writer);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (Exception e)
        {
            if (e is not OperationCanceledException)
            {
                _logger.LogError("Source {Source}: run {Run}'s output cannot be kept ({Error}); stopping the run", Name, active.Run.Number, e.Message);
                active.RequestStop(TimeSpan.Zero);
            }
            // Whatever happens here, the process's pipes are still read to their end, so it never waits on them.
            await foreach (var chunk in reader.ReadAllAsync()) ArrayPool<byte>.Shared.Return(chunk.Buffer);
        }
    }

    private (RunInfo Run, string Message) Outcome(ActiveRun active, RunExit? exit, string? launchError)
    {
        var run = active.Run with { EndedAt = _time.GetUtcNow() };
        var n = run.Number;
        if (launchError is not null && active.StopRequested)
            return (run with { State = RunState.Cancelled, Message = "cancelled before it started" }, $"run #{n} cancelled before it started");
        if (launchError is not null)
            return (run with { State = RunState.Failed, Message = $"failed to start: {launchError}" }, $"run #{n} failed to start: {launchError}");
        var result = exit!.Signal is { } signal ? $"ended by {signal}" : exit.ExitCode is { } code ? $"exit code {code}" : "no exit status";
        if (active.StopRequested)
            return (run with { State = RunState.Cancelled, ExitCode = exit.ExitCode, Signal = exit.Signal, Message = $"cancelled ({result})" }, $"run #{n} cancelled ({result})");
        if (exit.Lost)
            return (run with { State = RunState.Lost, Message = exit.Message }, $"run #{n} lost: {exit.Message}");
        var state = exit is { ExitCode: 0, Signal: null } ? RunState.Succeeded : RunState.Failed;
        return (run with { State = state, ExitCode = exit.ExitCode, Signal = exit.Signal, Message = exit.Message ?? run.Message }, $"run #{n} {RunStates.Name(state)} ({result})");
    }

    private async Task EndAsync(ActiveRun active, RunInfo run, string message, string? launchError)
    {
        // The list says it ended, with its range, and its place is free from the same moment, before any viewer hears
        // of the end: a client that sees it ended may start the next, and a page told of the end finds it listed so.
        var recorded = false;
        void Record(RunInfo ended)
        {
            lock (_lock)
            {
                _ledger.Update(ended);
                _active.Remove(ended.Number);
            }
            recorded = true;
        }
        try
        {
            run = await AnnounceAsync(active, run, message, ended: Record);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // TailHub is stopping: the end is recorded all the same, so the next start does not call the run lost.
            if (!recorded) Record(run);
        }
        Volatile.Write(ref _launchError, launchError);
        _logger.LogInformation("Source {Source}: {Message}", Name, message);
        foreach (var removed in _ledger.Trim(_options.KeepRuns))
        {
            try { File.Delete(_ledger.SpoolPath(removed.Number)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>After a run ended by itself: the next one, as <c>Restart</c> says, after a wait that grows while runs stay short.</summary>
    private void AfterRun(RunInfo ended)
    {
        if (_stopping.IsCancellationRequested || !_restart.Restarts(ended.State)) return;
        var lasted = ended.StartedAt is { } start && ended.EndedAt is { } end ? end - start : TimeSpan.Zero;
        _shortRuns = lasted > _options.MaxRestartDelay ? 1 : _shortRuns + 1;
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.MaxRestartDelay.Ticks, _options.RestartDelay.Ticks * Math.Pow(2, Math.Min(30, _shortRuns - 1))));
        try
        {
            Admit(ended.Parameters ?? new Dictionary<string, string>(), delay, $"restart after run #{ended.Number} {RunStates.Name(ended.State)}");
        }
        catch (RunRejectedException e)
        {
            _logger.LogWarning("Source {Source}: no restart after run {Run}: {Reason}", Name, ended.Number, e.Message);
        }
    }

    /// <summary>
    /// Sends the run's state as a notice, in order with its lines, and records where it stands in the sequence. For a
    /// run's end, <paramref name="ended"/> is given the run with its range before the notice goes out.
    /// </summary>
    private async Task<RunInfo> AnnounceAsync(ActiveRun? active, RunInfo run, string message, bool first = false, Action<RunInfo>? ended = null)
    {
        var writer = _writer!;
        long seq;
        await _gate.WaitAsync(_stopping);
        try
        {
            if (ended is not null)
            {
                // The run's last lines are numbered first, so the end notice's number is known before it is sent.
                await FlushAsync(writer);
                var end = writer.LastSeq + 1;
                run = run with { FirstSeq = run.FirstSeq ?? end, LastSeq = end };
                if (active is not null) active.Run = run;
                ended(run);
            }
            writer.Add(new SourceNotice(NoticeKind.Run, Target, message, _time.GetUtcNow().ToUnixTimeMilliseconds()) { Run = run });
            seq = await FlushAsync(writer);
        }
        finally
        {
            _gate.Release();
        }
        run = run.State switch
        {
            RunState.Queued => run,
            RunState.Running when first => run with { FirstSeq = seq },
            _ => run with { FirstSeq = run.FirstSeq ?? seq, LastSeq = seq },
        };
        if (active is not null) active.Run = run;
        _ledger.Update(run);
        return run;
    }

    /// <summary>Hands over what was added; returns the last sequence number.</summary>
    private async Task<long> FlushAsync(SourceWriter writer)
    {
        var lines = writer.PendingLines;
        var (_, last) = await writer.FlushAsync(_stopping);
        Counters.AddLines(lines);
        return last;
    }

    /// <summary>Numbers lines every run spooled but never handed over (TailHub stopped in between), then says which runs were lost.</summary>
    private async Task RecoverAsync(SourceWriter writer, CancellationToken cancellationToken)
    {
        foreach (var run in _ledger.Runs)
        {
            var path = _ledger.SpoolPath(run.Number);
            if (!File.Exists(path)) continue;
            using var spool = SpoolFile.Open(path);
            await writer.RecoverAsync(spool, cancellationToken);
        }
        foreach (var lost in _ledger.LostAtStart)
        {
            writer.Add(new SourceNotice(NoticeKind.Run, Target, $"run #{lost.Number} lost: {lost.Message}", _time.GetUtcNow().ToUnixTimeMilliseconds()) { Run = lost });
            var (_, seq) = await writer.FlushAsync(cancellationToken);
            _ledger.Update((_ledger.Find(lost.Number) ?? lost) with { LastSeq = seq });
        }
    }

    /// <summary>TailHub is stopping: every run is asked to stop and, after a short grace, killed.</summary>
    private async Task StopAllAsync()
    {
        List<ActiveRun> active;
        lock (_lock) active = [.. _active.Values];
        var grace = _options.CancelGrace < StoppingGrace ? _options.CancelGrace : StoppingGrace;
        foreach (var run in active) run.RequestStop(grace);
        await Task.WhenAll(active.Select(a => a.Completion)).WaitAsync(grace + TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static string Describe(TimeSpan delay) =>
        delay < TimeSpan.FromSeconds(1) ? $"{delay.TotalMilliseconds:0} ms"
        : delay < TimeSpan.FromMinutes(2) ? string.Create(CultureInfo.InvariantCulture, $"{delay.TotalSeconds:0.#} s")
        : $"{delay.TotalMinutes:0} min";

    public void Dispose() => _gate.Dispose();
}
