namespace TailHub.Security;

/// <summary>Authorization policy names, one per role.</summary>
public static class AccessPolicies
{
    public const string Viewer = "tailhub-viewer";
    public const string Operator = "tailhub-operator";
    public const string Admin = "tailhub-admin";
    /// <summary>Pushing lines: the ingest role, or operator and above.</summary>
    public const string Ingest = "tailhub-ingest";
}
