using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace TailHub.Alerts;

/// <summary>
/// The HTTP stack notifications go out through: a connection only to an address <see cref="NetworkGuard"/> allows
/// (unless the destination allows private networks), decided on the addresses the name resolves to, at connect time,
/// and connected to exactly the address checked; no proxy (it would connect for us, unchecked) and no redirects (a
/// 3xx is a failed delivery, so an answer cannot send TailHub elsewhere). Under it, retries with exponential back-off
/// and jitter of what may pass (5xx, 408, 429, timeouts, connection failures; never a refused address) and a timeout
/// per attempt, from Microsoft.Extensions.Http.Resilience.
/// </summary>
public static class DestinationHttp
{
    public static HttpClient Create(string destination, bool allowPrivateNetwork, AlertsOptions options, TimeProvider time, ILogger logger)
    {
        var retry = new HttpRetryStrategyOptions
        {
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryDelay,
            MaxDelay = TimeSpan.FromMinutes(1),
            MaxRetryAttempts = Math.Max(1, options.Retries),
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(options.Retries > 0 && !args.Context.CancellationToken.IsCancellationRequested
                && !IsRefusal(args.Outcome.Exception)
                && (HttpClientResiliencePredicates.IsTransient(args.Outcome) || args.Outcome.Exception is IOException)),
            OnRetry = args =>
            {
                logger.LogWarning("Alert destination {Destination}: delivery failed ({Failure}); retry {Attempt} in {Delay} ms",
                    destination, Describe(args.Outcome), args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds);
                return ValueTask.CompletedTask;
            },
        };
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(retry)
            .AddTimeout(options.RequestTimeout)
            .Build();
        var network = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = options.RequestTimeout,
            // Names are resolved again for new connections, so a pooled connection does not outlive a DNS change for long.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivateNetwork, cancellationToken),
        };
        return new HttpClient(new ResilienceHandler(pipeline) { InnerHandler = network }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Resolves <paramref name="endpoint"/>, keeps the addresses that may be used, and connects to the first that answers.</summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivateNetwork, CancellationToken cancellationToken)
    {
        var host = endpoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = allowPrivateNetwork ? addresses : Array.FindAll(addresses, a => NetworkGuard.WhyRefused(a) is null);
        if (allowed.Length == 0)
        {
            if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
            throw new RefusedDestinationException(
                $"{host} is {addresses[0]}, {NetworkGuard.WhyRefused(addresses[0])}: not connected to (set AllowPrivateNetwork: true for a destination on a private network)");
        }
        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }
        throw last!;
    }

    private static bool IsRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException) if (e is RefusedDestinationException) return true;
        return false;
    }

    /// <summary>What went wrong, for logs and <c>/api/alerts</c>: the status or the innermost exception's message (never a URL's path).</summary>
    public static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e ? Describe(e) : $"HTTP {(int)outcome.Result!.StatusCode}";

    public static string Describe(Exception e)
    {
        while (e.InnerException is { } inner && e is HttpRequestException or AggregateException) e = inner;
        return e is RefusedDestinationException ? e.Message : $"{e.GetType().Name}: {e.Message}";
    }
}
