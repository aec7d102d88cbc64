namespace TailHub.Security;

/// <summary>What a key may do; each role includes the ones before it.</summary>
public enum AccessRole
{
    /// <summary>Read streams and sources.</summary>
    Viewer = 1,
    /// <summary>Also trigger builds.</summary>
    Operator = 2,
    /// <summary>Also read metrics.</summary>
    Admin = 3,
}

public static class AccessRoles
{
    public static bool TryParse(string? text, out AccessRole role)
    {
        role = text?.ToLowerInvariant() switch
        {
            "viewer" => AccessRole.Viewer,
            "operator" => AccessRole.Operator,
            "admin" => AccessRole.Admin,
            _ => 0,
        };
        return role != 0;
    }

    public static string Name(this AccessRole role) => role.ToString().ToLowerInvariant();
}
