using System.ComponentModel.DataAnnotations;

namespace TailHub.Configuration;

/// <summary>The <c>TailHub</c> configuration section. Every limit has a safe default.</summary>
public sealed class TailHubOptions
{
    public const string Section = "TailHub";

    /// <summary>What to tail. Names become SSE event names, so they are restricted to <c>[A-Za-z0-9_-]</c>.</summary>
    public List<SourceOptions> Sources { get; set; } = [];

    /// <summary>Lines kept in memory per source for new viewers and fast resume.</summary>
    [Range(0, 1_000_000)]
    public int BacklogLines { get; set; } = 1000;

    /// <summary>How many of a file's last lines are put in the backlog when TailHub starts on an existing file.</summary>
    [Range(0, 100_000)]
    public int InitialLines { get; set; } = 100;

    /// <summary>A longer line is cut at this many bytes and marked; the rest of it is skipped, so memory stays bounded.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>Safety net under FileSystemWatcher, which can overflow or be silent on network mounts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>After a rename rotation the old file is still read this long, for writers that reopen late.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RotatedFileGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Lines are coalesced into one SSE event for at most this long while they keep coming.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Per source, the socket writes a second fanning out may take: with more viewers than <see cref="BatchInterval"/>
    /// allows for, lines are coalesced for longer (viewers ÷ this, e.g. 250 ms for 10,000 viewers) instead of using
    /// more CPU. A write costs 15–17 µs of CPU on the machine measured, so the default keeps fan-out under a core
    /// (10,000 viewers: 66 % of one).
    /// </summary>
    [Range(1_000, 10_000_000)]
    public int FanOutWritesPerSecond { get; set; } = 40_000;

    /// <summary>A batch is sent early when it holds this many lines.</summary>
    [Range(1, 100_000)]
    public int BatchMaxLines { get; set; } = 2000;

    /// <summary>A comment is sent to idle viewers this often so proxies keep the connection.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The SSE <c>retry:</c> hint, in milliseconds, telling browsers how soon to reconnect.</summary>
    [Range(100, 600_000)]
    public int ReconnectDelayMs { get; set; } = 1000;

    /// <summary>Batches queued per viewer; a viewer further behind loses its oldest batches and gets a <c>gap</c> event.</summary>
    [Range(1, 100_000)]
    public int ViewerQueueBatches { get; set; } = 256;

    /// <summary>How many file segments per source are remembered so lines older than the backlog can be read back from disk.</summary>
    [Range(16, 10_000_000)]
    public int JournalSegments { get; set; } = 100_000;

    /// <summary>
    /// Match timeout for one line of a <c>grep=</c> pattern. Patterns run on a linear-time engine, so this is a safety
    /// net; a line not decided in time is sent rather than lost.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan GrepTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Matching time one viewer's <c>grep=</c> may use per second (its share of a core); see <see cref="Streaming.GrepBudget"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan GrepBudget { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest accepted <c>grep=</c> pattern, in characters.</summary>
    [Range(1, 10_000)]
    public int GrepMaxLength { get; set; } = 1000;

    /// <summary>
    /// Whether each line is classified where it is framed: JSON, logfmt or plain, its level and its own time (for the
    /// page, <c>level=</c> and alert rules). Off, a line has a level only where it was given one (a pushed line's).
    /// </summary>
    public bool ClassifyLines { get; set; } = true;

    /// <summary>
    /// Where people reach TailHub (<c>https://logs.example.com</c>, with its path if it is served under one): links to
    /// lines in notifications start with it. Empty: the address TailHub listens on.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// Where TailHub keeps what must outlive it, relative to the content root: each source's state (its epoch, sequence
    /// and journal, so viewers resume across restarts) and what TailHub writes itself (pushed lines, build consoles).
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>TailHub's own log file, relative to the content root; empty turns it off.</summary>
    public string? LogFile { get; set; } = "logs/tailhub.log";

    /// <summary>TailHub's own log is rolled (<c>tailhub.log</c> → <c>tailhub.log.1</c>) when it would grow past this.</summary>
    [Range(1024, long.MaxValue)]
    public long LogFileMaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Files of TailHub's own log kept, the one being written included.</summary>
    [Range(1, 1000)]
    public int LogFileCount { get; set; } = 5;
}

/// <summary>
/// What every configured source has: its name and its kind. Each kind binds the same configuration section to its
/// own options (<c>FileSourceOptions</c>, <c>JenkinsSourceOptions</c>, <c>PushSourceOptions</c>).
/// </summary>
public class SourceOptions
{
    public string Name { get; set; } = "";

    /// <summary><c>file</c> (the default), <c>jenkins</c> or <c>push</c>.</summary>
    public string Type { get; set; } = "file";
}
