using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace TailHub.Security;

/// <summary>
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, believed only from the proxies in
/// <see cref="SecurityOptions.KnownProxies"/>/<see cref="SecurityOptions.KnownNetworks"/>. ASP.NET Core's default
/// trust of loopback is removed: with none configured, what a client claims is ignored, so it cannot pick the
/// address that per-client limits count.
/// </summary>
public static class ForwardedHeaders
{
    public static WebApplication UseTailHubForwardedHeaders(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        if (security.KnownProxies.Count == 0 && security.KnownNetworks.Count == 0) return app;

        var options = new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in security.KnownProxies) options.KnownProxies.Add(IPAddress.Parse(proxy));
        foreach (var network in security.KnownNetworks) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        app.UseForwardedHeaders(options);
        return app;
    }
}
