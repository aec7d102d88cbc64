using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Command;

/// <summary>A real child process's output as viewers get it: both streams, each line tagged, framed like a file's lines.</summary>
public sealed class CommandOutputTests
{
    [Fact]
    public async Task Stdout_and_stderr_lines_arrive_interleaved_as_written_each_tagged_with_its_stream()
    {
        // Paced, so the order across the two pipes is the order the process wrote in (0.05 s was not always enough
        // for the two pipe readers on a two-core machine running the whole suite).
        await using var job = await CommandSource.StartAsync("""
            for i in 1 2 3 4 5 6; do echo "out $i"; sleep 0.2; echo "err $i" >&2; sleep 0.2; done
            """);
        await using var viewer = await job.WatchAsync();

        var run = await job.Runs.StartedAsync(CommandSource.Name);
        var lines = CommandSource.LinesOf(await CommandSource.ReadUntilRunEndsAsync(viewer, run));

        var expected = Enumerable.Range(1, 6).SelectMany(i => new[] { ($"out {i}", "stdout"), ($"err {i}", "stderr") }).ToList();
        Assert.Equal(expected, lines);
    }

    [Fact]
    public async Task Both_streams_written_at_speed_arrive_complete_and_in_order_within_each_stream()
    {
        await using var job = await CommandSource.StartAsync("""
            seq -f 'out %g' 1 100000 &
            seq -f 'err %g' 1 100000 >&2
            wait
            """, new() { ["TailHub:BacklogLines"] = "10" });
        await using var viewer = await job.WatchAsync();

        var run = await job.Runs.StartedAsync(CommandSource.Name);
        var lines = CommandSource.LinesOf(await CommandSource.ReadUntilRunEndsAsync(viewer, run, TimeSpan.FromSeconds(60)));

        Assert.Equal(Enumerable.Range(1, 100000).Select(i => $"out {i}"), lines.Where(l => l.Stream == "stdout").Select(l => l.Text));
        Assert.Equal(Enumerable.Range(1, 100000).Select(i => $"err {i}"), lines.Where(l => l.Stream == "stderr").Select(l => l.Text));
        // Read as they came, not one stream after the other: stderr lines appear before the last stdout line.
        Assert.True(lines.FindIndex(l => l.Stream == "stderr") < lines.FindLastIndex(l => l.Stream == "stdout"));
    }

    [Fact]
    public async Task A_partial_line_waits_for_its_own_newline_whatever_the_other_stream_writes()
    {
        await using var job = await CommandSource.StartAsync("""
            printf 'progress: 10%%' >&2
            sleep 0.2
            echo 'a whole stdout line'
            sleep 0.2
            printf ' ... 100%%\n' >&2
            printf 'no newline at the end'
            """);
        await using var viewer = await job.WatchAsync();

        var run = await job.Runs.StartedAsync(CommandSource.Name);
        var lines = CommandSource.LinesOf(await CommandSource.ReadUntilRunEndsAsync(viewer, run));

        Assert.Equal([("a whole stdout line", "stdout"), ("progress: 10% ... 100%", "stderr"), ("no newline at the end", "stdout")], lines);
    }

    [Fact]
    public async Task Invalid_utf8_is_repaired_and_a_line_starting_with_0xFF_stays_a_stdout_line_live_and_read_back()
    {
        await using var job = await CommandSource.StartAsync("""
            printf '\377starts with 0xFF\n'
            sleep 0.1
            printf 'bad \376\300 bytes\n' >&2
            """, new() { ["TailHub:BacklogLines"] = "1" });
        await using var viewer = await job.WatchAsync();
        var run = await job.Runs.StartedAsync(CommandSource.Name);
        var live = CommandSource.LinesOf(await CommandSource.ReadUntilRunEndsAsync(viewer, run));

        // From the run's start: read back from its spool, not from memory (the backlog holds one record).
        var cursor = (await job.Runs.EndedAsync(CommandSource.Name, run)).GetProperty("cursor").GetString();
        await using var later = await job.WatchAsync("", cursor);
        var readBack = CommandSource.LinesOf(await CommandSource.ReadUntilRunEndsAsync(later, run));

        List<(string, string)> expected = [("\uFFFDstarts with 0xFF", "stdout"), ("bad \uFFFD\uFFFD bytes", "stderr")];
        Assert.Equal(expected, live);
        Assert.Equal(expected, readBack);
    }

