namespace TailHub.Streaming;

/// <summary>Where a viewer stands in one source: the source's epoch (which names its sequence) and the last sequence number received.</summary>
public readonly record struct CursorPosition(string Epoch, long Seq);

/// <summary>
/// A viewer's position: for each source of its stream, the epoch of the source's sequence and the sequence number of
/// the last record it received. Sent as the SSE event id, <c>{source}@{epoch}={seq},{source}@{epoch}={seq}</c>, and
/// read back from <c>Last-Event-ID</c>. Each source has its own epoch, kept with its state, so a position stays
/// valid across restarts for as long as the source's state does.
/// </summary>
public sealed record StreamCursor(IReadOnlyDictionary<string, CursorPosition> Positions)
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
        var positions = new Dictionary<string, CursorPosition>(StringComparer.OrdinalIgnoreCase);
        var colon = value.IndexOf(':');
        if (colon > 0 && colon < value.IndexOf('='))
        {
            // An id from TailHub before per-source epochs ("epoch:source=seq"): its sequence is not this one's.
            var legacy = TryParse(value[(colon + 1)..].Replace("=", "@=", StringComparison.Ordinal), out error);
            if (legacy is null) return null;
            foreach (var (name, position) in legacy.Positions) positions[name] = position with { Epoch = value[..colon] + "/legacy" };
            return new StreamCursor(positions);
        }
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.LastIndexOf('=');
            var at = eq < 0 ? -1 : part.LastIndexOf('@', eq);
            if (at <= 0 || !long.TryParse(part.AsSpan(eq + 1), System.Globalization.NumberStyles.None, null, out var seq))
            {
                error = $"Last-Event-ID part '{Truncate(part)}' is not of the form source@epoch=seq.";
                return null;
            }
            positions[part[..at]] = new CursorPosition(part[(at + 1)..eq], seq);
        }
        if (positions.Count == 0)
        {
            error = "Last-Event-ID is not of the form source@epoch=seq[,source@epoch=seq].";
            return null;
        }
        return new StreamCursor(positions);
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
