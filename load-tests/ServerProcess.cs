using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TailHub.LoadTests;

/// <summary>
/// How to start the server under test: which build, which settings, and anything extra for its command line or
/// environment. <paramref name="ReferenceBatchMs"/> set means the reference server (load-tests/reference/) instead of
/// TailHub, batching on that fixed window.
/// </summary>
public sealed record ServerOptions(
    string? DllPath,
    bool Build,
    IReadOnlyList<string> ExtraArgs,
    IReadOnlyList<string> Environment,
    int? ReferenceBatchMs = null)
{
    public static readonly ServerOptions Default = new(null, true, [], []);

    public bool IsReference => ReferenceBatchMs is not null;
}

/// <summary>
/// The TailHub under test: a process this tool started on a free loopback port (and kills when done), or one
/// already running at <c>--url</c>. Either way the tool knows the source's name, its file, and where possible the
/// server's PID for CPU and memory.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly Lock BuildLock = new();
    private static readonly HashSet<string> s_built = [];
    private readonly Process? _process;

    private ServerProcess(Uri baseUri, string sourceName, string filePath, int? pid, Process? process)
    {
        BaseUri = baseUri;
        SourceName = sourceName;
        FilePath = filePath;
        Pid = pid;
        _process = process;
    }

    /// <summary>The tester sets this for itself; the server gets it only through --server-env.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public Uri BaseUri { get; }
    public string SourceName { get; }
    public string FilePath { get; }
    public int? Pid { get; }
    public bool Owned => _process is not null;

    /// <summary>Targets a running server; its source's file must be writable by this tool.</summary>
    public static ServerProcess Attach(Uri baseUri, string sourceName, string filePath, int? pid) =>
        new(baseUri, sourceName, filePath, pid, null);

    /// <summary>
    /// Starts TailHub on 127.0.0.1 with one source, <paramref name="sourceName"/>, at <paramref name="filePath"/>
    /// (created empty unless <paramref name="createFile"/> is false), and waits until it answers.
    /// </summary>
    /// <param name="readyPath">What answers once it is ready: <c>api/sources</c>, or <c>healthz/live</c> for an agent (which serves no API).</param>
    public static async Task<ServerProcess> StartAsync(ServerOptions options, string sourceName, string filePath, bool createFile,
        IReadOnlyDictionary<string, string> settings, string folder, CancellationToken cancellationToken, string readyPath = "api/sources")
    {
        if (createFile) await File.WriteAllBytesAsync(filePath, [], cancellationToken);
        return await StartAsync(options, sourceName, filePath, ["--source", $"{sourceName}={filePath}"], settings, folder, cancellationToken, readyPath);
    }

    /// <summary>
    /// Starts TailHub on 127.0.0.1 with one push source, <paramref name="sourceName"/> (lines go to
    /// <c>PUT /api/sources/{name}/lines</c>; its spool is under <c>data/</c> in <paramref name="folder"/>), and waits until it answers.
    /// </summary>
    public static Task<ServerProcess> StartPushAsync(ServerOptions options, string sourceName, IReadOnlyDictionary<string, string> settings, string folder,
        CancellationToken cancellationToken) =>
        StartConfiguredAsync(options, sourceName, ["--TailHub:Sources:0:Name=" + sourceName, "--TailHub:Sources:0:Type=push"], settings, folder, cancellationToken);

    /// <summary>
    /// Starts a server whose sources are all in <paramref name="sourceArgs"/> and <paramref name="settings"/> (no
    /// <c>--source</c>, which would hide them). The reference follows a file that is never written, and takes pushed
    /// lines or runs its <c>--command</c> instead.
    /// </summary>
    public static Task<ServerProcess> StartConfiguredAsync(ServerOptions options, string sourceName, string[] sourceArgs, IReadOnlyDictionary<string, string> settings,
        string folder, CancellationToken cancellationToken) =>
        options.IsReference
            ? StartAsync(options, sourceName, Path.Combine(folder, $"{sourceName}-unwritten.log"), [], settings, folder, cancellationToken)
            : StartAsync(options, sourceName, "", sourceArgs, settings, folder, cancellationToken);

    private static async Task<ServerProcess> StartAsync(ServerOptions options, string sourceName, string filePath, string[] sourceArgs,
        IReadOnlyDictionary<string, string> settings, string folder, CancellationToken cancellationToken, string readyPath = "api/sources")
    {
        var dll = options.DllPath ?? (options.IsReference ? ReferenceDllPath() : DefaultDllPath());
        EnsureBuilt(options, dll);

        var port = FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add(dll);
        if (options.IsReference)
        {
            // The reference takes only what it needs: where to listen, the file, the window, and what a scenario asks of
            // it (ReferenceSettings: --resume-lines, --command). TailHub's settings are TailHub's.
            foreach (var arg in new[] { "--urls", $"http://127.0.0.1:{port}", "--source", $"{sourceName}={filePath}", "--batch-ms", $"{options.ReferenceBatchMs}" })
                start.ArgumentList.Add(arg);
            foreach (var (key, value) in settings)
            {
                start.ArgumentList.Add("--" + key);
                start.ArgumentList.Add(value);
            }
        }
        else
        {
            // Every viewer comes from this one loopback client: lift the per-client and global viewer caps, which exist
            // to stop one client crowding out others, not to cap a deliberate load test. --set can still override them.
            // The content root is the run's folder, so the shipped appsettings.json (its "logs" source) stays out of the run.
            foreach (var arg in new[] { "--urls", $"http://127.0.0.1:{port}", "--contentRoot", folder }.Concat(sourceArgs).Concat(["--TailHub:LogFile=", "--Logging:LogLevel:Default=Warning",
                         "--TailHub:Limits:MaxViewers=100000", "--TailHub:Limits:MaxViewersPerClient=100000"]))
                start.ArgumentList.Add(arg);
            foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");
            foreach (var arg in options.ExtraArgs) start.ArgumentList.Add(arg);
        }
        start.Environment.Remove(InlineCompletionsVariable);
        foreach (var pair in options.Environment)
        {
            var eq = pair.IndexOf('=');
            if (eq > 0) start.Environment[pair[..eq]] = pair[(eq + 1)..];
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        // Drain its output to a file so a chatty server never blocks on a full pipe.
        var log = Path.Combine(folder, "server.log");
        var logWriter = TextWriter.Synchronized(new StreamWriter(log) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) logWriter.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) logWriter.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ProcessRegistry.Track(process);

        var server = new ServerProcess(new Uri($"http://127.0.0.1:{port}/"), sourceName, filePath, process.Id, process);
        await server.WaitReadyAsync(TimeSpan.FromSeconds(30), log, readyPath, cancellationToken);
        return server;
    }

    private async Task WaitReadyAsync(TimeSpan timeout, string log, string readyPath, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process is { HasExited: true })
                throw new InvalidOperationException($"TailHub exited with code {_process.ExitCode}; see {log}:\n{ReadTail(log)}");
            try
            {
                using var response = await http.GetAsync(readyPath, cancellationToken);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"TailHub did not answer within {timeout.TotalSeconds:0} s; see {log}");
    }

    private static string ReadTail(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            return text.Length > 2000 ? text[^2000..] : text;
        }
        catch (IOException) { return ""; }
    }

    /// <summary>The repository root: the nearest folder above this tool (or the working directory) holding TailHub.csproj.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TailHub.csproj"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find TailHub.csproj above this tool or the working directory; pass --server-dll.");
    }

    public static string DefaultDllPath() =>
        Path.Combine(RepositoryRoot(), "artifacts", "bin", "TailHub", "Release", "net10.0", "TailHub.dll");

    public static string ReferenceDllPath() =>
        Path.Combine(RepositoryRoot(), "artifacts", "bin", "TailHub.Reference", "Release", "net10.0", "TailHub.Reference.dll");

    /// <summary>Builds the server in Release once per run of this tool, so a sweep never measures a stale build.</summary>
    private static void EnsureBuilt(ServerOptions options, string dll)
    {
        lock (BuildLock)
        {
            if (s_built.Contains(dll) || (!options.Build && File.Exists(dll))) return;
            if (options.DllPath is not null && !options.Build) throw new FileNotFoundException("No TailHub build there", dll);
            var root = RepositoryRoot();
            var project = options.IsReference ? "load-tests/reference/TailHub.Reference.csproj" : "TailHub.csproj";
            Console.Error.WriteLine($"Building {project} (Release) in {root} …");
            var build = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "build", "-c", "Release", project, "-nologo", "-v", "q" }) build.ArgumentList.Add(arg);
            using var process = Process.Start(build)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5))) { process.Kill(true); throw new TimeoutException("dotnet build took over 5 minutes"); }
            if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet build failed:\n{stdout.Result}\n{stderr.Result}");
            if (!File.Exists(dll)) throw new FileNotFoundException("Build finished but the server DLL is not where expected", dll);
            s_built.Add(dll);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception) { }
        ProcessRegistry.Forget(_process);
        _process.Dispose();
    }
}

/// <summary>Every server this tool started, so an interrupted run (Ctrl+C, an unhandled error) still kills them.</summary>
public static class ProcessRegistry
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<Process> Running = [];

    static ProcessRegistry()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    public static void Track(Process process)
    {
        lock (Gate) Running.Add(process);
    }

    public static void Forget(Process process)
    {
        lock (Gate) Running.Remove(process);
    }

    public static void KillAll()
    {
        Process[] all;
        lock (Gate) all = [.. Running];
        foreach (var p in all)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
        }
    }
}
