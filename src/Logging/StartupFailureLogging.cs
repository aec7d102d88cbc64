namespace TailHub.Logging;

public static class StartupFailureLogging
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>
    /// The generic host logs a failed start ("Hosting failed to start") with the exception's stack trace, at Error;
    /// TailHub says why it cannot start in one line of its own (<see cref="Program.Main"/>), so that copy is left out
    /// unless configuration names the category. A background service that fails later still stops the host with a
    /// Critical message, which is kept.
    /// </summary>
    public static ILoggingBuilder WithoutHostStartupStackTraces(this ILoggingBuilder logging, IConfiguration configuration) =>
        logging.MinimumUnlessConfigured(configuration, HostCategory, LogLevel.Critical);
}
