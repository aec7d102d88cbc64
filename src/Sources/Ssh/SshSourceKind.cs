using TailHub.Sources.Runs;

namespace TailHub.Sources.Ssh;

/// <summary><c>"Type": "ssh"</c>: a remote command's output over SSH, run by run, each run spooled under the source's data directory.</summary>
public sealed class SshSourceKind : SourceKind<SshSourceOptions>
{
    public override string Type => "ssh";

    protected override IEnumerable<string> Validate(SshSourceOptions options, SourceKindContext context)
    {
        if (string.IsNullOrWhiteSpace(options.Host)) yield return "Host is required.";
        if (options.Port is < 1 or > 65535) yield return "Port must be from 1 to 65535.";
        if (string.IsNullOrWhiteSpace(options.User)) yield return "User is required.";
        if (string.IsNullOrWhiteSpace(options.Command)) yield return "Command (what runs on the remote host) is required.";
        if (string.IsNullOrWhiteSpace(options.KeyFile))
            yield return "KeyFile is required (a private key; SSH agents are not supported, and passwords are never taken from configuration).";
        else if (Unreadable(Path.GetFullPath(options.KeyFile, context.ContentRoot)) is { } why)
            yield return $"KeyFile {Path.GetFullPath(options.KeyFile, context.ContentRoot)} cannot be read ({why}).";
        if (!string.IsNullOrEmpty(options.KeyPassphraseEnv) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(options.KeyPassphraseEnv)))
            yield return $"the environment variable '{options.KeyPassphraseEnv}' named by KeyPassphraseEnv is not set.";
        if (string.IsNullOrWhiteSpace(options.KnownHostsFile))
            yield return "KnownHostsFile is required: the host's key is checked against it, and an unknown key is never accepted.";
        else if (Unreadable(Path.GetFullPath(options.KnownHostsFile, context.ContentRoot)) is { } why)
            yield return $"KnownHostsFile {Path.GetFullPath(options.KnownHostsFile, context.ContentRoot)} cannot be read ({why}).";
        if (options.Parameters.Count > 0)
            yield return "Parameters are not supported for ssh sources: the remote command runs through the remote user's shell, so a value could only reach it inside a shell command line.";
        if (options.KeepAliveInterval < TimeSpan.FromSeconds(1) || options.KeepAliveInterval > TimeSpan.FromHours(1))
            yield return "KeepAliveInterval must be from 1 second to 1 hour.";
        if (options.ConnectTimeout < TimeSpan.FromSeconds(1) || options.ConnectTimeout > TimeSpan.FromMinutes(10))
            yield return "ConnectTimeout must be from 1 second to 10 minutes.";
        foreach (var error in RunSourceValidation.Errors(options)) yield return error;
    }

    protected override ISource Create(SshSourceOptions options, SourceKindContext context) =>
        new RunSource(Type, options, new SshLauncher(options, context.ContentRoot),
            Path.Combine(context.SourceDirectory(options.Name), "runs"), context.Time, context.Loggers.CreateLogger<RunSource>());

    private static string? Unreadable(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
        }
    }
}
