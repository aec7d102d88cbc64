namespace TailHub.Alerts;

/// <summary>A connection TailHub would not make: the destination's name leads only to addresses <see cref="NetworkGuard"/> refuses.</summary>
public sealed class RefusedDestinationException(string message) : IOException(message);