    [Fact]
    public async Task A_one_megabyte_line_is_cut_and_marked_and_the_next_line_is_whole()
    {
        await using var job = await CommandSource.StartAsync("""
            head -c 1048576 /dev/zero | tr '\0' 'a'
            echo
            echo 'after the long line'
            """);
        await using var viewer = await job.WatchAsync();

        var run = await job.Runs.StartedAsync(CommandSource.Name);
        var lines = CommandSource.LinesOf(await CommandSource.ReadUntilRunEndsAsync(viewer, run));

        Assert.Equal(2, lines.Count);
        Assert.Equal(new string('a', 65536) + " … [line cut: 983,040 more bytes]", lines[0].Text);
        Assert.Equal("after the long line", lines[1].Text);
    }

    [Fact]
    public async Task Secrets_in_a_process_output_are_masked_before_they_are_spooled()
    {
        await using var job = await CommandSource.StartAsync("echo 'password=hunter2'; sleep 0.1; echo 'token=abc' >&2");
        await using var viewer = await job.WatchAsync();

        var run = await job.Runs.StartedAsync(CommandSource.Name);
        var lines = CommandSource.LinesOf(await CommandSource.ReadUntilRunEndsAsync(viewer, run));
        var spool = await File.ReadAllTextAsync(Directory.GetFiles(job.Server.Folder.PathOf("data"), $"{run}.log", SearchOption.AllDirectories).Single());

        Assert.Equal([("password=***", "stdout"), ("token=***", "stderr")], lines);
        Assert.DoesNotContain("hunter2", spool);
        Assert.DoesNotContain("abc", spool);
    }

    [Fact]
    public async Task Output_past_MaxRunBytes_is_dropped_after_a_visible_marker_and_the_process_still_runs_to_its_end()
    {
        await using var job = await CommandSource.StartAsync("""
            yes 'a line of output' 2>/dev/null | head -c 2097152
            echo 'after the cap'
            exit 0
            """, new() { ["MaxRunBytes"] = "1048576" });
        var number = await job.Runs.StartedAsync(CommandSource.Name);
        var run = await job.Runs.EndedAsync(CommandSource.Name, number);

        var spool = await File.ReadAllLinesAsync(Directory.GetFiles(job.Server.Folder.PathOf("data"), $"{number}.log", SearchOption.AllDirectories).Single());
        await using var viewer = await job.WatchAsync("backlog=2");
        var last = CommandSource.LinesOf(await viewer.ReadUntilLinesAsync(CommandSource.Name, 1)).Single().Text;

        Assert.Equal("succeeded", CommandSource.State(run));
        Assert.Equal("[TailHub: this run's output reached MaxRunBytes (1,048,576 bytes); the rest of it is not kept]", last);
        Assert.Equal(last, spool[^1]);
        Assert.DoesNotContain("after the cap", spool);
        // 61,680 whole lines and the first 16 bytes of the next, which is "a line of output" without its newline.
        Assert.Equal(61681, spool.Count(l => l == "a line of output"));
    }

    [Fact]
    public async Task A_secret_inside_a_flood_nobody_watches_is_masked_in_the_spool()
    {
        // Whole blocks of plain lines are spooled as they are; a block holding a secret or a key line must not be.
        await using var job = await CommandSource.StartAsync("""
            seq -f 'plain line %g' 1 200000
            echo 'password=hunter2'
            seq -f 'plain line %g' 1 1000
            echo 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun'
            seq -f 'plain line %g' 1 200000
            """);

        var number = await job.Runs.StartedAsync(CommandSource.Name);
        await job.Runs.EndedAsync(CommandSource.Name, number);
        var spool = await File.ReadAllTextAsync(Directory.GetFiles(job.Server.Folder.PathOf("data"), $"{number}.log", SearchOption.AllDirectories).Single());

        Assert.DoesNotContain("hunter2", spool);
        Assert.DoesNotContain("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun", spool);
        Assert.Contains("password=***\n", spool);
        Assert.Equal(401_002, spool.Count(c => c == '\n'));
    }
}
