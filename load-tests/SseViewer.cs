using System.Diagnostics;
using System.Net.Http.Headers;

namespace TailHub.LoadTests;

/// <summary>
/// One simulated browser tab on <c>/api/stream</c>: a response stream read into one fixed buffer by
/// <see cref="SseScanner"/>. It can stall (stop reading, keeping the connection open) and drop and resume with
/// <c>Last-Event-ID</c>, like an EventSource after a network blip.
/// </summary>
public sealed class SseViewer
{
    private readonly HttpClient _client;
    private readonly Uri _streamUri;
    private readonly byte[] _buffer;
    private CancellationTokenSource? _connection;
    private Task _readLoop = Task.CompletedTask;
    private TaskCompletionSource? _stallGate;
    private volatile bool _dropRequested;

    public SseViewer(int index, HttpClient client, Uri streamUri, long expectedLines, LatencyRecorder? latency, string sourceName, int bufferBytes)
    {
        Index = index;
        _client = client;
        _streamUri = streamUri;
        _buffer = new byte[Math.Max(4096, bufferBytes)];
        Tally = new ViewerTally(expectedLines);
        Scanner = new SseScanner(Tally, latency, sourceName);
    }

    public int Index { get; }
    public ViewerTally Tally { get; }
    public SseScanner Scanner { get; }
    public int Connections { get; private set; }
    public string? Error { get; private set; }

    /// <summary>Drops that found no event boundary in time and cut mid-event (lines of that event may then repeat).</summary>
    public int HardCuts { get; private set; }

    /// <summary>The server ended a response (end of stream) that this viewer had not chosen to close.</summary>
    public int ServerClosures { get; private set; }
    public bool Connected => !_readLoop.IsCompleted;

    /// <summary>Bytes dropped because a single short line did not fit the buffer (never expected).</summary>
    public long OversizedLines { get; private set; }

    /// <summary>
    /// Opens the stream (resuming from the last dispatched event id after the first time) and returns how long
    /// the response headers took; reading then goes on in the background.
    /// </summary>
    public async Task<TimeSpan> ConnectAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        _connection?.Dispose();
        _connection = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = _connection.Token;
        using var request = new HttpRequestMessage(HttpMethod.Get, _streamUri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (Scanner.LastEventId is { } id) request.Headers.TryAddWithoutValidation("Last-Event-ID", id);
        var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            response.Dispose();
            throw new HttpRequestException($"stream answered {(int)status} {status}");
        }
        var stream = await response.Content.ReadAsStreamAsync(token);
        var elapsed = clock.Elapsed;
        Connections++;
        _dropRequested = false;
        Scanner.ResetConnection();
        _readLoop = Task.Run(() => ReadLoopAsync(response, stream, token), CancellationToken.None);
        return elapsed;
    }

    private async Task ReadLoopAsync(HttpResponseMessage response, Stream stream, CancellationToken cancellationToken)
    {
        var carry = 0;
        try
        {
            while (true)
            {
                if (_stallGate is { } gate) await gate.Task.WaitAsync(cancellationToken);
                var n = await stream.ReadAsync(_buffer.AsMemory(carry), cancellationToken);
                if (n == 0)
                {
                    ServerClosures++;
                    return;
                }
                // One timestamp per read: every line in it arrived by now, and a clock read per line would cost more than the scan.
                var now = Clock.NowMicros();
                Tally.Received(n);
                var end = carry + n;
                var consumed = Scanner.Scan(_buffer.AsSpan(0, end), now, _dropRequested, out var stopped);
                if (stopped) return;
                carry = end - consumed;
                if (carry == _buffer.Length)
                {
                    OversizedLines += carry;
                    carry = 0;
                }
                else if (carry > 0)
                {
                    _buffer.AsSpan(consumed, carry).CopyTo(_buffer);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            if (!cancellationToken.IsCancellationRequested) Error = e.Message;
        }
        finally
        {
            // Disposing an unfinished response closes its connection: to the server this is the viewer leaving.
            await stream.DisposeAsync();
            response.Dispose();
        }
    }

    /// <summary>Stops reading but keeps the connection: the server's writes back up into its queue for this viewer.</summary>
    public void Stall() => _stallGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Resume()
    {
        var gate = _stallGate;
        _stallGate = null;
        gate?.TrySetResult();
    }

    /// <summary>
    /// Closes the connection right after the next complete event (what a browser keeps of a dropped stream). If no
    /// event comes within <paramref name="wait"/>, the connection is cut where it is.
    /// </summary>
    public async Task DropAsync(TimeSpan wait)
    {
        _dropRequested = true;
        if (await Task.WhenAny(_readLoop, Task.Delay(wait)) != _readLoop && _connection is { } c)
        {
            HardCuts++;
            await c.CancelAsync();
        }
        await _readLoop;
    }

    public async Task StopAsync()
    {
        Resume();
        if (_connection is not { } c) return;
        await c.CancelAsync();
        await _readLoop;
        c.Dispose();
        _connection = null;
    }
}
