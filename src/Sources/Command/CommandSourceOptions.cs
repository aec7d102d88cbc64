using TailHub.Sources.Runs;

namespace TailHub.Sources.Command;

/// <summary>A <c>command</c> source: a local process, started as an argument list (never through a shell).</summary>
public sealed class CommandSourceOptions : RunSourceOptions
{
    public CommandSourceOptions() => Type = "command";

    /// <summary>
    /// The executable and its arguments, each element one argument. An element that is exactly <c>{NAME}</c> is the
    /// value of run parameter <c>NAME</c> (left out when the run was started without it).
    /// </summary>
    public List<string> Command { get; set; } = [];

    /// <summary>Where it runs, relative to the content root; the content root when empty.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Environment variables set for it (plain values; never a secret: use <see cref="EnvFrom"/>).</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    /// <summary>Environment variables set from TailHub's own: the process's name → the name of TailHub's variable holding the value.</summary>
    public Dictionary<string, string> EnvFrom { get; set; } = [];
}
