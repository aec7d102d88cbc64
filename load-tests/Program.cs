using System.CommandLine;
using System.Globalization;
using TailHub.LoadTests;
using TailHub.LoadTests.Scenarios;

// TailHub load tester: every scenario is one subcommand, starts its own TailHub on loopback (or targets --url),
// stops by itself, and writes load-tests/results/{scenario}-{time}.md/.json plus latest.md/latest.json.

// Viewer reads complete on the socket engine's epoll thread instead of hopping to the thread pool: the scan after
// a read never blocks, and one hop fewer per read keeps the tester cheap next to the server. Read once, when the
// first socket is made, so it is set before anything else. ServerProcess keeps it out of the server's environment.
Environment.SetEnvironmentVariable(ServerProcess.InlineCompletionsVariable, "1");

var url = new Option<string?>("--url") { Description = "Test a running TailHub instead of starting one (loopback only); needs --file", Recursive = true };
var file = new Option<string?>("--file") { Description = "With --url: the file of --source-name that this tool appends to", Recursive = true };
var serverPid = new Option<int?>("--server-pid") { Description = "With --url: the server's PID, for its CPU and memory", Recursive = true };
var sourceName = new Option<string>("--source-name") { Description = "Source name", DefaultValueFactory = _ => "load", Recursive = true };
var serverDll = new Option<string?>("--server-dll") { Description = "TailHub.dll to run (default: the repo's Release build)", Recursive = true };
var noBuild = new Option<bool>("--no-build") { Description = "Do not run 'dotnet build -c Release TailHub.csproj' first", Recursive = true };
var set = new Option<string[]>("--set") { Description = "Server setting KEY=VALUE, e.g. TailHub:BatchInterval=00:00:00.020 (repeatable)", Recursive = true };
var serverArg = new Option<string[]>("--server-arg") { Description = "Extra argument for the server's command line (repeatable)", Recursive = true };
var serverEnv = new Option<string[]>("--server-env") { Description = "NAME=VALUE in the server's environment, e.g. DOTNET_gcServer=0 (repeatable)", Recursive = true };
var lineBytes = new Option<int>("--line-bytes") { Description = "Bytes per written line, newline included", DefaultValueFactory = _ => Comparison.DefaultLineBytes, Recursive = true };
var drain = new Option<double>("--drain-seconds") { Description = "Longest wait after writing for viewers to catch up", DefaultValueFactory = _ => 15, Recursive = true };
var concurrency = new Option<int>("--connect-concurrency") { Description = "Viewers connecting at once", DefaultValueFactory = _ => 64, Recursive = true };
var readBuffer = new Option<int>("--read-buffer") { Description = "Bytes of read buffer per viewer", DefaultValueFactory = _ => 16 * 1024, Recursive = true };
var results = new Option<string?>("--results") { Description = "Folder for reports (default load-tests/results)", Recursive = true };
var warmup = new Option<double>("--warmup-seconds") { Description = "Seconds of traffic to two throw-away viewers before measuring (JIT warm-up)", DefaultValueFactory = _ => 2, Recursive = true };
var maxMinutes = new Option<double>("--max-minutes") { Description = "Hard time limit for the whole command", DefaultValueFactory = _ => 60, Recursive = true };
var against = new Option<string>("--against") { Description = "Servers to run each scenario against, back to back: reference, tailhub and --variant labels (comma-separated)", DefaultValueFactory = _ => ServerTarget.TailHubLabel, Recursive = true };
var variant = new Option<string[]>("--variant") { Description = "A labelled TailHub for --against: LABEL:set:KEY=VALUE, LABEL:env:NAME=VALUE, LABEL:arg:ARG or LABEL:dll:PATH, on top of tailhub's (repeatable)", Recursive = true };
var repeat = new Option<int>("--repeat") { Description = "Runs of each cell per server, alternating between the --against servers", DefaultValueFactory = _ => 1, Recursive = true };
var referenceBatch = new Option<int>("--reference-batch-ms") { Description = "The reference server's fixed batching window", DefaultValueFactory = _ => 50, Recursive = true };

var root = new RootCommand("TailHub load tester: N SSE viewers on one source while lines are appended at R lines/s; reports delivery, latency, server CPU and memory.");
foreach (var o in new Option[] { url, file, serverPid, sourceName, serverDll, noBuild, set, serverArg, serverEnv, lineBytes, drain, concurrency, readBuffer, results, warmup, maxMinutes, against, variant, repeat, referenceBatch })
    root.Options.Add(o);

