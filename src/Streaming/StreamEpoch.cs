using System.Security.Cryptography;

namespace TailHub.Streaming;

/// <summary>
/// Identifies this run of TailHub in every event id. Sequence numbers restart with the process, so a viewer whose
/// position was given out by another run is told so (a gap) instead of being resumed at a wrong place.
/// </summary>
public sealed class StreamEpoch
{
    public StreamEpoch() : this(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))) { }

    public StreamEpoch(string value) => Value = value;

    public string Value { get; }
}
