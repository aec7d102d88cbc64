namespace TailHub.Configuration;

/// <summary>
/// Turns repeatable <c>--source name=path</c> (or <c>name=-</c> for standard input) arguments into configuration keys appended after the configured sources,
/// so that they flow through the same binding and validation as <c>appsettings.json</c>.
/// </summary>
public static class CommandLineSources
{
    // Far above any index a settings file uses, so command-line sources come after configured ones.
    private const int FirstIndex = 10_000;

    public static (string[] RemainingArgs, Dictionary<string, string?> Settings) Extract(string[] args)
    {
        var remaining = new List<string>(args.Length);
        var settings = new Dictionary<string, string?>();
        var index = FirstIndex;
        for (var i = 0; i < args.Length; i++)
        {
            string? value = null;
            if (args[i] == "--source" && i + 1 < args.Length) value = args[++i];
            else if (args[i].StartsWith("--source=", StringComparison.Ordinal)) value = args[i]["--source=".Length..];
            else if (args[i] == "--source") throw new StartupException("--source needs a value: --source name=path");

            if (value is null) { remaining.Add(args[i]); continue; }

            var eq = value.IndexOf('=');
            if (eq <= 0 || eq == value.Length - 1)
                throw new StartupException($"--source '{value}' is not of the form name=path");
            settings[$"{TailHubOptions.Section}:Sources:{index}:Name"] = value[..eq];
            if (value[(eq + 1)..] == "-")
            {
                // name=- : standard input, as a push source (its lines are spooled like pushed ones).
                settings[$"{TailHubOptions.Section}:Sources:{index}:Type"] = "push";
                settings[$"{TailHubOptions.Section}:Sources:{index}:Stdin"] = "true";
            }
            else
            {
                settings[$"{TailHubOptions.Section}:Sources:{index}:Path"] = value[(eq + 1)..];
            }
            index++;
        }
        return (remaining.ToArray(), settings);
    }
}