Option<int> Viewers(int d) => new("--viewers", "-n") { Description = "Connected viewers", DefaultValueFactory = _ => d };
Option<double> Rate(double d) => new("--rate", "-r") { Description = "Lines written per second", DefaultValueFactory = _ => d };
Option<double> Duration(double d) => new("--duration", "-d") { Description = "Seconds of writing", DefaultValueFactory = _ => d };
Option<string> List(string name, string d, string what) => new(name) { Description = what + " (comma-separated)", DefaultValueFactory = _ => d };

// run: one cell.
{
    var n = Viewers(1000); var r = Rate(1000); var d = Duration(20);
    var cmd = new Command("run", "One run: N viewers × R lines/s × D s") { n, r, d };
    cmd.SetAction((p, ct) => Execute(p, ct, c => SweepScenario.RunAsync(c, "run", [p.GetValue(n)], [p.GetValue(r)], Seconds(p.GetValue(d)), ct), repeats: true));
    root.Subcommands.Add(cmd);
}
// scaleout: one agent and several hubs on one Redis (redis-server from Debian), viewers split over the hubs.
{
    var n = Viewers(10000); var r = Rate(100); var d = Duration(20);
    var h = new Option<int>("--hubs") { Description = "Hubs the viewers are split over", DefaultValueFactory = _ => 2 };
    var k = new Option<int>("--sources") { Description = "Sources the agent publishes, each at R lines/s (the viewers watch one)", DefaultValueFactory = _ => 1 };
    var cmd = new Command("scaleout", "One agent + H hubs on one Redis: N viewers split over the hubs × R lines/s × D s") { n, r, d, h, k };
    cmd.SetAction((p, ct) => Execute(p, ct, c => ScaleOutScenario.RunAsync(c, p.GetValue(n), p.GetValue(r), Seconds(p.GetValue(d)), p.GetValue(h), p.GetValue(k), ct),
        onlyTailHub: "scaleout starts its agent and hubs as tailhub (with --set and --server-env); --against adds the reference serving the same viewers from one process, not variants"));
    root.Subcommands.Add(cmd);
}
// sweep: the grid.
{
    var n = List("--viewers", "10,100,1000,5000,10000", "Viewer counts"); var r = List("--rates", "100,1000,10000", "Rates in lines/s"); var d = Duration(20);
    var cmd = new Command("sweep", "Every viewer count × every rate, a fresh server each") { n, r, d };
    cmd.SetAction((p, ct) => Execute(p, ct, c => SweepScenario.RunAsync(c, "sweep", Ints(p.GetValue(n)!), Doubles(p.GetValue(r)!), Seconds(p.GetValue(d)), ct), repeats: true));
    root.Subcommands.Add(cmd);
}
// stall: one viewer stops reading.
{
    // 45 s: the stalled viewer's frames first fill the server's socket send buffer (loopback auto-tunes it up to
    // tcp_wmem's 4 MB, ~470 frames of 50 lines) and then its 256-frame queue; only after that are lines dropped.
    var n = Viewers(1000); var r = Rate(1000); var d = Duration(45);
    var s = new Option<int>("--stalled") { Description = "Viewers that stop reading", DefaultValueFactory = _ => 1 };
    var cmd = new Command("stall", "Baseline run, then the same with stalled viewers: healthy viewers must not notice") { n, r, d, s };
    cmd.SetAction((p, ct) => Execute(p, ct, c => StallScenario.RunAsync(c, p.GetValue(n), p.GetValue(r), Seconds(p.GetValue(d)), p.GetValue(s), ct)));
    root.Subcommands.Add(cmd);
}
// reconnect: everyone drops and resumes halfway.
{
    var n = Viewers(1000); var r = Rate(1000); var d = Duration(20);
    var cmd = new Command("reconnect", "Every viewer drops and resumes with Last-Event-ID halfway: nothing lost, nothing twice") { n, r, d };
    cmd.SetAction((p, ct) => Execute(p, ct, c => ReconnectScenario.RunAsync(c, p.GetValue(n), p.GetValue(r), Seconds(p.GetValue(d)), ct)));
    root.Subcommands.Add(cmd);
}
// firehose: step the rate up until loss.
{
    var n = Viewers(100); var r = List("--rates", "50000,100000,200000,300000,500000,750000,1000000", "Rates to step through"); var d = Duration(5);
    var cmd = new Command("firehose", "Highest lossless rate of one source to N viewers") { n, r, d };
    cmd.SetAction((p, ct) => Execute(p, ct, c => FirehoseScenario.RunAsync(c, p.GetValue(n), Doubles(p.GetValue(r)!), Seconds(p.GetValue(d)), ct)));
    root.Subcommands.Add(cmd);
}
// catchup: a big file read from its start, against wc -l.
{
    var size = new Option<string>("--size") { Description = "File size: 1GiB, 64MiB, 500MB or bytes", DefaultValueFactory = _ => "1GiB" };
    // Reading speed is what is compared with wc -l; -n 1 adds a viewer who receives every line as well.
    var n = Viewers(0);
    var t = new Option<double>("--timeout") { Description = "Seconds to wait for TailHub to publish everything", DefaultValueFactory = _ => 300 };
    var cmd = new Command("catchup", "Time for TailHub to publish every line of a big file vs wc -l") { size, n, t };
    cmd.SetAction((p, ct) => Execute(p, ct, c => CatchUpScenario.RunAsync(c, Size(p.GetValue(size)!), p.GetValue(n), Seconds(p.GetValue(t)), ct)));
    root.Subcommands.Add(cmd);
}
// command: a command source (and with --ssh an ssh source) fed by a process writing as fast as it can.
{
    var size = new Option<string>("--size") { Description = "Bytes the command writes: 1GiB, 64MiB, 500MB or bytes", DefaultValueFactory = _ => "1GiB" };
    var n = Viewers(0);
    var ssh = new Option<bool>("--ssh") { Description = "Also run the command over SSH to an OpenSSH server on loopback" };
    var sshSize = new Option<string>("--ssh-size") { Description = "Bytes the command writes over SSH", DefaultValueFactory = _ => "512MiB" };
    var cmd = new Command("command", "A command source's run of a process writing as fast as it can, vs the same command into a pipe; --ssh: over SSH") { size, n, ssh, sshSize };
    cmd.SetAction((p, ct) => Execute(p, ct, c => CommandScenario.RunAsync(c, Size(p.GetValue(size)!), p.GetValue(n), p.GetValue(ssh), Size(p.GetValue(sshSize)!), ct)));
    root.Subcommands.Add(cmd);
}
// push: curl -T - uploads into a push source, against the same upload into a do-nothing sink and cat.
{
    var w = new Option<int>("--writers", "-w") { Description = "Concurrent curl -T - uploads", DefaultValueFactory = _ => 1 };
    var lines = new Option<long>("--lines") { Description = "Lines in all, split between the writers", DefaultValueFactory = _ => 2_000_000 };
    var n = Viewers(1);
    var t = new Option<double>("--timeout") { Description = "Seconds to wait for every line to be published and delivered", DefaultValueFactory = _ => 300 };
    var cmd = new Command("push", "Lines/s of curl -T - into a push source, spooled, published and delivered to viewers") { w, lines, n, t };
    cmd.SetAction((p, ct) => Execute(p, ct, c => PushScenario.RunAsync(c, Math.Max(1, p.GetValue(w)), p.GetValue(lines), p.GetValue(n), Seconds(p.GetValue(t)), ct)));
    root.Subcommands.Add(cmd);
}
// all: every scenario, full size, or a quick version to check the tool and the server work.
{
    var small = new Option<bool>("--small") { Description = "Tiny sizes (a couple of minutes) to check that everything runs" };
    var cmd = new Command("all", "sweep, stall, reconnect, firehose and catchup in turn") { small };
    cmd.SetAction((p, ct) => Execute(p, ct, async c =>
    {
        var q = p.GetValue(small);
        var reports = new List<ScenarioReport>
        {
            await SweepScenario.RunAsync(c, "sweep", q ? [10, 100] : [10, 100, 1000, 5000, 10000], q ? [100, 1000] : [100, 1000, 10000], Seconds(q ? 3 : 20), ct),
            // Small: 1 KB lines and a 16-frame queue reach the drop path in seconds instead of 45 s.
            await StallScenario.RunAsync(q ? SmallStall(c) : c, q ? 100 : 1000, 1000, Seconds(q ? 6 : 45), 1, ct),
            await ReconnectScenario.RunAsync(c, q ? 100 : 1000, q ? 500 : 1000, Seconds(q ? 4 : 20), ct),
            await FirehoseScenario.RunAsync(c, q ? 20 : 100, q ? [10_000, 50_000, 100_000] : [50_000, 100_000, 200_000, 300_000, 500_000, 750_000, 1_000_000], Seconds(q ? 3 : 5), ct),
            await CatchUpScenario.RunAsync(c, q ? 64L << 20 : 1L << 30, 1, Seconds(300), ct),
        };
        // latest.md is the whole set, so one file answers "how did the last full run go".
        var all = c.Report("all", reports[0].StartedUtc, [.. reports.SelectMany(x => x.Runs)], reports.SelectMany(x => x.Findings), [.. reports.SelectMany(x => x.CatchUps)]);
        return await c.SaveAsync(all);
    }));
    root.Subcommands.Add(cmd);
}

