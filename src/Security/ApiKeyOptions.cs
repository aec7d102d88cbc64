namespace TailHub.Security;

/// <summary>
/// One API key, never in plain text in configuration: either the SHA-256 of the key (hex), or the name of an
/// environment variable holding it.
/// </summary>
public sealed class ApiKeyOptions
{
    /// <summary>Names the key in tokens and logs (never the key itself).</summary>
    public string Id { get; set; } = "";

    /// <summary>Lower- or upper-case hex SHA-256 of the key's UTF-8 bytes (<c>printf %s "$KEY" | sha256sum</c>).</summary>
    public string? Sha256 { get; set; }

    /// <summary>The environment variable holding the key (at least 16 characters).</summary>
    public string? Env { get; set; }

    /// <summary><c>viewer</c> (read streams and sources), <c>operator</c> (also trigger builds) or <c>admin</c> (also metrics).</summary>
    public string Role { get; set; } = "viewer";

    /// <summary>The sources the key may see; empty means all.</summary>
    public List<string> Sources { get; set; } = [];
}
