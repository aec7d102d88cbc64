using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using HdrHistogram;

namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// One agent and several hubs on one Redis, all on this machine: the agent tails the file the tester appends to, the
/// viewers are split evenly over the hubs. Reports delivery, latency (file write → viewer), CPU per delivered line
/// for each hub, and the agent's and Redis's CPU and Redis's memory, to compare with one process (<c>run</c>) at the
/// same total viewers.
/// </summary>
public static class ScaleOutScenario
{
    private const string Source = "load";
    private const string ClusterKeyVariable = "TAILHUB_LOAD_CLUSTER_KEY";

    /// <param name="sources">Sources the agent publishes: the measured one, which the viewers watch, and
    /// <paramref name="sources"/> - 1 more written at the same rate that nobody watches (what every hub mirrors anyway).</param>
    public static async Task<ScenarioReport> RunAsync(ScenarioContext c, int viewers, double rate, TimeSpan duration, int hubCount, int sources, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        // With --against reference, the reference first serves the same viewers and rate from one process: what the
        // agent, the hubs and Redis together cost beyond fan-out alone.
        RunResult? floor = null;
        if (c.Targets.FirstOrDefault(t => t.IsReference) is { } reference)
        {
            floor = await LoadRun.ExecuteAsync(c.Run(reference, "reference, one process", viewers, rate, duration), reference.Launcher, cancellationToken) with { Target = reference.Label };
        }
        var folder = ServerLauncher.NewFolder();
        var file = Path.Combine(folder, $"{Source}.log");
        var options = ServerOptions.Default with { Environment = [$"{ClusterKeyVariable}={Convert.ToHexString(Guid.NewGuid().ToByteArray())}{Guid.NewGuid():N}"] };
        await using var redis = await RedisProcess.StartAsync(folder, cancellationToken);
        var common = new Dictionary<string, string>(c.ServerSettings)
        {
            ["TailHub:Redis"] = redis.Configuration,
            ["TailHub:ClusterKeyEnv"] = ClusterKeyVariable,
        };
        var servers = new List<ServerProcess>();
        var fleets = new List<ViewerFleet>();
        try
        {
            Console.Error.WriteLine($"[scaleout] 1 agent + {hubCount} hubs, {viewers} viewers × {rate:N0} lines/s × {duration.TotalSeconds:0} s");
            var agentSettings = With(common, "agent");
            var others = Enumerable.Range(1, Math.Max(0, sources - 1)).Select(i => Path.Combine(folder, $"other{i}.log")).ToList();
            for (var i = 0; i < others.Count; i++)
            {
                await File.WriteAllBytesAsync(others[i], [], cancellationToken);
                agentSettings[$"TailHub:Sources:{i + 1}:Name"] = $"other{i + 1}";
                agentSettings[$"TailHub:Sources:{i + 1}:Path"] = others[i];
            }
            var agent = await ServerProcess.StartAsync(options, Source, file, createFile: true, agentSettings, Sub(folder, "agent"), cancellationToken, "healthz/live");
            servers.Add(agent);
            var hubs = new List<ServerProcess>();
            for (var i = 0; i < hubCount; i++)
            {
                var hub = await ServerProcess.StartAsync(options, Source, file, createFile: false, With(common, "hub"), Sub(folder, $"hub{i}"), cancellationToken);
                servers.Add(hub);
                hubs.Add(hub);
            }
            foreach (var hub in hubs) await WaitForSourceAsync(hub, cancellationToken);

            var appender = new LogAppender(file, rate, duration, c.LineBytes);
            var perHub = viewers / hubCount;
            foreach (var hub in hubs) fleets.Add(new ViewerFleet(hub, perHub, appender.TotalLines + 1024, c.Fleet with { Stalled = 0 }));
            foreach (var (fleet, hub) in fleets.Zip(hubs))
            {
                var connect = await fleet.ConnectAllAsync(cancellationToken);
                Console.Error.WriteLine($"[scaleout] {hub.BaseUri}: connected {connect.Connected}/{connect.Requested} in {connect.WallSeconds:0.00} s");
                await LoadRun.WaitForViewersAsync(hub, connect.Connected, cancellationToken);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);

            var before = servers.Select(s => ProcSampler.Read(s.Pid!.Value)).ToList();
            var redisBefore = redis.CpuSeconds();
            var clientBefore = ProcSampler.Read(Environment.ProcessId);
            var wall = Stopwatch.StartNew();
            var background = others.Select(o => new LogAppender(o, rate, duration, c.LineBytes).RunAsync(cancellationToken)).ToList();
            var append = await appender.RunAsync(cancellationToken);
            await Task.WhenAll(background);
            await Task.WhenAll(fleets.Select(f => LoadRun.DrainAsync(f.Healthy, f, append.LinesWritten, c.DrainTimeout, cancellationToken)));
            var measured = wall.Elapsed.TotalSeconds;
            var after = servers.Select(s => ProcSampler.Read(s.Pid!.Value)).ToList();
            var redisCpu = redis.CpuSeconds() - redisBefore;
            var clientCpu = ProcSampler.Read(Environment.ProcessId).CpuSeconds - clientBefore.CpuSeconds;
            var memory = await redis.StreamMemoryAsync(Source, cancellationToken);

            var report = Report(c, started, viewers, rate, duration, hubCount, sources, append, fleets, servers, before, after, measured, redisCpu, clientCpu, memory, floor);
            var path = Path.Combine(c.ResultsFolder, $"scaleout-{started:yyyyMMdd-HHmmss}.md");
            Directory.CreateDirectory(c.ResultsFolder);
            await File.WriteAllTextAsync(path, report, cancellationToken);
            Console.WriteLine(report);
            Console.Error.WriteLine($"Report: {path}");
            return c.Report("scaleout", started, floor is null ? [] : [floor], []);
        }
        finally
        {
            foreach (var fleet in fleets) await fleet.DisposeAsync();
            foreach (var server in servers) await server.DisposeAsync();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static Dictionary<string, string> With(Dictionary<string, string> common, string role) => new(common) { ["TailHub:Role"] = role };

    private static string Sub(string folder, string name) => Directory.CreateDirectory(Path.Combine(folder, name)).FullName;

    private static async Task WaitForSourceAsync(ServerProcess hub, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await ServerLauncher.CountersAsync(hub, cancellationToken) is not null) return;
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"hub {hub.BaseUri} never showed source '{Source}'");
    }

