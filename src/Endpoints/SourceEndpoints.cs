using System.Text.Json.Serialization;
using TailHub.Hosting;
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
        IReadOnlyList<FileView> Files, long LinesRead, long BytesRead, long LastSeq, int Viewers, long LinesDropped,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BuildView? Build = null);

    public static IEndpointRouteBuilder MapSources(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/sources");
        group.MapGet("/", (LiveSources sources, System.Security.Claims.ClaimsPrincipal user, Security.AccessPolicy access) =>
                TypedResults.Ok(sources.All.Where(s => access.AllowsSource(user, s.Name)).Select(View)))
            .WithName("ListSources");
        group.MapGet("/{name}", IResult (string name, LiveSources sources) =>
                sources.Find(name) is { } source
                    ? TypedResults.Ok(View(source))
                    : Problems.NotFound($"There is no source named '{Problems.Clip(name)}'.", "See GET /api/sources for the configured sources."))
            .WithName("GetSource");
        return routes;
    }

    private static SourceView View(LiveSource source)
    {
        var status = source.Tailer.Status;
        return new SourceView(
            source.Name,
            source.Type,
            source.Path,
            status.State.ToString().ToLowerInvariant(),
            status.Message,
            status.Files.Select(f => new FileView(f.Path, f.Offset, f.Identity, f.Rotated, f.Error)).ToList(),
            source.Tailer.LinesRead,
            source.Tailer.BytesRead,
            source.Broadcaster.LastPublishedSeq,
            source.Broadcaster.ViewerCount,
            source.Broadcaster.LinesDropped,
            source.Jenkins?.Status is { } b ? new BuildView(b.State, b.Number, b.Result, b.QueueId, b.Url, b.Message) : null);
    }
}
