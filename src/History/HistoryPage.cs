using System.Text.Json;
using TailHub.Hosting;
using TailHub.Pipeline;
using TailHub.Streaming;

namespace TailHub.History;

/// <summary>
/// One page of <c>GET /api/sources/{name}/lines</c>:
/// <c>{"source","epoch","first","last","lines":[…],"notices":[…],"gaps":[…],"previous","next","atEnd","cursor"}</c>.
/// Lines and notices are the stream's own objects (<see cref="SseFormat"/>); <c>first</c>…<c>last</c> is the stretch
/// of the sequence the page covers, so the next page (<c>next.after</c>) and the previous one (<c>previous.before</c>)
/// meet it without a record twice or a record missed; <c>cursor</c> is a <c>Last-Event-ID</c> that continues live.
/// </summary>
public static class HistoryPage
{
    public static async Task WriteAsync(HttpResponse response, LiveSource live, HistoryRange range, List<SourceRecord> records, CancellationToken cancellationToken)
    {
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(response.BodyWriter, SseFormat.JsonWriterOptions);
        json.WriteStartObject();
        json.WriteString("source"u8, live.Name);
        json.WriteString("epoch"u8, live.Hub.Epoch);
        if (range.IsEmpty)
        {
            json.WriteNull("first"u8);
            json.WriteNull("last"u8);
        }
        else
        {
            json.WriteNumber("first"u8, range.From);
            json.WriteNumber("last"u8, range.To);
        }
        json.WriteStartArray("lines"u8);
        foreach (var record in records)
        {
            if (record is LogLine line) SseFormat.WriteLine(json, line);
        }
        json.WriteEndArray();
        json.WriteStartArray("notices"u8);
        foreach (var record in records)
        {
            if (record is SourceNotice notice) SseFormat.WriteNotice(json, live.Name, notice);
        }
        json.WriteEndArray();
        json.WriteStartArray("gaps"u8);
        foreach (var record in records)
        {
            if (record is not SequenceGap gap) continue;
            json.WriteStartObject();
            SseFormat.WriteGapFields(json, gap.From, gap.To, gap.Reason);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        // Where the neighbouring pages start: before this one's first record, after its last.
        var first = range.IsEmpty ? range.To + 1 : range.From;
        var last = range.IsEmpty ? range.From - 1 : range.To;
        if (first > range.Lower)
        {
            json.WriteStartObject("previous"u8);
            json.WriteNumber("before"u8, first);
            json.WriteEndObject();
        }
        else json.WriteNull("previous"u8);
        json.WriteStartObject("next"u8);
        json.WriteNumber("after"u8, Math.Max(last, range.Lower - 1));
        json.WriteEndObject();
        json.WriteBoolean("atEnd"u8, last >= range.Upper);
        json.WriteString("cursor"u8, $"{live.Name}@{live.Hub.Epoch}={Math.Max(0, last)}");
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }
}
