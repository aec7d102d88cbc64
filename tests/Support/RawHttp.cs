using System.Net.Sockets;
using System.Text;

namespace TailHub.Tests.Support;

/// <summary>
/// HTTP/1.1 written by hand on a socket, for requests HttpClient refuses to send (malformed, oversized) and to read
/// the answer exactly as sent: status, content type and body.
/// </summary>
public static class RawHttp
{
    public sealed record Answer(int Status, string? ContentType, string Body);

    public static async Task<Answer> SendAsync(Uri server, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, timeout.Token)) > 0) received.Write(buffer, 0, n);
        }
        catch (IOException)
        {
            // The server may reset the connection once it has answered a request it rejected.
        }
        var text = Encoding.UTF8.GetString(received.ToArray());
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0) throw new InvalidOperationException($"no HTTP answer: '{text}'");
        var head = text[..headEnd].Split("\r\n");
        var status = int.Parse(head[0].Split(' ')[1]);
        var contentType = head.Skip(1).Select(h => h.Split(':', 2)).FirstOrDefault(h => h[0].Equals("Content-Type", StringComparison.OrdinalIgnoreCase))?[1].Trim();
        var body = text[(headEnd + 4)..];
        if (head.Any(h => h.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && h.Contains("chunked"))) body = Unchunk(body);
        return new Answer(status, contentType, body);
    }

    private static string Unchunk(string body)
    {
        var result = new StringBuilder();
        var at = 0;
        while (at < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[at..lineEnd].Split(';')[0], 16);
            if (size == 0) break;
            result.Append(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return result.ToString();
    }
}
