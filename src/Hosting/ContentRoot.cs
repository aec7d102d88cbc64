namespace TailHub.Hosting;

/// <summary>
/// Where TailHub finds <c>wwwroot/</c> and <c>appsettings.json</c>, and what relative paths in configuration are
/// relative to. ASP.NET Core's default is the current directory, which breaks TailHub started from anywhere else (no
/// page, no configuration). So unless configured (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c>,
/// <c>DOTNET_CONTENTROOT</c>) it is the application's own folder, where the build copies both, or, when started from
/// the source tree (<c>dotnet run --project TailHub.csproj</c> in the project folder), that folder, so its
/// <c>logs/</c> and <c>data/</c> stay beside the sources.
/// </summary>
public static class ContentRoot
{
    private const string Key = "contentRoot";

    /// <summary>The content root to use, or null when one is configured.</summary>
    public static string? Default(string[] args)
    {
        var configured = new ConfigurationBuilder()
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables("DOTNET_")
            .AddCommandLine(args)
            .Build();
        if (!string.IsNullOrEmpty(configured[Key])) return null;

        var current = Environment.CurrentDirectory;
        return File.Exists(Path.Combine(current, "TailHub.csproj")) ? current : AppContext.BaseDirectory;
    }
}
