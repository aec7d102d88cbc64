namespace TailHub.Sources.Command;

/// <summary>Finds the file a command's first element names, as a shell would: a path as given, a bare name on <c>PATH</c>.</summary>
public static class ExecutableResolver
{
    /// <summary>The full path of the executable, or null. A name with a <c>/</c> is relative to <paramref name="workingDirectory"/>.</summary>
    public static string? Find(string command, string workingDirectory, string? path)
    {
        if (command.Contains('/')) return IsExecutable(Path.GetFullPath(command, workingDirectory));
        foreach (var dir in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Path.IsPathRooted(dir)) continue;
            if (IsExecutable(Path.Combine(dir, command)) is { } found) return found;
        }
        return null;
    }

    private static string? IsExecutable(string file)
    {
        if (!File.Exists(file)) return null;
        if (OperatingSystem.IsWindows()) return file;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(file) & anyExecute) != 0 ? file : null;
    }
}
