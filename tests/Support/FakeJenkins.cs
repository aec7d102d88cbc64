using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TailHub.Tests.Support;

/// <summary>
/// A Jenkins on a loopback port that follows the wire behaviour in jenkins-api.md: <c>progressiveText</c> by version
/// (≤ 2.508 exact offsets and stripped notes; 2.509–2.526 file length in <c>X-Text-Size</c>, raw notes, body up to the
/// last terminator; ≥ 2.527 the same capped at the size), LF→CRLF per response, 10,000 terminators per answer,
/// permalinks, folders, queue items, Basic auth (403 anonymous, 401 wrong), crumbs, and injected faults.
/// </summary>
public sealed class FakeJenkins : IAsyncDisposable
{
    private const int MaxLinesRead = 10_000;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeJenkinsJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, FakeQueueItem> _queue = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Lock _faultGate = new();
    private readonly List<Fault> _faults = [];
    private long _nextQueueId = 100;
    private long _clock = 1_700_000_000_000;

    private FakeJenkins(WebApplication app, string version)
    {
        _app = app;
        Version = version;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
    }

    public Uri BaseAddress { get; }

    /// <summary>Sent as <c>X-Jenkins</c>; decides the <c>progressiveText</c> behaviour.</summary>
    public string Version { get; set; }

    /// <summary>When set, requests need <c>Authorization: Basic user:token</c>.</summary>
    public (string User, string Token)? Credentials { get; set; }

    /// <summary>POSTs need a crumb from <c>/crumbIssuer/api/json</c> (password-style login).</summary>
    public bool RequireCrumb { get; set; }

    /// <summary>A queue item gets its executable on this poll of it (0: only when a test calls <see cref="StartQueued"/>).</summary>
    public int StartQueuedOnPoll { get; set; } = 2;

    public IReadOnlyCollection<string> Requests => _requests;
    public IReadOnlyCollection<FakeQueueItem> QueueItems => _queue.Values.OrderBy(q => q.Id).ToList();

