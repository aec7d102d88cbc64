using TailHub.Pipeline;

namespace TailHub.Sources.Push;

/// <summary>One line sent as JSON: its text, and optionally when it happened and how severe it is.</summary>
public sealed record PushedLine(string Text, DateTimeOffset? Timestamp, LineLevel Level);
