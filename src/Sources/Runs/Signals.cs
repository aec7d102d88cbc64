using System.Runtime.InteropServices;

namespace TailHub.Sources.Runs;

/// <summary>POSIX signals by name, and sending them to a local process and the processes it started.</summary>
public static partial class Signals
{
    public const int Term = 15;
    public const int Kill = 9;

    private static readonly string[] Names =
        ["", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"];

    public static string Name(int signal) => signal > 0 && signal < Names.Length ? Names[signal] : $"SIG{signal}";

    /// <summary>
    /// The signal an exit status of 128 + n reports (how .NET, like a shell's <c>$?</c>, reports a process a signal
    /// ended); null for an ordinary exit code. A process that exits with such a code by itself reads the same.
    /// </summary>
    public static string? FromExitCode(int code) => code is > 128 and <= 128 + 64 ? Name(code - 128) : null;

    /// <summary>
    /// Sends <paramref name="signal"/> to process <paramref name="pid"/> and every process below it (a script's
    /// children would otherwise keep running, and keep its output open, after it ended). Linux only; elsewhere the
    /// process tree is killed.
    /// </summary>
    public static void SendToTree(int pid, int signal)
    {
        if (!OperatingSystem.IsLinux())
        {
            try { System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
            return;
        }
        foreach (var member in Tree(pid)) _ = kill(member, signal);
    }

    /// <summary><paramref name="root"/> and its descendants, from <c>/proc/*/stat</c>, parents first.</summary>
    private static List<int> Tree(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length > 1 && int.TryParse(fields[1], out var parent))
                {
                    if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
                    list.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            if (children.TryGetValue(tree[i], out var below)) tree.AddRange(below);
        }
        return tree;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
