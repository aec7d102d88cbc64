using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TailHub.Pipeline;
using TailHub.Pipeline.Structure;
using TailHub.Sources;

namespace TailHub.Streaming;

/// <summary>
/// The wire format of <c>/api/stream</c>. Every event is <c>id</c>, <c>event</c> and one <c>data</c> line of JSON
/// (JSON never holds a raw newline, so a line of log text can never break the framing):
/// <list type="bullet">
/// <item><c>event: {source}</c> — <c>{"source","lines":[{"seq","ts","text","level"?,"kind"?,"at"?,"stream"?}]}</c> (<c>level</c>
/// only where known, <c>kind</c> (<c>json</c>, <c>logfmt</c>) only for structured lines, <c>at</c> only where the line
/// states its own time (Unix ms; <c>ts</c> is when TailHub read it), <c>"stream":"stderr"</c> only for a process's
/// standard error lines)</item>
/// <item><c>event: rotated | truncated | status</c> — <c>{"source","seq","ts","kind","state","path","message","run"?}</c>
/// (<c>run</c>, for kind <c>run</c>: <c>{"number","state","exitCode"?,"signal"?}</c>)</item>
/// <item><c>event: gap</c> — <c>{"source","from","to","count","reason"}</c>: records this viewer will never get.</item>
/// </list>
/// </summary>
public static class SseFormat
{
    // Log text is shown as text, never parsed as HTML, so only what JSON itself needs is escaped: shorter and faster.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic] private static Utf8JsonWriter? t_json;

    public static void WriteRetry(IBufferWriter<byte> output, int milliseconds)
    {
        Write(output, "retry: "u8);
        WriteNumber(output, milliseconds);
        Write(output, "\n: connected\n\n"u8);
    }

    /// <summary><c>id: {source}@{epoch}={seq}[,…]</c> for every source of a stream (see <see cref="StreamCursor"/>).</summary>
    public static void WriteId(IBufferWriter<byte> output, IReadOnlyList<string> sources, IReadOnlyList<string> epochs, ReadOnlySpan<long> positions)
    {
        Write(output, "id: "u8);
        for (var i = 0; i < sources.Count; i++)
        {
            if (i > 0) Write(output, ","u8);
            WriteAscii(output, sources[i]);
            Write(output, "@"u8);
            WriteAscii(output, epochs[i]);
            Write(output, "="u8);
            WriteNumber(output, positions[i]);
        }
        Write(output, "\n"u8);
    }

    /// <summary>An id-only block: moves the browser's last event id without dispatching an event.</summary>
    public static void WriteIdOnly(IBufferWriter<byte> output, IReadOnlyList<string> sources, IReadOnlyList<string> epochs, ReadOnlySpan<long> positions)
    {
        WriteId(output, sources, epochs, positions);
        Write(output, "\n"u8);
    }

    public static void WriteLines(IBufferWriter<byte> output, string source, ReadOnlySpan<LogLine> lines)
    {
        Write(output, "event: "u8);
        WriteAscii(output, source);
        Write(output, "\ndata: "u8);
        var json = Json(output);
        json.WriteStartObject();
        json.WriteString("source"u8, source);
        json.WriteStartArray("lines"u8);
        foreach (var line in lines) WriteLine(json, line);
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        Write(output, "\n\n"u8);
    }

    /// <summary>One line's object, <c>{"seq","ts","text","level"?,"stream"?}</c>: the same in the stream and in history.</summary>
    public static void WriteLine(Utf8JsonWriter json, LogLine line)
    {
        json.WriteStartObject();
        json.WriteNumber("seq"u8, line.Seq);
        json.WriteNumber("ts"u8, line.TimestampMs);
        json.WriteString("text"u8, line.Utf8);
        if (line.Level.Name() is { } level) json.WriteString("level"u8, level);
        if (line.Shape.Name() is { } kind) json.WriteString("kind"u8, kind);
        if (line.At != 0) json.WriteNumber("at"u8, line.At);
        if (line.Stream == LineStream.Stderr) json.WriteString("stream"u8, "stderr"u8);
        json.WriteEndObject();
    }

