using TailHub.Pipeline;
using TailHub.Sources;

namespace TailHub.Benchmarks;

/// <summary>
/// Realistic input for the benchmarks: ~100-byte log lines as the load tester writes them, sequenced by a real
/// <see cref="SourceHub"/> (sequence numbers are assigned only there).
/// </summary>
public static class Records
{
    public const int LineBytes = 100;
    private static readonly byte[] Padding = "INFO  [worker-07] GET /api/orders/42 status=200 bytes=5120 user=alice elapsed_ms=12 trace=4bf92f3577b34da6a3ce929d0e0e4736 "u8.ToArray();

    /// <summary><paramref name="count"/> newline-terminated lines in one buffer, like a file's bytes.</summary>
    public static byte[] FileBytes(int count)
    {
        var output = new byte[count * LineBytes];
        for (var i = 0; i < count; i++)
        {
            var line = output.AsSpan(i * LineBytes, LineBytes);
            var head = System.Text.Encoding.ASCII.GetBytes($"seq={i + 1} t=1732300000000000 ");
            head.CopyTo(line);
            Padding.AsSpan(0, LineBytes - 1 - head.Length).CopyTo(line[head.Length..]);
            line[^1] = (byte)'\n';
        }
        return output;
    }

    /// <summary>Sequenced <see cref="LogLine"/>s, as the broadcaster receives them.</summary>
    public static LogLine[] Lines(int count)
    {
        var bytes = FileBytes(count);
        var split = new List<SplitLine>(count);
        new LineSplitter(64 * 1024).Push(bytes, split);
        var file = new FileRef("/var/log/bench.log", new FileIdentity(1, 2));
        var lines = split.Select(s => new LogLine(s.Utf8, file, s.Start, s.End, 1_732_300_000_000)).ToArray();
        var hub = new SourceHub("load", "bench001", 1000, new SourceJournal(1000, 64 * 1024), TimeProvider.System);
        hub.Input.TryWrite([.. lines]);
        hub.Input.Complete();
        hub.RunAsync(new NullSink(), CancellationToken.None).GetAwaiter().GetResult();
        return lines;
    }

    private sealed class NullSink : ISequencedRecordSink
    {
        public void Publish(SourceRecord[] records) { }

        public ValueTask WaitForRoomAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
