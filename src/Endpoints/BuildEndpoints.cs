using System.Net;
using TailHub.Hosting;
using TailHub.Sources;
using TailHub.Sources.Jenkins;

namespace TailHub.Endpoints;

/// <summary><c>POST /api/sources/{name}/builds</c>: queue a Jenkins build and make the source follow exactly that build.</summary>
public static class BuildEndpoints
{
    /// <summary>How long the answer waits for the queue item to name its build; after that it is 202 without a number.</summary>
    private static readonly TimeSpan BuildNumberWait = TimeSpan.FromSeconds(5);

    public sealed record TriggerView(string Source, long QueueId, int? Build, string State, string? Message);

    public static IEndpointRouteBuilder MapBuilds(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/sources/{name}/builds", TriggerAsync)
            .WithName("TriggerBuild")
            .WithSummary("Queues a build of a Jenkins source's job with the given parameters (a JSON object) and follows it.");
        return routes;
    }

    private static async Task<IResult> TriggerAsync(string name, HttpRequest request, LiveSources sources, TimeProvider time, ILoggerFactory loggers)
    {
        if (sources.Find(name) is not { } source)
            return Problems.NotFound($"There is no source named '{Problems.Clip(name)}'.", "See GET /api/sources for the configured sources.");
        if (source.Source is not ITriggersBuilds jenkins)
            return Problems.BadRequest("name", $"Source '{source.Name}' is a {source.Kind} source; only jenkins sources run builds.");

        List<KeyValuePair<string, string>>? parameters;
        string? error;
        try
        {
            (parameters, error) = await ParameterBody.ReadAsync(request, "build parameters");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem("The request body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
        }
        if (error is not null) return Problems.BadRequest("body", error);

        TriggeredBuild trigger;
        try
        {
            trigger = await jenkins.TriggerAsync(parameters!, request.HttpContext.RequestAborted);
        }
        catch (JenkinsException e) when (e.Status is HttpStatusCode.BadRequest)
        {
            return Problems.BadRequest("body", e.Message);
        }
        catch (JenkinsException e) when (e.Status is HttpStatusCode.Conflict)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Jenkins did not queue the build");
        }
        catch (Exception e) when (e is JenkinsException || JenkinsFaults.IsTransient(e, request.HttpContext.RequestAborted))
        {
            loggers.CreateLogger(typeof(BuildEndpoints)).LogWarning("Source {Source}: triggering a build failed: {Error}", source.Name, e.Message);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "Jenkins did not queue the build");
        }

        QueueOutcome? outcome = null;
        try
        {
            outcome = await trigger.Outcome.WaitAsync(BuildNumberWait, time, request.HttpContext.RequestAborted);
        }
        catch (TimeoutException)
        {
            // Still queued: the source follows it when it starts, and GET /api/sources shows it.
        }
        catch (Exception e) when (e is JenkinsException || JenkinsFaults.IsTransient(e, request.HttpContext.RequestAborted))
        {
            return TypedResults.Accepted($"/api/sources/{source.Name}", new TriggerView(source.Name, trigger.QueueId, null, "unknown", e.Message));
        }
        var state = outcome switch
        {
            null => "queued",
            { Number: not null } => "started",
            _ => "cancelled",
        };
        return TypedResults.Accepted($"/api/sources/{source.Name}", new TriggerView(source.Name, trigger.QueueId, outcome?.Number, state, outcome?.Message));
    }
}
