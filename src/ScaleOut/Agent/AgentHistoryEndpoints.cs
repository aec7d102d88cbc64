using TailHub.Endpoints;
using TailHub.Hosting;

namespace TailHub.ScaleOut.Agent;

/// <summary>
/// <c>GET /cluster/sources/{name}/history?epoch=E&amp;after=A&amp;to=T</c>: an agent's records A+1..T of a source, for a hub
/// whose viewer resumes from further back than Redis still holds (read back from the agent's files and spools, as a
/// standalone TailHub would, with gaps only where the bytes are gone). At most <see cref="MaxRecords"/> records per
/// answer; the hub asks again from where an answer ended. Only for hubs: the request must carry the cluster key.
/// </summary>
public static class AgentHistoryEndpoints
{
    public const int MaxRecords = 10_000;
    public const string ContentType = "application/vnd.tailhub.records";

    public static IEndpointRouteBuilder MapAgentHistory(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/cluster/sources/{name}/history", History)
            .AllowAnonymous()
            .WithName("AgentHistory")
            .WithSummary("A source's records from the agent's history, for hubs (cluster key required).");
        return routes;
    }

    private static IResult History(HttpContext context, string name, string? epoch, long? after, long? to, LiveSources sources, ClusterKey key)
    {
        if (!key.Matches(context.Request.Headers[ClusterKey.HeaderName]))
            return TypedResults.Problem($"This route is for TailHub hubs: send the cluster key in {ClusterKey.HeaderName}.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Cluster key required");
        if (sources.Find(name) is not { } source)
            return Problems.NotFound($"There is no source named '{Problems.Clip(name)}' on this agent.", "The registry names the agent that publishes each source.");
        if (after is not >= 0 || to is not { } last || last < after)
            return Problems.BadRequest("after", "after and to must be whole numbers with 0 <= after <= to.");
        if (epoch != source.Hub.Epoch)
            return TypedResults.Problem($"Source '{source.Name}' is in epoch {source.Hub.Epoch} here, not '{Problems.Clip(epoch ?? "")}': those sequence numbers name nothing on this agent.",
                statusCode: StatusCodes.Status409Conflict, title: "Another epoch");
        var end = Math.Min(Math.Min(last, source.Hub.LastSeq), after.Value + MaxRecords);
        var records = source.Hub.WithRunsAsLines(source.Hub.History(after.Value, end));
        return Results.Bytes(StreamEntryCodec.Encode(records, 0), ContentType);
    }
}
