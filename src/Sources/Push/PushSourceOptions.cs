using TailHub.Configuration;

namespace TailHub.Sources.Push;

/// <summary>A <c>push</c> source: lines sent to <c>/api/sources/{name}/lines</c> (or standard input), kept in its spool.</summary>
public sealed class PushSourceOptions : SourceOptions
{
    public PushSourceOptions() => Type = "push";

    /// <summary>Read TailHub's standard input as this source (<c>--source name=-</c>).</summary>
    public bool Stdin { get; set; }

    /// <summary>Lines per second one writer (client address or key) may push; 0 for no limit. A streaming upload over it is slowed down; a request when its allowance is spent gets 429.</summary>
    public int MaxLinesPerSecond { get; set; }

    /// <summary>A spool file is closed and a new one started at this size, so retention can remove old ones whole.</summary>
    public long SpoolFileBytes { get; set; } = 64L * 1024 * 1024;
}
