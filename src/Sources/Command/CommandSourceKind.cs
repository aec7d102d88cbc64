using TailHub.Sources.Runs;

namespace TailHub.Sources.Command;

/// <summary><c>"Type": "command"</c>: a local process's output, run by run, each run spooled under the source's data directory.</summary>
public sealed class CommandSourceKind : SourceKind<CommandSourceOptions>
{
    public override string Type => "command";

    protected override IEnumerable<string> Validate(CommandSourceOptions options, SourceKindContext context)
    {
        var commandLine = new CommandLine(options, context.ContentRoot);
        if (options.Command.Count == 0 || string.IsNullOrWhiteSpace(options.Command[0]))
            yield return "Command must be a list: the executable, then each argument (e.g. [\"./deploy.sh\", \"--env\", \"staging\"]); it is never run through a shell.";
        else if (!Directory.Exists(commandLine.WorkingDirectory))
            yield return $"WorkingDirectory {commandLine.WorkingDirectory} does not exist.";
        else if (commandLine.Executable is null)
            yield return options.Command[0].Contains('/')
                ? $"Command[0] '{options.Command[0]}' is not an executable file (relative to {commandLine.WorkingDirectory})."
                : $"Command[0] '{options.Command[0]}' was not found on PATH ({commandLine.SearchPath}), or is not executable.";
        else if (CommandLine.Placeholder(options.Command[0]) is not null)
            yield return "Command[0] must name the executable, not a parameter.";
        foreach (var argument in options.Command.Skip(1))
        {
            if (CommandLine.Placeholder(argument) is { } name && !options.Parameters.ContainsKey(name))
                yield return $"Command has '{argument}', but '{name}' is not in Parameters.";
        }
        foreach (var name in options.Environment.Keys.Concat(options.EnvFrom.Keys))
        {
            if (name.Length == 0 || name.Contains('=') || name.Contains('\0'))
                yield return $"Environment/EnvFrom: '{name}' is not a valid variable name.";
        }
        foreach (var (name, from) in options.EnvFrom)
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(from)))
                yield return $"EnvFrom: the environment variable '{from}' (for {name}) is not set.";
        }
        foreach (var error in RunSourceValidation.Errors(options)) yield return error;
    }

    protected override ISource Create(CommandSourceOptions options, SourceKindContext context) =>
        new RunSource(Type, options, new CommandLauncher(new CommandLine(options, context.ContentRoot)),
            Path.Combine(context.SourceDirectory(options.Name), "runs"), context.Time, context.Loggers.CreateLogger<RunSource>());
}
