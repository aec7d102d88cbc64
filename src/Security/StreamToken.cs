namespace TailHub.Security;

/// <summary>What a stream token grants: the key it was issued to, the sources it opens (null: all the key's), until when.</summary>
public sealed record StreamToken(string KeyId, IReadOnlyList<string>? Sources, DateTimeOffset ExpiresAt);
