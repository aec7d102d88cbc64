using System.Net;

namespace TailHub.Sources.Jenkins;

/// <summary>Jenkins answered, and the answer is not one a retry can change. Messages never hold credentials.</summary>
public class JenkinsException(string message, HttpStatusCode? status = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}

/// <summary>401 (wrong or malformed credentials) or 403 (a missing permission or crumb): asking again will not help.</summary>
public sealed class JenkinsAuthException(string message, HttpStatusCode status) : JenkinsException(message, status);

/// <summary>404: the job, build or queue item does not exist (yet, or any more), or may not be seen.</summary>
public sealed class JenkinsNotFoundException(string message) : JenkinsException(message, HttpStatusCode.NotFound);
