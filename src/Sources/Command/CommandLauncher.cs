using System.ComponentModel;
using CliWrap;
using TailHub.Pipeline;
using TailHub.Sources.Runs;

namespace TailHub.Sources.Command;

/// <summary>
/// Runs a command source's process with CliWrap: an argument list (no shell), both pipes read at once into the run's
/// output for as long as they are open, the polite stop sent as SIGTERM to the process and what it started, and
/// the kill after the grace period to the whole process tree.
/// </summary>
public sealed class CommandLauncher(CommandLine commandLine) : IRunLauncher
{
    public string Target => commandLine.Display;

    public async Task<RunExit> RunAsync(RunContext run)
    {
        var executable = commandLine.Executable
            ?? throw new RunLaunchException($"'{commandLine.Display.Split(' ')[0]}' is not an executable file (looked for it {(commandLine.Display.Contains('/') ? $"relative to {commandLine.WorkingDirectory}" : "on PATH")}).");
        if (!Directory.Exists(commandLine.WorkingDirectory))
            throw new RunLaunchException($"the working directory {commandLine.WorkingDirectory} does not exist.");
        var environment = commandLine.Environment(run.Parameters);
        var command = Cli.Wrap(executable)
            .WithArguments(commandLine.Arguments(run.Parameters))
            .WithWorkingDirectory(commandLine.WorkingDirectory)
            .WithStandardOutputPipe(PipeTarget.Create((stream, ct) => run.Output.ReadFromAsync(stream, LineStream.Stdout, ct)))
            .WithStandardErrorPipe(PipeTarget.Create((stream, ct) => run.Output.ReadFromAsync(stream, LineStream.Stderr, ct)))
            .WithValidation(CommandResultValidation.None);

        CommandTask<CommandResult> task;
        try
        {
            // Only the environment the command line chose: TailHub's own variables may hold secrets.
            task = command.ExecuteAsync(start => Replace(start.Environment, environment), _ => { }, run.Kill, CancellationToken.None);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            throw new RunLaunchException($"cannot start {executable}: {e.Message}", e);
        }
        var pid = task.ProcessId;
        try
        {
            await run.StartedAsync();
        }
        catch
        {
            Signals.SendToTree(pid, Signals.Kill);
            throw;
        }
        await using var terminate = run.Terminate.Register(() => Signals.SendToTree(pid, Signals.Term));
        // The kill reaches what the process started too, even what outlived it and still holds its output open.
        await using var kill = run.Kill.Register(() => Signals.SendToTree(pid, Signals.Kill));
        var result = await task;
        return RunExit.Exited(result.ExitCode);
    }

    private static void Replace(IDictionary<string, string?> target, Dictionary<string, string> environment)
    {
        target.Clear();
        foreach (var (name, value) in environment) target[name] = value;
    }
}
