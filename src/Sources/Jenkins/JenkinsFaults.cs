using System.Net;
using Polly.Timeout;

namespace TailHub.Sources.Jenkins;

/// <summary>Failures that outlasted the HTTP retries but may still pass later: keep the offset and try again.</summary>
public static class JenkinsFaults
{
    public static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => false,
        HttpRequestException or IOException or TimeoutRejectedException or OperationCanceledException => true,
        JenkinsException { Status: { } status } => (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => false,
    };
}
