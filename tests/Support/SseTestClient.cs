using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;

namespace TailHub.Tests.Support;

/// <summary>One SSE event as a test sees it.</summary>
public sealed record SseEvent(string Type, string Data, string? Id)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement;

    /// <summary>The (seq, text) pairs of a lines event.</summary>
    public IEnumerable<(long Seq, string Text)> Lines =>
        Json.TryGetProperty("lines", out var lines)
            ? lines.EnumerateArray().Select(l => (l.GetProperty("seq").GetInt64(), l.GetProperty("text").GetString()!))
            : [];
}

/// <summary>
/// A real SSE client (System.Net.ServerSentEvents.SseParser over HttpClient) that collects events as they arrive,
/// so tests can wait for what they expect instead of sleeping.
/// </summary>
public sealed class SseTestClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseEvent> _events = Channel.CreateUnbounded<SseEvent>();
    private Task? _reader;

    private SseTestClient(HttpClient http, HttpResponseMessage response, bool startReading)
    {
        _http = http;
        Response = response;
        if (startReading) StartReading();
    }

    /// <summary>Starts consuming the stream (a client connected with <c>stalled: true</c> reads nothing until then).</summary>
    public void StartReading() => _reader ??= Task.Run(ReadAsync);

    public HttpResponseMessage Response { get; }

    /// <summary>The id of the last event received (what a browser would send as Last-Event-ID).</summary>
    public string? LastEventId { get; private set; }

    /// <param name="stalled">Connect but do not read, with a tiny socket receive buffer, like a viewer on a hopeless link.</param>
    /// <param name="bearer">An API key sent as <c>Authorization: Bearer</c> (what a non-browser client does).</param>
    public static async Task<SseTestClient> ConnectAsync(Uri baseAddress, string pathAndQuery, string? lastEventId = null, bool stalled = false, string? bearer = null)
    {
        var handler = new SocketsHttpHandler();
        if (stalled)
        {
            handler.ConnectCallback = async (context, token) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            };
        }
        var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        if (bearer is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new SseTestClient(http, response, startReading: !stalled);
    }

    private async Task ReadAsync()
    {
        try
        {
            await using var stream = await Response.Content.ReadAsStreamAsync(_stop.Token);
            var parser = SseParser.Create(stream);
            await foreach (var item in parser.EnumerateAsync(_stop.Token))
            {
                LastEventId = parser.LastEventId;
                await _events.Writer.WriteAsync(new SseEvent(item.EventType, item.Data, parser.LastEventId));
            }
        }
        // Disposed before the reader started (a test that only looks at the response) ends it the same way.
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    /// <summary>The next event, or a timeout failure.</summary>
    public async Task<SseEvent> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _events.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no SSE event arrived in time");
        }
    }

    /// <summary>Reads events until <paramref name="count"/> lines of <paramref name="source"/> have arrived; returns every event read.</summary>
    public async Task<List<SseEvent>> ReadUntilLinesAsync(string source, int count, TimeSpan? timeout = null)
    {
        var events = new List<SseEvent>();
        var lines = 0;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (lines < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"got {lines} of {count} lines of '{source}'");
            var e = await NextAsync(left);
            events.Add(e);
            if (e.Type == source) lines += e.Lines.Count();
        }
        return events;
    }

    /// <summary>
    /// Reads until <paramref name="count"/> lines of <paramref name="source"/> have arrived; returns those lines
    /// (<c>seq</c>, <c>ts</c>, <c>text</c>, <c>level</c> where known) in the order they came.
    /// </summary>
    public async Task<List<JsonElement>> ReadLinesAsync(string source, int count, TimeSpan? timeout = null) =>
        [.. (await ReadUntilLinesAsync(source, count, timeout)).Where(e => e.Type == source).SelectMany(e => e.Json.GetProperty("lines").EnumerateArray())];

    /// <summary>Reads events until one of type <paramref name="type"/> arrives; returns every event read, that one last.</summary>
    public async Task<List<SseEvent>> ReadUntilAsync(string type, TimeSpan? timeout = null)
    {
        var events = new List<SseEvent>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no '{type}' event arrived");
            var e = await NextAsync(left);
            events.Add(e);
            if (e.Type == type) return events;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        Response.Dispose();
        _http.Dispose();
        if (_reader is not null)
        {
            try { await _reader; } catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException) { }
        }
        _stop.Dispose();
    }
}
