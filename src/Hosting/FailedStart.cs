namespace TailHub.Hosting;

/// <summary>
/// The generic host does not stop the services that had started when a later one fails to start (Kestrel cannot
/// bind, say): disposing it then pulls their state from under their loops, which crash with a stack trace after
/// TailHub has said in one line why it cannot start. Stopping them first lets them finish as at any shutdown.
/// </summary>
public static class FailedStart
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    public static async Task StopStartedServicesAsync(this WebApplication app)
    {
        IHostedService[] services;
        try
        {
            services = app.Services.GetServices<IHostedService>().Reverse().ToArray();
        }
        catch (Exception)
        {
            // One could not be made (bad configuration): the host makes them all before starting any, so none runs.
            return;
        }
        using var timeout = new CancellationTokenSource(StopTimeout);
        foreach (var service in services)
        {
            try
            {
                await service.StopAsync(timeout.Token);
            }
            catch (Exception)
            {
                // The start failed already and has been reported; a service that cannot stop cleanly adds nothing to that.
            }
        }
    }
}