    private static string Report(ScenarioContext c, DateTime started, int viewers, double rate, TimeSpan duration, int hubCount, int sources, AppendResult append,
        List<ViewerFleet> fleets, List<ServerProcess> servers, List<ProcSnapshot> before, List<ProcSnapshot> after, double measured,
        double redisCpu, double clientCpu, StreamMemory memory, RunResult? floor)
    {
        var written = append.LinesWritten;
        var all = fleets.SelectMany(f => f.Healthy).ToList();
        var delivered = all.Sum(v => written - v.Tally.MissingOf(written));
        var duplicates = all.Sum(v => v.Tally.Duplicates);
        var gaps = all.Sum(v => v.Tally.GapLines);
        var latency = LatencyRecorder.Empty();
        foreach (var fleet in fleets) latency.Add(fleet.Latency.Snapshot());
        var l = LatencySummary.From(latency);
        var deliveredPercent = delivered * 100.0 / Math.Max(1, written * (double)all.Count);
        var md = new StringBuilder();
        var others = sources > 1 ? $", {sources} sources at {rate:N0} lines/s each (viewers on one)" : "";
        md.AppendLine(CultureInfo.InvariantCulture, $"# Scale-out: 1 agent + {hubCount} hubs, {viewers:N0} viewers × {rate:N0} lines/s × {duration.TotalSeconds:0} s{others}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{started:u}; `{c.CommandLine}`; {ScenarioContext.Machine()}");
        md.AppendLine();
        md.AppendLine("| delivered | duplicated | gap lines | latency p50 / p99 / max (write → viewer) | measured |");
        md.AppendLine("|---|---|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| {deliveredPercent:0.###} % of {written:N0} lines × {all.Count:N0} viewers | {duplicates} | {gaps} | {l.P50Ms:0} / {l.P99Ms:0} / {l.MaxMs:0} ms | {measured:0.0} s |");
        md.AppendLine();
        md.AppendLine("| process | CPU (s) | % of a core | µs CPU per delivered (viewer, line) | peak RSS MB |");
        md.AppendLine("|---|---|---|---|---|");
        var allCpu = redisCpu;
        for (var i = 0; i < servers.Count; i++)
        {
            var cpu = after[i].CpuSeconds - before[i].CpuSeconds;
            allCpu += cpu;
            var name = i == 0 ? "agent" : $"hub {i}";
            var lines = i == 0 ? 0 : fleets[i - 1].Healthy.Sum(v => written - v.Tally.MissingOf(written));
            var perLine = lines > 0 ? (cpu * 1e6 / lines).ToString("0.00", CultureInfo.InvariantCulture) : "–";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {cpu:0.00} | {cpu / measured * 100:0} % | {perLine} | {after[i].PeakRssKb / 1024.0:0} |");
        }
        md.AppendLine(CultureInfo.InvariantCulture, $"| redis-server | {redisCpu:0.00} | {redisCpu / measured * 100:0} % | – | – |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| load tester | {clientCpu:0.00} | {clientCpu / measured * 100:0} % | – | – |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Redis after the run: stream `{memory.Key}` {memory.Entries:N0} entries holding lines {memory.FirstSeq:N0}–{memory.LastSeq:N0}, " +
            $"{memory.StreamBytes:N0} bytes (`MEMORY USAGE`), {memory.StreamBytes / Math.Max(1.0, memory.LastSeq - memory.FirstSeq + 1):0} bytes per line held; used_memory {memory.UsedMemory:N0} bytes.");
        if (floor is not null) AppendAgainstReference(md, floor, viewers, rate, hubCount, allCpu, after.Sum(a => a.PeakRssKb) / 1024.0, delivered, deliveredPercent, l);
        return md.ToString();
    }

