namespace TailHub.Sources.Jenkins;

/// <summary>A build queued through TailHub: its queue item, and the build it becomes once Jenkins knows.</summary>
public sealed record TriggeredBuild(long QueueId, Task<QueueOutcome> Outcome);
