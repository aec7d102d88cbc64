using System.Diagnostics;

namespace TailHub.LoadTests.Scenarios;

/// <summary>One measured run: how many viewers, what write rate, for how long, and what happens to the viewers meanwhile.</summary>
public sealed record RunSettings(
    string Name,
    int Viewers,
    double Rate,
    TimeSpan Duration,
    int LineBytes,
    TimeSpan DrainTimeout,
    FleetOptions Fleet,
    IReadOnlyDictionary<string, string> ServerSettings,
    TimeSpan Warmup,
    bool ReconnectMidRun = false);

/// <summary>
/// The engine every scenario uses: start a server, measure its idle memory, connect the viewers, measure again,
/// write lines at the rate for the duration (optionally dropping and resuming every viewer halfway), wait for the
/// viewers to drain, and turn what the viewers and /proc saw into a <see cref="RunResult"/>.
/// </summary>
public static class LoadRun
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public static async Task<RunResult> ExecuteAsync(RunSettings run, ServerLauncher launcher, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine($"[{run.Name}] {run.Viewers} viewers × {run.Rate:N0} lines/s × {run.Duration.TotalSeconds:0.#} s");
        var (server, folder) = await launcher.StartAsync(run.ServerSettings, cancellationToken);
        ProcSampler? sampler = server.Pid is int pid ? new ProcSampler(pid, TimeSpan.FromMilliseconds(200)) : null;
        var appender = new LogAppender(server.FilePath, run.Rate, run.Duration, run.LineBytes);
        var fleet = new ViewerFleet(server, run.Viewers, appender.TotalLines + 1024, run.Fleet);
        var notes = new List<string>();
        try
        {
            await WarmUpAsync(server, run, cancellationToken);
            await Task.Delay(Settle, cancellationToken);
            var idle = sampler?.Take();

            var connect = await fleet.ConnectAllAsync(cancellationToken);
            Console.Error.WriteLine($"[{run.Name}] connected {connect.Connected}/{connect.Requested} in {connect.WallSeconds:0.00} s");
            if (connect.Failed > 0) notes.Add($"{connect.Failed} viewers failed to connect: {connect.FirstError}");
            await WaitForViewersAsync(server, connect.Connected, cancellationToken);
            await Task.Delay(Settle, cancellationToken);
            var connected = sampler?.Take();
            fleet.StallAll();

            var serverStart = sampler?.Take();
            var clientStart = ProcSampler.Read(Environment.ProcessId);
            var wall = Stopwatch.StartNew();
            var writing = appender.RunAsync(cancellationToken);
            ConnectSummary? reconnect = null;
            if (run.ReconnectMidRun)
            {
                await Task.WhenAny(writing, Task.Delay(run.Duration / 2, cancellationToken));
                Console.Error.WriteLine($"[{run.Name}] reconnect storm at line {appender.Written:N0}");
                reconnect = await fleet.ReconnectAllAsync(cancellationToken);
                Console.Error.WriteLine($"[{run.Name}] reconnected {reconnect.Connected}/{reconnect.Requested} in {reconnect.WallSeconds:0.00} s");
                if (reconnect.Failed > 0) notes.Add($"{reconnect.Failed} viewers failed to reconnect: {reconnect.FirstError}");
            }
            var append = await writing;
            if (append.LinesWritten < appender.TotalLines) notes.Add($"the writer fell behind and stopped at {append.LinesWritten:N0} of {appender.TotalLines:N0} lines");
            var writeEnd = wall.Elapsed;
            await DrainAsync(fleet.Healthy, fleet, append.LinesWritten, run.DrainTimeout, cancellationToken);
            var drain = wall.Elapsed - writeEnd;
            var measured = wall.Elapsed.TotalSeconds;
            var serverEnd = sampler?.Take();
            var clientEnd = ProcSampler.Read(Environment.ProcessId);

            if (fleet.StalledCount > 0)
            {
                // The stalled viewers read again, to count what they got and what the server said they lost.
                fleet.ResumeAll();
                await DrainAsync(fleet.Stalled, fleet, append.LinesWritten, run.DrainTimeout, cancellationToken);
            }
            var counters = await ServerLauncher.CountersAsync(server, cancellationToken);
            var peak = sampler?.PeakRssKb;
            await fleet.StopAsync();

            var healthy = fleet.Healthy.ToArray();
            var written = append.LinesWritten;
            var missing = healthy.Select(v => v.Tally.MissingOf(written)).ToArray();
            var delivered = healthy.Select(v => written - v.Tally.MissingOf(written)).ToArray();
            var totalDelivered = fleet.Viewers.Sum(v => written - v.Tally.MissingOf(written));
            foreach (var v in fleet.Viewers.Where(v => v.Error is not null).Take(3)) notes.Add($"viewer {v.Index}: {v.Error}");
            var hardCuts = fleet.Viewers.Sum(v => v.HardCuts);
            if (hardCuts > 0) notes.Add($"{hardCuts} drops found no event boundary within 2 s and cut the stream mid-event");
            var closedHealthy = fleet.Healthy.Count(v => v.ServerClosures > 0);
            if (closedHealthy > 0) notes.Add($"the server closed {closedHealthy} healthy viewers' streams");
            var closedStalled = fleet.Stalled.Count(v => v.ServerClosures > 0);
            // Kestrel aborts a response whose data rate stays under MinResponseDataRate (240 B/s after 5 s), which is
            // what a stalled reader looks like to it; a browser would reconnect with Last-Event-ID.
            if (closedStalled > 0) notes.Add($"the server closed {closedStalled} stalled viewers' streams (e.g. Kestrel's MinResponseDataRate)");
            var oversized = fleet.Viewers.Sum(v => v.OversizedLines);
            if (oversized > 0) notes.Add($"{oversized} bytes of over-long SSE lines skipped by the client");
            var malformed = fleet.Viewers.Sum(v => v.Tally.Malformed);
            if (malformed > 0) notes.Add($"{malformed} lines without a readable seq");

            ProcessUse? serverUse = null;
            double? perDelivery = null;
            if (serverStart is { IsValid: true } s0 && serverEnd is { IsValid: true } s1)
            {
                var cpu = s1.CpuSeconds - s0.CpuSeconds;
                serverUse = new ProcessUse(cpu, cpu / measured * 100, (peak ?? s1.PeakRssKb) / 1024.0, (s1.ContextSwitches - s0.ContextSwitches) / measured, s1.Threads);
                if (totalDelivered > 0) perDelivery = cpu * 1e6 / totalDelivered;
            }
            var clientCpu = clientEnd.CpuSeconds - clientStart.CpuSeconds;
            var clientUse = new ProcessUse(clientCpu, clientCpu / measured * 100, clientEnd.PeakRssKb / 1024.0, (clientEnd.ContextSwitches - clientStart.ContextSwitches) / measured, clientEnd.Threads);
            var cores = Environment.ProcessorCount;
            var clientSaturated = clientCpu / measured > 0.8 * cores;
            var machineSaturated = (clientCpu + (serverUse?.CpuSeconds ?? 0)) / measured > 0.9 * cores;
            if (clientSaturated) notes.Add($"client CPU {clientUse.CpuPercentOfOneCore:0}% of a core on {cores} cores: the tester, not TailHub, may be the limit");
            if (machineSaturated) notes.Add("client + server used over 90% of all cores: figures are bounded by this machine");

            double? idleKb = null;
            if (idle is { IsValid: true } i0 && connected is { IsValid: true } i1 && connect.Connected > 0)
                idleKb = (i1.RssKb - i0.RssKb) / (double)connect.Connected;

            var stalled = fleet.Stalled.ToArray();
            return new RunResult
            {
                Name = run.Name,
                Viewers = run.Viewers,
                RateLinesPerSecond = run.Rate,
                DurationSeconds = run.Duration.TotalSeconds,
                LineBytes = appender.LineBytes,
                StalledViewers = fleet.StalledCount,
                ReconnectStorm = run.ReconnectMidRun,
                ServerSettings = run.ServerSettings,
                Connect = connect,
                Reconnect = reconnect,
                LinesWritten = written,
                WriteRateAchieved = append.RateAchieved,
                WriterMaxLagMs = append.MaxLagMs,
                Delivered = Spread.Of(delivered),
                Missing = Spread.Of(missing),
                Duplicated = Spread.Of(healthy.Select(v => v.Tally.Duplicates)),
                GapLinesReported = healthy.Sum(v => v.Tally.GapLines),
                ViewersComplete = missing.Count(m => m == 0),
                DeliveredPercent = written == 0 || healthy.Length == 0 ? 0 : delivered.Sum() * 100.0 / (written * (double)healthy.Length),
                StalledDelivered = stalled.Length == 0 ? null : Spread.Of(stalled.Select(v => written - v.Tally.MissingOf(written))),
                StalledMissing = stalled.Length == 0 ? null : Spread.Of(stalled.Select(v => v.Tally.MissingOf(written))),
                StalledGapLinesReported = stalled.Sum(v => v.Tally.GapLines),
                Latency = LatencySummary.From(fleet.Latency.Snapshot()),
                StalledLatency = stalled.Length == 0 ? null : LatencySummary.From(fleet.StalledLatency.Snapshot()),
                MeasuredSeconds = measured,
                DrainSeconds = drain.TotalSeconds,
                Server = serverUse,
                Client = clientUse,
                Cores = cores,
                ServerCpuMicrosPerDelivery = perDelivery,
                ServerIdleRssMb = idle is { IsValid: true } a ? a.RssKb / 1024.0 : null,
                ServerConnectedRssMb = connected is { IsValid: true } b ? b.RssKb / 1024.0 : null,
                IdleKbPerViewer = idleKb,
                ServerLinesRead = counters?.LinesRead,
                ServerLinesDropped = counters?.LinesDropped,
                ClientSaturated = clientSaturated,
                MachineSaturated = machineSaturated,
                Notes = notes,
            };
        }
        finally
        {
            await fleet.DisposeAsync();
            if (sampler is not null) await sampler.DisposeAsync();
            await ServerLauncher.StopAsync(server, folder);
        }
    }

    /// <summary>
    /// Sends the server a little of the same traffic first, with two throw-away viewers, so JIT compilation and tier-up
    /// of the hot paths are not billed to the measured run. Its lines come before the measured viewers connect
    /// (with backlog=0), so they never see them.
    /// </summary>
    private static async Task WarmUpAsync(ServerProcess server, RunSettings run, CancellationToken cancellationToken)
    {
        if (run.Warmup <= TimeSpan.Zero) return;
        var appender = new LogAppender(server.FilePath, Math.Min(run.Rate, 5000), run.Warmup, run.LineBytes);
        await using var fleet = new ViewerFleet(server, 2, appender.TotalLines + 1024, run.Fleet with { Stalled = 0 });
        await fleet.ConnectAllAsync(cancellationToken);
        await appender.RunAsync(cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
    }

    /// <summary>Waits (bounded) until the server counts the viewers, so no line is written before they subscribed.</summary>
    public static async Task WaitForViewersAsync(ServerProcess server, int expected, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (await ServerLauncher.CountersAsync(server, cancellationToken) is { } c && c.Viewers >= expected) return;
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// Until every given viewer has the last line, or bytes stop arriving for 2 s (what is missing now stays missing),
    /// or the timeout passes.
    /// </summary>
    internal static async Task DrainAsync(IEnumerable<SseViewer> viewers, ViewerFleet fleet, long lastSeq, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var list = viewers.ToArray();
        var clock = Stopwatch.StartNew();
        var lastBytes = -1L;
        var lastChange = TimeSpan.Zero;
        while (clock.Elapsed < timeout)
        {
            if (list.All(v => v.Tally.MaxSeq >= lastSeq || !v.Connected)) return;
            var bytes = fleet.TotalBytes();
            if (bytes != lastBytes)
            {
                lastBytes = bytes;
                lastChange = clock.Elapsed;
            }
            else if (clock.Elapsed - lastChange > TimeSpan.FromSeconds(2))
            {
                return;
            }
            await Task.Delay(20, cancellationToken);
        }
    }
}
