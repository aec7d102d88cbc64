namespace TailHub.Sources.Jenkins;

/// <summary>
/// What a Jenkins source is doing, for <c>/api/sources</c>: <c>starting</c>, <c>waiting</c> (for a build to exist),
/// <c>queued</c>, <c>running</c>, <c>finished</c> (with its result), <c>cancelled</c>, <c>deleted</c> or <c>error</c>.
/// Replaced as a whole on every change.
/// </summary>
public sealed record JenkinsBuildStatus(string State, int? Number, string? Result, long? QueueId, string? Url, string? Message)
{
    public static readonly JenkinsBuildStatus Starting = new("starting", null, null, null, null, null);
}
