using TailHub.Sources.Push;

namespace TailHub.Sources;

/// <summary>A source whose lines are sent to it (<c>PUT/POST /api/sources/{name}/lines</c>).</summary>
public interface IAcceptsPushedLines
{
    /// <summary>Where the source's pushed stream ends: the bytes it has accepted (what <c>HEAD</c> answers as <c>Upload-Offset</c>).</summary>
    long Offset { get; }

    /// <summary>
    /// Starts a streamed upload whose body begins at byte <paramref name="startsAt"/> of the pushed stream (the end
    /// when null): bytes the source already has are skipped. Null when <paramref name="startsAt"/> is past the end
    /// (a hole), which the caller answers with 416 and <see cref="Offset"/>.
    /// </summary>
    ValueTask<PushUpload?> BeginUploadAsync(long? startsAt, string writer, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="writer"/> may push now, or must wait this long (it is over its rate limit).</summary>
    TimeSpan? RetryAfter(string writer);

    /// <summary>Adds lines sent as JSON, each framed and masked like any other.</summary>
    ValueTask<PushResult> AddLinesAsync(IReadOnlyList<PushedLine> lines, string writer, CancellationToken cancellationToken);
}
