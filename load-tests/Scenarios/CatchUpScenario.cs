using System.Diagnostics;

namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// How fast TailHub reads a big file it did not see grow, against <c>wc -l</c> on the same (page-cached) file.
/// The file is written first, TailHub is started on its path while it does not exist yet, and then the file is renamed
/// into place: TailHub must read it from byte 0, so the whole file goes through splitting, sequencing, the backlog
/// and encoding (and to any viewers), with no writer in the way.
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

            WcLines(staged); // warms the page cache, as TailHub will also read it cached
            var wc = Stopwatch.StartNew();
            var wcCount = WcLines(staged);
            var wcSeconds = wc.Elapsed.TotalSeconds;
            string? note = wcCount == lines ? null : $"wc -l counted {wcCount:N0} lines, the writer {lines:N0}";

            var (server, _) = await context.Launcher.StartWithoutFileAsync(folder, context.ServerSettings, cancellationToken);
            await using var sampler = new ProcSampler(server.Pid!.Value, TimeSpan.FromMilliseconds(100));
            var fleet = new ViewerFleet(server, viewers, lines + 1024, context.Fleet);
            try
            {
                var connect = await fleet.ConnectAllAsync(cancellationToken);
                if (connect.Failed > 0) note = $"{connect.Failed} viewers failed to connect: {connect.FirstError}";
                var before = await ServerLauncher.CountersAsync(server, cancellationToken);
                var seq0 = before?.LastSeq ?? 0;
                var cpu0 = sampler.Take();

                var clock = Stopwatch.StartNew();
                File.Move(staged, server.FilePath);
                double? read = null, published = null, delivered = null;
                while (clock.Elapsed < timeout && (read is null || published is null || (delivered is null && viewers > 0)))
                {
                    var c = await ServerLauncher.CountersAsync(server, cancellationToken);
                    var t = clock.Elapsed.TotalSeconds;
                    if (read is null && c?.LinesRead >= lines) read = t;
                    // The path's "following" notice takes a sequence number too, so all lines are published at seq0 + lines + 1.
                    if (published is null && c?.LastSeq >= seq0 + lines + 1) published = t;
                    if (delivered is null && viewers > 0 && fleet.Viewers.All(v => v.Tally.MaxSeq >= lines)) delivered = t;
                    if (delivered is null && viewers > 0 && published is not null && t - published > 30) break;
                    await Task.Delay(10, cancellationToken);
                }
                var cpu1 = sampler.Take();
                var peak = sampler.PeakRssKb;
                await fleet.StopAsync();
                var viewerLines = viewers == 0 ? 0 : fleet.Viewers.Min(v => v.Tally.Distinct);
                var gapLines = fleet.Viewers.Sum(v => v.Tally.GapLines);
                if (gapLines > 0) note = (note is null ? "" : note + "; ") + $"viewers were told of {gapLines:N0} lines lost (slow viewer)";
                if (read is null || published is null) note = (note is null ? "" : note + "; ") + $"TailHub did not publish every line within {timeout.TotalSeconds:0} s";

                var publishSeconds = published ?? timeout.TotalSeconds;
                var result = new CatchUpResult(fileBytes, lines, wcSeconds, read ?? double.NaN, publishSeconds, delivered,
                    viewerLines, cpu1.CpuSeconds - cpu0.CpuSeconds, peak / 1024.0, wcSeconds / publishSeconds, note);
                var findings = new List<string>
                {
                    Targets.Verdict(published is not null && result.SpeedVsWc >= Targets.CatchUpVsWc,
                        $"published {lines:N0} lines ({fileBytes / 1048576.0:N0} MiB) in {Targets.F(publishSeconds, 2)} s = {lines / publishSeconds:N0} lines/s, " +
                        $"{fileBytes / 1048576.0 / publishSeconds:N0} MiB/s; wc -l took {Targets.F(wcSeconds, 3)} s: {result.SpeedVsWc:P0} of its speed (target ≥ {Targets.CatchUpVsWc:P0})"),
                };
                return await context.SaveAsync(context.Report("catchup", started, [], findings, result));
            }
            finally
            {
                await fleet.DisposeAsync();
                await ServerLauncher.StopAsync(server, null);
            }
        }
        finally
        {
            ServerLauncher.DeleteFolder(folder);
        }
    }

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
