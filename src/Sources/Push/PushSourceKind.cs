using Microsoft.Extensions.Logging;

namespace TailHub.Sources.Push;

/// <summary><c>"Type": "push"</c>: lines sent over HTTP or read from standard input, kept in a spool.</summary>
public sealed class PushSourceKind : SourceKind<PushSourceOptions>
{
    public override string Type => "push";

    protected override IEnumerable<string> Validate(PushSourceOptions options, SourceKindContext context)
    {
        if (options.MaxLinesPerSecond < 0) yield return "MaxLinesPerSecond must be 0 (no limit) or more.";
        if (options.SpoolFileBytes < 1024 * 1024) yield return "SpoolFileBytes must be at least 1 MiB.";
    }

    protected override ISource Create(PushSourceOptions options, SourceKindContext context) =>
        new PushSource(options, Path.Combine(context.SourceDirectory(options.Name), "spool"), context.Time, context.Loggers.CreateLogger<PushSource>());
}
