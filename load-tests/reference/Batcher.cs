using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TailHub.Reference;

/// <summary>
/// Every <c>window</c> (a fixed timer, like <c>setInterval</c>), whatever lines were read become one SSE event in
/// TailHub's wire format, encoded once and handed to every viewer as the same array.
/// </summary>
public sealed class Batcher(FileFollower follower, FanOut fanOut, string sourceName, TimeSpan window)
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private long _seq;

    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(window);
        using var json = new Utf8JsonWriter(_buffer, JsonOptions);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                var lines = follower.Take();
                if (lines.Count == 0 || fanOut.Count == 0)
                {
                    _seq += lines.Count;
                    continue;
                }
                fanOut.Send(Encode(lines, json));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private byte[] Encode(List<byte[]> lines, Utf8JsonWriter json)
    {
        _buffer.ResetWrittenCount();
        Write($"id: {sourceName}@reference={_seq + lines.Count}\nevent: {sourceName}\ndata: ");
        json.Reset(_buffer);
        json.WriteStartObject();
        json.WriteString("source"u8, sourceName);
        json.WriteStartArray("lines"u8);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var line in lines)
        {
            json.WriteStartObject();
            json.WriteNumber("seq"u8, ++_seq);
            json.WriteNumber("ts"u8, now);
            json.WriteString("text"u8, line);
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
