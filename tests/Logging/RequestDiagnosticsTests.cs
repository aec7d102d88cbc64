using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TailHub.Tests.Support;

namespace TailHub.Tests.Logging;

/// <summary>ASP.NET Core's per-request diagnostics (an Activity and a log scope held by every open stream) are off unless configured.</summary>
public sealed class RequestDiagnosticsTests
{
    private const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task Per_request_diagnostics_are_off_by_default()
    {
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" });

        var logger = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);

        Assert.False(logger.IsEnabled(LogLevel.Critical));
    }

    [Fact]
    public async Task Per_request_diagnostics_follow_the_level_configuration_gives_them()
    {
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" },
            new Dictionary<string, string?> { [$"Logging:LogLevel:{Category}"] = "Information" });

        var logger = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);

        Assert.True(logger.IsEnabled(LogLevel.Information));
    }
}
