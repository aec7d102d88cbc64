using TailHub.Pipeline;
using TailHub.Sources;
using TailHub.Sources.Jenkins;
using TailHub.Streaming;

namespace TailHub.Hosting;

/// <summary>One configured source with its three stages: tailer → hub → broadcaster (and, for a Jenkins source, the follower that feeds the tailer's file).</summary>
public sealed record LiveSource(string Name, string Type, string Path, FileTailer Tailer, SourceHub Hub, SseBroadcaster Broadcaster, JenkinsSource? Jenkins = null);
