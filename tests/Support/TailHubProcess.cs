using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace TailHub.Tests.Support;

/// <summary>
/// The real TailHub process (<c>dotnet TailHub.dll</c>, as a user runs it, with its content root and data directory
/// in a test's folder; or an installed <c>tailhub</c>, as the install tests run it) on a loopback port Kestrel picks;
/// its standard input is the test's to write to, and it can be stopped as a service manager stops it (SIGTERM) or
/// killed.
/// </summary>
public sealed partial class TailHubProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly Task _output;
    private readonly List<string> _log;

    private TailHubProcess(Process process, Uri baseAddress, Task output, List<string> log)
    {
        _process = process;
        _output = output;
        _log = log;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public int Pid => _process.Id;

    /// <summary>TailHub's standard input (a <c>--source name=-</c> source reads it).</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>Starts TailHub with its data directory at <c>data</c> in <paramref name="folder"/> and waits until it listens.</summary>
    public static Task<TailHubProcess> StartAsync(TempFolder folder, params string[] args) =>
        StartProgramAsync("dotnet", new[]
        {
            Path.Combine(AppContext.BaseDirectory, "TailHub.dll"),
            "--urls=http://127.0.0.1:0", $"--contentRoot={folder.Path}", "--TailHub:LogFile=", $"--TailHub:DataDirectory={folder.PathOf("data")}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
        }.Concat(args), folder.Path);

    /// <summary>
    /// Starts TailHub as the given program (an installed <c>tailhub</c>, a published binary) with exactly these
    /// arguments, in <paramref name="workingDirectory"/>, with these environment variables changed (null removes
    /// one), and waits until it listens.
    /// </summary>
    public static async Task<TailHubProcess> StartProgramAsync(string program, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var log = new List<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task ReadAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (log) log.Add(line);
                if (ListeningOn().Match(line) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
            }
        }
        var output = Task.WhenAll(ReadAsync(process.StandardOutput), ReadAsync(process.StandardError));
        var started = await Task.WhenAny(listening.Task, output, Task.Delay(TimeSpan.FromSeconds(30)));
        if (started != listening.Task)
        {
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync();
            lock (log) throw new InvalidOperationException("TailHub did not start listening:\n" + string.Join('\n', log));
        }
        return new TailHubProcess(process, await listening.Task, output, log);
    }

    /// <summary>What TailHub wrote to its console so far.</summary>
    public string Log
    {
        get { lock (_log) return string.Join('\n', _log); }
    }

    /// <summary>Stops TailHub as systemd or Ctrl+C does (SIGTERM) and waits for it to exit; returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (kill(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill failed: {Marshal.GetLastPInvokeError()}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        await _output;
        return _process.ExitCode;
    }

    /// <summary>Kills TailHub outright (a crash, an OOM kill): nothing at all runs on the way out.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>VmHWM: the most resident memory the process has had, in bytes.</summary>
    public long PeakResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
        }
        throw new InvalidOperationException("no VmHWM in /proc/<pid>/status");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
