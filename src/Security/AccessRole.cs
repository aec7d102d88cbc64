namespace TailHub.Security;

/// <summary>
/// What a key may do. <see cref="Ingest"/> only pushes lines (a build agent's key reads nothing); from
/// <see cref="Viewer"/> up each role includes the ones before it, and <see cref="Operator"/> may push lines too.
/// </summary>
public enum AccessRole
{
    /// <summary>Push lines to push sources, nothing else.</summary>
    Ingest = 1,
    /// <summary>Read streams and sources.</summary>
    Viewer = 2,
    /// <summary>Also trigger builds and push lines.</summary>
    Operator = 3,
    /// <summary>Also read metrics.</summary>
    Admin = 4,
}

public static class AccessRoles
{
    public static bool TryParse(string? text, out AccessRole role)
    {
        role = text?.ToLowerInvariant() switch
        {
            "ingest" => AccessRole.Ingest,
            "viewer" => AccessRole.Viewer,
            "operator" => AccessRole.Operator,
            "admin" => AccessRole.Admin,
            _ => 0,
        };
        return role != 0;
    }

    public static string Name(this AccessRole role) => role.ToString().ToLowerInvariant();
}
