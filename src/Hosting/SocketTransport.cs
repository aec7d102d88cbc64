using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace TailHub.Hosting;

/// <summary>Kestrel's socket transport, settable under <c>TailHub:SocketTransport</c> (issue 18 measured one of its settings).</summary>
public static class SocketTransport
{
    public static IServiceCollection AddTailHubSocketTransport(this IServiceCollection services, IConfiguration configuration)
    {
        // Kestrel's own settings of its transport, at Kestrel's defaults unless set. UnsafePreferInlineScheduling=true sends
        // each frame on the thread that flushes it (the broadcaster's) instead of handing it to one of Kestrel's I/O
        // queues: less CPU per viewer per batch, but the sends of a batch then run one after another, so the last
        // viewers of a big fan-out get it later (load-tests/results/REPORT.md, "Sending inline").
        services.Configure<SocketTransportOptions>(configuration.GetSection("TailHub:SocketTransport"));
        return services;
    }
}
