using System.Buffers;
using System.Threading.Channels;
using TailHub.Pipeline;

namespace TailHub.Sources.Runs;

/// <summary>
/// A run's output on its way from the process's pipes to the source's writer: each stream is read continuously by
/// its own loop, and the chunks meet in one bounded queue in the order they arrived, so standard output and
/// standard error stay interleaved as the process wrote them and neither pipe waits for the other. When the source
/// cannot keep up, the queue is full and the readers wait: memory stays bounded, and the process is slowed by its
/// pipe, not stopped by it.
/// </summary>
public sealed class RunOutput
{
    /// <summary>Bytes read at a time; a pipe holds 64 KiB.</summary>
    public const int ChunkBytes = 64 * 1024;

    private readonly Channel<Chunk> _chunks = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(32)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    /// <summary>Bytes of one stream as read, in a pooled buffer the reader of the queue returns.</summary>
    internal readonly record struct Chunk(LineStream Stream, byte[] Buffer, int Length);

    internal ChannelReader<Chunk> Reader => _chunks.Reader;

    /// <summary>Reads <paramref name="stream"/> to its end into the queue as <paramref name="which"/>.</summary>
    public async Task ReadFromAsync(Stream stream, LineStream which, CancellationToken cancellationToken)
    {
        while (true)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            int n;
            try
            {
                n = await stream.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken);
                if (n > 0) await _chunks.Writer.WriteAsync(new Chunk(which, buffer, n), cancellationToken);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }
            if (n == 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return;
            }
        }
    }

    /// <summary>No more output will come (the process ended and its pipes were read to their end).</summary>
    internal void Complete() => _chunks.Writer.TryComplete();
}
