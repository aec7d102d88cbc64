using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// A command source's run of a process that writes as fast as it can (<c>yes LINE | head -c SIZE</c>), measured side
/// by side with the same command writing into a pipe whose reader discards everything: the run's rate is from its
/// start notice to its end notice (every line framed, spooled, numbered and handed to the hub), read from the runs
/// API. With <c>--ssh</c>, the same command over SSH to an OpenSSH server this tool starts on loopback, against
/// OpenSSH's own client into a discarding pipe.
/// </summary>
public static class CommandScenario
{
    public const double VersusPipe = 0.5;
    public const double SshMegabytesPerSecond = 50;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<ScenarioReport> RunAsync(ScenarioContext context, long bytes, int viewers, bool ssh, long sshBytes, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var line = new string('x', context.LineBytes - 1);
        // The size is read from a file, so a small warm-up run and the measured run are the same command.
        var sizeFile = Path.Combine(Path.GetTempPath(), $"tailhub-load-size-{Guid.NewGuid():N}");
        var generator = $"yes '{line}' 2>/dev/null | head -c \"$(cat {sizeFile})\"";
        var findings = new List<string>();
        try
        {
            await File.WriteAllTextAsync(sizeFile, bytes.ToString(), cancellationToken);

            var pipe = Math.Min(await PipeSecondsAsync("/bin/sh", ["-c", generator], bytes, cancellationToken), await PipeSecondsAsync("/bin/sh", ["-c", generator], bytes, cancellationToken));
            var pipeRate = bytes / pipe;
            findings.Add($"INFO the command into a discarding pipe: {MiB(bytes)} in {Targets.F(pipe, 3)} s = {MiB(pipeRate)}/s (best of two)");
            // What spooling alone costs on this disk: the same bytes through a pipe into a file, by cat.
            var copy = await CatToFileSecondsAsync(generator, cancellationToken);
            findings.Add($"INFO the command through a pipe into a file (| cat > file): {Targets.F(copy, 3)} s = {MiB(bytes / copy)}/s, {pipe / copy:P0} of the pipe's rate");

            // With --against each server runs the command in turn (the reference: the command's lines batched to viewers, no spool).
            var locals = new Dictionary<string, SourceRun>();
            foreach (var target in context.Targets)
            {
                var local = await RunSourceAsync(context, target, "command", new Dictionary<string, string>
                {
                    ["Command:0"] = "/bin/sh",
                    ["Command:1"] = "-c",
                    ["Command:2"] = generator,
                }, generator, sizeFile, bytes, context.LineBytes, viewers, cancellationToken);
                locals[target.Label] = local;
                var what = $"{(context.SideBySide ? target.Label + ": " : "")}command source, {viewers} viewer(s): {MiB(bytes)} in {Targets.F(local.Seconds, 3)} s = {MiB(bytes / local.Seconds)}/s, " +
                           $"{bytes / local.Seconds / pipeRate:P0} of the pipe's rate{(target.IsReference ? "" : $" (target ≥ {VersusPipe:P0})")}, {copy / local.Seconds:P0} of cat's into a file; {local.Lines:N0} lines numbered{(local.Complete ? "" : " — INCOMPLETE")}; " +
                           $"spool {MiB(local.SpoolBytes)}; server peak RSS {Targets.F(local.PeakRssMb, 0)} MB, CPU {Targets.F(local.CpuSeconds, 2)} s{local.ViewerNote}";
                findings.Add(target.IsReference ? what : Targets.Verdict(local.Complete && local.Seconds > 0 && bytes / local.Seconds >= VersusPipe * pipeRate, what));
            }
            if (locals.TryGetValue(ServerTarget.ReferenceLabel, out var floor))
            {
                foreach (var (label, run) in locals.Where(kv => kv.Key != ServerTarget.ReferenceLabel))
                    findings.Add($"{label}: the run took {Targets.F(run.Seconds / floor.Seconds, 2)}× the reference's time and {Targets.F(run.CpuSeconds / Math.Max(0.001, floor.CpuSeconds), 2)}× its CPU");
            }

            // The reference has no ssh client: over SSH, each TailHub is compared with OpenSSH's own client.
            foreach (var target in context.Targets.Where(t => ssh && !t.IsReference))
            {
                await using var sshd = await SshdProcess.StartAsync(cancellationToken);
                await File.WriteAllTextAsync(sizeFile, sshBytes.ToString(), cancellationToken);
                var openssh = await PipeSecondsAsync("ssh", sshd.ClientArguments(generator), sshBytes, cancellationToken);
                findings.Add($"INFO OpenSSH's ssh client into a discarding pipe over loopback: {MiB(sshBytes)} in {Targets.F(openssh, 3)} s = {MiB(sshBytes / openssh)}/s");
                var overSsh = await RunSourceAsync(context, target, "ssh", new Dictionary<string, string>
                {
                    ["Host"] = "127.0.0.1",
                    ["Port"] = sshd.Port.ToString(),
                    ["User"] = Environment.UserName,
                    ["KeyFile"] = sshd.UserKey,
                    ["KnownHostsFile"] = sshd.KnownHosts,
                    ["Command"] = generator,
                }, generator, sizeFile, sshBytes, context.LineBytes, viewers, cancellationToken);
                var rate = sshBytes / overSsh.Seconds / 1e6;
                findings.Add(Targets.Verdict(overSsh.Complete && rate >= SshMegabytesPerSecond,
                    $"{(context.SideBySide ? target.Label + ": " : "")}ssh source over loopback, {viewers} viewer(s): {MiB(sshBytes)} in {Targets.F(overSsh.Seconds, 3)} s = {Targets.F(rate, 1)} MB/s (target ≥ {SshMegabytesPerSecond} MB/s); " +
                    $"{overSsh.Lines:N0} lines numbered{(overSsh.Complete ? "" : " — INCOMPLETE")}; server peak RSS {Targets.F(overSsh.PeakRssMb, 0)} MB, CPU {Targets.F(overSsh.CpuSeconds, 2)} s{overSsh.ViewerNote}"));
            }
            return await context.SaveAsync(context.Report("command", started, [], findings));
        }
        finally
        {
            File.Delete(sizeFile);
        }
    }

