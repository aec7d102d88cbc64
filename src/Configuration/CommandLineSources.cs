namespace TailHub.Configuration;

/// <summary>
/// Turns repeatable <c>--source name=path</c> (or <c>name=-</c> for standard input) arguments into the sources TailHub
/// reads, in the same configuration keys as <c>appsettings.json</c>'s, so they go through the same binding and
/// validation. Given on the command line, they replace the sources configured anywhere else (the shipped default
/// <c>logs</c> included): someone who names what to tail wants to see that, not that and TailHub's own log.
/// </summary>
public static class CommandLineSources
{
    /// <summary>The configuration section the command-line sources replace.</summary>
    public const string Section = $"{TailHubOptions.Section}:Sources";

    /// <param name="currentDirectory">What a relative path on the command line is relative to, as for any command.</param>
    public static (string[] RemainingArgs, Dictionary<string, string?> Settings) Extract(string[] args, string currentDirectory)
    {
        var remaining = new List<string>(args.Length);
        var settings = new Dictionary<string, string?>();
        var index = 0;
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
            settings[$"{Section}:{index}:Name"] = value[..eq];
            var path = value[(eq + 1)..];
            if (path == "-")
            {
                // name=- : standard input, as a push source (its lines are spooled like pushed ones).
                settings[$"{Section}:{index}:Type"] = "push";
                settings[$"{Section}:{index}:Stdin"] = "true";
            }
            else
            {
                settings[$"{Section}:{index}:Path"] = Path.GetFullPath(path, currentDirectory);
            }
            index++;
        }
        return (remaining.ToArray(), settings);
    }

    /// <summary>
    /// Adds the command-line sources as the last configuration provider and, when there are any, hides the
    /// <c>TailHub:Sources</c> every earlier provider holds (settings files, environment, <c>--TailHub:Sources:…</c>).
    /// </summary>
    public static void AddCommandLineSources(this IConfigurationManager configuration, Dictionary<string, string?> sources)
    {
        if (sources.Count == 0) return;
        for (var i = 0; i < configuration.Sources.Count; i++)
            configuration.Sources[i] = new SectionHidingSource(configuration.Sources[i], Section);
        configuration.AddInMemoryCollection(sources);
    }
}
