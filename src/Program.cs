using TailHub.Configuration;
using TailHub.Endpoints;
using TailHub.Hosting;
using TailHub.Limits;
using TailHub.Logging;
using TailHub.Observability;
using TailHub.Security;

namespace TailHub;

/// <summary>TailHub: tails log files and streams their lines to browsers over Server-Sent Events.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            await using var app = Build(args);
            await app.RunAsync();
            return 0;
        }
        catch (Exception e) when (StartupFailure.Describe(e) is { } message)
        {
            Console.Error.WriteLine($"TailHub cannot start: {message}");
            return 2;
        }
    }

    /// <summary>The whole application, composed; the tests start exactly this on a loopback port.</summary>
    public static WebApplication Build(string[] args)
    {
        var (hostArgs, commandLineSources) = CommandLineSources.Extract(args);
        var builder = WebApplication.CreateBuilder(hostArgs);
        builder.Configuration.AddInMemoryCollection(commandLineSources);
        builder.Logging.AddTailHubLogFile();
        builder.Logging.WithoutPerRequestDiagnostics(builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.AddTailHub(builder.Configuration);
        builder.Services.AddTailHubMetrics();
        builder.Services.AddTailHubHealth();
        builder.Services.AddTailHubLimits(builder.Configuration);
        builder.Services.AddTailHubSecurity(builder.Configuration);
        builder.Services.AddTailHubAccessControl();

        var app = builder.Build();
        app.UseTailHubForwardedHeaders();
        app.UseResponseSecurityHeaders();
        app.UseTailHubErrors();
        app.UseTailHubCors();
        app.UseTailHubRequestLimits();
        app.UseTailHubAccessControl();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        // Roles per endpoint group; routes naming a source also check the key's sources.
        var viewers = app.MapGroup("").RequireAuthorization(AccessPolicies.Viewer).AddEndpointFilter<SourceAccessFilter>();
        viewers.MapSources();
        viewers.MapStream();
        viewers.MapStreamTokens();
        viewers.MapRunList();
        var operators = app.MapGroup("").RequireAuthorization(AccessPolicies.Operator).AddEndpointFilter<SourceAccessFilter>();
        operators.MapBuilds();
        operators.MapRuns();
        var ingesters = app.MapGroup("").RequireAuthorization(AccessPolicies.Ingest).AddEndpointFilter<SourceAccessFilter>();
        ingesters.MapIngest();
        app.MapTailHubMetrics();
        app.MapTailHubHealth();
        return app;
    }
}
