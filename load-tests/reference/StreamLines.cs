namespace TailHub.Reference;

/// <summary>
/// Hands a buffer's complete lines to the collector and keeps the incomplete rest at the buffer's start (callers wait
/// for <see cref="LineCollector.WaitForRoomAsync"/> first).
/// </summary>
public static class StreamLines
{
    /// <returns>How many bytes of an incomplete line are left at the start of <paramref name="buffer"/>.</returns>
    public static int Split(byte[] buffer, int length, LineCollector lines) => Split(buffer, length, lines, out _);

    /// <param name="added">The lines handed over.</param>
    public static int Split(byte[] buffer, int length, LineCollector lines, out int added)
    {
        var used = lines.Append(buffer.AsSpan(0, length), out added);
        var carry = length - used;
        buffer.AsSpan(used, carry).CopyTo(buffer);
        // A line longer than the buffer is cut, which the load tester's lines never are.
        return carry == buffer.Length ? 0 : carry;
    }
}
