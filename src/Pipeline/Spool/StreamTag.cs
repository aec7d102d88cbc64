namespace TailHub.Pipeline.Spool;

/// <summary>
/// How a spool keeps which output stream a line came from: a standard error line is written with one leading
/// <see cref="Stderr"/> byte. A spool otherwise holds only valid UTF-8, where 0xFF never occurs, so the tag cannot be
/// confused with text, needs no escaping, and a run's spool keeps both streams interleaved in the order they
/// arrived (one file, one journal segment per stretch of lines, read back with the tag as it was published live).
/// </summary>
public static class StreamTag
{
    public const byte Stderr = 0xFF;
}
