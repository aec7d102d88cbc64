namespace TailHub.HeapCensus;

/// <summary>A command and its <c>--name value</c> pairs: enough for a two-command diagnostic tool.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public string Command { get; private init; } = "";

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public static Options Parse(string[] args)
    {
        var options = new Options { Command = args.Length > 0 ? args[0] : "" };
        for (var i = 1; i + 1 < args.Length; i += 2) options._values[args[i]] = args[i + 1];
        return options;
    }
}
