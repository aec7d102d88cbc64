namespace TailHub.Tests.Support;

/// <summary>Small executable shell scripts written into a test's folder: real child processes for command sources.</summary>
public static class Scripts
{
    /// <summary>Writes <paramref name="body"/> as an executable <c>/bin/sh</c> script and returns its path.</summary>
    public static string Write(TempFolder folder, string name, string body)
    {
        var path = folder.PathOf(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body.Replace("\r\n", "\n") + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        return path;
    }
}
