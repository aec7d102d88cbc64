using TailHub.Pipeline;
using System.Diagnostics;
using TailHub.Sources;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources;

/// <summary>
/// Debian's own logrotate, run for real (its state file and configuration in a temporary folder, <c>-f</c> to force
/// each rotation), against a writer that keeps writing: every line reaches the tailer once, in the order written.
/// </summary>
public sealed class LogrotateTests : IDisposable
{
    private const int Lines = 3000;
    private const int Rotations = 6;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string P(string name) => _folder.PathOf(name);

    private static string Logrotate => File.Exists("/usr/sbin/logrotate") ? "/usr/sbin/logrotate" : "logrotate";

    private async Task RotateAsync(string directives)
    {
        File.WriteAllText(P("logrotate.conf"), $"{P("app.log")} {{\n    rotate 3\n    missingok\n{directives}\n}}\n");
        var start = new ProcessStartInfo(Logrotate) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-f", "-s", P("logrotate.state"), P("logrotate.conf") }) start.ArgumentList.Add(arg);
        using var logrotate = Process.Start(start)!;
        var errors = logrotate.StandardError.ReadToEndAsync();
        await logrotate.WaitForExitAsync();
        Assert.True(logrotate.ExitCode == 0, $"logrotate failed: {await errors}");
    }

    public static TheoryData<string, string> Configurations => new()
    {
        { "    create", "app.log" },
        { "    create", "app.log*" },
        { "    copytruncate", "app.log*" },
        { "    create\n    compress\n    delaycompress", "app.log" },
        { "    create\n    compress\n    delaycompress", "app.log*" },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task Every_line_written_while_logrotate_rotates_arrives_once_in_order(string directives, string path)
    {
        var copytruncate = directives.Contains("copytruncate");
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness(path, _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);

        var rotateAt = Enumerable.Range(1, Rotations).Select(k => k * Lines / (Rotations + 1)).ToHashSet();
        var due = new SemaphoreSlim(0);
        var rotated = new SemaphoreSlim(0);
        var reopen = 0;
        var writing = Task.Run(async () =>
        {
            // create: one handle, written through across the rename and reopened after logrotate, as on its SIGHUP.
            // copytruncate: appended at the file's end every time, as an O_APPEND writer does.
            var writer = copytruncate ? null : new LogWriter(P("app.log"));
            for (var i = 1; i <= Lines; i++)
            {
                if (Interlocked.Exchange(ref reopen, 0) == 1) writer?.Reopen();
                if (writer is null) File.AppendAllText(P("app.log"), $"line {i}\n");
                else writer.WriteLine($"line {i}");
                if (rotateAt.Contains(i))
                {
                    due.Release();
                    // Lines written between copytruncate's copy and its truncation are lost by design: not while it runs.
                    if (copytruncate) await rotated.WaitAsync();
                }
                if (i % 10 == 0) await Task.Delay(1);
            }
            writer?.Dispose();
        });
        for (var k = 0; k < Rotations; k++)
        {
            // A writer that failed ends the wait too, and the test with its error.
            if (await Task.WhenAny(due.WaitAsync(), writing) == writing) await writing;
            await RotateAsync(directives);
            Interlocked.Exchange(ref reopen, 1);
            rotated.Release();
        }
        await writing;

        await tailer.WaitForLinesAsync(Lines, TimeSpan.FromSeconds(30));
        if (directives.Contains("compress")) Assert.True(File.Exists(P("app.log.2.gz")), "logrotate compressed nothing");
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => $"line {i}"), tailer.Lines);
    }
}
