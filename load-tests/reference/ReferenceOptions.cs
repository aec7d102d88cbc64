using System.Globalization;

namespace TailHub.Reference;

/// <summary>The reference server's command line: where to listen, which file to tail, how long to batch.</summary>
public sealed record ReferenceOptions(int Port, string SourceName, string Path, int BatchMs)
{
    public static ReferenceOptions? Parse(string[] args)
    {
        int? port = null;
        string? name = null, path = null;
        var batchMs = 50;
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
                default:
                    return null;
            }
        }
        return port is { } p && name is not null && path is not null ? new ReferenceOptions(p, name, path, batchMs) : null;
    }
}
