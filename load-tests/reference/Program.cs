using System.Globalization;
using System.Net;
using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using TailHub.Reference;

// The reference server: Kestrel with nothing else (no logging, routing, DI beyond the host's own, middleware or
// configuration files). It answers the requests the load tester makes:
//   GET  /api/stream?…                     SSE: "retry", then every batch's event, the same bytes to every open
//                                          response; with Last-Event-ID (and --resume-lines) the kept frames after it first
//   GET  /api/sources[/{name}]             readiness, and the counters the tester waits on (lines read, published, viewers)
//   PUT  /api/sources/{name}/lines         pushed lines (curl -T -), as a file's
//   POST /api/sources/{command}/runs       with --command: runs it, its output as a file's; GET …/runs/{n} its state
var options = ReferenceOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(ReferenceOptions.Usage);
    return 2;
}

var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
var app = builder.Build();

var fanOut = new FanOut(options.ResumeLines);
var lines = new LineCollector();
var follower = new FileFollower(options.Path, lines);
var batcher = new Batcher(lines, fanOut, options.SourceName, TimeSpan.FromMilliseconds(options.BatchMs));
var runs = options.Command is { } command ? new CommandRuns(command, lines, batcher) : null;
var sources = "/api/sources/" + options.SourceName;
var runsPath = "/api/sources/" + options.CommandSource + "/runs";

app.Run(async context =>
{
    var path = context.Request.Path.Value ?? "";
    var method = context.Request.Method;
    if (path == "/api/stream")
    {
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var writer = context.Response.BodyWriter;
        writer.Write("retry: 1000\n: connected\n\n"u8);
        await writer.FlushAsync(context.RequestAborted);
        var viewer = new ViewerConnection(writer);
        fanOut.Add(viewer, ResumeAfter(context.Request.Headers["Last-Event-ID"].ToString(), options.SourceName));
        try
        {
            await viewer.WaitUntilGoneAsync(context.RequestAborted);
        }
        finally
        {
            fanOut.Remove(viewer);
        }
        return;
    }
    if (method == "GET" && (path == "/api/sources" || path == sources))
    {
        context.Response.ContentType = "application/json";
        var counters = string.Create(CultureInfo.InvariantCulture,
            $"{{\"name\":\"{options.SourceName}\",\"linesRead\":{lines.LinesRead},\"lastSeq\":{batcher.LastSeq},\"viewers\":{fanOut.Count},\"linesDropped\":0}}");
        await context.Response.WriteAsync(path == "/api/sources" ? "[" + counters + "]" : counters);
        return;
    }
    if (method == "PUT" && path == sources + "/lines")
    {
        await PushedLines.ReceiveAsync(context, lines);
        return;
    }
    if (runs is not null && method == "POST" && path == runsPath)
    {
        context.Response.StatusCode = 202;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"number\":{runs.Start()}}}");
        return;
    }
    if (runs is not null && method == "GET" && path.StartsWith(runsPath + "/", StringComparison.Ordinal)
        && int.TryParse(path.AsSpan(runsPath.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
        && runs.Describe(number) is { } run)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(run);
        return;
    }
    context.Response.StatusCode = 404;
});

await app.StartAsync();
follower.Start();
var batching = batcher.RunAsync(app.Lifetime.ApplicationStopping);
await app.WaitForShutdownAsync();
await batching;
return 0;

// "NAME@reference=SEQ", as the batcher writes ids; anything else resumes nothing.
static long? ResumeAfter(string lastEventId, string source) =>
    lastEventId.StartsWith(source + "@reference=", StringComparison.Ordinal)
    && long.TryParse(lastEventId.AsSpan(source.Length + "@reference=".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
        ? seq
        : null;
