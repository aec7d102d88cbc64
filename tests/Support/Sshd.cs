using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TailHub.Tests.Support;

/// <summary>
/// A real OpenSSH server (Debian's openssh-server) for one test: started as the current user on a loopback port,
/// with throw-away host and user keys, its own config, authorized_keys and pid file in a temp folder.
/// </summary>
public sealed class Sshd : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/sshd";

    private readonly Process _process;

    private Sshd(TempFolder folder, Process process, int port)
    {
        Folder = folder;
        _process = process;
        Port = port;
    }

    public TempFolder Folder { get; }
    public int Port { get; }
    public string Host => "127.0.0.1";
    public string User => Environment.UserName;

    /// <summary>The user's private key, accepted by the server.</summary>
    public string UserKey => Folder.PathOf("user_key");

    /// <summary>A known_hosts file naming this server with its real host key.</summary>
    public string KnownHosts => Folder.PathOf("known_hosts");

    /// <summary>The server's host public key, as a known_hosts line's key type and base64 blob.</summary>
    public string HostKey { get; private set; } = "";

    public static async Task<Sshd> StartAsync()
    {
        if (!File.Exists(Executable)) throw new InvalidOperationException($"SSH tests need {Executable}: apt-get install -y openssh-server");
        // Run as root, sshd insists on its privilege separation directory; it is empty and belongs to the package.
        if (Environment.UserName == "root") Directory.CreateDirectory("/run/sshd");
        var folder = new TempFolder();
        await KeygenAsync(folder.PathOf("host_key"));
        await KeygenAsync(folder.PathOf("user_key"));
        File.Copy(folder.PathOf("user_key.pub"), folder.PathOf("authorized_keys"));
        var port = FreePort();
        File.WriteAllText(folder.PathOf("sshd_config"), $"""
            HostKey {folder.PathOf("host_key")}
            AuthorizedKeysFile {folder.PathOf("authorized_keys")}
            PidFile {folder.PathOf("sshd.pid")}
            ListenAddress 127.0.0.1
            UsePAM no
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            LogLevel ERROR
            """);
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-D", "-e", "-f", folder.PathOf("sshd_config"), "-p", port.ToString() }) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var sshd = new Sshd(folder, process, port);
        var hostKey = File.ReadAllText(folder.PathOf("host_key.pub")).Split(' ');
        sshd.HostKey = $"{hostKey[0]} {hostKey[1]}";
        sshd.WriteKnownHosts($"[127.0.0.1]:{port} {sshd.HostKey}");
        await sshd.WaitUntilListeningAsync();
        return sshd;
    }

    public void WriteKnownHosts(params string[] lines) => File.WriteAllLines(KnownHosts, lines);

    /// <summary>A fresh key pair's public half (type and blob), for a known_hosts that records another key.</summary>
    public async Task<string> OtherKeyAsync()
    {
        var path = Folder.PathOf($"other_{Guid.NewGuid():N}");
        await KeygenAsync(path);
        var parts = File.ReadAllText(path + ".pub").Split(' ');
        return $"{parts[0]} {parts[1]}";
    }

    /// <summary>Kills the server's per-connection processes: every open session's TCP connection drops at once.</summary>
    public int CutConnections()
    {
        var cut = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1]) != _process.Id) continue;
                Process.GetProcessById(pid).Kill();
                cut++;
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
            {
            }
        }
        return cut;
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"sshd exited with {_process.ExitCode}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var banner = new byte[4];
                await client.GetStream().ReadExactlyAsync(banner);
                return;
            }
            catch (Exception e) when (e is SocketException or IOException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    private static async Task KeygenAsync(string path)
    {
        var start = new ProcessStartInfo("ssh-keygen") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-q", "-t", "ed25519", "-N", "", "-f", path }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ssh-keygen failed: {await process.StandardError.ReadToEndAsync()}");
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
        Folder.Dispose();
    }
}
