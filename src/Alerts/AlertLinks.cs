using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using TailHub.Configuration;

namespace TailHub.Alerts;

/// <summary>
/// Links from a notification back to a line in the page: <c>{PublicUrl}/?sources={source}&amp;line={seq}</c>.
/// Without <c>TailHub:PublicUrl</c>, the address TailHub listens on (a wildcard host read as <c>localhost</c>).
/// </summary>
public sealed class AlertLinks(IOptions<TailHubOptions> options, IServer server)
{
    private string? _base;

    public string For(string source, long seq) => $"{Base()}/?sources={Uri.EscapeDataString(source)}&line={seq}";

    private string Base() => _base ??= (options.Value.PublicUrl is { Length: > 0 } configured ? configured : Listening()).TrimEnd('/');

    private string Listening()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5080";
        if (!Uri.TryCreate(address.Replace("://*", "://localhost").Replace("://+", "://localhost"), UriKind.Absolute, out var uri)) return "http://localhost:5080";
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri.GetLeftPart(UriPartial.Path);
    }
}
