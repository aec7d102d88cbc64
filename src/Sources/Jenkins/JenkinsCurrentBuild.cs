using System.Globalization;

namespace TailHub.Sources.Jenkins;

/// <summary>
/// <c>current.log</c>, a symlink to the build file being followed. The source's FileTailer follows this one stable
/// path; pointing it at the next build is an atomic rename over the link, which the tailer already handles as a
/// rotation (the old build is read to its end first). After a restart the link says which build to resume.
/// </summary>
public static class JenkinsCurrentBuild
{
    public const string FileName = "current.log";

    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>The build <c>current.log</c> points at, or null.</summary>
    public static int? Read(string directory)
    {
        try
        {
            var target = new FileInfo(PathIn(directory)).LinkTarget;
            if (target is null) return null;
            var name = Path.GetFileNameWithoutExtension(target);
            return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
        catch (IOException) { return null; }
    }

    /// <summary>Points <c>current.log</c> at build <paramref name="number"/>'s file, which must exist.</summary>
    public static void Point(string directory, int number)
    {
        var temp = Path.Combine(directory, $".{FileName}.{Environment.ProcessId}.tmp");
        File.Delete(temp);
        // Relative, so the data directory can be moved as a whole.
        File.CreateSymbolicLink(temp, Path.GetFileName(JenkinsBuildFile.LogPath(directory, number)));
        File.Move(temp, PathIn(directory), overwrite: true);
    }
}
