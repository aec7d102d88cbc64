using System.Text.Json.Serialization;
using TailHub.Hosting;
using TailHub.Logging;
using TailHub.Pipeline.Redaction;
using TailHub.Sources;

namespace TailHub.Endpoints;

/// <summary><c>GET /api/sources</c> and <c>GET /api/sources/{name}</c>: what each source is doing.</summary>
public static class SourceEndpoints
{
    /// <summary>A file of a source; <c>error</c> only while it cannot be read.</summary>
    public sealed record FileView(string Path, long Offset, string Identity, bool Rotated,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);

    /// <summary>A Jenkins source's build: state (queued, running, finished, …), number, result.</summary>
    public sealed record BuildView(string State, int? Number, string? Result, long? QueueId, string? Url, string? Message);

    public sealed record SourceView(
        string Name, string Type, string Path, string State, string? Message,
        IReadOnlyList<FileView> Files, long LinesRead, long BytesRead, long LastSeq, string Epoch, int Viewers, long LinesDropped,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BuildView? Build = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? PushedOffset = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RunEndpoints.RunView? Run = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Agent = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? OwnLog = null);

    public static IEndpointRouteBuilder MapSources(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/sources");
        group.MapGet("/", (LiveSources sources, System.Security.Claims.ClaimsPrincipal user, Security.AccessPolicy access, LineRedactor redactor, OwnLogFile ownLog) =>
                TypedResults.Ok(sources.All.Where(s => access.AllowsSource(user, s.Name)).Select(s => View(s, redactor, ownLog))))
            .WithName("ListSources");
        group.MapGet("/{name}", IResult (string name, LiveSources sources, LineRedactor redactor, OwnLogFile ownLog) =>
                sources.Find(name) is { } source
                    ? TypedResults.Ok(View(source, redactor, ownLog))
                    : Problems.NotFound($"There is no source named '{Problems.Clip(name)}'.", "See GET /api/sources for the configured sources."))
            .WithName("GetSource");
        return routes;
    }

    private static SourceView View(LiveSource live, LineRedactor redactor, OwnLogFile ownLog)
    {
        var source = live.Source;
        var status = source.Status;
        return new SourceView(
            source.Name,
            source.Kind,
            source.Target,
            status.State.ToString().ToLowerInvariant(),
            status.Message,
            status.Files.Select(f => new FileView(f.Path, f.Offset, f.Identity, f.Rotated, f.Error)).ToList(),
            source.Counters.Lines,
            source.Counters.Bytes,
            live.Broadcaster.LastPublishedSeq,
            live.Hub.Epoch,
            live.Broadcaster.ViewerCount,
            live.Broadcaster.LinesDropped,
            source is ITriggersBuilds { Build: var b } ? new BuildView(b.State, b.Number, b.Result, b.QueueId, b.Url, b.Message) : null,
            source is IAcceptsPushedLines push ? push.Offset : null,
            source is IHasRuns { CurrentRun: { } run } ? RunEndpoints.View(live, run, redactor) : null,
            source is IHasOwner owned ? owned.Owner : null,
            status.Files.Any(f => ownLog.Is(f.Path)) ? true : null);
    }
}
