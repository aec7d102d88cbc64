using System.Buffers;
using BenchmarkDotNet.Attributes;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Sources;
using TailHub.Streaming;

namespace TailHub.Benchmarks;

/// <summary>
/// Turning a batch of lines into SSE bytes: done once per batch and shared by every viewer. Reported per line, for a
/// small batch (what 1,000 lines/s gives in one 50 ms interval) and a full one (BatchMaxLines = 2000).
/// </summary>
public class EncodeBenchmarks
{
    private const int Small = 50;
    private const int Full = 2000;
    private LogLine[] _small = [], _full = [];
    private SourceRecord[] _smallRecords = [], _fullRecords = [];
    private SseBroadcaster _broadcaster = null!;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);

    [GlobalSetup]
    public void Setup()
    {
        _small = Records.Lines(Small);
        _full = Records.Lines(Full);
        _smallRecords = [.. _small];
        _fullRecords = [.. _full];
        var options = new TailHubOptions();
        var hub = new SourceHub("load", "bench001", options.BacklogLines, new SourceJournal(options.JournalSegments, options.MaxLineBytes), TimeProvider.System);
        _broadcaster = new SseBroadcaster(hub, options, TimeProvider.System);
    }

    [Benchmark(OperationsPerInvoke = Small, Description = "SseFormat.WriteLines, 50-line batch, per line")]
    public int WriteLinesSmall() => WriteLines(_small);

    [Benchmark(OperationsPerInvoke = Full, Description = "SseFormat.WriteLines, 2000-line batch, per line")]
    public int WriteLinesFull() => WriteLines(_full);

    [Benchmark(OperationsPerInvoke = Small, Description = "SseBroadcaster.Encode, 50-line batch, per line")]
    public int EncodeSmall() => Encode(_smallRecords);

    [Benchmark(OperationsPerInvoke = Full, Description = "SseBroadcaster.Encode, 2000-line batch, per line")]
    public int EncodeFull() => Encode(_fullRecords);

    private int WriteLines(LogLine[] lines)
    {
        _buffer.ResetWrittenCount();
        SseFormat.WriteLines(_buffer, "load", lines);
        return _buffer.WrittenCount;
    }

    private int Encode(SourceRecord[] records)
    {
        var bytes = 0;
        foreach (var frame in _broadcaster.Encode(records)) bytes += frame.Bytes.Length;
        return bytes;
    }
}
