namespace TailHub.Sources.Jenkins;

/// <summary>
/// The <c>X-Jenkins</c> version, which decides how <c>progressiveText</c> must be read: from 2.509 on
/// <c>X-Text-Size</c> is the file length, not what the body covers, and console notes are left in the body.
/// </summary>
public readonly record struct JenkinsVersion(int Major, int Minor)
{
    private static readonly JenkinsVersion FirstEfficient = new(2, 509);

    /// <summary>Assumed until a response says otherwise: the current behaviour's algorithm is also exact on the old one for LF logs.</summary>
    public static readonly JenkinsVersion Unknown = new(int.MaxValue, 0);

    /// <summary>Reads <c>2.516.3</c>, <c>2.509</c>, <c>2.509-SNAPSHOT</c>; anything else is <see cref="Unknown"/>.</summary>
    public static JenkinsVersion Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return Unknown;
        var parts = header.Trim().Split('.', '-', ' ');
        if (parts.Length >= 2 && int.TryParse(parts[0], out var major) && int.TryParse(parts[1], out var minor))
            return new JenkinsVersion(major, minor);
        return Unknown;
    }

    /// <summary>2.509 or later: <c>X-Text-Size</c> may run past the body (partial line, 10,000-terminator cap).</summary>
    public bool HeaderRunsPastBody => CompareTo(FirstEfficient) >= 0;

    private int CompareTo(JenkinsVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public override string ToString() => this == Unknown ? "unknown" : $"{Major}.{Minor}";
}
