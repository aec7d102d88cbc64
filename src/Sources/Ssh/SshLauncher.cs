using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;
using TailHub.Pipeline;
using TailHub.Sources.Runs;

namespace TailHub.Sources.Ssh;

/// <summary>
/// Runs an ssh source's command with SSH.NET: connects with the key, accepts the host only if its key is the one in
/// known_hosts (an unknown or changed key fails the run with a message saying which and its fingerprint), reads
/// standard output and standard error as they arrive, and reports the remote exit status or signal. A connection
/// that drops mid-run makes the run <c>lost</c>: the remote command's fate is not known.
/// </summary>
public sealed class SshLauncher(SshSourceOptions options, string contentRoot) : IRunLauncher
{
    private readonly string _host = options.Host!;
    private readonly int _port = options.Port;
    private readonly string _user = options.User!;

    public string Target => $"ssh {_user}@{KnownHosts.NameOf(_host, _port)} {options.Command}";

    public string KeyFile => Path.GetFullPath(options.KeyFile!, contentRoot);

    public string KnownHostsFile => Path.GetFullPath(options.KnownHostsFile!, contentRoot);

    public async Task<RunExit> RunAsync(RunContext run)
    {
        var known = ReadKnownHosts();
        using var key = OpenKey();
        var connection = new Renci.SshNet.ConnectionInfo(_host, _port, _user, new PrivateKeyAuthenticationMethod(_user, key)) { Timeout = options.ConnectTimeout };
        OfferOnlyKnownKeyTypes(connection, known);
        using var client = new SshClient(connection);
        client.KeepAliveInterval = options.KeepAliveInterval;
        string? refusal = null;
        client.HostKeyReceived += (_, e) =>
        {
            var verdict = known.Check(_host, _port, e.HostKey);
            e.CanTrust = verdict == KnownHosts.Verdict.Known;
            if (!e.CanTrust) refusal = Refusal(verdict, e.HostKeyName, e.HostKey);
        };
        await ConnectAsync(client, run, () => refusal);

        using var command = client.CreateCommand(options.Command!);
        var execution = command.ExecuteAsync(CancellationToken.None);
        await run.StartedAsync();
        var stdout = run.Output.ReadFromAsync(command.OutputStream, LineStream.Stdout, CancellationToken.None);
        var stderr = run.Output.ReadFromAsync(command.ExtendedOutputStream, LineStream.Stderr, CancellationToken.None);
        await using var terminate = run.Terminate.Register(() => Signal(command, forceKill: false));
        await using var kill = run.Kill.Register(() => Signal(command, forceKill: true));
        string? dropped = null;
        try
        {
            await execution;
        }
        catch (OperationCanceledException) when (run.Terminate.IsCancellationRequested)
        {
            // Cancelled: the signal was sent; what the server said about the exit, if anything, is below.
        }
        catch (Exception e) when (e is SshException or SocketException or IOException or ObjectDisposedException)
        {
            dropped = e.Message;
        }
        await Task.WhenAll(stdout, stderr).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (dropped is not null || !client.IsConnected && command.ExitStatus is null && command.ExitSignal is null)
            return RunExit.LostSight($"the connection to {KnownHosts.NameOf(_host, _port)} dropped{(dropped is null ? "" : $" ({dropped})")}; the remote command's end is not known");
        if (command.ExitSignal is { } signal) return new RunExit(null, signal.StartsWith("SIG", StringComparison.Ordinal) ? signal : "SIG" + signal);
        if (command.ExitStatus is { } status) return RunExit.Exited(status);
        return run.Terminate.IsCancellationRequested
            ? new RunExit(null, Signals.Name(run.Kill.IsCancellationRequested ? Signals.Kill : Signals.Term))
            : RunExit.LostSight("the remote command ended without an exit status");
    }

    private async Task ConnectAsync(SshClient client, RunContext run, Func<string?> refusal)
    {
        var where = KnownHosts.NameOf(_host, _port);
        try
        {
            await client.ConnectAsync(run.Terminate);
        }
        catch (Exception) when (refusal() is { } message)
        {
            throw new RunLaunchException(message);
        }
        catch (SshAuthenticationException e)
        {
            throw new RunLaunchException($"{_user}@{where} did not accept the key {KeyFile} ({e.Message}).", e);
        }
        catch (Exception e) when (e is SshException or SocketException or IOException or TimeoutException)
        {
            throw new RunLaunchException($"cannot connect to {where}: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (run.Terminate.IsCancellationRequested)
        {
            throw new RunLaunchException("cancelled while connecting.", e);
        }
    }

    private KnownHosts ReadKnownHosts()
    {
        try
        {
            return KnownHosts.Read(KnownHostsFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunLaunchException($"cannot read the known_hosts file {KnownHostsFile}: {e.Message}", e);
        }
    }

    private PrivateKeyFile OpenKey()
    {
        var passphrase = string.IsNullOrEmpty(options.KeyPassphraseEnv) ? null : Environment.GetEnvironmentVariable(options.KeyPassphraseEnv);
        try
        {
            return passphrase is null ? new PrivateKeyFile(KeyFile) : new PrivateKeyFile(KeyFile, passphrase);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SshException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new RunLaunchException($"cannot use the key file {KeyFile}: {e.Message}", e);
        }
    }

    /// <summary>Offers the server only host key algorithms whose keys are on record, as OpenSSH does, so a host with several keys shows one we can check.</summary>
    private void OfferOnlyKnownKeyTypes(Renci.SshNet.ConnectionInfo connection, KnownHosts known)
    {
        var types = known.KeyTypes(_host, _port);
        foreach (var algorithm in connection.HostKeyAlgorithms.Keys.ToList())
        {
            var type = algorithm.StartsWith("rsa-sha2-", StringComparison.Ordinal) ? "ssh-rsa" : algorithm;
            if (algorithm.Contains("-cert-", StringComparison.Ordinal) || (types.Count > 0 && !types.Contains(type)))
                connection.HostKeyAlgorithms.Remove(algorithm);
        }
    }

    private string Refusal(KnownHosts.Verdict verdict, string keyName, byte[] key)
    {
        var where = KnownHosts.NameOf(_host, _port);
        var presented = $"{keyName} {KnownHosts.Fingerprint(key)}";
        return verdict switch
        {
            KnownHosts.Verdict.Changed =>
                $"host key refused: {where} presented {presented}, which is not the key {KnownHostsFile} has for it. The host key changed, or someone is in between; check it, then update known_hosts.",
            KnownHosts.Verdict.Revoked => $"host key refused: {where} presented {presented}, which {KnownHostsFile} marks @revoked.",
            _ => $"host key refused: {where} is not in {KnownHostsFile} (it presented {presented}). Check the fingerprint, then add it, e.g. with ssh-keyscan -p {_port} {_host} >> known_hosts.",
        };
    }

    /// <summary>
    /// Sends SIGTERM (or SIGKILL) as an SSH signal request; SSH.NET closes the channel if the command has not ended
    /// soon after. OpenSSH honours signal requests for ordinary users but refuses them for root logins ("session
    /// signalling requires privilege separation"): then only the closed channel tells the command, which ends it
    /// when it reads its input or writes its output.
    /// </summary>
    private static void Signal(SshCommand command, bool forceKill)
    {
        try
        {
            command.CancelAsync(forceKill);
        }
        catch (Exception e) when (e is SshException or InvalidOperationException or ObjectDisposedException or SocketException)
        {
            // The command or the connection is already gone.
        }
    }
}
