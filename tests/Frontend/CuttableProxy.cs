using System.Net;
using System.Net.Sockets;

namespace TailHub.Tests.Frontend;

/// <summary>
/// A loopback TCP proxy in front of the server, so a test can cut the browser's connections for real (the browser
/// sees a network error, as when Wi-Fi drops) and hold its reconnects until the test lets them through.
/// </summary>
public sealed class CuttableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private volatile Uri _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private TaskCompletionSource _gate = Opened();

    public CuttableProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>Where connections go; changing it (between <see cref="Cut"/> and <see cref="Restore"/>) is a server restart to the browser.</summary>
    public Uri Upstream
    {
        get => _upstream;
        set => _upstream = value;
    }

    /// <summary>Closes every open connection; new ones wait (connected, but not forwarded) until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        lock (_open)
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var client in _open) client.Dispose();
            _open.Clear();
        }
    }

    /// <summary>Lets held and new connections through again.</summary>
    public void Restore()
    {
        lock (_open) _gate.TrySetResult();
    }

    private static TaskCompletionSource Opened()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ForwardAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var server = new TcpClient();
        try
        {
            Task gate;
            lock (_open) gate = _gate.Task;
            await gate.WaitAsync(_stop.Token);
            var upstream = _upstream;
            await server.ConnectAsync(upstream.Host, upstream.Port, _stop.Token);
            lock (_open)
            {
                _open.Add(client);
                _open.Add(server);
            }
            var a = client.GetStream();
            var b = server.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(client);
                _open.Remove(server);
            }
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_open)
        {
            foreach (var c in _open) c.Dispose();
            _open.Clear();
        }
        await _accepting;
        _stop.Dispose();
    }
}
