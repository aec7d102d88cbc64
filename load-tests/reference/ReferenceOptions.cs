using System.Globalization;

namespace TailHub.Reference;

/// <summary>
/// The reference server's command line: where to listen, which file to tail, how long to batch, and for the
/// scenarios beyond following a file: how many lines to keep for resuming viewers, and a command to run on request.
/// </summary>
public sealed record ReferenceOptions(int Port, string SourceName, string Path, int BatchMs, int ResumeLines, string? CommandSource, string? Command)
{
    public const string Usage =
        "usage: TailHub.Reference --urls http://127.0.0.1:PORT --source NAME=PATH [--batch-ms 50] [--resume-lines N] [--command NAME=SHELL-COMMAND]";

    public static ReferenceOptions? Parse(string[] args)
    {
        int? port = null;
        string? name = null, path = null, commandSource = null, command = null;
        var batchMs = 50;
        var resumeLines = 0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--urls" when Uri.TryCreate(value, UriKind.Absolute, out var uri):
                    port = uri.Port;
                    break;
                case "--source" when value.IndexOf('=') is > 0 and var eq:
                    (name, path) = (value[..eq], value[(eq + 1)..]);
                    break;
                case "--batch-ms" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0:
                    batchMs = ms;
                    break;
                case "--resume-lines" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var lines):
                    resumeLines = lines;
                    break;
                case "--command" when value.IndexOf('=') is > 0 and var eq:
                    (commandSource, command) = (value[..eq], value[(eq + 1)..]);
                    break;
                default:
                    return null;
            }
        }
        return args.Length % 2 == 0 && port is { } p && name is not null && path is not null
            ? new ReferenceOptions(p, name, path, batchMs, resumeLines, commandSource, command)
            : null;
    }
}
