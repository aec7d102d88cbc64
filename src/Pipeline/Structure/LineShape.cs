namespace TailHub.Pipeline.Structure;

/// <summary>What a line is made of: a JSON object, logfmt <c>key=value</c> pairs, or plain text.</summary>
public enum LineShape : byte
{
    Plain = 0,
    Json,
    Logfmt,
}

public static class LineShapes
{
    /// <summary>The shape's name on the wire (<c>kind</c>): <c>json</c>, <c>logfmt</c>; null for plain text.</summary>
    public static string? Name(this LineShape shape) => shape switch
    {
        LineShape.Json => "json",
        LineShape.Logfmt => "logfmt",
        _ => null,
    };
}
