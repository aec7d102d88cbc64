namespace TailHub.Streaming;

/// <summary>
/// A viewer's position: for each source of its stream, the sequence number of the last record it received.
/// Sent as the SSE event id, <c>{epoch}:{source}={seq},{source}={seq}</c>, and read back from <c>Last-Event-ID</c>.
/// </summary>
public sealed record StreamCursor(string Epoch, IReadOnlyDictionary<string, long> Positions)
{
    public const int MaxLength = 8192;

    /// <summary>Parses an id this server wrote. Returns null and an error for anything else.</summary>
    public static StreamCursor? TryParse(string? value, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length > MaxLength)
        {
            error = $"Last-Event-ID is longer than {MaxLength} characters.";
            return null;
        }
        var colon = value.IndexOf(':');
        if (colon <= 0)
        {
            error = "Last-Event-ID is not of the form epoch:source=seq[,source=seq].";
            return null;
        }
        var positions = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in value[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || !long.TryParse(part.AsSpan(eq + 1), System.Globalization.NumberStyles.None, null, out var seq))
            {
                error = $"Last-Event-ID part '{Truncate(part)}' is not of the form source=seq.";
                return null;
            }
            positions[part[..eq]] = seq;
        }
        return new StreamCursor(value[..colon], positions);
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
