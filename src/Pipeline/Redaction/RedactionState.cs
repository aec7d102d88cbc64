namespace TailHub.Pipeline.Redaction;

/// <summary>
/// What one file's earlier lines mean for its next line: inside a PEM private key block (and how many lines into it).
/// Kept per file by the tailer, and recorded with each line so lines read back from disk are masked the same way.
/// </summary>
public readonly record struct RedactionState(bool InPrivateKey, int PrivateKeyLines)
{
    public static readonly RedactionState Start = default;
}
