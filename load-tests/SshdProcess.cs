using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TailHub.LoadTests;

/// <summary>
/// Debian's OpenSSH server on a free loopback port, as the current user, with throw-away host and user keys and its
/// own config in a temp folder; killed (and the folder deleted) when disposed.
/// </summary>
public sealed class SshdProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private SshdProcess(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }
    public string UserKey => Path.Combine(_folder, "user_key");
    public string KnownHosts => Path.Combine(_folder, "known_hosts");

    /// <summary>Arguments for OpenSSH's client running <paramref name="command"/> on this server.</summary>
    public IEnumerable<string> ClientArguments(string command) =>
        ["-i", UserKey, "-p", Port.ToString(), "-o", $"UserKnownHostsFile={KnownHosts}", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", $"{Environment.UserName}@127.0.0.1", command];

    public static async Task<SshdProcess> StartAsync(CancellationToken cancellationToken)
    {
        if (Environment.UserName == "root") Directory.CreateDirectory("/run/sshd");
        var folder = ServerLauncher.NewFolder();
        await KeygenAsync(Path.Combine(folder, "host_key"), cancellationToken);
        await KeygenAsync(Path.Combine(folder, "user_key"), cancellationToken);
        File.Copy(Path.Combine(folder, "user_key.pub"), Path.Combine(folder, "authorized_keys"));
        var port = FreePort();
        var config = Path.Combine(folder, "sshd_config");
        File.WriteAllText(config, $"""
            HostKey {Path.Combine(folder, "host_key")}
            AuthorizedKeysFile {Path.Combine(folder, "authorized_keys")}
            PidFile {Path.Combine(folder, "sshd.pid")}
            ListenAddress 127.0.0.1
            UsePAM no
            StrictModes no
            PasswordAuthentication no
            PermitRootLogin prohibit-password
            LogLevel ERROR
            """);
        var hostKey = File.ReadAllText(Path.Combine(folder, "host_key.pub")).Split(' ');
        File.WriteAllText(Path.Combine(folder, "known_hosts"), $"[127.0.0.1]:{port} {hostKey[0]} {hostKey[1]}\n");
        var start = new ProcessStartInfo("/usr/sbin/sshd") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-D", "-e", "-f", config, "-p", port.ToString() }) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        ProcessRegistry.Track(process);
        var sshd = new SshdProcess(process, folder, port);
        for (var i = 0; ; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return sshd;
            }
            catch (SocketException) when (i < 200)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    private static async Task KeygenAsync(string path, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ssh-keygen") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-q", "-t", "ed25519", "-N", "", "-f", path }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync(cancellationToken);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }
}
