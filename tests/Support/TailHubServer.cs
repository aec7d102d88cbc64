using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TailHub.Tests.Support;

/// <summary>
/// The real TailHub (its own Program) on Kestrel at a loopback port, with sources pointing into a temporary folder.
/// </summary>
public sealed class TailHubServer : IAsyncDisposable
{
    private readonly Factory _factory;

    private TailHubServer(Factory factory, TempFolder folder)
    {
        _factory = factory;
        Folder = folder;
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public TempFolder Folder { get; }
    public IServiceProvider Services => _factory.Services;

    /// <summary>
    /// Starts TailHub with the given sources (name → path; relative paths are inside <see cref="Folder"/>) and any
    /// other settings (keys as in configuration, e.g. <c>TailHub:BatchInterval</c>).
    /// </summary>
    public static Task<TailHubServer> StartAsync(IReadOnlyDictionary<string, string> sources, IReadOnlyDictionary<string, string?>? settings = null, TempFolder? folder = null)
    {
        folder ??= new TempFolder();
        var all = new Dictionary<string, string?>
        {
            ["TailHub:LogFile"] = "",
            ["TailHub:PollInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var i = 0;
        foreach (var (name, path) in sources)
        {
            all[$"TailHub:Sources:{i}:Name"] = name;
            all[$"TailHub:Sources:{i}:Path"] = Path.IsPathRooted(path) ? path : folder.PathOf(path);
            i++;
        }
        if (settings is not null) foreach (var (k, v) in settings) all[k] = v;
        var factory = new Factory(all);
        factory.UseKestrel(0);
        factory.StartServer();
        return Task.FromResult(new TailHubServer(factory, folder));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        Folder.Dispose();
    }

    private sealed class Factory(Dictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureAppConfiguration((_, config) =>
            {
                config.AddInMemoryCollection(settings);
            });
        }
    }
}
