using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace TailHub.Sources.Runs;

/// <summary>
/// Widens a pipe a process writes its output into (Linux's <c>F_SETPIPE_SZ</c>). A read returns what the pipe holds,
/// so when TailHub falls behind a chatty process, a wider pipe lets each read take more at once and what a read
/// costs is paid per larger block; when TailHub keeps up, reads stay small and lines stay live.
/// </summary>
public static partial class PipeCapacity
{
    /// <summary>The widest pipe an unprivileged process may ask for by default (<c>/proc/sys/fs/pipe-max-size</c>).</summary>
    public const int Bytes = 1024 * 1024;

    private const int SetPipeSize = 1031;

    /// <summary>Widens <paramref name="stream"/>'s pipe if it is one and the system allows; otherwise leaves it as it is.</summary>
    public static void Widen(Stream stream)
    {
        if (!OperatingSystem.IsLinux() || stream is not PipeStream pipe) return;
        try
        {
            _ = fcntl((int)pipe.SafePipeHandle.DangerousGetHandle(), SetPipeSize, Bytes);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or EntryPointNotFoundException or DllNotFoundException)
        {
            // Not a pipe we can widen: reads just stay at the default size.
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);
}
