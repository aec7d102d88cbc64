using System.Text.Json;
using System.Text.Json.Serialization;

namespace TailHub.ScaleOut;

/// <summary>
/// What an agent says about one of its sources in the registry (<see cref="RedisKeys.Registry"/>): the epoch naming
/// its sequence (its stream), who publishes it and where that agent answers history requests, what it reads and how
/// it is doing, and when this was last said.
/// </summary>
public sealed record SourceRegistration(
    [property: JsonPropertyName("epoch")] string Epoch,
    [property: JsonPropertyName("agent")] string Agent,
    [property: JsonPropertyName("agentUrl")] string? AgentUrl,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("lastSeq")] long LastSeq,
    [property: JsonPropertyName("updatedAt")] long UpdatedAtMs)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>
    /// Reads a registration written by an agent; null for anything malformed. The epoch goes into every SSE id a hub
    /// writes, so it must be what an agent makes (hex), never arbitrary text.
    /// </summary>
    public static SourceRegistration? TryParse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            var r = JsonSerializer.Deserialize<SourceRegistration>(json);
            if (r is null || string.IsNullOrEmpty(r.Epoch) || r.Epoch.Length > 32 || !r.Epoch.All(char.IsAsciiHexDigit)) return null;
            if (string.IsNullOrEmpty(r.Agent) || r.Kind is null || r.Target is null || r.State is null || r.LastSeq < 0) return null;
            return r;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
