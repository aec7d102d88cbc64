namespace TailHub.Sources;

/// <summary>A source read by another TailHub process (a hub's mirror of an agent's source): <c>/api/sources</c> names it.</summary>
public interface IHasOwner
{
    /// <summary>The agent that reads and publishes the source.</summary>
    string Owner { get; }
}
