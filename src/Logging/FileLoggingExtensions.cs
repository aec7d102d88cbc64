using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TailHub.Configuration;

namespace TailHub.Logging;

public static class FileLoggingExtensions
{
    /// <summary>
    /// Adds TailHub's own log file when <c>TailHub:LogFile</c> is set (relative to the content root). Resolved from
    /// the final configuration, so every configuration source can move or turn it off.
    /// </summary>
    public static ILoggingBuilder AddTailHubLogFile(this ILoggingBuilder logging)
    {
        logging.Services.AddSingleton<OwnLogFile>();
        logging.Services.AddSingleton<ILoggerProvider>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TailHubOptions>>().Value;
            return sp.GetRequiredService<OwnLogFile>().Path is not { } path
                ? NullLoggerProvider.Instance
                : new FileLoggerProvider(path, sp.GetRequiredService<TimeProvider>(), options.LogFileMaxBytes, options.LogFileCount);
        });
        return logging;
    }
}
