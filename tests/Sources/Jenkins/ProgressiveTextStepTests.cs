using System.Text;
using TailHub.Sources.Jenkins;

namespace TailHub.Tests.Sources.Jenkins;

public sealed class ProgressiveTextStepTests
{
    private static readonly JenkinsVersion Legacy = JenkinsVersion.Parse("2.504.3");
    private static readonly JenkinsVersion Current = JenkinsVersion.Parse("2.516.3");

    private static ProgressiveTextResponse Response(long size, bool more, string body, JenkinsVersion version) =>
        new(size, more, Encoding.UTF8.GetBytes(body), version);

    [Fact]
    public void Before_2_509_the_next_offset_is_the_text_size_header()
    {
        var step = ProgressiveTextStep.From(10, Response(25, true, "abc\r\n", Legacy));

        Assert.Equal(25, step.Next);
        Assert.Equal("abc\n", Encoding.UTF8.GetString(step.Console));
    }

    [Fact]
    public void From_2_509_a_trailing_partial_line_is_left_for_the_next_poll()
    {
        // Raw log from 0: "one\ntwo\npart" (12 bytes); the body stops before "part" but the header counts it.
        var step = ProgressiveTextStep.From(0, Response(12, true, "one\r\ntwo\r\n", Current));

        Assert.Equal(8, step.Next);
        Assert.Equal("one\ntwo\n", Encoding.UTF8.GetString(step.Console));
    }

    [Fact]
    public void From_2_509_a_body_cut_mid_line_by_the_size_cap_is_cut_back_to_its_last_line_end()
    {
        var step = ProgressiveTextStep.From(5, Response(14, true, "é\r\nhalf a li", Current));

        Assert.Equal(5 + 3, step.Next);
        Assert.Equal("é\n", Encoding.UTF8.GetString(step.Console));
    }

    [Fact]
    public void From_2_509_a_complete_log_is_taken_whole_including_a_final_partial_line()
    {
        var step = ProgressiveTextStep.From(4, Response(12, false, "two\r\nend", Current));

        Assert.True(step.Complete);
        Assert.Equal(12, step.Next);
        Assert.Equal("two\nend", Encoding.UTF8.GetString(step.Console));
    }

    [Fact]
    public void From_2_509_console_notes_are_stripped_after_the_offset_is_counted()
    {
        var note = "\x1b[8mha:AAAAH+LCAAA=\x1b[0m";
        var body = $"Started by {note}bob\r\n";
        var step = ProgressiveTextStep.From(0, Response(999, true, body, Current));

        Assert.Equal(Encoding.UTF8.GetByteCount(body) - 1, step.Next);
        Assert.Equal("Started by bob\n", Encoding.UTF8.GetString(step.Console));
    }

    [Fact]
    public void A_text_size_below_the_offset_means_the_log_was_replaced_and_is_read_from_zero()
    {
        var step = ProgressiveTextStep.From(500, Response(20, true, "new log\r\n", Current));

        Assert.True(step.LogReplaced);
        Assert.Equal(8, step.Next);
    }

    [Fact]
    public void An_empty_answer_of_size_zero_from_a_missing_log_file_keeps_the_offset_and_the_file()
    {
        var step = ProgressiveTextStep.From(500, Response(0, true, "", Current));

        Assert.False(step.LogReplaced);
        Assert.Equal(500, step.Next);
    }

    [Fact]
    public void A_lone_carriage_return_ending_one_response_and_the_line_feed_starting_the_next_give_back_the_raw_pair()
    {
        var first = ProgressiveTextStep.From(0, Response(6, true, "50%..\r", Current));
        var second = ProgressiveTextStep.From(first.Next, Response(7, true, "\r\n", Current));

        Assert.Equal("50%..\r\n", Encoding.UTF8.GetString([.. first.Console, .. second.Console]));
        Assert.Equal(7, second.Next);
    }

    [Fact]
    public void Without_an_X_Jenkins_header_the_careful_current_algorithm_is_used()
    {
        var step = ProgressiveTextStep.From(0, Response(12, true, "one\r\n", JenkinsVersion.Parse(null)));

        Assert.Equal(4, step.Next);
    }
}
