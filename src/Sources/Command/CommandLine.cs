namespace TailHub.Sources.Command;

/// <summary>
/// What a run of a command source executes: the resolved executable, its arguments with run parameters put in as
/// whole arguments, where, and with which environment. Nothing is ever passed through a shell.
/// </summary>
/// <remarks>
/// The process does not inherit TailHub's environment, which may hold API keys and tokens: it gets only the
/// variables a process needs to behave (<see cref="Inherited"/>), those configured, and the run's parameters.
/// </remarks>
public sealed class CommandLine(CommandSourceOptions options, string contentRoot)
{
    /// <summary>TailHub's variables a command gets, besides <c>LC_*</c>.</summary>
    public static readonly IReadOnlyList<string> Inherited = ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TERM"];

    public string WorkingDirectory { get; } = Path.GetFullPath(string.IsNullOrWhiteSpace(options.WorkingDirectory) ? "." : options.WorkingDirectory, contentRoot);

    /// <summary>The PATH the process gets (and its executable is looked up on).</summary>
    public string? SearchPath => options.Environment.GetValueOrDefault("PATH") ?? System.Environment.GetEnvironmentVariable("PATH");

    /// <summary>The executable's full path, or null when it is not there (or not executable).</summary>
    public string? Executable => options.Command.Count == 0 ? null : ExecutableResolver.Find(options.Command[0], WorkingDirectory, SearchPath);

    /// <summary>The command as configured, for people: arguments joined by spaces (placeholders as written).</summary>
    public string Display => string.Join(' ', options.Command);

    /// <summary>The arguments after the executable; an argument <c>{NAME}</c> is the parameter's value, left out without one.</summary>
    public List<string> Arguments(IReadOnlyDictionary<string, string> parameters)
    {
        var arguments = new List<string>(options.Command.Count);
        foreach (var argument in options.Command.Skip(1))
        {
            if (Placeholder(argument) is { } name)
            {
                if (parameters.TryGetValue(name, out var value)) arguments.Add(value);
                continue;
            }
            arguments.Add(argument);
        }
        return arguments;
    }

    /// <summary>The process's whole environment: the inherited basics, the configured values, the secrets named by EnvFrom, the parameters.</summary>
    public Dictionary<string, string> Environment(IReadOnlyDictionary<string, string> parameters)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry variable in System.Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            if (Inherited.Contains(name) || name.StartsWith("LC_", StringComparison.Ordinal)) environment[name] = (string)variable.Value!;
        }
        foreach (var (name, value) in options.Environment) environment[name] = value;
        foreach (var (name, from) in options.EnvFrom)
        {
            if (System.Environment.GetEnvironmentVariable(from) is { } value) environment[name] = value;
        }
        foreach (var (name, value) in parameters) environment[name] = value;
        return environment;
    }

    /// <summary>The parameter an argument stands for (<c>{NAME}</c>), or null for a plain argument.</summary>
    public static string? Placeholder(string argument) =>
        argument.Length > 2 && argument[0] == '{' && argument[^1] == '}' && argument.AsSpan(1, argument.Length - 2).IndexOfAny('{', '}') < 0
            ? argument[1..^1]
            : null;
}
