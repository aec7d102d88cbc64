using System.Text;
using TailHub.Hosting;
using TailHub.Pipeline.Redaction;
using TailHub.Sources;
using TailHub.Sources.Runs;

namespace TailHub.Endpoints;

/// <summary>
/// The runs of command, SSH and Jenkins sources (a Jenkins build is a run): <c>GET /api/sources/{name}/runs</c>
/// (viewers) lists them, oldest first; for command and SSH sources, <c>POST</c> on the same URL starts one with
/// parameters from the source's allow-list and <c>DELETE …/runs/{n}</c> cancels one (operators).
/// </summary>
public static class RunEndpoints
{
    /// <summary>
    /// A run as the API shows it. <c>cursor</c> is a <c>Last-Event-ID</c> that replays the source's stream from the
    /// run's start (its start notice and every line after it), however long ago it ran. <c>result</c> is a Jenkins
    /// build's own (<c>SUCCESS</c>, <c>UNSTABLE</c>…), null for other runs and for a build still going.
    /// </summary>
    public sealed record RunView(
        int Number, string State, int? ExitCode, string? Signal, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt,
        long? FirstSeq, long? LastSeq, string? Message, IReadOnlyDictionary<string, string> Parameters, string? Cursor,
        string? Result = null);

    public sealed record RunList(IReadOnlyList<RunView> Runs);

    /// <summary>Reading runs: for viewers.</summary>
    public static IEndpointRouteBuilder MapRunList(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/sources/{name}/runs", IResult (string name, LiveSources sources, LineRedactor redactor) =>
                Find(name, sources, out var live, out var runs) ?? TypedResults.Ok(new RunList(runs!.Runs.Select(r => View(live!, r, redactor)).ToList())))
            .WithName("ListRuns")
            .WithSummary("The runs of a command or ssh source, or the builds of a jenkins source, oldest first.");
        routes.MapGet("/api/sources/{name}/runs/{number:int}", IResult (string name, int number, LiveSources sources, LineRedactor redactor) =>
                Find(name, sources, out var live, out var runs) ?? (runs!.Runs.FirstOrDefault(r => r.Number == number) is { } run
                    ? TypedResults.Ok(View(live!, run, redactor))
                    : NoSuchRun(name, number)))
            .WithName("GetRun");
        return routes;
    }

    /// <summary>Starting and cancelling runs: for operators.</summary>
    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/sources/{name}/runs", StartAsync)
            .WithName("StartRun")
            .WithSummary("Starts a run of a command or ssh source; the body is a JSON object of the parameters its configuration allows.");
        routes.MapDelete("/api/sources/{name}/runs/{number:int}", CancelAsync)
            .WithName("CancelRun")
            .WithSummary("Cancels a run: SIGTERM, then SIGKILL after the source's CancelGrace.");
        return routes;
    }

    private static async Task<IResult> StartAsync(string name, HttpRequest request, LiveSources sources, LineRedactor redactor)
    {
        if (Find(name, sources, out var live, out _) is { } problem) return problem;
        if (live!.Source is ITriggersBuilds)
            return Problems.BadRequest("name", $"Source '{live.Name}' is a jenkins source: its runs are builds; trigger one with POST /api/sources/{live.Name}/builds.");
        if (live.Source is not IStartsRuns starter)
            return Problems.BadRequest("name", $"Runs of source '{live.Name}' cannot be started through TailHub.");
        List<KeyValuePair<string, string>>? parameters;
        string? error;
        try
        {
            (parameters, error) = await ParameterBody.ReadAsync(request, "run parameters");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem("The request body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
        }
        if (error is not null) return Problems.BadRequest("body", error);
        try
        {
            var run = await starter.StartRunAsync(parameters!, request.HttpContext.RequestAborted);
            return TypedResults.Accepted($"/api/sources/{live.Name}/runs/{run.Number}", View(live, run, redactor));
        }
        catch (RunRejectedException e)
        {
            return Rejected(e);
        }
    }

    private static async Task<IResult> CancelAsync(string name, int number, HttpContext context, LiveSources sources, LineRedactor redactor)
    {
        if (Find(name, sources, out var live, out _) is { } problem) return problem;
        if (live!.Source is not IStartsRuns starter)
            return Problems.BadRequest("name", $"Runs of source '{live.Name}' cannot be cancelled through TailHub.");
        try
        {
            return await starter.CancelRunAsync(number, context.RequestAborted) is { } run
                ? TypedResults.Accepted($"/api/sources/{live.Name}/runs/{run.Number}", View(live, run, redactor))
                : NoSuchRun(live.Name, number);
        }
        catch (RunRejectedException e)
        {
            return Rejected(e);
        }
    }

    private static IResult? Find(string name, LiveSources sources, out LiveSource? live, out IHasRuns? runs)
    {
        live = sources.Find(name);
        runs = live?.Source as IHasRuns;
        if (live is null)
            return Problems.NotFound($"There is no source named '{Problems.Clip(name)}'.", "See GET /api/sources for the configured sources.");
        if (runs is null)
            return Problems.BadRequest("name", $"Source '{live.Name}' is a {live.Kind} source; only command, ssh and jenkins sources have runs.");
        return null;
    }

    private static IResult NoSuchRun(string source, int number) =>
        Problems.NotFound($"Source '{Problems.Clip(source)}' has no run #{number}.", $"See GET /api/sources/{Problems.Clip(source)}/runs for its runs.");

    private static IResult Rejected(RunRejectedException e) => e.Reason switch
    {
        RunRejection.InvalidParameters => Problems.BadRequest("body", e.Message),
        RunRejection.TooManyRuns => TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Too many runs"),
        _ => TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Run already ended"),
    };

    public static RunView View(LiveSource live, RunInfo run, LineRedactor redactor) => new(
        run.Number,
        RunStates.Name(run.State),
        run.ExitCode,
        run.Signal,
        run.StartedAt,
        run.EndedAt,
        run.FirstSeq,
        run.LastSeq,
        run.Message,
        Masked(run.Parameters, redactor),
        run.FirstSeq is { } first ? $"{live.Name}@{live.Hub.Epoch}={first - 1}" : null,
        run.Result);

    /// <summary>Parameter values as the runs list shows them: masked like any line (secrets belong in EnvFrom, not in parameters).</summary>
    private static Dictionary<string, string> Masked(IReadOnlyDictionary<string, string>? parameters, LineRedactor redactor)
    {
        var masked = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters ?? new Dictionary<string, string>())
        {
            var state = RedactionState.Start;
            var line = Encoding.UTF8.GetString(redactor.Redact(Encoding.UTF8.GetBytes($"{name}={value}"), ref state));
            masked[name] = line.StartsWith(name + "=", StringComparison.Ordinal) ? line[(name.Length + 1)..] : LineRedactor.Mask;
        }
        return masked;
    }
}
