using TailHub.Sources.Runs;

namespace TailHub.Sources.Ssh;

/// <summary>An <c>ssh</c> source: a command run on a remote host over SSH, its host key checked against known_hosts.</summary>
public sealed class SshSourceOptions : RunSourceOptions
{
    public SshSourceOptions() => Type = "ssh";

    public string? Host { get; set; }

    public int Port { get; set; } = 22;

    public string? User { get; set; }

    /// <summary>The private key (OpenSSH, PEM or PuTTY format), relative to the content root.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The name of the environment variable holding the key's passphrase, for an encrypted key (never the passphrase itself).</summary>
    public string? KeyPassphraseEnv { get; set; }

    /// <summary>The known_hosts file the host's key must be in (OpenSSH format, hashed names included). Required.</summary>
    public string? KnownHostsFile { get; set; }

    /// <summary>What runs on the remote host (by the remote user's shell, as with <c>ssh host 'command'</c>). Configuration only.</summary>
    public string? Command { get; set; }

    /// <summary>How often a keep-alive is sent on an idle connection.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long connecting and authenticating may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
