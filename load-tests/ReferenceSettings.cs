namespace TailHub.LoadTests;

/// <summary>
/// What a scenario asks of the reference server beyond following a file (its command-line options without the
/// dashes; <see cref="ServerProcess"/> passes a reference's settings as <c>--KEY VALUE</c>).
/// </summary>
public static class ReferenceSettings
{
    /// <summary>
    /// Lines of frames kept for viewers that resume with Last-Event-ID: more than a reconnect storm of 1,000 viewers
    /// at 1,000 lines/s can miss, so the reference resumes from memory where TailHub may read its journal.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Resume = new Dictionary<string, string> { ["resume-lines"] = "100000" };

    /// <summary>A command the reference runs on <c>POST /api/sources/{source}/runs</c>.</summary>
    public static IReadOnlyDictionary<string, string> Command(string source, string shellCommand) =>
        new Dictionary<string, string> { ["command"] = $"{source}={shellCommand}" };
}
