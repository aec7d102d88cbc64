using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace TailHub.Configuration;

/// <summary>Turns the ways start-up can fail into one clear line (no stack trace).</summary>
public static class StartupFailure
{
    /// <param name="urls">The addresses TailHub was asked to listen on, to name in a failure to bind them.</param>
    public static string Describe(Exception e, IEnumerable<string>? urls = null) => Known(e, urls) ?? $"{e.GetType().Name}: {OneLine(e.Message)}";

    private static string? Known(Exception e, IEnumerable<string>? urls) => e switch
    {
        StartupException s => s.Message,
        OptionsValidationException o => "invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, o.Failures.Select(f => "  - " + f)),
        AggregateException { InnerExceptions.Count: 1 } a => Known(a.InnerException!, urls),
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } io => io.Message,
        // Kestrel passes the operating system's refusal to bind as it is (an IPv4-mapped IPv6 address, an address
        // this host does not have, a port the user may not open).
        SocketException socket => $"cannot listen on {Addresses(urls)}: {OneLine(socket.Message)} (check Urls)",
        InvalidOperationException { InnerException: { } inner } => Known(inner, urls),
        _ => null,
    };

    private static string Addresses(IEnumerable<string>? urls) =>
        urls?.ToList() is { Count: > 0 } list ? string.Join(", ", list) : "the configured address";

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