    public static string EventName(NoticeKind kind) => kind switch
    {
        NoticeKind.Rotated => "rotated",
        NoticeKind.Truncated => "truncated",
        _ => "status",
    };

    public static string StateName(NoticeKind kind) => kind switch
    {
        NoticeKind.Error => "error",
        NoticeKind.Waiting or NoticeKind.Deleted => "waiting",
        _ => "following",
    };

    /// <summary>
    /// The source's state a notice implies: a command or ssh source follows while one runs and waits between them; a
    /// Jenkins build notice says what it always said, whatever run it names.
    /// </summary>
    public static string StateName(SourceNotice notice) => notice is { Kind: NoticeKind.Run, Run: { } run }
        ? run.State is RunState.Queued or RunState.Running ? "following" : "waiting"
        : StateName(notice.Kind);

    public static void WriteNotice(IBufferWriter<byte> output, string source, SourceNotice notice)
    {
        Write(output, "event: "u8);
        WriteAscii(output, EventName(notice.Kind));
        Write(output, "\ndata: "u8);
        var json = Json(output);
        WriteNotice(json, source, notice);
        json.Flush();
        Write(output, "\n\n"u8);
    }

    /// <summary>A notice's object, as the stream's notice events carry it.</summary>
    public static void WriteNotice(Utf8JsonWriter json, string source, SourceNotice notice)
    {
        json.WriteStartObject();
        json.WriteString("source"u8, source);
        json.WriteNumber("seq"u8, notice.Seq);
        json.WriteNumber("ts"u8, notice.TimestampMs);
        json.WriteString("kind"u8, JsonNamingPolicy.KebabCaseLower.ConvertName(notice.Kind.ToString()));
        json.WriteString("state"u8, StateName(notice));
        json.WriteString("path"u8, notice.Path);
        json.WriteString("message"u8, notice.Message);
        if (notice.Run is { } run)
        {
            json.WriteStartObject("run"u8);
            json.WriteNumber("number"u8, run.Number);
            json.WriteString("state"u8, Sources.Runs.RunStates.Name(run.State));
            if (run.ExitCode is { } exitCode) json.WriteNumber("exitCode"u8, exitCode);
            if (run.Signal is { } signal) json.WriteString("signal"u8, signal);
            if (run.Result is { } result) json.WriteString("result"u8, result);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    public static void WriteGap(IBufferWriter<byte> output, string source, long from, long to, GapReason reason)
    {
        Write(output, "event: gap\ndata: "u8);
        var json = Json(output);
        json.WriteStartObject();
        json.WriteString("source"u8, source);
        WriteGapFields(json, from, to, reason);
        json.WriteEndObject();
        json.Flush();
        Write(output, "\n\n"u8);
    }

    /// <summary>A gap's <c>"from","to","count","reason"</c>, as the stream's gap events carry them.</summary>
    public static void WriteGapFields(Utf8JsonWriter json, long from, long to, GapReason reason)
    {
        json.WriteNumber("from"u8, from);
        json.WriteNumber("to"u8, to);
        json.WriteNumber("count"u8, Math.Max(0, to - from + 1));
        json.WriteString("reason"u8, JsonNamingPolicy.KebabCaseLower.ConvertName(reason.ToString()));
    }

    /// <summary>The writer options of every TailHub JSON with log text in it: only what JSON needs is escaped.</summary>
    public static JsonWriterOptions JsonWriterOptions => JsonOptions;

    private static Utf8JsonWriter Json(IBufferWriter<byte> output)
    {
        var json = t_json ??= new Utf8JsonWriter(output, JsonOptions);
        json.Reset(output);
        return json;
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        output.Advance(bytes.Length);
    }

    private static void WriteNumber(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    // Source names and the epoch are ASCII by validation.
    private static void WriteAscii(IBufferWriter<byte> output, string value)
    {
        var span = output.GetSpan(value.Length);
        var written = Encoding.ASCII.GetBytes(value, span);
        output.Advance(written);
    }
}
