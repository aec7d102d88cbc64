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
    /// <summary>The most one read takes: what a widened pipe holds (<see cref="PipeCapacity"/>).</summary>
    public const int ChunkBytes = PipeCapacity.Bytes;

    // At most this many chunks wait: a few MiB, however far behind the source is.
    private readonly Channel<Chunk> _chunks = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(8)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    /// <summary>Bytes of one stream as read, in a pooled buffer the reader of the queue returns.</summary>
    internal readonly record struct Chunk(LineStream Stream, byte[] Buffer, int Length);

    internal ChannelReader<Chunk> Reader => _chunks.Reader;

    /// <summary>
    /// Reads <paramref name="stream"/> to its end into the queue as <paramref name="which"/>, on a thread of its own:
    /// a blocking read per chunk costs no hop through the thread pool, which at pipe speed is what an asynchronous
    /// read would cost most (load-tests/results/REPORT.md).
    /// </summary>
    public Task ReadFromAsync(Stream stream, LineStream which, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => ReadFrom(stream, which, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void ReadFrom(Stream stream, LineStream which, CancellationToken cancellationToken)
    {
        PipeCapacity.Widen(stream);
        while (true)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            int n;
            try
            {
                n = stream.Read(buffer, 0, ChunkBytes);
                if (n > 0 && !_chunks.Writer.TryWrite(new Chunk(which, buffer, n)))
                    _chunks.Writer.WriteAsync(new Chunk(which, buffer, n), cancellationToken).AsTask().GetAwaiter().GetResult();
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
