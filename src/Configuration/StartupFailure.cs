using Microsoft.Extensions.Options;

namespace TailHub.Configuration;

/// <summary>Turns the ways start-up can fail on bad configuration into one clear message (no stack trace).</summary>
public static class StartupFailure
{
    public static string? Describe(Exception e) => e switch
    {
        StartupException s => s.Message,
        OptionsValidationException o => "invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, o.Failures.Select(f => "  - " + f)),
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerException!),
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } io => io.Message,
        InvalidOperationException { InnerException: { } inner } => Describe(inner),
        _ => null,
    };
}
