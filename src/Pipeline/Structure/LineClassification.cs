namespace TailHub.Pipeline.Structure;

/// <summary>
/// What <see cref="LineClassifier"/> found in a line: its shape, the level it states (<see cref="LineLevel.Unknown"/>
/// when none) and the time it states, as Unix milliseconds (0 when it carries no full date and time).
/// </summary>
public readonly record struct LineClassification(LineLevel Level, LineShape Shape, long At);
