namespace TailHub.Sources;

/// <summary>
/// One file a source follows, whatever names it has had: it is known by its identity, so a rename (inside the source's
/// glob, out of it and back, in whatever order the renames are noticed) continues it where it was, never from its start.
/// </summary>
internal sealed class TailedFile(FileFollower follower, long order)
{
    public FileFollower Follower { get; } = follower;

    public FileIdentity Identity => Follower.File.Identity;

    /// <summary>When it was opened relative to the source's other files: older files are read first.</summary>
    public long Order { get; } = order;

    /// <summary>
    /// The files its path named before it (rename rotation, delete and re-create). A writer that reopens writes
    /// everything to them before anything to this one, so each read of it is preceded by reading them to their end;
    /// one is dropped from here once it has not grown for <c>RotatedFileGrace</c>.
    /// </summary>
    public List<TailedFile> Predecessors { get; } = [];

    /// <summary>
    /// No path of the source names it any more: read until <c>RotatedFileGrace</c> after its last growth or its
    /// leaving (<see cref="RetiredAt"/>), whichever is later, then closed. Named again meanwhile (a rename seen half
    /// done), it simply continues.
    /// </summary>
    public bool Retiring { get; set; }

    public DateTimeOffset RetiredAt { get; set; }

    /// <summary>
    /// False for a file that appeared while the source was followed, until its first bytes tell whether it is a
    /// copytruncate copy of a file read already (see <see cref="CopyOf"/>) or a file of its own; it is not read before.
    /// </summary>
    public bool Classified { get; set; } = true;

    /// <summary>When it was first seen (a file that cannot be told apart within the copy window is a file of its own).</summary>
    public DateTimeOffset SeenAt { get; init; }

    /// <summary>
    /// Set while it may be a copytruncate copy of that file (it starts with the same bytes): not read until that file
    /// is seen truncated (then it continues from where that file was read to) or <see cref="CopySeen"/> is long past
    /// (then it is another file after all, read from its start).
    /// </summary>
    public TailedFile? CopyOf { get; set; }

    public DateTimeOffset CopySeen { get; set; }

    /// <summary>Set while reading it fails: said once, retried with backoff.</summary>
    public FileError? Error { get; set; }

    /// <summary>Set while it is being read, so predecessors that form a cycle (two names swapped) are read once.</summary>
    public bool Reading { get; set; }

    public bool Closed { get; set; }
}
