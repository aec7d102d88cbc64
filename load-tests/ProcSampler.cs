using System.Runtime.InteropServices;

namespace TailHub.LoadTests;

/// <summary>CPU time and memory of one process, read from <c>/proc/&lt;pid&gt;</c>.</summary>
public readonly record struct ProcSnapshot(double CpuSeconds, long RssKb, long PeakRssKb, DateTime TakenUtc, long ContextSwitches = 0, int Threads = 0)
{
    public static readonly ProcSnapshot None = new(0, 0, 0, default);
    public bool IsValid => TakenUtc != default;
}

/// <summary>
/// Reads utime+stime from <c>/proc/&lt;pid&gt;/stat</c> and VmRSS/VmHWM from <c>/proc/&lt;pid&gt;/status</c>, and samples
/// VmRSS in the background so a peak is seen even where VmHWM is unavailable or was reset.
/// </summary>
public sealed class ProcSampler : IAsyncDisposable
{
    private static readonly double TicksPerSecond = ClockTicksPerSecond();
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _sampledPeakKb;

    public ProcSampler(int pid, TimeSpan interval)
    {
        _pid = pid;
        _loop = Task.Run(() => LoopAsync(interval, _stop.Token));
    }

    public int Pid => _pid;

    /// <summary>The highest of VmHWM and every sampled VmRSS so far.</summary>
    public long PeakRssKb => Math.Max(Interlocked.Read(ref _sampledPeakKb), Read(_pid).PeakRssKb);

    public ProcSnapshot Take()
    {
        var s = Read(_pid);
        if (s.RssKb > Interlocked.Read(ref _sampledPeakKb)) Interlocked.Exchange(ref _sampledPeakKb, s.RssKb);
        return s;
    }

    public static ProcSnapshot Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may hold spaces: count fields after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After ')': state is field 3 of the man page, so utime (14) and stime (15) are at 11 and 12 here.
            var cpuTicks = long.Parse(fields[11]) + long.Parse(fields[12]);
            long rss = 0, hwm = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = ParseKb(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = ParseKb(line);
            }
            var (switches, threads) = ContextSwitches(pid);
            return new ProcSnapshot(cpuTicks / TicksPerSecond, rss, Math.Max(hwm, rss), DateTime.UtcNow, switches, threads);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return ProcSnapshot.None;
        }
    }

    /// <summary>
    /// Voluntary + involuntary context switches summed over the process's live threads. Every time a viewer's session
    /// or the pipeline waits for work and is woken again costs one; it shows how much of the CPU is wake-ups.
    /// (Threads that exited take their counts with them, so this is a lower bound.)
    /// </summary>
    private static (long Switches, int Threads) ContextSwitches(int pid)
    {
        long total = 0;
        var threads = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                            total += ParseKb(line);
                    }
                    threads++;
                }
                catch (IOException) { } // the thread ended meanwhile
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return (total, threads);
    }

    private async Task LoopAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken)) Take();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static long ParseKb(string line)
    {
        var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], out var kb) ? kb : 0;
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);

    // utime/stime are in clock ticks; _SC_CLK_TCK is 2 on Linux. 100 is the value on every common kernel.
    private static double ClockTicksPerSecond()
    {
        try
        {
            var ticks = SysConf(2);
            return ticks > 0 ? ticks : 100;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
