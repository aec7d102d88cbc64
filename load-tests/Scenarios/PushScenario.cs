using System.Diagnostics;
using System.Text.Json;

namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// How fast lines pushed with <c>curl -T -</c> go into a push source: spooled, numbered, published, and delivered to
/// viewers who receive every line. W curl processes each upload their own file of numbered lines at once, as fast as
/// they can; the same files uploaded into a do-nothing sink (<see cref="UploadSink"/>) and read by <c>cat</c> are the
/// same-run references for what curl, loopback and the disk cost on their own.
/// </summary>
public static class PushScenario
{
    private const long WarmUpLines = 200_000;

    public static async Task<ScenarioReport> RunAsync(ScenarioContext context, int writers, long lines, int viewers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var folder = ServerLauncher.NewFolder();
        try
        {
            // Each writer's lines carry their own range of numbers, so a viewer's tally finds every line once.
            var perWriter = lines / writers;
            var files = new string[writers];
            long fileBytes = 0;
            Console.Error.WriteLine($"[push] writing {writers} file(s) of {perWriter:N0} {context.LineBytes}-byte lines …");
            for (var w = 0; w < writers; w++)
            {
                files[w] = Path.Combine(folder, $"upload-{w}.log");
                LogAppender.WriteFile(files[w], perWriter * context.LineBytes, context.LineBytes, firstSeq: w * perWriter + 1);
                fileBytes += new FileInfo(files[w]).Length;
            }
            var total = perWriter * writers;
            var warmUp = Path.Combine(folder, "warm-up.log");
            LogAppender.WriteFile(warmUp, WarmUpLines * context.LineBytes, context.LineBytes, firstSeq: total + 1);

            var cat = await TimeAsync("sh", ["-c", "cat \"$@\" > /dev/null", "cat", .. files], cancellationToken);
            double sink;
            await using (var reference = new UploadSink())
            {
                await CurlAllAsync(reference.Uri, [warmUp], cancellationToken);
                var clock = Stopwatch.StartNew();
                await CurlAllAsync(reference.Uri, files, cancellationToken);
                sink = clock.Elapsed.TotalSeconds;
            }

            var results = new List<PushRunResult>();
            var findings = new List<string>();
            // With --against each server takes the same uploads in turn (the reference: lines into batches, no spool).
            foreach (var server in context.Targets)
            {
                var result = await PushAsync(context, server, Path.Combine(folder, server.Label), files, warmUp, total, fileBytes, cat, sink, writers, viewers, timeout, cancellationToken);
                results.Add(result);
                var goal = server.IsReference ? null : writers >= 10 ? Targets.PushTenWritersLinesPerSecond : writers == 1 ? Targets.PushOneWriterLinesPerSecond : (double?)null;
                var measured = result.DeliveredLinesPerSecond ?? result.PublishedLinesPerSecond;
                var text = $"{(context.SideBySide ? server.Label + ": " : "")}{writers} × curl -T -: {total:N0} lines ({fileBytes / 1048576.0:N0} MiB) {(server.IsReference ? "taken" : "spooled")} and published at {Rate(result.PublishedLinesPerSecond)} lines/s, " +
                           $"delivered to {viewers} viewer(s) at {Rate(result.DeliveredLinesPerSecond)} lines/s; the same upload into a do-nothing sink ran at {total / sink:N0} lines/s, cat at {total / cat:N0}";
                findings.Add(goal is { } g
                    ? Targets.Verdict(measured >= g && result.ViewerLinesReceived == (viewers > 0 ? total : 0) && result.Duplicates == 0, $"{text} (target ≥ {g:N0} lines/s, every line once)")
                    : text);
            }
            if (results.Find(r => r.Target == ServerTarget.ReferenceLabel) is { PublishSeconds: { } floor } floorRun)
            {
                foreach (var r in results.Where(r => r.Target != ServerTarget.ReferenceLabel && r.PublishSeconds is not null))
                    findings.Add($"{r.Target}: published in {Targets.F(r.PublishSeconds!.Value / floor, 2)}× the reference's time, {Targets.F(r.ServerMicrosPerLine / floorRun.ServerMicrosPerLine, 2)}× its CPU per line");
            }
            return await context.SaveAsync(context.Report("push", started, [], findings, pushes: results));
        }
        finally
        {
            ServerLauncher.DeleteFolder(folder);
        }
    }

