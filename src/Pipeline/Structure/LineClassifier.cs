namespace TailHub.Pipeline.Structure;

/// <summary>
/// Says once, where a line is framed, what it is: a JSON object, logfmt, or plain text; the level it states; and its
/// own time where it carries a date. A level given with the line (a pushed NDJSON <c>level</c>) wins over what is
/// detected. Cheap on purpose, since every line of every source passes here: a look at the first bytes decides the
/// path (<c>{"</c>…<c>}</c>, <c>key=</c>, or leading level tokens after terminal colours and a timestamp), with byte
/// comparisons and vectorised searches, no regular expression and no allocation. The text is never changed.
/// </summary>
/// <remarks>
/// The same line gives the same answer live and read back (the level and shape depend on its bytes alone; a year
/// inferred for a syslog date depends on when it is read only across a new year).
/// </remarks>
[System.Runtime.CompilerServices.SkipLocalsInit]
public sealed class LineClassifier(bool enabled = true, TimeZoneInfo? zone = null)
{
    /// <summary>On, with times without an offset in the host's time zone.</summary>
    public static readonly LineClassifier Default = new();

    /// <summary>Classifies nothing (<c>TailHub:ClassifyLines=false</c>): levels only where a line was given one.</summary>
    public static readonly LineClassifier Off = new(enabled: false);

    private readonly TimeZoneInfo _zone = zone ?? TimeZoneInfo.Local;

    public bool Enabled { get; } = enabled;

    /// <param name="referenceMs">When the line was read (Unix ms): the year of a year-less date is inferred from it.</param>
    public LineClassification Classify(ReadOnlySpan<byte> line, long referenceMs)
    {
        if (!Enabled || line.IsEmpty) return default;
        if (JsonLine.LooksLikeObject(line) && JsonLine.TryClassify(line, _zone, out var jsonLevel, out var jsonAt))
            return new LineClassification(jsonLevel, LineShape.Json, jsonAt);
        if (LogfmtReader.StartsLikeLogfmt(line) && Logfmt(line, out var logfmtLevel, out var logfmtAt))
        {
            // "seq=1 t=… INFO …": pairs, but the level is a word.
            if (logfmtLevel == LineLevel.Unknown) logfmtLevel = LevelDetector.FromPlainText(line, referenceMs, _zone).Level;
            return new LineClassification(logfmtLevel, LineShape.Logfmt, logfmtAt);
        }
        var (level, at) = LevelDetector.FromPlainText(line, referenceMs, _zone);
        return new LineClassification(level, LineShape.Plain, at);
    }

    /// <summary>
    /// Classifies <paramref name="line"/> and sets what was found on it; <paramref name="given"/>, when known, is its
    /// level whatever the text says.
    /// </summary>
    public void Apply(LogLine line, LineLevel given = LineLevel.Unknown)
    {
        var found = Classify(line.Utf8, line.TimestampMs);
        line.Shape = found.Shape;
        line.At = found.At;
        line.Level = given != LineLevel.Unknown ? given : found.Level;
        line.LevelGiven = given != LineLevel.Unknown;
    }

    /// <summary>
    /// Logfmt when the whole line reads as pairs and either two of them have values or the first names the level or the
    /// time (<c>level=debug starting</c>): one <c>a=b</c> in a sentence does not make a line logfmt.
    /// </summary>
    private bool Logfmt(ReadOnlySpan<byte> line, out LineLevel level, out long at)
    {
        level = LineLevel.Unknown;
        at = 0;
        var reader = new LogfmtReader(line);
        var valued = 0;
        var firstIsKnown = false;
        while (reader.Next(out var pair))
        {
            if (!pair.HasValue) continue;
            if (level == LineLevel.Unknown && FieldNames.IsLevel(pair.Key))
            {
                level = LevelDetector.FromName(pair.Value);
                firstIsKnown |= valued == 0;
            }
            else if (at == 0 && FieldNames.IsTime(pair.Key))
            {
                LineTimestamp.TryParseValue(pair.Value, _zone, out at);
                firstIsKnown |= valued == 0;
            }
            valued++;
        }
        return !reader.Malformed && (valued >= 2 || firstIsKnown);
    }
}