return await root.Parse(args).InvokeAsync();

// onlyTailHub: why a scenario takes no TailHub variants in --against (null: it does); repeats: it takes --repeat.
async Task<int> Execute(ParseResult p, CancellationToken cancellationToken, Func<ScenarioContext, Task<ScenarioReport>> scenario, string? onlyTailHub = null, bool repeats = false)
{
    var limit = TimeSpan.FromMinutes(p.GetValue(maxMinutes));
    using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    bounded.CancelAfter(limit);
    // If cancellation itself hangs, the process still ends a minute later, taking its servers with it.
    using var hardStop = new Timer(_ => { Console.Error.WriteLine("Time limit passed; exiting."); ProcessRegistry.KillAll(); Environment.Exit(3); },
        null, limit + TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);

    Uri? target = null;
    if (p.GetValue(url) is { } text)
    {
        if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out target)) { Console.Error.WriteLine($"--url '{text}' is not an absolute URL."); return 2; }
        if (!target.IsLoopback) { Console.Error.WriteLine("--url must be a loopback address (127.0.0.0/8, localhost, [::1])."); return 2; }
        if (p.GetValue(file) is null) { Console.Error.WriteLine("--url needs --file: the source's file this tool appends to."); return 2; }
    }
    var settings = new Dictionary<string, string>();
    foreach (var kv in p.GetValue(set) ?? [])
    {
        var eq = kv.IndexOf('=');
        if (eq <= 0) { Console.Error.WriteLine($"--set '{kv}' is not KEY=VALUE"); return 2; }
        settings[kv[..eq]] = kv[(eq + 1)..];
    }
    var server = new ServerOptions(p.GetValue(serverDll), !p.GetValue(noBuild), p.GetValue(serverArg) ?? [], p.GetValue(serverEnv) ?? []);
    var launcher = new ServerLauncher(server, target, p.GetValue(file), p.GetValue(serverPid), p.GetValue(sourceName)!);
    IReadOnlyList<ServerTarget> targets;
    try
    {
        targets = ServerTarget.Parse(p.GetValue(against)!, p.GetValue(variant) ?? [], server, settings, p.GetValue(referenceBatch),
            o => new ServerLauncher(o, target, p.GetValue(file), p.GetValue(serverPid), p.GetValue(sourceName)!));
    }
    catch (ArgumentException e) { Console.Error.WriteLine(e.Message); return 2; }
    if (target is not null && targets.Count > 1) { Console.Error.WriteLine("--url tests one running server; --against needs the tool to start each."); return 2; }
    if (p.GetValue(repeat) < 1) { Console.Error.WriteLine("--repeat must be at least 1."); return 2; }
    if (onlyTailHub is not null && targets.Any(t => t.Label is not (ServerTarget.TailHubLabel or ServerTarget.ReferenceLabel)))
    {
        Console.Error.WriteLine($"--against: {onlyTailHub}.");
        return 2;
    }
    if (!repeats && p.GetValue(repeat) > 1) { Console.Error.WriteLine("--repeat applies to run and sweep (cells measured several times, medians compared)."); return 2; }
    var context = new ScenarioContext(
        launcher,
        new FleetOptions(p.GetValue(concurrency), p.GetValue(readBuffer)),
        p.GetValue(lineBytes),
        Seconds(p.GetValue(drain)),
        settings,
        p.GetValue(results) ?? ReportWriter.DefaultFolder(),
        "load-tests " + string.Join(' ', args),
        Seconds(p.GetValue(warmup)))
    {
        Targets = targets,
        Repeat = p.GetValue(repeat),
    };
    try
    {
        var report = await scenario(context);
        return report.Findings.Any(f => f.StartsWith("MISS", StringComparison.Ordinal)) ? 1 : 0;
    }
    catch (OperationCanceledException) when (bounded.IsCancellationRequested)
    {
        Console.Error.WriteLine(cancellationToken.IsCancellationRequested ? "Interrupted." : $"Stopped at the --max-minutes limit ({limit.TotalMinutes:0} min).");
        return 3;
    }
    finally
    {
        ProcessRegistry.KillAll();
    }
}

static TimeSpan Seconds(double s) => TimeSpan.FromSeconds(s);

static ScenarioContext SmallStall(ScenarioContext c) =>
    c with { LineBytes = 1000, ServerSettings = new Dictionary<string, string>(c.ServerSettings) { ["TailHub:ViewerQueueBatches"] = "16" } };
static int[] Ints(string list) => [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => int.Parse(x.Replace("_", ""), CultureInfo.InvariantCulture))];
static double[] Doubles(string list) => [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => double.Parse(x.Replace("_", ""), CultureInfo.InvariantCulture))];

static long Size(string text)
{
    var t = text.Trim();
    var units = new (string Suffix, long Factor)[] { ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000), ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10) };
    foreach (var (suffix, factor) in units)
        if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return (long)(double.Parse(t[..^suffix.Length], CultureInfo.InvariantCulture) * factor);
    return long.Parse(t, CultureInfo.InvariantCulture);
}
