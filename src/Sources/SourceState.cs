namespace TailHub.Sources;

public enum SourceState
{
    /// <summary>No file to read yet (missing at start, or deleted and not re-created).</summary>
    Waiting,
    /// <summary>At least one file is being read (others may be in error: see <see cref="FollowedFile.Error"/>).</summary>
    Following,
    /// <summary>No file can be read: opening or reading them failed; each is retried with backoff.</summary>
    Error,
}

/// <summary>A file a source is reading, or cannot read (<see cref="Error"/>), for <c>/api/sources</c> and health.</summary>
public sealed record FollowedFile(string Path, long Offset, string Identity, bool Rotated, string? Error = null);

/// <summary>What a source is doing now; replaced as a whole on every change so readers never see half an update.</summary>
public sealed record SourceStatus(SourceState State, IReadOnlyList<FollowedFile> Files, string? Message)
{
    public static readonly SourceStatus Starting = new(SourceState.Waiting, [], "starting");
}
