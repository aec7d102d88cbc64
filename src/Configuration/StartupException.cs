namespace TailHub.Configuration;

/// <summary>A configuration problem that stops TailHub at start-up with a clear message and a non-zero exit code.</summary>
public sealed class StartupException(string message) : Exception(message);
