using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TailHub.Reference;

/// <summary>
/// Every <c>window</c> (a fixed timer, like <c>setInterval</c>), whatever lines were read become one SSE event in
/// TailHub's wire format (more than <see cref="MaxLinesPerFrame"/>, as in a catch-up, several), encoded once and handed
/// to every viewer as the same array.
/// </summary>
public sealed class Batcher(LineCollector collector, FanOut fanOut, string sourceName, TimeSpan window)
{
    public const int MaxLinesPerFrame = 65_536;

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private long _seq;

    /// <summary>The number of the last line published (or passed over while no one watched).</summary>
    public long LastSeq => Interlocked.Read(ref _seq);

    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(window);
        using var json = new Utf8JsonWriter(_buffer, JsonOptions);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                var lines = collector.Take();
                if (lines.Count == 0) continue;
                if (fanOut.Count == 0 && !fanOut.KeepsRecent)
                {
                    Interlocked.Add(ref _seq, lines.Count);
                    continue;
                }
                for (var first = 0; first < lines.Count; first += MaxLinesPerFrame)
                {
                    var count = Math.Min(MaxLinesPerFrame, lines.Count - first);
                    var frame = Encode(lines, first, count, json);
                    fanOut.Send(frame, _seq + count, count);
                    Interlocked.Add(ref _seq, count);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private byte[] Encode(List<byte[]> lines, int first, int count, Utf8JsonWriter json)
    {
        _buffer.ResetWrittenCount();
        Write($"id: {sourceName}@reference={_seq + count}\nevent: {sourceName}\ndata: ");
        json.Reset(_buffer);
        json.WriteStartObject();
        json.WriteString("source"u8, sourceName);
        json.WriteStartArray("lines"u8);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var seq = _seq;
        for (var i = first; i < first + count; i++)
        {
            json.WriteStartObject();
            json.WriteNumber("seq"u8, ++seq);
            json.WriteNumber("ts"u8, now);
            json.WriteString("text"u8, lines[i]);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        Write("\n\n");
        return _buffer.WrittenSpan.ToArray();
    }

    private void Write(string ascii)
    {
        var span = _buffer.GetSpan(ascii.Length);
        for (var i = 0; i < ascii.Length; i++) span[i] = (byte)ascii[i];
        _buffer.Advance(ascii.Length);
    }
}
