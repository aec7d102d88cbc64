using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace TailHub.Sources.Jenkins;

/// <summary>
/// The HTTP stack under <see cref="JenkinsClient"/>: Polly retries (exponential back-off with jitter) of 5xx, 408,
/// 429, timeouts and connection failures on safe methods only — a retried POST could queue a second build — and a
/// per-attempt timeout. Bodies are read inside each attempt, so a connection dropped mid-body is retried too.
/// </summary>
public static class JenkinsHttp
{
    public static HttpClient CreateClient(string source, TimeSpan firstRetryDelay, TimeSpan attemptTimeout, TimeProvider time, ILogger logger, HttpMessageHandler? network = null)
    {
        var retry = new HttpRetryStrategyOptions
        {
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = firstRetryDelay,
            MaxDelay = TimeSpan.FromSeconds(30),
            MaxRetryAttempts = 6,
            ShouldRetryAfterHeader = true,
            // The caller giving up is not a fault to retry; everything else transient is.
            ShouldHandle = args => ValueTask.FromResult(!args.Context.CancellationToken.IsCancellationRequested &&
                (HttpClientResiliencePredicates.IsTransient(args.Outcome) || args.Outcome.Exception is IOException)),
            OnRetry = args =>
            {
                logger.LogWarning("Source {Source}: Jenkins request failed ({Failure}); retry {Attempt} in {Delay} ms",
                    source, Describe(args.Outcome), args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds);
                return ValueTask.CompletedTask;
            },
        };
        retry.DisableForUnsafeHttpMethods();

        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(retry)
            .AddTimeout(attemptTimeout)
            .Build();

        network ??= new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.All,
            // Jenkins' own redirects (a vetoed trigger) are answers to read, not to follow.
            AllowAutoRedirect = false,
            // Winstone drops connections idle for 30 s; reusing one just then gives a reset.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(15),
            // A crumb is bound to its session cookie (jenkins-api.md §6).
            UseCookies = true,
            CookieContainer = new CookieContainer(),
        };
        var handler = new ResilienceHandler(pipeline) { InnerHandler = new BufferingHandler { InnerHandler = network } };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e ? e.GetType().Name + ": " + e.Message : $"HTTP {(int)outcome.Result!.StatusCode}";

    /// <summary>Reads the whole body before the response leaves the retry, so a cut body counts as a failed attempt.</summary>
    private sealed class BufferingHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            try
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                return response;
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
    }
}
