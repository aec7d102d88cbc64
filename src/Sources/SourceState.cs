namespace TailHub.Sources;

public enum SourceState
{
    /// <summary>No file to read yet (missing at start, or deleted and not re-created).</summary>
    Waiting,
    /// <summary>At least one file is being read.</summary>
    Following,
    /// <summary>The last attempt to read failed; it is retried on every poll.</summary>
    Error,
}

/// <summary>A file a source is reading, for <c>/api/sources</c>.</summary>
public sealed record FollowedFile(string Path, long Offset, string Identity, bool Rotated);

/// <summary>What a source is doing now; replaced as a whole on every change so readers never see half an update.</summary>
public sealed record SourceStatus(SourceState State, IReadOnlyList<FollowedFile> Files, string? Message)
{
    public static readonly SourceStatus Starting = new(SourceState.Waiting, [], "starting");
}
