namespace TailHub.Security;

/// <summary>A configured key as TailHub holds it: its id, the SHA-256 of its bytes, its role and its sources (null: all).</summary>
public sealed record ApiKey(string Id, byte[] Sha256, AccessRole Role, IReadOnlySet<string>? Sources)
{
    public bool AllowsSource(string name) => Sources is null || Sources.Contains(name);
}
