using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TailHub.Tests.Support;

/// <summary>
/// Debian's nginx, untuned, started by the test on a loopback port with its own prefix and configuration (never the
/// system service), passing <c>/logs/</c> to TailHub as an operator would to put it under a sub-path.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/nginx";

    private readonly Process _process;
    private readonly TempFolder _prefix;

    private NginxProxy(Process process, TempFolder prefix, int port)
    {
        _process = process;
        _prefix = prefix;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseAddress { get; }

    /// <summary>Starts nginx with <c>location <paramref name="subPath"/> { proxy_pass <paramref name="upstream"/>; }</c>.</summary>
    public static async Task<NginxProxy> StartAsync(Uri upstream, string subPath = "/logs/")
    {
        if (!File.Exists(Binary)) throw new InvalidOperationException($"The proxy tests need nginx at {Binary}: apt-get install -y nginx");
        var prefix = new TempFolder();
        var port = FreePort();
        var root = prefix.Path;
        // As root, workers would switch to an unprivileged user who cannot write this prefix's temp folders.
        var user = Environment.UserName == "root" ? "user root;" : "";
        File.WriteAllText(prefix.PathOf("nginx.conf"), $$"""
            {{user}}
            worker_processes 1;
            daemon off;
            pid {{root}}/nginx.pid;
            error_log {{root}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path {{root}}/client_body;
                proxy_temp_path {{root}}/proxy;
                fastcgi_temp_path {{root}}/fastcgi;
                uwsgi_temp_path {{root}}/uwsgi;
                scgi_temp_path {{root}}/scgi;
                server {
                    listen 127.0.0.1:{{port}};
                    location {{subPath}} { proxy_pass {{upstream.AbsoluteUri}}; }
                }
            }
            """);
        var start = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", root, "-e", $"{root}/error.log", "-c", prefix.PathOf("nginx.conf") }) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var proxy = new NginxProxy(process, prefix, port);
        await proxy.WaitUntilListeningAsync();
        return proxy;
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) break;
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, BaseAddress.Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        var log = File.Exists(_prefix.PathOf("error.log")) ? File.ReadAllText(_prefix.PathOf("error.log")) : "";
        await DisposeAsync();
        throw new InvalidOperationException($"nginx did not start listening on {BaseAddress}: {log}");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _prefix.Dispose();
    }
}
