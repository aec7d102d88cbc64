using System.ComponentModel.DataAnnotations;

namespace TailHub.History;

/// <summary>The <c>TailHub:History</c> section: how much one history request may ask for.</summary>
public sealed class HistoryOptions
{
    public const string Section = "TailHub:History";

    /// <summary>Records in a page of <c>/lines</c> when the request gives no <c>limit</c>.</summary>
    [Range(1, 1_000_000)]
    public int DefaultPageLines { get; set; } = 1000;

    /// <summary>The largest <c>limit</c> (and <c>from</c>…<c>to</c> span) one <c>/lines</c> request may ask for.</summary>
    [Range(1, 1_000_000)]
    public int MaxPageLines { get; set; } = 10_000;

    /// <summary>How many records back <c>since=</c> may start the live stream; older times are read with <c>/lines</c>.</summary>
    [Range(0, 10_000_000)]
    public int MaxStreamReplayLines { get; set; } = 100_000;

    /// <summary>Hits one search returns when it gives no <c>limit</c>.</summary>
    [Range(1, 100_000)]
    public int DefaultSearchHits { get; set; } = 100;

    /// <summary>The largest <c>limit</c> of one search; it then ends with a cursor to continue.</summary>
    [Range(1, 100_000)]
    public int MaxSearchHits { get; set; } = 1000;

    /// <summary>Lines of context given before and after each hit when the request gives no <c>context</c>, and its maximum ×5.</summary>
    [Range(0, 20)]
    public int SearchContextLines { get; set; } = 2;

    /// <summary>How long one line may take to match; a pattern slower than this ends the search with an error.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan SearchMatchTimeout { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long one search request may scan; it then ends with a cursor to continue from where it got to.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan SearchMaxDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A search reports how far it got at least this often while it finds nothing.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan SearchProgressInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often each source's <c>Retention</c> is applied to the files TailHub writes for it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest accepted search pattern, in characters.</summary>
    [Range(1, 10_000)]
    public int SearchMaxPatternLength { get; set; } = 1000;
}
