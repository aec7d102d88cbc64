using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace TailHub.Tests.Support;

/// <summary>
/// TailHub as a process of its own, run as an ordinary user: as <c>nobody</c> (through <c>setpriv</c>) when the tests
/// run as root, as the current user otherwise. File permissions then apply to it as they do in production.
/// </summary>
public sealed partial class TailHubAsOtherUser : IAsyncDisposable
{
    private const uint Nobody = 65534;
    private readonly Process _process;

    private TailHubAsOtherUser(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }

    [DllImport("libc")]
    private static extern uint geteuid();

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int Chown(string path, uint owner, uint group);

    /// <summary>Whether TailHub runs as another user than the tests (they run as root).</summary>
    public static bool RunsAsAnotherUser => geteuid() == 0;

    /// <summary>Makes <paramref name="path"/> belong to the user TailHub runs as, so it can write there.</summary>
    public static void GiveToTailHub(string path)
    {
        if (RunsAsAnotherUser && Chown(path, Nobody, Nobody) != 0) throw new IOException($"chown {path} failed: {Marshal.GetLastWin32Error()}");
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();

    /// <summary>Starts TailHub with <paramref name="contentRoot"/> as its content root and working directory; waits until it listens.</summary>
    public static async Task<TailHubAsOtherUser> StartAsync(string contentRoot, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "TailHub.dll");
        var start = new ProcessStartInfo(RunsAsAnotherUser ? "setpriv" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = contentRoot,
        };
        if (RunsAsAnotherUser)
        {
            foreach (var arg in new[] { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--", "dotnet" }) start.ArgumentList.Add(arg);
        }
        start.ArgumentList.Add(dll);
        foreach (var arg in new[] { "--urls=http://127.0.0.1:0", $"--contentRoot={contentRoot}", "--environment=Testing" }.Concat(args)) start.ArgumentList.Add(arg);
        start.Environment["HOME"] = contentRoot;
        start.Environment["DOTNET_CLI_HOME"] = contentRoot;
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (Listening().Match(e.Data) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"TailHub exited ({process.ExitCode}): {output}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new TailHubAsOtherUser(process, await listening.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        catch
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
