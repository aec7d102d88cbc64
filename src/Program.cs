using TailHub.Alerts;
using TailHub.Configuration;
using TailHub.Endpoints;
using TailHub.History;
using TailHub.Hosting;
using TailHub.Limits;
using TailHub.Logging;
using TailHub.Observability;
using TailHub.ScaleOut;
using TailHub.Security;

namespace TailHub;

/// <summary>TailHub: tails log files and streams their lines to browsers over Server-Sent Events.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        WebApplication? app = null;
        try
        {
            // Everything up to listening is start-up: whatever fails there is one line and exit code 2.
            app = Build(args);
            await app.StartAsync();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"TailHub cannot start: {StartupFailure.Describe(e, app?.Configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries))}");
            if (app is not null)
            {
                await app.StopStartedServicesAsync();
                await app.DisposeAsync();
            }
            return 2;
        }
        await using (app)
        {
            await app.WaitForShutdownAsync();
        }
        return 0;
    }

    /// <summary>The whole application, composed; the tests start exactly this on a loopback port.</summary>
    public static WebApplication Build(string[] args)
    {
        var (hostArgs, commandLineSources) = CommandLineSources.Extract(args, Environment.CurrentDirectory);
        var contentRoot = ContentRoot.Default(hostArgs);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = contentRoot.Path });
        builder.UseShippedPageAndSettings(shippedSettings: contentRoot.IsStateFolder);
        builder.Configuration.AddCommandLineSources(commandLineSources);
        builder.Logging.AddTailHubLogFile();
        builder.Logging.WithoutPerRequestDiagnostics(builder.Configuration);
        builder.Logging.WithoutHostStartupStackTraces(builder.Configuration);
        builder.Services.AddTailHubErrors();
        builder.Services.AddTailHub(builder.Configuration);
        builder.Services.AddTailHubSocketTransport(builder.Configuration);
        builder.Services.AddTailHubMetrics();
        builder.Services.AddTailHubHealth();
        builder.Services.AddTailHubLimits(builder.Configuration);
        builder.Services.AddTailHubSecurity(builder.Configuration);
        builder.Services.AddTailHubAccessControl();
        builder.Services.AddTailHubAlerts(builder.Configuration);
        builder.Services.AddTailHubScaleOut(builder.Configuration);
        builder.Services.AddTailHubHistory(builder.Configuration);

        var app = builder.Build();
        app.UseTailHubForwardedHeaders();
        app.UseResponseSecurityHeaders();
        app.UseTailHubErrors();
        app.UseTailHubCors();
        app.UseTailHubRequestLimits();
        app.UseTailHubAccessControl();
        if (app.ServesViewers())
        {
            app.UseDefaultFiles();
            app.UseStaticFiles();
            // Roles per endpoint group; routes naming a source also check the key's sources.
            var viewers = app.MapGroup("").RequireAuthorization(AccessPolicies.Viewer).AddEndpointFilter<SourceAccessFilter>();
            viewers.MapSources();
            // The stream names its sources in its query and checks them itself; without the filter nothing of an
            // endpoint filter's invocation stays alive for the stream's whole life.
            app.MapGroup("").RequireAuthorization(AccessPolicies.Viewer).MapStream();
            viewers.MapStreamTokens();
            viewers.MapRunList();
            viewers.MapHistory();
            var operators = app.MapGroup("").RequireAuthorization(AccessPolicies.Operator).AddEndpointFilter<SourceAccessFilter>();
            operators.MapBuilds();
            operators.MapRuns();
            var ingesters = app.MapGroup("").RequireAuthorization(AccessPolicies.Ingest).AddEndpointFilter<SourceAccessFilter>();
            ingesters.MapIngest();
        }
        app.MapGroup("").RequireAuthorization(AccessPolicies.Admin).MapAlerts();
        app.MapScaleOut();
        app.MapTailHubMetrics();
        app.MapTailHubHealth();
        app.UseTailHubAlertMetrics();
        return app;
    }
}
