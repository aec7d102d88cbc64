using TailHub.Sources.Jenkins;

namespace TailHub.Sources;

/// <summary>A source that can start a build of what it follows and follow exactly that build (<c>POST /api/sources/{name}/builds</c>).</summary>
public interface ITriggersBuilds
{
    /// <summary>The build being followed, or what the source waits for.</summary>
    JenkinsBuildStatus Build { get; }

    /// <summary>Queues a build with <paramref name="parameters"/>; its outcome (the build number) completes when it is assigned.</summary>
    Task<TriggeredBuild> TriggerAsync(IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken);
}
