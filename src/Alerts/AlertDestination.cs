using System.Threading.Channels;

namespace TailHub.Alerts;

/// <summary>How a destination is doing: <c>unused</c> (nothing sent yet), <c>ok</c> (its last delivery worked), <c>failing</c>.</summary>
public enum DestinationState
{
    Unused,
    Ok,
    Failing,
}

/// <summary>The outcome of one delivery, retries included.</summary>
public sealed record DeliveryOutcome(string Destination, bool Delivered, string? Error);

/// <summary>
/// One configured destination: its format, its HTTP stack (<see cref="DestinationHttp"/>), a cap of notifications per
/// minute, and a bounded queue drained by its own loop, so a slow or failing destination delays nothing else (not the
/// evaluator, not another destination). Its health is what its last delivery did.
/// </summary>
public sealed class AlertDestination : IDisposable
{
    // Notifications waiting for a slow destination, at most; the cap keeps this far from full in practice.
    private const int QueueLength = 256;

    private readonly Uri _url;
    private readonly string? _token;
    private readonly INotificationFormat _format;
    private readonly HttpClient _http;
    private readonly SendCap _cap;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<(AlertNotification Notification, AlertRule Rule)> _queue =
        Channel.CreateBounded<(AlertNotification, AlertRule)>(new BoundedChannelOptions(QueueLength) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Lock _lock = new();
    private long _sent;
    private long _failures;
    private long _capped;

    public AlertDestination(AlertDestinationOptions options, Uri url, string? token, AlertsOptions alerts, TimeProvider time, ILogger logger, HttpClient? http = null)
    {
        Name = options.Name;
        Type = options.Type.ToLowerInvariant();
        _url = url;
        _token = token;
        _time = time;
        _logger = logger;
        _format = Type switch
        {
            "slack" => new SlackFormat(),
            "ntfy" => new NtfyFormat(),
            _ => new WebhookFormat(options.Template),
        };
        _cap = new SendCap(options.MaxPerMinute, time);
        _http = http ?? DestinationHttp.Create(Name, options.AllowPrivateNetwork, alerts, time, logger);
    }

    public string Name { get; }
    public string Type { get; }

    public long Sent => Interlocked.Read(ref _sent);
    /// <summary>Deliveries that failed after their retries.</summary>
    public long Failures => Interlocked.Read(ref _failures);
    /// <summary>Notifications not sent because the destination's cap per minute was reached (or its queue was full).</summary>
    public long Capped => Interlocked.Read(ref _capped);

    public DestinationState State { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset? LastSuccess { get; private set; }
    public DateTimeOffset? LastFailure { get; private set; }

    /// <summary>Queues <paramref name="notification"/> unless the cap is reached; never waits. False when it was dropped.</summary>
    public bool Offer(AlertNotification notification, AlertRule rule)
    {
        if (_cap.TryTake() && _queue.Writer.TryWrite((notification, rule))) return true;
        Interlocked.Increment(ref _capped);
        _logger.LogWarning("Alert destination {Destination}: more than its MaxPerMinute notifications; one of rule {Rule} was dropped", Name, rule.Name);
        return false;
    }

    /// <summary>Delivers queued notifications one at a time until TailHub stops.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (notification, rule) in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                var outcome = await DeliverAsync(notification, cancellationToken);
                rule.Delivered(outcome.Delivered);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends now, with retries, and records how it went (a test notification comes here directly).</summary>
    public async Task<DeliveryOutcome> DeliverAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        string? error;
        try
        {
            using var request = _format.Request(notification, _url);
            if (_token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _token);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            error = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            error = DestinationHttp.Describe(e);
        }
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (error is null)
            {
                State = DestinationState.Ok;
                LastSuccess = now;
                LastError = null;
            }
            else
            {
                State = DestinationState.Failing;
                LastFailure = now;
                LastError = Scrub(error);
            }
        }
        if (error is null)
        {
            Interlocked.Increment(ref _sent);
            return new DeliveryOutcome(Name, true, null);
        }
        Interlocked.Increment(ref _failures);
        _logger.LogWarning("Alert destination {Destination}: a notification of rule {Rule} could not be delivered: {Error}", Name, notification.Rule, LastError);
        return new DeliveryOutcome(Name, false, LastError);
    }

    /// <summary>An error text without the URL's path and query or the token, which may be secrets.</summary>
    private string Scrub(string error)
    {
        var scrubbed = error.Replace(_url.OriginalString, _url.Host, StringComparison.Ordinal);
        if (_url.PathAndQuery.Length > 1) scrubbed = scrubbed.Replace(_url.PathAndQuery, "/…", StringComparison.Ordinal);
        if (_token is { Length: > 0 }) scrubbed = scrubbed.Replace(_token, "***", StringComparison.Ordinal);
        return scrubbed;
    }

    public void Dispose() => _http.Dispose();
}
