using System.Text.Json.Serialization;

namespace TailHub.Pipeline.State;

/// <summary>
/// A source's state that outlives the process, saved as one JSON file replaced atomically: its epoch (which names
/// its sequence), the last sequence number numbered, how much of its journal log is valid, and how far each file was
/// numbered (where the source resumes). Everything in it describes one moment, so a restart continues the sequence
/// exactly: records numbered after it are read again from the files and get the same numbers.
/// </summary>
public sealed record SourceCheckpoint(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("epoch")] string Epoch,
    [property: JsonPropertyName("lastSeq")] long LastSeq,
    [property: JsonPropertyName("journal")] int JournalGeneration,
    [property: JsonPropertyName("journalBytes")] long JournalBytes,
    [property: JsonPropertyName("journalLines")] long JournalLines,
    [property: JsonPropertyName("positions")] IReadOnlyList<CheckpointPosition> Positions,
    [property: JsonPropertyName("savedAt")] DateTimeOffset SavedAt)
{
    public const int CurrentVersion = 1;
}

/// <summary>How far one file was numbered.</summary>
public sealed record CheckpointPosition(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("id")] string Identity,
    [property: JsonPropertyName("spooled")] bool Spooled,
    [property: JsonPropertyName("offset")] long Offset);