    /// <summary>Everything the scale-out ran (agent, hubs, Redis) per delivered line, against one reference process serving the same viewers.</summary>
    private static void AppendAgainstReference(StringBuilder md, RunResult floor, int viewers, double rate, int hubCount,
        double cpu, double rss, long delivered, double deliveredPercent, LatencySummary l)
    {
        var perLine = delivered > 0 ? cpu * 1e6 / delivered : double.NaN;
        var floorRss = floor.Server?.PeakRssMb ?? double.NaN;
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"## Against the reference: the same {viewers:N0} viewers × {rate:N0} lines/s from one reference process");
        md.AppendLine();
        md.AppendLine("| setup | delivered % | µs CPU per delivered (viewer, line), all processes | × | peak RSS MB, all processes | × | p50 / p99 ms | × (p99) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| reference, one process | {floor.DeliveredPercent:0.###} | {floor.ServerCpuMicrosPerDelivery:0.000} | – | {floorRss:0} | – | {floor.Latency.P50Ms:0} / {floor.Latency.P99Ms:0} | – |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| 1 agent + {hubCount} hubs + Redis | {deliveredPercent:0.###} | {perLine:0.000} | {perLine / (floor.ServerCpuMicrosPerDelivery ?? double.NaN):0.00}× | " +
            $"{rss:0} | {rss / floorRss:0.00}× | {l.P50Ms:0} / {l.P99Ms:0} | {l.P99Ms / floor.Latency.P99Ms:0.00}× |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"The reference ran just before the scale-out (load average {floor.LoadAverage:0.0} when it started), with the same client, line generator and warm-up.");
    }
}

/// <summary>What Redis holds for a source after a run.</summary>
public sealed record StreamMemory(string Key, long Entries, long FirstSeq, long LastSeq, long StreamBytes, long UsedMemory);

/// <summary>Debian's redis-server on a free loopback port for one run, keeping nothing on disk; queried with redis-cli.</summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RedisProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync(string folder, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (apt-get install -y redis-server)");
        ProcessRegistry.Track(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new RedisProcess(process, port);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if ((await redis.CliAsync(cancellationToken, "PING")).Trim() == "PONG") return redis;
            await Task.Delay(50, cancellationToken);
        }
        throw new TimeoutException("redis-server did not answer PING");
    }

    public double CpuSeconds() => ProcSampler.Read(_process.Id).CpuSeconds;

    public async Task<StreamMemory> StreamMemoryAsync(string source, CancellationToken cancellationToken)
    {
        var json = (await CliAsync(cancellationToken, "HGET", "tailhub:sources", source)).Trim();
        var epoch = JsonDocument.Parse(json).RootElement.GetProperty("epoch").GetString()!;
        var key = $"tailhub:src:{{{source}}}:{epoch}";
        static long Number(string text) => long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var entries = Number(await CliAsync(cancellationToken, "XLEN", key));
        var bytes = Number(await CliAsync(cancellationToken, "MEMORY", "USAGE", key, "SAMPLES", "0"));
        var first = (await CliAsync(cancellationToken, "XRANGE", key, "-", "+", "COUNT", "1")).Split('\n').FirstOrDefault(l => l.Contains("-0", StringComparison.Ordinal)) ?? "0-0";
        var last = (await CliAsync(cancellationToken, "XREVRANGE", key, "+", "-", "COUNT", "1")).Split('\n').FirstOrDefault(l => l.Contains("-0", StringComparison.Ordinal)) ?? "0-0";
        var info = await CliAsync(cancellationToken, "INFO", "memory");
        var used = info.Split('\n').Where(l => l.StartsWith("used_memory:", StringComparison.Ordinal)).Select(l => Number(l["used_memory:".Length..])).FirstOrDefault();
        // An entry's id is the last sequence number it holds; the first entry's lines start up to one entry earlier.
        return new StreamMemory(key, entries, Number(first.Split('-')[0]), Number(last.Split('-')[0]), bytes, used);
    }

    private async Task<string> CliAsync(CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-p", Port.ToString(CultureInfo.InvariantCulture), "--raw" }.Concat(args)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return output;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        ProcessRegistry.Forget(_process);
        _process.Dispose();
    }
}