    public static async Task<FakeJenkins> StartAsync(string version = "2.516.3")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeJenkins? fake = null;
        app.Run(context => fake!.HandleAsync(context));
        await app.StartAsync();
        fake = new FakeJenkins(app, version);
        return fake;
    }

    /// <summary>
    /// Settings for a TailHub source <c>ci</c> following <paramref name="job"/> here, polling every 200 ms, keeping its
    /// console under <paramref name="folder"/>; with <paramref name="tokenEnv"/>, as user <c>ci-bot</c>.
    /// </summary>
    public Dictionary<string, string?> SourceSettings(TempFolder folder, string job, string? tokenEnv = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["TailHub:DataDirectory"] = folder.PathOf("data"),
            ["TailHub:Sources:0:Name"] = "ci",
            ["TailHub:Sources:0:Type"] = "jenkins",
            ["TailHub:Sources:0:Url"] = BaseAddress.AbsoluteUri,
            ["TailHub:Sources:0:Job"] = job,
            ["TailHub:Sources:0:PollInterval"] = "00:00:00.200",
        };
        if (tokenEnv is not null)
        {
            settings["TailHub:Sources:0:User"] = "ci-bot";
            settings["TailHub:Sources:0:TokenEnv"] = tokenEnv;
        }
        return settings;
    }

    public FakeJenkinsJob AddJob(string fullName, params string[] parameters)
    {
        var job = new FakeJenkinsJob(fullName, parameters);
        _jobs[fullName] = job;
        return job;
    }

    public FakeJenkinsBuild StartBuild(FakeJenkinsJob job, long queueId = 0) => job.Start(queueId, Interlocked.Add(ref _clock, 1000));

    /// <summary>Gives a waiting queue item its build, as an executor picking it up does.</summary>
    public FakeJenkinsBuild StartQueued(long queueId)
    {
        var item = _queue[queueId];
        lock (item)
        {
            if (item.Build is { } started) return started;
            item.Build = StartBuild(_jobs[item.Job], queueId);
            return item.Build;
        }
    }

    public void CancelQueued(long queueId) => _queue[queueId].Cancelled = true;

    /// <summary>The next <paramref name="times"/> requests whose path contains <paramref name="pathPart"/> get <paramref name="status"/>.</summary>
    public void Fail(string pathPart, int times, int status = 500) => AddFault(new Fault(pathPart, times, status, null, false));

    /// <summary>The next requests whose path contains <paramref name="pathPart"/> have their connection dropped before any answer.</summary>
    public void Drop(string pathPart, int times) => AddFault(new Fault(pathPart, times, null, null, true));

    /// <summary>The next requests whose path contains <paramref name="pathPart"/> are answered only after <paramref name="delay"/>.</summary>
    public void Slow(string pathPart, int times, TimeSpan delay) => AddFault(new Fault(pathPart, times, null, delay, false));

    private void AddFault(Fault fault)
    {
        lock (_faultGate) _faults.Add(fault);
    }

    private Fault? TakeFault(string path)
    {
        lock (_faultGate)
        {
            var fault = _faults.FirstOrDefault(f => path.Contains(f.PathPart, StringComparison.Ordinal) && f.Times > 0);
            if (fault is null) return null;
            fault.Times--;
            return fault;
        }
    }

    private sealed class Fault(string pathPart, int times, int? status, TimeSpan? delay, bool drop)
    {
        public string PathPart { get; } = pathPart;
        public int Times { get; set; } = times;
        public int? Status { get; } = status;
        public TimeSpan? Delay { get; } = delay;
        public bool Drop { get; } = drop;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        _requests.Enqueue($"{request.Method} {path}{request.QueryString}");
        context.Response.Headers["X-Jenkins"] = Version;

        if (TakeFault(path) is { } fault)
        {
            if (fault.Drop)
            {
                context.Abort();
                return;
            }
            if (fault.Delay is { } delay) await Task.Delay(delay, context.RequestAborted);
            if (fault.Status is { } status)
            {
                context.Response.StatusCode = status;
                await context.Response.WriteAsync("<html>Oops</html>");
                return;
            }
        }

        if (!Authorized(context, out var failure))
        {
            await failure!;
            return;
        }

        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["crumbIssuer", "api", "json"])
        {
            await Json(context, new { _class = "hudson.security.csrf.DefaultCrumbIssuer", crumb = "c0ffee", crumbRequestField = "Jenkins-Crumb" });
            return;
        }
        if (segments is ["api", "json"])
        {
            await Json(context, new { _class = "hudson.model.Hudson" });
            return;
        }
        if (segments is ["queue", "item", var idText, "api", "json"] && long.TryParse(idText, out var queueId))
        {
            await QueueItemAsync(context, queueId);
            return;
        }

        var names = new List<string>();
        var i = 0;
        while (i + 1 < segments.Length && segments[i] == "job") { names.Add(segments[i + 1]); i += 2; }
        if (names.Count == 0 || !_jobs.TryGetValue(string.Join('/', names), out var job))
        {
            context.Response.StatusCode = 404;
            return;
        }
        var rest = segments[i..];
        switch (rest)
        {
            case [] or ["api", "json"]:
                await Json(context, job.ToJson(context.Request.Query["tree"].ToString()));
                return;
            case ["build" or "buildWithParameters"]:
                await TriggerAsync(context, job, rest[0]);
                return;
        }
        var build = job.Find(rest[0]);
        if (build is null)
        {
            context.Response.StatusCode = 404;
            return;
        }
        switch (rest[1..])
        {
            case ["api", "json"]:
                await Json(context, new
                {
                    _class = "org.jenkinsci.plugins.workflow.job.WorkflowRun",
                    number = build.Number,
                    building = build.State == FakeJenkinsBuild.RunState.Building,
                    inProgress = build.State != FakeJenkinsBuild.RunState.Completed,
                    result = build.State == FakeJenkinsBuild.RunState.Building ? null : build.Result,
                    timestamp = build.Timestamp,
                    queueId = build.QueueId,
                });
                return;
            case ["logText", "progressiveText"]:
                await ProgressiveTextAsync(context, build);
                return;
            case ["consoleText"]:
                context.Response.ContentType = "text/plain;charset=UTF-8";
                await context.Response.Body.WriteAsync(build.ConsoleText());
                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }

    private bool Authorized(HttpContext context, out Task? failure)
    {
        failure = null;
        if (Credentials is not { } credentials) return true;
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            context.Response.StatusCode = 403;
            context.Response.Headers["X-You-Are-Authenticated-As"] = "anonymous";
            context.Response.Headers["X-Required-Permission"] = "hudson.model.Hudson.Read";
            failure = context.Response.WriteAsync("Authentication required");
            return false;
        }
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.User}:{credentials.Token}"));
        if (header != expected)
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Jenkins\"";
            failure = context.Response.WriteAsync("Invalid password/token");
            return false;
        }
        return true;
    }

    private async Task TriggerAsync(HttpContext context, FakeJenkinsJob job, string endpoint)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = 405;
            context.Response.Headers.Allow = "POST";
            return;
        }
        if (RequireCrumb && context.Request.Headers["Jenkins-Crumb"] != "c0ffee")
        {
            context.Response.StatusCode = 403;
            await context.Response.WriteAsync("No valid crumb was included in the request");
            return;
        }
        if (endpoint == "build" && job.Parameters.Length > 0)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("This page expects a form submission");
            return;
        }
        if (endpoint == "buildWithParameters" && job.Parameters.Length == 0)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync($"{job.FullName} is not parameterized");
            return;
        }
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync();
            foreach (var (key, value) in form) parameters[key] = value.ToString();
        }
        var id = Interlocked.Increment(ref _nextQueueId);
        _queue[id] = new FakeQueueItem(id, job.FullName, parameters);
        context.Response.StatusCode = 201;
        // Jenkins builds Location from the request's host, which need not be the one the client used.
        context.Response.Headers.Location = $"http://jenkins.invalid:8080/queue/item/{id}/";
    }

    private async Task QueueItemAsync(HttpContext context, long id)
    {
        if (!_queue.TryGetValue(id, out var item))
        {
            context.Response.StatusCode = 404;
            return;
        }
        var polls = Interlocked.Increment(ref item.Polls);
        if (StartQueuedOnPoll > 0 && polls >= StartQueuedOnPoll && !item.Cancelled) StartQueued(id);
        var build = item.Build;
        await Json(context, new
        {
            _class = build is null && !item.Cancelled ? "hudson.model.Queue$BuildableItem" : "hudson.model.Queue$LeftItem",
            id,
            cancelled = build is null ? item.Cancelled : false,
            why = build is null && !item.Cancelled ? "Waiting for next available executor" : null,
            executable = build is null ? null : new { _class = "org.jenkinsci.plugins.workflow.job.WorkflowRun", number = build.Number },
        });
    }

    private async Task ProgressiveTextAsync(HttpContext context, FakeJenkinsBuild build)
    {
        var response = context.Response;
        response.ContentType = "text/plain;charset=utf-8";
        var completed = build.State == FakeJenkinsBuild.RunState.Completed;
        if (build.LogMissing)
        {
            response.Headers["X-Text-Size"] = "0";
            response.Headers["X-More-Data"] = "true";
            build.Polled();
            return;
        }
        var raw = build.Snapshot();
        long size = raw.Length;
        if (!long.TryParse(context.Request.Query["start"].ToString() is { Length: > 0 } s ? s : "0", out var start))
        {
            response.StatusCode = 500;
            return;
        }
        if (start > size) start = 0;

        byte[] body;
        long textSize;
        var version = Version.Split('.');
        var minor = int.Parse(version[1]);
        if (minor <= 508)
        {
            // Legacy: counts exactly what it sends, up to the last complete line; notes stripped.
            var end = completed ? raw.Length : EndOfLines(raw, (int)start, raw.Length);
            textSize = end;
            // Legacy counts what it sends from one read, so a write during the request only shows at the next poll.
            build.GrowMidRequest();
            body = FakeJenkinsBuild.StripNotes(raw[(int)start..end]);
        }
        else
        {
            // Efficient: X-Text-Size is the size when the request started; the body is read afterwards, from a file that may have grown.
            textSize = size;
            build.GrowMidRequest();
            var now = build.Snapshot();
            var end = completed ? now.Length : EndOfLines(now, (int)start, now.Length);
            if (minor >= 527) end = (int)Math.Min(end, size);
            body = now[(int)start..end];
        }
        // The servlet writer decodes (malformed → U+FFFD) and the line-end writer turns lone LFs into CRLF.
        var text = CrLf(Encoding.UTF8.GetString(body));
        response.Headers["X-Text-Size"] = textSize.ToString();
        if (!completed) response.Headers["X-More-Data"] = "true";
        build.Polled();
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Just past the last line terminator from <paramref name="start"/>, after at most 10,000 terminators.</summary>
    private static int EndOfLines(byte[] raw, int start, int limit)
    {
        var end = start;
        var terminators = 0;
        for (var i = start; i < limit && terminators < MaxLinesRead; i++)
        {
            if (raw[i] is (byte)'\r' or (byte)'\n')
            {
                terminators++;
                end = i + 1;
            }
        }
        return end;
    }

    private static string CrLf(string text)
    {
        var output = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) output.Append('\r');
            output.Append(text[i]);
        }
        return output.ToString();
    }

    private static Task Json(HttpContext context, object value)
    {
        context.Response.ContentType = "application/json;charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(value));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A job of the fake Jenkins: its builds by number and permalink, and its parameters.</summary>
public sealed partial class FakeJenkinsJob(string fullName, string[] parameters)
{
    [System.Text.RegularExpressions.GeneratedRegex(@"builds\[[^\]]*\]\{(?<from>\d*)(?<comma>,)?(?<to>\d*)\}")]
    private static partial System.Text.RegularExpressions.Regex BuildsRange();

    private readonly Lock _gate = new();
    private readonly SortedDictionary<int, FakeJenkinsBuild> _builds = [];

    public string FullName { get; } = fullName;
    public string[] Parameters { get; } = parameters;
    public int NextBuildNumber { get; set; } = 1;

    /// <summary>Called for every build that starts, e.g. to script a build a queue item became.</summary>
    public Action<FakeJenkinsBuild>? OnStarted { get; set; }

    public FakeJenkinsBuild this[int number]
    {
        get { lock (_gate) return _builds[number]; }
    }

    internal FakeJenkinsBuild Start(long queueId, long timestamp)
    {
        FakeJenkinsBuild build;
        lock (_gate)
        {
            build = new FakeJenkinsBuild(NextBuildNumber++, queueId, timestamp);
            _builds[build.Number] = build;
        }
        OnStarted?.Invoke(build);
        return build;
    }

    public void Delete(int number)
    {
        lock (_gate) _builds.Remove(number);
    }

    internal FakeJenkinsBuild? Find(string segment)
    {
        lock (_gate)
        {
            if (segment == "lastBuild") return _builds.Count == 0 ? null : _builds.Values.Last();
            return int.TryParse(segment, out var n) ? _builds.GetValueOrDefault(n) : null;
        }
    }

    /// <summary>The job's JSON; a range after <c>builds[…]</c> in <paramref name="tree"/> selects builds as Stapler does (jenkins-api.md §5).</summary>
    internal object ToJson(string tree = "")
    {
        lock (_gate)
        {
            var newestFirst = _builds.Values.Reverse().Take(100).ToList();
            var range = BuildsRange().Match(tree);
            if (range.Success)
            {
                var from = range.Groups["from"].Value is { Length: > 0 } f ? int.Parse(f) : 0;
                var to = range.Groups["comma"].Success
                    ? range.Groups["to"].Value is { Length: > 0 } t ? int.Parse(t) : int.MaxValue
                    : from + 1;
                newestFirst = newestFirst.Skip(from).Take(Math.Max(0, to - from)).ToList();
            }
            return new
            {
                _class = "org.jenkinsci.plugins.workflow.job.WorkflowJob",
                fullName = FullName,
                nextBuildNumber = NextBuildNumber,
                builds = newestFirst.Select(b => new
                {
                    _class = "org.jenkinsci.plugins.workflow.job.WorkflowRun",
                    number = b.Number,
                    queueId = b.QueueId,
                    building = b.State == FakeJenkinsBuild.RunState.Building,
                    result = b.State == FakeJenkinsBuild.RunState.Building ? null : b.Result,
                    timestamp = b.Timestamp,
                }).ToList(),
                property = Parameters.Length == 0
                    ? []
                    : new object[] { new { parameterDefinitions = Parameters.Select(p => new { name = p }).ToList() } },
            };
        }
    }
}

/// <summary>A queue item of the fake Jenkins: what was asked, and the build it became.</summary>
public sealed class FakeQueueItem(long id, string job, IReadOnlyDictionary<string, string> parameters)
{
    public long Id { get; } = id;
    public string Job { get; } = job;
    public IReadOnlyDictionary<string, string> Parameters { get; } = parameters;
    public FakeJenkinsBuild? Build { get; set; }
    public bool Cancelled { get; set; }
    public int Polls;
}
