using System.Text.Json;
using System.Text.Json.Serialization;

namespace TailHub.Sources.Push;

/// <summary>
/// What a push source has accepted, saved after every spool write (<see cref="PushStateFile"/>): the bytes
/// of its pushed stream that are in complete lines, and which spool file holds how much. On start, spool bytes past
/// <see cref="SpoolLength"/> are cut off: their sender was never told they were accepted.
/// </summary>
public sealed record PushState(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("committed")] long Committed,
    [property: JsonPropertyName("segment")] int Segment,
    [property: JsonPropertyName("spoolLength")] long SpoolLength)
{
    public const int CurrentVersion = 1;

    public static PushState? Read(string path, ILogger logger, string source)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = File.OpenRead(path);
            var state = JsonSerializer.Deserialize<PushState>(stream);
            if (state is { Version: CurrentVersion, Committed: >= 0, Segment: > 0, SpoolLength: >= 0 }) return state;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
        }
        var aside = path + ".set-aside";
        File.Move(path, aside, overwrite: true);
        logger.LogWarning("Source {Source}: {Path} could not be used; moved to {Aside}; the pushed stream's offset starts again from 0", source, path, aside);
        return null;
    }
}
