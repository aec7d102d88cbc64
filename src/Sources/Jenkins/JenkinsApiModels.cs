using System.Text.Json.Serialization;

namespace TailHub.Sources.Jenkins;

/// <summary><c>{build}api/json</c>, the fields a follower needs.</summary>
public sealed record JenkinsBuildInfo(
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("building")] bool Building,
    [property: JsonPropertyName("inProgress")] bool? InProgress,
    [property: JsonPropertyName("result")] string? Result,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("queueId")] long QueueId,
    [property: JsonPropertyName("duration")] long? Duration = null)
{
    /// <summary>Neither building nor in post-production: its log is complete (jenkins-api.md §5).</summary>
    public bool Completed => !Building && InProgress != true;
}

/// <summary>A build as listed by <c>{job}api/json?tree=builds[number,queueId]</c>.</summary>
public sealed record JenkinsBuildListing(
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("queueId")] long QueueId);

/// <summary>A build as listed by <c>{job}api/json?tree=builds[number,result,building,timestamp]{0,N}</c>.</summary>
public sealed record JenkinsRecentBuild(
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("result")] string? Result,
    [property: JsonPropertyName("building")] bool Building,
    [property: JsonPropertyName("timestamp")] long Timestamp);

/// <summary><c>{job}api/json?tree=builds[…]{0,N}</c>: the job's newest builds, newest first.</summary>
public sealed record JenkinsRecentBuilds([property: JsonPropertyName("builds")] List<JenkinsRecentBuild>? Builds);

public sealed record JenkinsParameterDefinition([property: JsonPropertyName("name")] string Name);

public sealed record JenkinsJobProperty(
    [property: JsonPropertyName("parameterDefinitions")] List<JenkinsParameterDefinition>? ParameterDefinitions);

/// <summary><c>{job}api/json</c>: recent builds and whether the job takes parameters.</summary>
public sealed record JenkinsJobInfo(
    [property: JsonPropertyName("builds")] List<JenkinsBuildListing>? Builds,
    [property: JsonPropertyName("property")] List<JenkinsJobProperty?>? Property)
{
    public bool IsParameterized => Property?.Any(p => p?.ParameterDefinitions is { Count: > 0 }) == true;
}

public sealed record JenkinsExecutable([property: JsonPropertyName("number")] int Number);

/// <summary><c>/queue/item/{id}/api/json</c>: <c>executable</c> is set once the build exists.</summary>
public sealed record JenkinsQueueItem(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("cancelled")] bool? Cancelled,
    [property: JsonPropertyName("why")] string? Why,
    [property: JsonPropertyName("executable")] JenkinsExecutable? Executable);

/// <summary><c>/crumbIssuer/api/json</c>.</summary>
public sealed record JenkinsCrumb(
    [property: JsonPropertyName("crumb")] string Crumb,
    [property: JsonPropertyName("crumbRequestField")] string CrumbRequestField);
