using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using TailHub.Reference;

// The reference server: Kestrel with nothing else (no logging, routing, DI beyond the host's own, middleware or
// configuration files). It answers the three requests the load tester makes:
//   GET /api/stream?…          SSE: "retry", then every batch's event, the same bytes to every open response
//   GET /api/sources[/{name}]  readiness, and the counters the tester waits on (lines read, viewers)
// Arguments: --urls http://127.0.0.1:PORT --source NAME=PATH [--batch-ms 50]
var options = ReferenceOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: TailHub.Reference --urls http://127.0.0.1:PORT --source NAME=PATH [--batch-ms 50]");
    return 2;
}

var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
var app = builder.Build();

var fanOut = new FanOut();
var follower = new FileFollower(options.Path);
var batcher = new Batcher(follower, fanOut, options.SourceName, TimeSpan.FromMilliseconds(options.BatchMs));
var name = Encoding.ASCII.GetBytes(options.SourceName);

app.Run(async context =>
{
    var path = context.Request.Path.Value ?? "";
    if (path == "/api/stream")
    {
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var writer = context.Response.BodyWriter;
        writer.Write("retry: 1000\n: connected\n\n"u8);
        await writer.FlushAsync(context.RequestAborted);
        var viewer = new ViewerConnection(writer);
        fanOut.Add(viewer);
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
    if (path == "/api/sources" || path == "/api/sources/" + options.SourceName)
    {
        context.Response.ContentType = "application/json";
        var counters = string.Create(CultureInfo.InvariantCulture,
            $"{{\"name\":\"{options.SourceName}\",\"linesRead\":{follower.LinesRead},\"lastSeq\":{follower.LinesRead},\"viewers\":{fanOut.Count},\"linesDropped\":0}}");
        await context.Response.WriteAsync(path == "/api/sources" ? "[" + counters + "]" : counters);
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
