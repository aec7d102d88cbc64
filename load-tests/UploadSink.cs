using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TailHub.LoadTests;

/// <summary>
/// The cheapest receiver of an HTTP upload there is, as the push scenario's reference: it accepts a connection,
/// answers <c>100 Continue</c> when asked, reads the chunked body into one reused buffer and throws it away, and
/// answers 200 at the last chunk. An upload into it costs what curl and loopback cost, with no server work at all.
/// </summary>
public sealed class UploadSink : IAsyncDisposable
{
    private static readonly byte[] LastChunk = "\r\n0\r\n\r\n"u8.ToArray();
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public UploadSink()
    {
        _listener.Start();
        Uri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/sink");
        _accepting = AcceptAsync();
    }

    public Uri Uri { get; }

    /// <summary>Body bytes received, over all uploads.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);
    private long _bytes;

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = Task.Run(() => ReceiveAsync(socket));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ReceiveAsync(Socket socket)
    {
        using var _ = socket;
        var buffer = new byte[256 * 1024];
        var tail = new byte[LastChunk.Length];
        var filled = 0;
        var inBody = false;
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(filled), _stop.Token);
                if (n == 0) return;
                var (from, length) = (0, filled + n);
                if (!inBody)
                {
                    var end = buffer.AsSpan(0, length).IndexOf(HeaderEnd);
                    if (end < 0)
                    {
                        filled += n;
                        continue;
                    }
                    inBody = true;
                    if (Encoding.ASCII.GetString(buffer, 0, end).Contains("100-continue", StringComparison.OrdinalIgnoreCase))
                        await socket.SendAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), _stop.Token);
                    // The chunked body starts with its first size line; the CRLF in front lets one pattern find the last chunk.
                    (from, length) = (end + 2, length - end - 2);
                    filled = 0;
                }
                Interlocked.Add(ref _bytes, length);
                if (Ends(buffer.AsSpan(from, length), tail))
                {
                    await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"u8.ToArray(), _stop.Token);
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Keeps the last bytes seen in <paramref name="tail"/>, across reads; true once they are the body's last chunk.</summary>
    private static bool Ends(ReadOnlySpan<byte> data, byte[] tail)
    {
        if (data.Length >= tail.Length) data[^tail.Length..].CopyTo(tail);
        else
        {
            tail.AsSpan(data.Length).CopyTo(tail);
            data.CopyTo(tail.AsSpan(tail.Length - data.Length));
        }
        return tail.AsSpan().SequenceEqual(LastChunk);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
