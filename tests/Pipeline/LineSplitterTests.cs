using TailHub.Pipeline;
using System.Text;
using TailHub.Sources;

namespace TailHub.Tests.Pipeline;

public sealed class LineSplitterTests
{
    private static List<SplitLine> Split(int maxLineBytes, params byte[][] reads)
    {
        var splitter = new LineSplitter(maxLineBytes);
        var lines = new List<SplitLine>();
        foreach (var read in reads) splitter.Push(read, lines);
        return lines;
    }

    private static string Text(SplitLine line) => Encoding.UTF8.GetString(line.Utf8);

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Newline_ends_a_line_and_is_not_part_of_it()
    {
        var lines = Split(1024, B("one\ntwo\n"));
        Assert.Equal(["one", "two"], lines.Select(Text));
    }

    [Fact]
    public void Crlf_ends_a_line_and_neither_byte_is_part_of_it()
    {
        var lines = Split(1024, B("one\r\ntwo\r\n"));
        Assert.Equal(["one", "two"], lines.Select(Text));
    }

    [Fact]
    public void Crlf_split_across_two_reads_still_ends_one_line()
    {
        var lines = Split(1024, B("one\r"), B("\ntwo\n"));
        Assert.Equal(["one", "two"], lines.Select(Text));
    }

    [Fact]
    public void A_lone_carriage_return_inside_a_line_is_kept()
    {
        var lines = Split(1024, B("progress 10%\rprogress 20%\n"));
        Assert.Equal("progress 10%\rprogress 20%", Text(Assert.Single(lines)));
    }

    [Fact]
    public void A_partial_last_line_is_held_until_its_newline()
    {
        var splitter = new LineSplitter(1024);
        var lines = new List<SplitLine>();
        splitter.Push(B("complete\nparti"), lines);
        Assert.Equal(["complete"], lines.Select(Text));
        Assert.True(splitter.HasPartialLine);

        splitter.Push(B("al line\n"), lines);
        Assert.Equal(["complete", "partial line"], lines.Select(Text));
        Assert.False(splitter.HasPartialLine);
    }

    [Fact]
    public void A_held_partial_line_is_emitted_whole_when_flushed()
    {
        var splitter = new LineSplitter(1024);
        var lines = new List<SplitLine>();
        splitter.Push(B("Continue? [y/N] "), lines);
        Assert.Empty(lines);

        Assert.True(splitter.FlushPartial(lines));
        Assert.Equal("Continue? [y/N] ", Text(Assert.Single(lines)));
    }

    [Fact]
    public void A_utf8_character_split_across_reads_decodes_correctly()
    {
        var euro = B("price: €5\n"); // € is three bytes
        var cut = Array.IndexOf(euro, (byte)0xE2) + 1;
        var lines = Split(1024, euro[..cut], euro[cut..]);
        Assert.Equal("price: €5", Text(Assert.Single(lines)));
    }

    [Fact]
    public void Invalid_utf8_becomes_the_replacement_character()
    {
        var lines = Split(1024, [(byte)'a', 0xFF, (byte)'b', 0xC3, (byte)'\n']);
        Assert.Equal("a\uFFFDb\uFFFD", Text(Assert.Single(lines)));
    }

    [Fact]
    public void Nul_and_binary_bytes_do_not_break_splitting()
    {
        var lines = Split(1024, [0, 1, 2, (byte)'\n', 0x1B, (byte)'[', (byte)'0', (byte)'m', (byte)'\n']);
        Assert.Equal(["\0\u0001\u0002", "\u001B[0m"], lines.Select(Text));
    }

    [Fact]
    public void A_line_longer_than_the_cap_is_cut_with_a_marker_saying_how_much_was_skipped()
    {
        var line = new string('x', 100) + "\n";
        var lines = Split(40, B(line));
        var text = Text(Assert.Single(lines));
        Assert.StartsWith(new string('x', 40), text);
        Assert.EndsWith(LineSplitter.CutMarker(60), text);
    }

    [Fact]
    public void A_long_line_arriving_in_many_reads_is_cut_once_and_the_next_line_is_intact()
    {
        var splitter = new LineSplitter(64);
        var lines = new List<SplitLine>();
        for (var i = 0; i < 1000; i++) splitter.Push(B(new string('y', 100)), lines);
        splitter.Push(B("\nnext\n"), lines);
        Assert.Equal(2, lines.Count);
        Assert.EndsWith(LineSplitter.CutMarker(100_000 - 64), Text(lines[0]));
        Assert.Equal("next", Text(lines[1]));
    }

    [Fact]
    public void A_cut_never_splits_a_utf8_character()
    {
        // 'é' is two bytes; a cap of 17 falls inside the ninth one.
        var lines = Split(17, B(new string('é', 12) + "\n"));
        var text = Text(Assert.Single(lines));
        Assert.StartsWith(new string('é', 8) + " …", text);
        Assert.DoesNotContain('\uFFFD', text);
    }

    [Fact]
    public void Offsets_cover_each_line_and_its_terminator()
    {
        var lines = Split(1024, B("ab\r\ncde\n"));
        Assert.Equal((0L, 4L), (lines[0].Start, lines[0].End));
        Assert.Equal((4L, 8L), (lines[1].Start, lines[1].End));
    }
}
