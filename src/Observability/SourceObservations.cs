using TailHub.Hosting;
using TailHub.Sources;

namespace TailHub.Observability;

/// <summary>
/// What a scrape says about each source beyond its counters, read from what the pipeline keeps anyway: its state,
/// how long since it read a line, how far behind its files' ends it is, how much waits in its viewers' queues, and
/// for a Jenkins source the build's state. Enough to tell which source is stuck, and where.
/// </summary>
public static class SourceObservations
{
    /// <summary>The states a source can be in, one series each (1 for the current one).</summary>
    public static readonly string[] States = Enum.GetNames<SourceState>().Select(s => s.ToLowerInvariant()).ToArray();

    /// <summary>The states a Jenkins source's build can be in (see <see cref="Sources.Jenkins.JenkinsBuildStatus"/>).</summary>
    public static readonly string[] BuildStates = ["starting", "waiting", "queued", "running", "finished", "cancelled", "deleted", "error"];

    public static string StateOf(LiveSource source) => source.Source.Status.State.ToString().ToLowerInvariant();

    public static double IdleSeconds(LiveSource source, TimeProvider time) => time.GetElapsedTime(source.Source.Counters.LastLineTimestamp).TotalSeconds;

    /// <summary>
    /// Bytes in the files it follows that the source has not read yet, as of the tailer's last look (its offsets are
    /// refreshed on each poll). A rotated-away file is counted only while its path still names it.
    /// </summary>
    public static long BytesBehind(LiveSource source) => BytesBehind(source.Source.Status);

    /// <inheritdoc cref="BytesBehind(LiveSource)"/>
    public static long BytesBehind(SourceStatus status)
    {
        long behind = 0;
        foreach (var file in status.Files)
        {
            if (FileStat.OfPath(file.Path) is not { } stat || stat.Identity.ToString() != file.Identity) continue;
            behind += Math.Max(0, stat.Size - file.Offset);
        }
        return behind;
    }

    /// <summary>Events waiting in the source's viewers' queues: all of them together, and the most one viewer has.</summary>
    public static (long Total, long Deepest) QueuedEvents(LiveSource source)
    {
        long total = 0, deepest = 0;
        foreach (var viewer in source.Broadcaster.Viewers)
        {
            var queued = viewer.Frames.Count;
            total += queued;
            deepest = Math.Max(deepest, queued);
        }
        return (total, deepest);
    }
}
