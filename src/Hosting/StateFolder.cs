namespace TailHub.Hosting;

/// <summary>
/// Where an installed TailHub (the .NET tool, the single-file binary, the container) keeps what it writes: its own
/// log and its sources' state. Not inside the installation, which may be read-only and is replaced on update, and
/// not the current directory, which would scatter <c>logs/</c> and <c>data/</c> into whatever folder it was started
/// from and lose the sources' state when started from another. A per-user folder instead, as the XDG base-directory
/// specification puts state that outlives a restart: <c>$STATE_DIRECTORY</c> when systemd gives one
/// (<c>StateDirectory=</c>; the container image sets it to <c>/data</c>), else <c>$XDG_STATE_HOME/tailhub</c>, else
/// <c>~/.local/state/tailhub</c> (<c>%LOCALAPPDATA%\TailHub</c> on Windows).
/// </summary>
public static class StateFolder
{
    /// <summary>The state folder for these environment variables (created when missing).</summary>
    public static string Resolve(Func<string, string?> environment)
    {
        var folder = Locate(environment);
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Configuration.StartupException(
                $"cannot keep state in '{folder}' ({e.Message}); set STATE_DIRECTORY or --contentRoot to a writable folder.");
        }
        return folder;
    }

    private static string Locate(Func<string, string?> environment)
    {
        // systemd may list several folders separated by ':'; TailHub names one in StateDirectory=.
        if (NonEmpty(environment("STATE_DIRECTORY")) is { } systemd) return Path.GetFullPath(systemd.Split(':')[0]);
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "TailHub");
        if (NonEmpty(environment("XDG_STATE_HOME")) is { } xdg && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "tailhub");
        var home = NonEmpty(environment("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(home))
            throw new Configuration.StartupException("no home folder to keep state in; set STATE_DIRECTORY or --contentRoot.");
        return Path.Combine(home, ".local", "state", "tailhub");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
