using System.Buffers.Text;
using System.Diagnostics;

namespace TailHub.LoadTests;

/// <summary>What the appender did: how many lines, over how long, and how far behind schedule it ever fell.</summary>
public readonly record struct AppendResult(long LinesWritten, double Seconds, long Writes, double MaxLagMs)
{
    public double RateAchieved => Seconds > 0 ? LinesWritten / Seconds : 0;
}

/// <summary>
/// Appends numbered, timestamped lines to a file at a steady rate for a fixed time, from a dedicated thread.
/// Each line is <c>seq=N t=&lt;unix µs&gt; </c> plus padding to <see cref="LineBytes"/> (newline included): viewers read
/// the write time and writer sequence straight from the text, so loss, duplication and latency need no server help.
/// All lines due at one tick go out in one write(2), stamped with the time just before it.
/// </summary>
public sealed class LogAppender(string path, double linesPerSecond, TimeSpan duration, int lineBytes = 100)
{
    // Looks like a log line; only its length matters.
    private static readonly byte[] Padding = "INFO  [worker-07] GET /api/orders/42 status=200 bytes=5120 user=alice elapsed_ms=12 trace=4bf92f3577b34da6a3ce929d0e0e4736 "u8.ToArray();
    private const int MaxWriteBytes = 1 << 20;

    public int LineBytes { get; } = Math.Max(48, lineBytes);
    public long TotalLines { get; } = (long)Math.Round(linesPerSecond * duration.TotalSeconds);

    /// <summary>Seq of the last line written so far (0 before the first).</summary>
    public long Written => Interlocked.Read(ref _written);
    private long _written;

    public Task<AppendResult> RunAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try { done.SetResult(Run(cancellationToken)); }
            catch (Exception e) { done.SetException(e); }
        })
        { IsBackground = true, Name = "log-appender", Priority = ThreadPriority.AboveNormal };
        thread.Start();
        return done.Task;
    }

    private AppendResult Run(CancellationToken cancellationToken)
    {
        // bufferSize 1: every Write is one write(2), so the line's timestamp is when the server can first see it.
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        var buffer = new byte[MaxWriteBytes];
        var linesPerWrite = Math.Max(1, MaxWriteBytes / LineBytes);
        var clock = Stopwatch.StartNew();
        long seq = 0, writes = 0;
        double maxLag = 0;
        while (seq < TotalLines && !cancellationToken.IsCancellationRequested)
        {
            var elapsed = clock.Elapsed;
            // Time bound: a writer that cannot keep up stops at the end of its time instead of running on.
            if (elapsed > duration + TimeSpan.FromSeconds(1)) break;
            var due = Math.Min(TotalLines, (long)(elapsed.TotalSeconds * linesPerSecond) + 1);
            if (due <= seq)
            {
                // Sleep, never spin: a spinning writer would bill a whole core to the client and steal it from the server.
                // Sleep(1) wakes about every 1.1 ms; lines due meanwhile go out together, stamped when written.
                Thread.Sleep(1);
                continue;
            }
            var lag = (due - seq - 1) / linesPerSecond * 1000;
            if (lag > maxLag) maxLag = lag;
            var count = (int)Math.Min(due - seq, linesPerWrite);
            var t = Clock.NowMicros();
            var length = 0;
            for (var i = 0; i < count; i++) length += FormatLine(buffer.AsSpan(length), seq + 1 + i, t);
            file.Write(buffer, 0, length);
            writes++;
            seq += count;
            Interlocked.Exchange(ref _written, seq);
        }
        return new AppendResult(seq, clock.Elapsed.TotalSeconds, writes, maxLag);
    }

    private int FormatLine(Span<byte> output, long seq, long t)
    {
        "seq="u8.CopyTo(output);
        var n = 4;
        Utf8Formatter.TryFormat(seq, output[n..], out var w);
        n += w;
        " t="u8.CopyTo(output[n..]);
        n += 3;
        Utf8Formatter.TryFormat(t, output[n..], out w);
        n += w;
        output[n++] = (byte)' ';
        var pad = LineBytes - 1 - n;
        for (var p = 0; p < pad; p += Padding.Length) Padding.AsSpan(0, Math.Min(Padding.Length, pad - p)).CopyTo(output[(n + p)..]);
        n = Math.Max(n, LineBytes - 1);
        output[n++] = (byte)'\n';
        return n;
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> of such lines as fast as possible (for catch-up and upload files), numbered from
    /// <paramref name="firstSeq"/>; returns the line count.
    /// </summary>
    public static long WriteFile(string path, long bytes, int lineBytes, long firstSeq = 1)
    {
        var appender = new LogAppender(path, 1, TimeSpan.Zero, lineBytes);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1);
        var buffer = new byte[MaxWriteBytes];
        long seq = firstSeq - 1, total = 0;
        var t = Clock.NowMicros();
        while (total < bytes)
        {
            var length = 0;
            while (length + appender.LineBytes + 64 <= buffer.Length && total + length < bytes)
                length += appender.FormatLine(buffer.AsSpan(length), ++seq, t);
            file.Write(buffer, 0, length);
            total += length;
        }
        return seq - (firstSeq - 1);
    }
}
