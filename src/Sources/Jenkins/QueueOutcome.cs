namespace TailHub.Sources.Jenkins;

/// <summary>How a queue item ended: it became build <see cref="Number"/>, or it was cancelled, or it is gone.</summary>
public sealed record QueueOutcome(long QueueId, int? Number, bool Cancelled, string? Message);