    /// <summary>One server takes the uploads: timed until every line is published and every viewer has it.</summary>
    private static async Task<PushRunResult> PushAsync(ScenarioContext context, ServerTarget target, string folder, string[] files, string warmUp, long total, long fileBytes,
        double cat, double sink, int writers, int viewers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var (server, _) = await target.Launcher.StartPushAsync(folder, context.SettingsFor(target), cancellationToken);
        await using var sampler = new ProcSampler(server.Pid!.Value, TimeSpan.FromMilliseconds(100));
        var fleet = new ViewerFleet(server, viewers, total + 1024, context.Fleet);
        try
        {
            // The upload path compiled and tiered up before it is timed; the viewers connect after (backlog=0), so
            // the warm-up's lines are not theirs.
            var uploads = new Uri(server.BaseUri, $"api/sources/{server.SourceName}/lines");
            await CurlAllAsync(uploads, [warmUp], cancellationToken);
            // A server may still be publishing the warm-up when its upload is answered (the reference batches after).
            await SettledSeqAsync(server, cancellationToken);
            var connect = await fleet.ConnectAllAsync(cancellationToken);
            string? note = connect.Failed > 0 ? $"{connect.Failed} viewers failed to connect: {connect.FirstError}" : null;
            await LoadRun.WaitForViewersAsync(server, connect.Connected, cancellationToken);
            var seq0 = await SettledSeqAsync(server, cancellationToken);
            var cpu0 = sampler.Take();
            var client0 = ProcSampler.Read(Environment.ProcessId);
            var load = LoadAverage();

            var clock = Stopwatch.StartNew();
            var uploading = CurlAllAsync(uploads, files, cancellationToken);
            var uploadedAt = uploading.ContinueWith(_ => clock.Elapsed.TotalSeconds, TaskScheduler.Default);
            double? published = null, delivered = null;
            var (lastBytes, lastProgress) = (0L, 0.0);
            while (clock.Elapsed < timeout && (!uploading.IsCompleted || published is null || (delivered is null && viewers > 0)))
            {
                var c = await ServerLauncher.CountersAsync(server, cancellationToken);
                var t = clock.Elapsed.TotalSeconds;
                if (published is null && c?.LastSeq >= seq0 + total) published = t;
                if (delivered is null && viewers > 0 && fleet.Viewers.All(v => v.Tally.Distinct >= total)) delivered = t;
                if (fleet.TotalBytes() is var bytes && bytes != lastBytes) (lastBytes, lastProgress) = (bytes, t);
                // Everything published and nothing reaching the viewers for 3 s: what is missing stays missing.
                if (published is not null && t - lastProgress > 3) break;
                await Task.Delay(5, cancellationToken);
            }
            var answers = await uploading;
            var uploaded = await uploadedAt;
            var cpu1 = sampler.Take();
            var client1 = ProcSampler.Read(Environment.ProcessId);
            await fleet.StopAsync();

            var wall = clock.Elapsed.TotalSeconds;
            var serverCpu = cpu1.CpuSeconds - cpu0.CpuSeconds;
            var clientCpu = client1.CpuSeconds - client0.CpuSeconds;
            // Seen on this shared VM under heavy load: /proc reporting more CPU time than the cores could give.
            if (serverCpu > Environment.ProcessorCount * wall * 1.05) note = Join(note, $"/proc reported {serverCpu:0.0} s of server CPU in {wall:0.0} s on {Environment.ProcessorCount} cores: not a usable figure");
            note = Join(note, $"load average {load} when the upload started (other work on the machine); tester CPU {clientCpu:0.00} s");
            var acknowledged = answers.Sum(a => a.Lines);
            if (acknowledged != total) note = Join(note, $"the uploads' answers count {acknowledged:N0} lines, not {total:N0}");
            var viewerLines = viewers == 0 ? 0 : fleet.Viewers.Min(v => v.Tally.Distinct);
            var duplicates = fleet.Viewers.Sum(v => v.Tally.Duplicates);
            var gaps = fleet.Viewers.Sum(v => v.Tally.GapLines);
            if (gaps > 0) note = Join(note, $"viewers were told of {gaps:N0} lines lost (slow viewer)");
            if (published is null) note = Join(note, $"not every line was published within {timeout.TotalSeconds:0} s");
            return new PushRunResult(writers, total, context.LineBytes, fileBytes, viewers, cat, sink, uploaded, published, delivered,
                viewerLines, duplicates, serverCpu, sampler.PeakRssKb / 1024.0, note, target.Label);
        }
        finally
        {
            await fleet.DisposeAsync();
            await ServerLauncher.StopAsync(server, null);
        }
    }

    /// <summary>The server's last sequence number once the warm-up's lines are all published (it stops moving).</summary>
    private static async Task<long> SettledSeqAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var last = -1L;
        for (var i = 0; i < 100; i++)
        {
            var seq = (await ServerLauncher.CountersAsync(server, cancellationToken))?.LastSeq ?? 0;
            if (seq == last) return seq;
            last = seq;
            await Task.Delay(100, cancellationToken);
        }
        return last;
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    private static string Rate(double? linesPerSecond) => linesPerSecond is { } r ? r.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "–";

    private static string Join(string? a, string b) => a is null ? b : a + "; " + b;

    /// <summary>The curl answers: lines each upload added.</summary>
    private readonly record struct Answer(long Lines);

    /// <summary>One <c>curl -sS -T - URL &lt; file</c> per file, all at once; returns when every one has exited.</summary>
    private static async Task<Answer[]> CurlAllAsync(Uri url, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var runs = files.Select(async file =>
        {
            var output = await RunAsync("sh", ["-c", "exec curl -sS -T - \"$1\" < \"$2\"", "curl", url.ToString(), file], cancellationToken);
            try
            {
                using var answer = JsonDocument.Parse(output);
                return new Answer(answer.RootElement.TryGetProperty("lines", out var n) ? n.GetInt64() : 0);
            }
            catch (JsonException)
            {
                return new Answer(0);
            }
        });
        return await Task.WhenAll(runs);
    }

    private static async Task<double> TimeAsync(string command, string[] args, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await RunAsync(command, args, cancellationToken);
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<string> RunAsync(string command, string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{command} {string.Join(' ', args)} exited with {process.ExitCode}: {await errors}");
        return await output;
    }
}
