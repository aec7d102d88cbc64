using System.Diagnostics;
using System.Globalization;

namespace TailHub.Reference;

/// <summary>
/// The command the reference was given, run on request (<c>POST /api/sources/{name}/runs</c>, one run at a time):
/// <c>/bin/sh -c COMMAND</c>, its output read into the collector as a file is. A run ends when its last line has been
/// published to the viewers; its state answers <c>GET …/runs/{number}</c> in the shape the load tester reads from
/// TailHub's runs API (no spool, no notices, no restart policy: the floor of a command's lines reaching viewers).
/// </summary>
public sealed class CommandRuns(string command, LineCollector lines, Batcher batcher)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, RunState> _runs = [];
    private Task _last = Task.CompletedTask;

    private sealed class RunState(int number)
    {
        public int Number { get; } = number;
        public string State { get; set; } = "running";
        public DateTimeOffset StartedAt { get; set; }
        public DateTimeOffset? EndedAt { get; set; }
        public long Lines { get; set; }
    }

    /// <summary>Starts a run after the one before it; returns its number.</summary>
    public int Start()
    {
        lock (_lock)
        {
            var run = new RunState(_runs.Count + 1);
            _runs[run.Number] = run;
            _last = _last.ContinueWith(_ => Run(run), TaskScheduler.Default).Unwrap();
            return run.Number;
        }
    }

    /// <summary>The run as JSON, or null when there is no such run.</summary>
    public string? Describe(int number)
    {
        lock (_lock)
        {
            if (!_runs.TryGetValue(number, out var run)) return null;
            var ended = run.EndedAt is { } e ? $"\"{e:O}\"" : "null";
            return string.Create(CultureInfo.InvariantCulture,
                $"{{\"number\":{run.Number},\"state\":\"{run.State}\",\"startedAt\":\"{run.StartedAt:O}\",\"endedAt\":{ended},\"lines\":{run.Lines}}}");
        }
    }

    private async Task Run(RunState run)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        var first = lines.LinesRead;
        lock (_lock) run.StartedAt = DateTimeOffset.UtcNow;
        string state;
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.BaseStream;
            var buffer = new byte[256 * 1024];
            var carry = 0;
            int read;
            while ((read = await output.ReadAsync(buffer.AsMemory(carry))) > 0)
            {
                await lines.WaitForRoomAsync();
                carry = StreamLines.Split(buffer, carry + read, lines);
            }
            if (carry > 0)
            {
                // Output that ends without a newline still ends a line.
                buffer[carry] = (byte)'\n';
                StreamLines.Split(buffer, carry + 1, lines);
            }
            await process.WaitForExitAsync();
            state = process.ExitCode == 0 ? "succeeded" : "failed";
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            state = "failed";
        }
        // Ended once its last line went out to the viewers (the batcher's next window).
        var last = lines.LinesRead;
        while (batcher.LastSeq < last) await Task.Delay(1);
        lock (_lock)
        {
            run.Lines = last - first;
            run.EndedAt = DateTimeOffset.UtcNow;
            run.State = state;
        }
    }
}
