using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using TailHub.Hosting;
using TailHub.Pipeline;

namespace TailHub.History;

/// <summary>
/// <c>GET /api/sources/{name}/download</c>: the masked text of a stretch of the source, one line per line, written as
/// it is read back (never held whole). Notices and gaps are not text of the log and are left out (<c>/lines</c> shows
/// them).
/// </summary>
/// <remarks>
/// <c>Range</c> is not honoured (<c>Accept-Ranges: none</c>, always 200 with the whole stretch): the masked text's
/// length is only known once all of it has been read and masked, and a byte range of the file underneath would skip
/// masking. A client resumes a download by sequence number instead (<c>from=</c>).
/// </remarks>
public static class HistoryDownload
{
    private const int FlushBytes = 256 * 1024;

    public static async Task WriteAsync(HttpContext context, LiveSource live, HistoryRange range, string? run)
    {
        var response = context.Response;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.AcceptRanges = "none";
        response.Headers.CacheControl = "no-store";
        var name = run is not null ? $"{live.Name}-run-{run}.log" : $"{live.Name}-{range.From}-{Math.Max(range.From - 1, range.To)}.log";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = name }.ToString();
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var output = response.BodyWriter;
        var cancellationToken = context.RequestAborted;
        var pending = 0;
        foreach (var record in live.Hub.Read(range.From, range.To, blocks: true))
        {
            if (record is VerbatimLineBlock block)
            {
                output.Write(block.Text);
                pending += block.Text.Length;
            }
            else if (record is LogLine line)
            {
                var bytes = line.Utf8;
                var span = output.GetSpan(bytes.Length + 1);
                bytes.CopyTo(span);
                span[bytes.Length] = (byte)'\n';
                output.Advance(bytes.Length + 1);
                pending += bytes.Length + 1;
            }
            else continue;
            if (pending < FlushBytes) continue;
            pending = 0;
            var flushed = await output.FlushAsync(cancellationToken);
            if (flushed.IsCanceled || flushed.IsCompleted) return;
        }
        await output.FlushAsync(cancellationToken);
    }
}
