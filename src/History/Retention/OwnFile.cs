using System.Text.RegularExpressions;

namespace TailHub.History.Retention;

/// <summary>
/// One of the files TailHub writes for a source: a run's output or a build's console (<c>runs/{n}.log</c>,
/// <c>builds/{n}.log</c>) or a push spool segment (<c>spool/spool-{n}.log</c>), possibly compressed (<c>.gz</c>).
/// </summary>
public sealed partial record OwnFile(string Path, int Number, bool Compressed, long Bytes, DateTimeOffset LastWrite)
{
    /// <summary>The folders under a source's data directory that hold its own files.</summary>
    public static readonly string[] Folders = ["runs", "builds", "spool"];

    [GeneratedRegex(@"^(?:spool-)?(\d{1,9})\.log(\.gz)?$")]
    private static partial Regex Name();

    /// <summary>The path the file was written under (without <c>.gz</c>): what the journal names it by.</summary>
    public string WrittenPath => Compressed ? Path[..^3] : Path;

    /// <summary>The source's own files in <paramref name="folder"/>, oldest (lowest number) first.</summary>
    public static List<OwnFile> In(string folder)
    {
        var files = new List<OwnFile>();
        if (!Directory.Exists(folder)) return files;
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            var match = Name().Match(System.IO.Path.GetFileName(path));
            if (!match.Success) continue;
            var info = new FileInfo(path);
            if (!info.Exists) continue;
            files.Add(new OwnFile(path, int.Parse(match.Groups[1].ValueSpan), match.Groups[2].Success, info.Length, info.LastWriteTimeUtc));
        }
        // A file and its compressed copy both present (a compression interrupted): the plain one is the one kept.
        return files.GroupBy(f => f.Number).Select(g => g.OrderBy(f => f.Compressed).First()).OrderBy(f => f.Number).ToList();
    }
}
