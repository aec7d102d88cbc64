namespace TailHub.Sources;

/// <summary>How a file's first bytes compare with another file's.</summary>
internal enum HeadMatch
{
    Different,
    /// <summary>The candidate's bytes so far begin the other's: a copy still being written, perhaps.</summary>
    Prefix,
    /// <summary>The candidate starts with all of the other's first bytes.</summary>
    Same,
}

/// <summary>
/// What tells a copytruncate copy inside a glob from another file: its first bytes are the ones the copied file had
/// before it was truncated. Keeps the first bytes of the files truncated lately, with where each was read to.
/// </summary>
internal sealed class CopytruncateCopies
{
    private readonly List<(byte[] Head, long ResumeAt, DateTimeOffset At)> _truncated = [];

    /// <summary>Whether <paramref name="candidate"/> starts with <paramref name="head"/>, or could once more of it is written.</summary>
    public static HeadMatch Compare(ReadOnlySpan<byte> head, ReadOnlySpan<byte> candidate)
    {
        var common = Math.Min(head.Length, candidate.Length);
        if (common == 0 || !head[..common].SequenceEqual(candidate[..common])) return HeadMatch.Different;
        return candidate.Length >= head.Length ? HeadMatch.Same : HeadMatch.Prefix;
    }

    /// <summary>A file that started with <paramref name="head"/> was truncated: its copy continues at <paramref name="resumeAt"/>.</summary>
    public void Truncated(byte[] head, long resumeAt, DateTimeOffset now) => _truncated.Add((head, resumeAt, now));

    /// <summary>
    /// Where a file starting with <paramref name="candidate"/> continues, if it is the copy of a file truncated lately;
    /// <paramref name="match"/> says <see cref="HeadMatch.Prefix"/> when it might be one once more of it is written.
    /// </summary>
    public long? ResumeAt(ReadOnlySpan<byte> candidate, out HeadMatch match)
    {
        match = HeadMatch.Different;
        foreach (var (head, resumeAt, _) in _truncated)
        {
            var compared = Compare(head, candidate);
            if (compared == HeadMatch.Same)
            {
                match = compared;
                return resumeAt;
            }
            if (compared == HeadMatch.Prefix) match = compared;
        }
        return null;
    }

    /// <summary>Forgets truncations older than <paramref name="window"/>: their copies would have been seen by now.</summary>
    public void Forget(DateTimeOffset now, TimeSpan window) => _truncated.RemoveAll(t => now - t.At > window);
}
