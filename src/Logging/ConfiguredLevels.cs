namespace TailHub.Logging;

public static class ConfiguredLevels
{
    /// <summary>Sets a category's minimum level unless configuration names one for it (<c>Logging:LogLevel:&lt;category&gt;</c>).</summary>
    public static ILoggingBuilder MinimumUnlessConfigured(this ILoggingBuilder logging, IConfiguration configuration, string category, LogLevel level)
    {
        if (configuration[$"Logging:LogLevel:{category}"] is null) logging.AddFilter(category, level);
        return logging;
    }
}
