using Microsoft.AspNetCore.Http.Features;

namespace TailHub.Reference;

/// <summary>
/// <c>PUT /api/sources/{name}/lines</c>: an upload's lines (as <c>curl -T -</c> sends them) go into the collector as a
/// file's would; the answer counts them. No spool, no framing, no masking: the floor of pushed lines reaching viewers.
/// </summary>
public static class PushedLines
{
    public static async Task ReceiveAsync(HttpContext context, LineCollector lines)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var body = context.Request.Body;
        var buffer = new byte[256 * 1024];
        var carry = 0;
        long count = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(carry), context.RequestAborted)) > 0)
        {
            await lines.WaitForRoomAsync();
            carry = StreamLines.Split(buffer, carry + read, lines, out var added);
            count += added;
        }
        if (carry > 0)
        {
            // The upload's last line had no newline: it is still a line.
            buffer[carry] = (byte)'\n';
            StreamLines.Split(buffer, carry + 1, lines, out var added);
            count += added;
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"lines\":{count}}}");
    }
}
