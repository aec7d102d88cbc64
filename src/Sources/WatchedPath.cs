namespace TailHub.Sources;

/// <summary>A path the source's <c>Path</c> names (the file, or a glob's match) and what it is known to name now.</summary>
internal sealed class WatchedPath(string path)
{
    public string Path { get; } = path;

    /// <summary>The file the path names, once opened.</summary>
    public TailedFile? Current { get; set; }

    /// <summary>
    /// Files the path named before, not yet handed to a successor: the next file it names is read only after them
    /// (a writer that reopens wrote to them first), however long the path had no file in between.
    /// </summary>
    public List<TailedFile> Previous { get; } = [];

    /// <summary>A compressed file the path names (found by its first bytes): not tailed.</summary>
    public FileIdentity? Skipped { get; set; }

    /// <summary>Whether viewers were told the path has no file (said once until a file appears).</summary>
    public bool SaidWaiting { get; set; }

    /// <summary>Set while opening the path's file fails: said once, retried with backoff.</summary>
    public FileError? Error { get; set; }
}
