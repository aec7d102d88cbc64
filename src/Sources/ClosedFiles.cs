namespace TailHub.Sources;

/// <summary>
/// Files a source closed lately (they left its paths and their grace period ended), by identity, with where each was
/// read to and its fingerprint: one its paths name again continues there, never from its start. The fingerprint tells
/// it from a new file that got a deleted one's inode number. The last <see cref="Remembered"/> are kept.
/// </summary>
internal sealed class ClosedFiles
{
    public const int Remembered = 1024;

    private readonly Dictionary<FileIdentity, (long Offset, FileHead Head, long Closing)> _closed = [];
    private readonly Queue<(FileIdentity Identity, long Closing)> _order = new();
    private long _closings;

    public void Remember(FileFollower follower)
    {
        var closing = ++_closings;
        _closed[follower.File.Identity] = (follower.Offset, follower.File.Head, closing);
        _order.Enqueue((follower.File.Identity, closing));
        while (_order.Count > Remembered)
        {
            // An identity closed again since is forgotten by its latest closing only.
            var (oldest, when) = _order.Dequeue();
            if (_closed.TryGetValue(oldest, out var entry) && entry.Closing == when) _closed.Remove(oldest);
        }
    }

    /// <summary>Where to continue the file <paramref name="follower"/> opened, if it is one closed before and still starts as it did.</summary>
    public long? Recall(FileFollower follower) =>
        _closed.Remove(follower.File.Identity, out var closed) && closed.Head.Matches(follower.HeadBytes) ? closed.Offset : null;
}