    private sealed record SourceRun(double Seconds, long Lines, bool Complete, long SpoolBytes, double PeakRssMb, double CpuSeconds, string ViewerNote);

    /// <summary>
    /// Starts a server with one source of <paramref name="type"/> named <c>flood</c> (the reference: with
    /// <paramref name="generator"/> as its command), starts a run, and times it by its own start and end.
    /// </summary>
    private static async Task<SourceRun> RunSourceAsync(ScenarioContext context, ServerTarget target, string type, Dictionary<string, string> source, string generator,
        string sizeFile, long bytes, int lineBytes, int viewers, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string>(context.SettingsFor(target));
        if (target.IsReference)
        {
            foreach (var (key, value) in ReferenceSettings.Command("flood", generator)) settings[key] = value;
        }
        else
        {
            settings["TailHub:Sources:0:Name"] = "flood";
            settings["TailHub:Sources:0:Type"] = type;
            settings["TailHub:Sources:0:MaxRunBytes"] = (bytes * 2).ToString();
            foreach (var (key, value) in source) settings[$"TailHub:Sources:0:{key}"] = value;
        }
        // Not StartAsync: its --source for the tester's file would hide the configured sources.
        var (server, folder) = await target.Launcher.StartConfiguredAsync(settings, cancellationToken);
        try
        {
            await using var sampler = new ProcSampler(server.Pid!.Value, TimeSpan.FromMilliseconds(100));
            using var watching = new CancellationTokenSource();
            // A first, small run warms up the JIT (tiered compilation), as the other scenarios' warm-up does.
            await File.WriteAllTextAsync(sizeFile, (64L << 20).ToString(), cancellationToken);
            await RunOnceAsync(server.BaseUri, cancellationToken);
            await File.WriteAllTextAsync(sizeFile, bytes.ToString(), cancellationToken);
            var viewerTasks = Enumerable.Range(0, viewers).Select(_ => ViewAsync(server.BaseUri, watching.Token)).ToList();
            var cpu0 = sampler.Take();
            var run = await RunOnceAsync(server.BaseUri, cancellationToken);
            var number = run.GetProperty("number").GetInt32();
            var cpu1 = sampler.Take();
            await watching.CancelAsync();
            var seen = await Task.WhenAll(viewerTasks);
            var seconds = (run.GetProperty("endedAt").GetDateTimeOffset() - run.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds;
            // TailHub's run is numbered from its start notice to its end notice; the reference counts its lines.
            var lines = run.TryGetProperty("lines", out var counted) ? counted.GetInt64() : run.GetProperty("lastSeq").GetInt64() - run.GetProperty("firstSeq").GetInt64() - 1;
            var spool = Directory.GetFiles(folder!, $"{number}.log", SearchOption.AllDirectories).Select(f => new FileInfo(f).Length).FirstOrDefault();
            var note = viewers == 0 ? "" : $"; viewer received {string.Join(", ", seen.Select(v => $"{MiB(v.Bytes)} of SSE, {v.Gaps} gap events"))}";
            return new SourceRun(seconds, lines, run.GetProperty("state").GetString() == "succeeded" && lines == (bytes + lineBytes - 1) / lineBytes, spool, sampler.PeakRssKb / 1024.0, cpu1.CpuSeconds - cpu0.CpuSeconds, note);
        }
        finally
        {
            await ServerLauncher.StopAsync(server, folder);
        }
    }

    /// <summary>Starts a run of <c>flood</c> and waits for it to end; returns it as the runs API shows it.</summary>
    private static async Task<JsonElement> RunOnceAsync(Uri server, CancellationToken cancellationToken)
    {
        using var start = await Http.PostAsync(new Uri(server, "api/sources/flood/runs"), null, cancellationToken);
        start.EnsureSuccessStatusCode();
        var number = (await start.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("number").GetInt32();
        while (true)
        {
            var run = await Http.GetFromJsonAsync<JsonElement>(new Uri(server, $"api/sources/flood/runs/{number}"), cancellationToken);
            if (run.GetProperty("state").GetString() is not ("running" or "queued")) return run;
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>A viewer of the source that reads everything it is sent and counts the bytes and gap events.</summary>
    private static async Task<(long Bytes, int Gaps)> ViewAsync(Uri server, CancellationToken cancellationToken)
    {
        long total = 0;
        var gaps = 0;
        try
        {
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            await using var stream = await http.GetStreamAsync(new Uri(server, "api/stream?sources=flood&backlog=0"), cancellationToken);
            var buffer = new byte[256 * 1024];
            int n;
            while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += n;
                gaps += buffer.AsSpan(0, n).Count("event: gap"u8);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
        }
        return (total, gaps);
    }

    /// <summary>How long <c>generator | cat &gt; file</c> takes, in a fresh folder on the same disk as the servers' data.</summary>
    private static async Task<double> CatToFileSecondsAsync(string generator, CancellationToken cancellationToken)
    {
        var folder = ServerLauncher.NewFolder();
        try
        {
            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"{generator} | cat > '{Path.Combine(folder, "copy.log")}'");
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            await process.WaitForExitAsync(cancellationToken);
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>How long <paramref name="file"/> takes to write <paramref name="bytes"/> into a pipe whose reader drops them.</summary>
    private static async Task<double> PipeSecondsAsync(string file, IEnumerable<string> arguments, long bytes, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync(cancellationToken);
        var output = process.StandardOutput.BaseStream;
        var buffer = new byte[64 * 1024];
        long read = 0;
        int n;
        while ((n = await output.ReadAsync(buffer, cancellationToken)) > 0) read += n;
        await process.WaitForExitAsync(cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        if (read != bytes) throw new InvalidOperationException($"{file} wrote {read} bytes, not {bytes}");
        return seconds;
    }

    private static string MiB(double bytes) => $"{bytes / 1048576.0:N0} MiB";
}
