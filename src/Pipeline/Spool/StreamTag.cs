namespace TailHub.Pipeline.Spool;

/// <summary>
/// How a spool keeps what a line's text does not say: a standard error line is written with one leading
/// <see cref="Stderr"/> byte, and a line whose level was given with it (a pushed line's <c>level</c>) with one
/// <see cref="Level"/> byte after that. A spool otherwise holds only valid UTF-8, where 0xF5–0xFF never occur, so a
/// tag cannot be confused with text, needs no escaping, and a run's spool keeps both streams interleaved in the order
/// they arrived (one file, one journal segment per stretch of lines, read back with the tags as published live).
/// </summary>
public static class StreamTag
{
    public const byte Stderr = 0xFF;

    /// <summary>The tag of a given level: 0xF9 (trace) to 0xFE (fatal).</summary>
    public static byte Level(LineLevel level) => (byte)(0xF8 + (byte)level);

    /// <summary>The level a tag byte gives; <see cref="LineLevel.Unknown"/> when the byte is not a level tag.</summary>
    public static LineLevel LevelOf(byte tag) => tag is >= 0xF9 and <= 0xFE ? (LineLevel)(tag - 0xF8) : LineLevel.Unknown;
}
