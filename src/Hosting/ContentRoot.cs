namespace TailHub.Hosting;

/// <summary>
/// What relative paths in configuration are relative to, and so where TailHub's own log (<c>logs/</c>) and its
/// sources' state (<c>data/</c>) go. ASP.NET Core's default is the current directory, which would make them depend
/// on where TailHub was started. So unless configured (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c>,
/// <c>DOTNET_CONTENTROOT</c>) it is the project folder when started from the source tree (<c>dotnet run --project
/// TailHub.csproj</c> there), and otherwise, installed, the user's <see cref="StateFolder"/>; the page and the shipped
/// settings then come from inside TailHub itself (<see cref="ShippedFiles"/>).
/// </summary>
public sealed record ContentRoot(string? Path, bool IsStateFolder)
{
    private const string Key = "contentRoot";

    /// <summary>The content root to use; its path is null when one is configured.</summary>
    public static ContentRoot Default(string[] args)
    {
        var configured = new ConfigurationBuilder()
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables("DOTNET_")
            .AddCommandLine(args)
            .Build();
        if (!string.IsNullOrEmpty(configured[Key])) return new ContentRoot(null, false);

        var current = Environment.CurrentDirectory;
        return File.Exists(System.IO.Path.Combine(current, "TailHub.csproj"))
            ? new ContentRoot(current, false)
            : new ContentRoot(StateFolder.Resolve(Environment.GetEnvironmentVariable), true);
    }
}
