using System.Globalization;

namespace TailHub.Sources.Jenkins;

/// <summary>Which build a source starts with: a number, or <c>lastBuild</c>, resolved to a number once (permalinks move).</summary>
public readonly record struct JenkinsBuildRef(int? Number)
{
    public const string LastBuild = "lastBuild";

    public bool IsLastBuild => Number is null;

    public static bool TryParse(string? text, out JenkinsBuildRef build)
    {
        build = default;
        if (string.IsNullOrWhiteSpace(text) || text.Equals(LastBuild, StringComparison.OrdinalIgnoreCase)) return true;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            build = new JenkinsBuildRef(n);
            return true;
        }
        return false;
    }

    public override string ToString() => Number?.ToString(CultureInfo.InvariantCulture) ?? LastBuild;
}
