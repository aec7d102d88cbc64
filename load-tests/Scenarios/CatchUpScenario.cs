using System.Diagnostics;

namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// How fast a server reads a big file it did not see grow, against <c>wc -l</c> on the same (page-cached) file.
/// The file is written first, the server is started on its path while it does not exist yet, and then the file is
/// renamed into place: the server must read it from byte 0, so the whole file goes through splitting, sequencing, the
/// backlog and encoding (and to any viewers), with no writer in the way. With <c>--against</c> each server reads the
/// same file in turn (the reference: reading, batching and encoding alone).
/// </summary>
public static class CatchUpScenario
{
    public static async Task<ScenarioReport> RunAsync(ScenarioContext context, long bytes, int viewers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var folder = ServerLauncher.NewFolder();
        try
        {
            var staged = Path.Combine(folder, "staged.data");
            Console.Error.WriteLine($"[catchup] writing {bytes / 1048576.0:N0} MiB of {context.LineBytes}-byte lines …");
            var lines = LogAppender.WriteFile(staged, bytes, context.LineBytes);
            var fileBytes = new FileInfo(staged).Length;

            WcLines(staged); // warms the page cache, as the server will also read it cached
            var wc = Stopwatch.StartNew();
            var wcCount = WcLines(staged);
            var wcSeconds = wc.Elapsed.TotalSeconds;
            var wcNote = wcCount == lines ? null : $"wc -l counted {wcCount:N0} lines, the writer {lines:N0}";

            var results = new List<CatchUpResult>();
            var findings = new List<string>();
            foreach (var target in context.Targets)
            {
                var result = await ReadAsync(context, target, staged, lines, fileBytes, wcSeconds, wcNote, viewers, timeout, cancellationToken);
                results.Add(result);
                var who = context.SideBySide ? $"{target.Label}: " : "";
                var what = $"{who}published {lines:N0} lines ({fileBytes / 1048576.0:N0} MiB) in {Targets.F(result.PublishSeconds, 2)} s = {lines / result.PublishSeconds:N0} lines/s, " +
                           $"{fileBytes / 1048576.0 / result.PublishSeconds:N0} MiB/s; wc -l took {Targets.F(wcSeconds, 3)} s: {result.SpeedVsWc:P0} of its speed";
                findings.Add(target.IsReference ? what : Targets.Verdict(!double.IsNaN(result.ReadSeconds) && result.PublishSeconds < timeout.TotalSeconds && result.SpeedVsWc >= Targets.CatchUpVsWc, $"{what} (target ≥ {Targets.CatchUpVsWc:P0})"));
            }
            if (results.Find(r => r.Target == ServerTarget.ReferenceLabel) is { } floor)
            {
                foreach (var r in results.Where(r => r.Target != ServerTarget.ReferenceLabel))
                    findings.Add($"{r.Target}: published in {Targets.F(r.PublishSeconds / floor.PublishSeconds, 2)}× the reference's time, " +
                                 $"{Targets.F(r.ServerCpuSeconds / Math.Max(0.001, floor.ServerCpuSeconds), 2)}× its CPU, peak RSS {Targets.F(r.PeakRssMb / Math.Max(1, floor.PeakRssMb), 2)}× its");
            }
            return await context.SaveAsync(context.Report("catchup", started, [], findings, catchUps: results));
        }
        finally
        {
            ServerLauncher.DeleteFolder(folder);
        }
    }

    /// <summary>One server reads the staged file from its start; the file is moved back afterwards for the next server.</summary>
    private static async Task<CatchUpResult> ReadAsync(ScenarioContext context, ServerTarget target, string staged, long lines, long fileBytes, double wcSeconds,
        string? note, int viewers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var folder = ServerLauncher.NewFolder();
        var (server, _) = await target.Launcher.StartWithoutFileAsync(folder, context.SettingsFor(target), cancellationToken);
        try
        {
            await using var sampler = new ProcSampler(server.Pid!.Value, TimeSpan.FromMilliseconds(100));
            var fleet = new ViewerFleet(server, viewers, lines + 1024, context.Fleet);
            try
            {
                var connect = await fleet.ConnectAllAsync(cancellationToken);
                if (connect.Failed > 0) note = Join(note, $"{connect.Failed} viewers failed to connect: {connect.FirstError}");
                var before = await ServerLauncher.CountersAsync(server, cancellationToken);
                var seq0 = before?.LastSeq ?? 0;
                // TailHub's "following" notice takes a sequence number too, so its lines are all published at seq0 + lines + 1.
                var last = seq0 + lines + (target.IsReference ? 0 : 1);
                var cpu0 = sampler.Take();

                var clock = Stopwatch.StartNew();
                File.Move(staged, server.FilePath);
                double? read = null, published = null, delivered = null;
                while (clock.Elapsed < timeout && (read is null || published is null || (delivered is null && viewers > 0)))
                {
                    var c = await ServerLauncher.CountersAsync(server, cancellationToken);
                    var t = clock.Elapsed.TotalSeconds;
                    if (read is null && c?.LinesRead >= lines) read = t;
                    if (published is null && c?.LastSeq >= last) published = t;
                    if (delivered is null && viewers > 0 && fleet.Viewers.All(v => v.Tally.MaxSeq >= lines)) delivered = t;
                    if (delivered is null && viewers > 0 && published is not null && t - published > 30) break;
                    await Task.Delay(10, cancellationToken);
                }
                var cpu1 = sampler.Take();
                var peak = sampler.PeakRssKb;
                await fleet.StopAsync();
                var viewerLines = viewers == 0 ? 0 : fleet.Viewers.Min(v => v.Tally.Distinct);
                var gapLines = fleet.Viewers.Sum(v => v.Tally.GapLines);
                if (gapLines > 0) note = Join(note, $"viewers were told of {gapLines:N0} lines lost (slow viewer)");
                if (read is null || published is null) note = Join(note, $"not every line was published within {timeout.TotalSeconds:0} s");

                var publishSeconds = published ?? timeout.TotalSeconds;
                return new CatchUpResult(fileBytes, lines, wcSeconds, read ?? double.NaN, publishSeconds, delivered,
                    viewerLines, cpu1.CpuSeconds - cpu0.CpuSeconds, peak / 1024.0, wcSeconds / publishSeconds, note, target.Label);
            }
            finally
            {
                await fleet.DisposeAsync();
            }
        }
        finally
        {
            await ServerLauncher.StopAsync(server, null);
            if (File.Exists(server.FilePath)) File.Move(server.FilePath, staged);
            ServerLauncher.DeleteFolder(folder);
        }
    }

    private static string Join(string? a, string b) => a is null ? b : a + "; " + b;

    private static long WcLines(string path)
    {
        var start = new ProcessStartInfo("wc") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-l");
        start.ArgumentList.Add(path);
        using var wc = Process.Start(start)!;
        var output = wc.StandardOutput.ReadToEnd();
        if (!wc.WaitForExit(TimeSpan.FromMinutes(5))) { wc.Kill(); throw new TimeoutException("wc -l took over 5 minutes"); }
        return long.TryParse(output.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(), out var n) ? n : -1;
    }
}
