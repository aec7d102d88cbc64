using TailHub.Pipeline;
using TailHub.Sources;
using TailHub.Streaming;

namespace TailHub.Hosting;

/// <summary>One configured source with its three stages: tailer → hub → broadcaster.</summary>
public sealed record LiveSource(string Name, string Type, string Path, FileTailer Tailer, SourceHub Hub, SseBroadcaster Broadcaster);
