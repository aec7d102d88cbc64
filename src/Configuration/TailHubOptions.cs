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

    /// <summary>Match timeout for <c>grep=</c> patterns.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan GrepTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest accepted <c>grep=</c> pattern, in characters.</summary>
    [Range(1, 10_000)]
    public int GrepMaxLength { get; set; } = 1000;

    /// <summary>Where TailHub keeps what it fetches (Jenkins consoles), relative to the content root.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>TailHub's own log file, relative to the content root; empty turns it off.</summary>
    public string? LogFile { get; set; } = "logs/tailhub.log";
}

/// <summary>One configured source.</summary>
public sealed class SourceOptions
{
    public string Name { get; set; } = "";

    /// <summary>A file or a glob (<c>*</c>, <c>?</c>, <c>**</c>) over file names; relative paths are from the content root.</summary>
    public string Path { get; set; } = "";

    /// <summary>
    /// A file source's rotated files, when they leave the directory (logrotate's <c>olddir</c>): a glob such as
    /// <c>/var/log/app/old/app.log-*</c>. A file rotated there is said to be rotated, not deleted, and its lines are
    /// read back from there on resume, or from its gzip file once compressed.
    /// </summary>
    public string? RotatedFiles { get; set; }

    /// <summary><c>file</c> (the default) or <c>jenkins</c>.</summary>
    public string Type { get; set; } = "file";

    /// <summary>Jenkins: the root URL, e.g. <c>https://jenkins.example.com</c> (a context path such as <c>/jenkins</c> may follow).</summary>
    public string? Url { get; set; }

    /// <summary>Jenkins: the job's full name; folders are separated by <c>/</c> (<c>team/service/main</c>).</summary>
    public string? Job { get; set; }

    /// <summary>Jenkins: <c>lastBuild</c> (the default) or a build number.</summary>
    public string Build { get; set; } = "lastBuild";

    /// <summary>Jenkins: the user ID whose API token is in <see cref="TokenEnv"/>; both empty means anonymous.</summary>
    public string? User { get; set; }

    /// <summary>Jenkins: the name of the environment variable holding the API token (never the token itself).</summary>
    public string? TokenEnv { get; set; }

    /// <summary>Jenkins: when a build ends, wait for the job's next build and follow it too.</summary>
    public bool Follow { get; set; }

    /// <summary>Jenkins: how often the console, the build and the queue are polled; also the first retry delay.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Jenkins: one HTTP attempt gives up after this long and is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
