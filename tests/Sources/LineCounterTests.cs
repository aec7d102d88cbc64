using System.Text;
using TailHub.Sources;

namespace TailHub.Tests.Sources;

/// <summary>The bulk line count agrees with a byte-by-byte count, and finds the marker wherever it lies.</summary>
public sealed class LineCounterTests
{
    private static byte[] RandomLines(int length, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        for (var i = 0; i < length; i++) bytes[i] = random.Next(12) == 0 ? (byte)'\n' : (byte)random.Next(32, 127);
        return bytes;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(129)]
    [InlineData(4_099)]
    [InlineData(262_144)]
    public void It_counts_every_newline_whatever_the_length(int length)
    {
        var block = RandomLines(length, length);
        var expected = block.Count(b => b == (byte)'\n');

        Assert.Equal(expected, LineCounter.CountUnlessContains(block, []));
        Assert.Equal(expected, LineCounter.CountUnlessContains(block, "-----BEGIN"u8));
    }

    [Fact]
    public void It_finds_the_marker_at_every_position_including_across_vector_boundaries_and_in_the_tail()
    {
        var marker = "-----BEGIN"u8.ToArray();
        for (var at = 0; at <= 200 - marker.Length; at++)
        {
            var block = Encoding.ASCII.GetBytes(new string('-', 200));
            block[at + marker.Length - 1] = (byte)'X';
            Assert.NotEqual(-1, LineCounter.CountUnlessContains(block, marker));
            marker.CopyTo(block, at);
            Assert.Equal(-1, LineCounter.CountUnlessContains(block, marker));
        }
    }

    [Fact]
    public void Near_misses_of_the_marker_are_counted_as_ordinary_lines()
    {
        var block = "-----BEGIX\n----BEGIN\n------------\n-----BEGI\nN\n"u8;

        Assert.Equal(5, LineCounter.CountUnlessContains(block, "-----BEGIN"u8));
    }
}
