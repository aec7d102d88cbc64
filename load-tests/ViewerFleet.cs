using System.Net;
using System.Net.Sockets;

namespace TailHub.LoadTests;

/// <summary>How the viewers' connections went: how many, how fast, and the first error if any failed.</summary>
public sealed record ConnectSummary(int Requested, int Connected, int Failed, double WallSeconds, double P50Ms, double P99Ms, double MaxMs, string? FirstError);

/// <summary>
/// N viewers of one source on one shared HttpClient. Connections open at a bounded concurrency (a burst of 10,000
/// SYNs overflows the listen backlog and turns into 1 s retransmit stalls that measure the kernel, not TailHub).
/// </summary>
public sealed class ViewerFleet : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpClient? _stallClient;
    private readonly int _concurrency;

    public ViewerFleet(ServerProcess server, int count, long expectedLines, FleetOptions options)
    {
        _concurrency = Math.Max(1, options.ConnectConcurrency);
        _client = NewClient(receiveBufferBytes: null);
        if (options.Stalled > 0) _stallClient = NewClient(options.StallReceiveBufferBytes);
        var uri = new Uri(server.BaseUri, $"api/stream?sources={Uri.EscapeDataString(server.SourceName)}&backlog=0");
        Latency = new LatencyRecorder();
        StalledLatency = new LatencyRecorder();
        Viewers = new SseViewer[count];
        for (var i = 0; i < count; i++)
        {
            var stalled = i < options.Stalled;
            Viewers[i] = new SseViewer(i, stalled ? _stallClient! : _client, uri, expectedLines, stalled ? StalledLatency : Latency, server.SourceName, options.ReadBufferBytes);
        }
        StalledCount = Math.Min(options.Stalled, count);
    }

    public SseViewer[] Viewers { get; }
    public int StalledCount { get; }
    public IEnumerable<SseViewer> Healthy => Viewers.Skip(StalledCount);
    public IEnumerable<SseViewer> Stalled => Viewers.Take(StalledCount);

    /// <summary>Latency of the viewers that read normally.</summary>
    public LatencyRecorder Latency { get; }

    /// <summary>Latency of stalled viewers, kept apart so they cannot hide or cause a change in everyone else's.</summary>
    public LatencyRecorder StalledLatency { get; }

    public Task<ConnectSummary> ConnectAllAsync(CancellationToken cancellationToken) => ConnectAsync(Viewers, cancellationToken);

    /// <summary>Every viewer drops at an event boundary, then all reconnect with their Last-Event-ID.</summary>
    public async Task<ConnectSummary> ReconnectAllAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(Viewers.Select(v => v.DropAsync(TimeSpan.FromSeconds(2))));
        return await ConnectAsync(Viewers, cancellationToken);
    }

    private async Task<ConnectSummary> ConnectAsync(IReadOnlyList<SseViewer> viewers, CancellationToken cancellationToken)
    {
        var times = new double[viewers.Count];
        var failed = 0;
        string? firstError = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, viewers.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                try
                {
                    var connect = viewers[i].ConnectAsync(cancellationToken);
                    times[i] = (await connect.WaitAsync(TimeSpan.FromSeconds(30), ct)).TotalMilliseconds;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or SocketException or TimeoutException or TaskCanceledException)
                {
                    times[i] = double.NaN;
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            });
        var ok = times.Where(t => !double.IsNaN(t)).Order().ToArray();
        static double At(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        return new ConnectSummary(viewers.Count, ok.Length, failed, clock.Elapsed.TotalSeconds, At(ok, 0.5), At(ok, 0.99), ok.Length == 0 ? 0 : ok[^1], firstError);
    }

    public void StallAll()
    {
        foreach (var v in Stalled) v.Stall();
    }

    public void ResumeAll()
    {
        foreach (var v in Stalled) v.Resume();
    }

    /// <summary>Sum of bytes received by all viewers: drain detection watches it stop moving.</summary>
    public long TotalBytes() => Viewers.Sum(v => v.Tally.Bytes);

    public async Task StopAsync()
    {
        await Task.WhenAll(Viewers.Select(v => v.StopAsync()));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client.Dispose();
        _stallClient?.Dispose();
    }

    private static HttpClient NewClient(int? receiveBufferBytes)
    {
        var handler = new SocketsHttpHandler
        {
            // One connection per viewer, as browsers on HTTP/1.1 do; the default is unlimited but say so.
            MaxConnectionsPerServer = int.MaxValue,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        if (receiveBufferBytes is { } size)
        {
            // A small socket buffer makes a stalled viewer push back on the server within a few KB instead of the
            // several MB loopback auto-tuning allows, so the server's drop path is reached in a short run.
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = size };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }
}

/// <summary>Client-side knobs of a fleet.</summary>
public sealed record FleetOptions(int ConnectConcurrency = 64, int ReadBufferBytes = 16 * 1024, int Stalled = 0, int StallReceiveBufferBytes = 4096);
