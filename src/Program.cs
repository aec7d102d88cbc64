using TailHub.Configuration;
using TailHub.Endpoints;
using TailHub.Hosting;
using TailHub.Logging;

// TailHub: tails log files and streams their lines to browsers over Server-Sent Events.
try
{
    var (args2, commandLineSources) = CommandLineSources.Extract(args);
    var builder = WebApplication.CreateBuilder(args2);
    builder.Configuration.AddInMemoryCollection(commandLineSources);
    builder.Logging.AddTailHubLogFile();
    builder.Services.AddProblemDetails();
    builder.Services.AddTailHub(builder.Configuration);

    var app = builder.Build();
    app.UseTailHubErrors();
    app.UseSecurityHeaders();
    app.UseDefaultFiles();
    app.UseStaticFiles();
    app.MapSources();
    app.MapStream();

    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupFailure.Describe(e) is { } message)
{
    Console.Error.WriteLine($"TailHub cannot start: {message}");
    return 2;
}

public partial class Program;
