using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using TailHub.Configuration;

namespace TailHub.ScaleOut.Agent;

/// <summary>
/// Who this agent is, for leases and the registry: the host's name and a random suffix, kept in
/// <c>{DataDirectory}/agent-id</c> so a restarted agent is the same agent and takes back its own leases at once.
/// </summary>
public sealed class AgentIdentity
{
    public AgentIdentity(IOptions<TailHubOptions> options, IHostEnvironment environment)
    {
        var directory = Path.GetFullPath(options.Value.DataDirectory, environment.ContentRootPath);
        var path = Path.Combine(directory, "agent-id");
        try
        {
            Directory.CreateDirectory(directory);
            var saved = File.Exists(path) ? File.ReadAllText(path).Trim() : "";
            if (IsValid(saved))
            {
                Id = saved;
                return;
            }
            Id = $"{Sanitize(Environment.MachineName)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
            var temp = path + ".tmp";
            File.WriteAllText(temp, Id + "\n");
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"agent: cannot keep its identity in '{path}' ({e.Message}); check TailHub:DataDirectory.");
        }
    }

    public string Id { get; }

    private static bool IsValid(string id) => id.Length is > 0 and <= 80 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string Sanitize(string host)
    {
        var clean = new string(host.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.').Take(60).ToArray());
        return clean.Length > 0 ? clean : "agent";
    }
}
