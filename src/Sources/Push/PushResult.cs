namespace TailHub.Sources.Push;

/// <summary>What an upload added: its lines' sequence numbers (null when it completed none) and where the source's pushed stream now ends.</summary>
public sealed record PushResult(long? FirstSeq, long? LastSeq, long Lines, long Offset);
