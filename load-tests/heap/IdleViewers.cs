using System.Net.Sockets;
using System.Text;

namespace TailHub.HeapCensus;

/// <summary>
/// N SSE viewers that connect and then only hold their connection: raw sockets with a plain HTTP/1.1 request, so this
/// tool costs the server exactly what an idle browser tab does and costs itself almost nothing.
/// </summary>
public sealed class IdleViewers(Uri server, string query) : IAsyncDisposable
{
    private readonly List<Socket> _sockets = [];

    public int Count => _sockets.Count;

    public async Task ConnectAsync(int count, int concurrency, CancellationToken cancellationToken)
    {
        var request = Encoding.ASCII.GetBytes($"GET /api/stream?{query} HTTP/1.1\r\nHost: {server.Authority}\r\nAccept: text/event-stream\r\n\r\n");
        using var gate = new SemaphoreSlim(concurrency);
        var tasks = new List<Task<Socket>>(count);
        for (var i = 0; i < count; i++)
        {
            await gate.WaitAsync(cancellationToken);
            tasks.Add(OpenAsync(request, gate, cancellationToken));
        }
        foreach (var task in tasks) _sockets.Add(await task);
    }

    private async Task<Socket> OpenAsync(byte[] request, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(server.Host, server.Port, cancellationToken);
            await socket.SendAsync(request, cancellationToken);
            // Wait for the end of the headers and the first event: the server has subscribed this viewer by then.
            var buffer = new byte[4096];
            var seen = 0;
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(seen), cancellationToken);
                if (read == 0) throw new IOException("The server closed a viewer's connection while it was opening.");
                seen += read;
                var text = Encoding.ASCII.GetString(buffer, 0, seen);
                if (!text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal)) throw new IOException($"The server refused a viewer: {text.Split('\r')[0]}");
                if (text.Contains(": connected", StringComparison.Ordinal) || seen == buffer.Length) return socket;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets) socket.Dispose();
        _sockets.Clear();
        return ValueTask.CompletedTask;
    }
}
