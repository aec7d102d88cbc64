using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TailHub.Sources.Jenkins;

/// <summary>
/// The Jenkins HTTP API calls one source makes, with URLs built from names (never from the absolute URLs Jenkins
/// returns, which carry its configured host). Credentials go in a preemptive Basic header: Jenkins answers an
/// anonymous request with 403, never with a challenge. The token is in that header only — not in a message or a log.
/// </summary>
public sealed partial class JenkinsClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _root;
    private readonly JenkinsJobPath _job;
    private readonly ILogger _logger;
    private readonly string _source;
    private volatile string? _versionHeader;

    public JenkinsClient(string source, Uri root, JenkinsJobPath job, string? user, string? token, HttpClient http, ILogger logger)
    {
        _source = source;
        _root = root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
        _job = job;
        _http = http;
        _logger = logger;
        if (!string.IsNullOrEmpty(user))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{token}")));
    }

    /// <summary>From the last <c>X-Jenkins</c> header seen.</summary>
    public JenkinsVersion Version => JenkinsVersion.Parse(_versionHeader);

    public string JobUrl => new Uri(_root, _job.UrlPath).AbsoluteUri;

    /// <summary>A build by number or <c>lastBuild</c>; 404 until it exists.</summary>
    public Task<JenkinsBuildInfo> GetBuildAsync(string build, CancellationToken cancellationToken) =>
        GetJsonAsync<JenkinsBuildInfo>($"{_job.UrlPath}{build}/api/json?tree=number,building,inProgress,result,timestamp,queueId,duration", $"build {build} of {_job}", cancellationToken);

    /// <summary>The job's newest <paramref name="count"/> builds, newest first (a tree range, jenkins-api.md §5).</summary>
    public async Task<IReadOnlyList<JenkinsRecentBuild>> GetRecentBuildsAsync(int count, CancellationToken cancellationToken) =>
        (await GetJsonAsync<JenkinsRecentBuilds>($"{_job.UrlPath}api/json?tree=builds[number,result,building,timestamp]{{0,{count}}}", $"job {_job}", cancellationToken)).Builds ?? [];

    public Task<JenkinsJobInfo> GetJobAsync(CancellationToken cancellationToken) =>
        GetJsonAsync<JenkinsJobInfo>($"{_job.UrlPath}api/json?tree=builds[number,queueId]{{0,50}},property[parameterDefinitions[name]]", $"job {_job}", cancellationToken);

    public Task<JenkinsQueueItem> GetQueueItemAsync(long id, CancellationToken cancellationToken) =>
        GetJsonAsync<JenkinsQueueItem>($"queue/item/{id}/api/json?tree=id,cancelled,why,executable[number]", $"queue item {id}", cancellationToken);

    public async Task<ProgressiveTextResponse> GetProgressiveTextAsync(int build, long start, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{_job.UrlPath}{build}/logText/progressiveText?start={start}", null, cancellationToken);
        EnsureSuccess(response, $"console of build #{build} of {_job}");
        if (!response.Headers.TryGetValues("X-Text-Size", out var sizes) ||
            !long.TryParse(sizes.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            throw new JenkinsException($"Jenkins sent the console of build #{build} without a valid X-Text-Size header");
        var more = response.Headers.TryGetValues("X-More-Data", out var values) && values.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new ProgressiveTextResponse(size, more, body, Version);
    }

    /// <summary>
    /// Queues a build: <c>buildWithParameters</c> for a parameterized job, else <c>build</c>. Returns the queue item id
    /// from <c>Location</c> (201 for a new item, 303 for an identical one already waiting).
    /// </summary>
    public async Task<long> TriggerAsync(IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var job = await GetJobAsync(cancellationToken);
        if (!job.IsParameterized && parameters.Count > 0)
            throw new JenkinsException($"job {_job} takes no parameters", HttpStatusCode.BadRequest);
        // delay=0sec: the caller wants the build now, not after the quiet period (a bare number would be milliseconds).
        var path = $"{_job.UrlPath}{(job.IsParameterized ? "buildWithParameters" : "build")}?delay=0sec";

        var response = await SendAsync(HttpMethod.Post, path, parameters, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Forbidden && await GetCrumbAsync(cancellationToken) is { } crumb)
        {
            // Password logins (not API tokens) need a crumb bound to the session cookie the crumb request set.
            response.Dispose();
            response = await SendAsync(HttpMethod.Post, path, parameters, cancellationToken, crumb);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Found)
                throw new JenkinsException($"Jenkins declined to queue a build of {_job}", HttpStatusCode.Conflict);
            if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.SeeOther)) EnsureSuccess(response, $"job {_job}");
            var location = response.Headers.Location?.ToString() ?? "";
            var match = QueueItemLocation().Match(location);
            if (!match.Success)
                throw new JenkinsException($"Jenkins queued a build of {_job} but sent no queue item location (HTTP {(int)response.StatusCode})");
            return long.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
        }
    }

    [GeneratedRegex(@"/queue/item/(\d+)/?$")]
    private static partial Regex QueueItemLocation();

    private async Task<JenkinsCrumb?> GetCrumbAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await GetJsonAsync<JenkinsCrumb>("crumbIssuer/api/json", "crumb issuer", cancellationToken);
        }
        catch (JenkinsNotFoundException)
        {
            return null; // CSRF protection is off.
        }
    }

    private async Task<T> GetJsonAsync<T>(string path, string what, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        EnsureSuccess(response, what);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            return JsonSerializer.Deserialize<T>(body) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new JenkinsException($"Jenkins sent {what} as something other than the expected JSON: {e.Message}");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, IReadOnlyList<KeyValuePair<string, string>>? form, CancellationToken cancellationToken, JenkinsCrumb? crumb = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_root, path));
        if (form is not null) request.Content = new FormUrlEncodedContent(form);
        if (crumb is not null) request.Headers.TryAddWithoutValidation(crumb.CrumbRequestField, crumb.Crumb);
        _logger.LogDebug("Source {Source}: {Method} {Path}", _source, method, path);
        var response = await _http.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("X-Jenkins", out var version)) _versionHeader = version.FirstOrDefault();
        return response;
    }

    private static void EnsureSuccess(HttpResponseMessage response, string what)
    {
        var status = response.StatusCode;
        if (response.IsSuccessStatusCode) return;
        var code = (int)status;
        switch (status)
        {
            case HttpStatusCode.Unauthorized:
                throw new JenkinsAuthException($"Jenkins rejected the credentials (HTTP 401) for {what}: check User and the token in TokenEnv", status);
            case HttpStatusCode.Forbidden:
                var user = Header(response, "X-You-Are-Authenticated-As") ?? "this user";
                var permission = Header(response, "X-Required-Permission");
                throw new JenkinsAuthException($"Jenkins denied {what} to {user} (HTTP 403){(permission is null ? "" : $"; it needs {permission}")}", status);
            case HttpStatusCode.NotFound:
                throw new JenkinsNotFoundException($"Jenkins has no {what}, or this user may not see it (HTTP 404)");
            default:
                throw new JenkinsException($"Jenkins answered HTTP {code} for {what}", status);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose() => _http.Dispose();
}
