using System.Net.Http.Json;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Contract;

/// <summary>
/// What every kind of source promises, run against each kind through the real server: its lines arrive in the order
/// it produced them, it says what it is, lines read back from its history are the lines published live, and each
/// line is masked exactly once. A new kind gets these checks by deriving one small class.
/// </summary>
public abstract class SourceContract : IAsyncDisposable
{
    protected const string Name = "app";

    /// <summary>Only the last two records stay in memory, so a resume from the start reads the rest back from the kind's history.</summary>
    private static readonly Dictionary<string, string?> Common = new()
    {
        ["TailHub:BacklogLines"] = "2",
        ["TailHub:InitialLines"] = "0",
        // A rule whose output it would match again: masking twice shows as "secret!!".
        ["TailHub:Redaction:Rules:0:Name"] = "bang",
        ["TailHub:Redaction:Rules:0:Pattern"] = "(secret)",
        ["TailHub:Redaction:Rules:0:Replacement"] = "$1!",
        ["TailHub:Redaction:Rules:0:Triggers:0"] = "secret",
    };

    protected TempFolder Folder { get; } = new();

    /// <summary>The kind's <c>Type</c>.</summary>
    protected abstract string Kind { get; }

    /// <summary>The source's settings (<c>TailHub:Sources:0:…</c>), besides its name.</summary>
    protected abstract Task<Dictionary<string, string?>> ArrangeAsync();

    /// <summary>Makes the source produce <paramref name="lines"/>, in this order.</summary>
    protected abstract Task ProduceAsync(IReadOnlyList<string> lines);

    protected async Task<TailHubServer> StartAsync()
    {
        var settings = new Dictionary<string, string?>(Common) { ["TailHub:Sources:0:Name"] = Name };
        foreach (var (key, value) in await ArrangeAsync()) settings[$"TailHub:Sources:0:{key}"] = value;
        var server = await TailHubServer.StartAsync(new Dictionary<string, string>(), settings, Folder);
        Started(server);
        return server;
    }

    /// <summary>For kinds that are written to through the server itself.</summary>
    protected virtual void Started(TailHubServer server)
    {
    }

    private static List<string> Numbered(int count, string prefix) => Enumerable.Range(1, count).Select(i => $"{prefix} line {i}").ToList();

    private static List<(long Seq, string Text)> LinesOf(IEnumerable<SseEvent> events) =>
        events.Where(e => e.Type == Name).SelectMany(e => e.Lines).ToList();

    [Fact]
    public async Task Lines_arrive_in_the_order_the_source_produced_them()
    {
        await using var server = await StartAsync();
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, $"/api/stream?sources={Name}&backlog=0");
        var lines = Numbered(50, Kind);

        await ProduceAsync(lines);
        var received = LinesOf(await viewer.ReadUntilLinesAsync(Name, lines.Count));

        Assert.Equal(lines, received.Select(l => l.Text));
        Assert.Equal(received.Select(l => l.Seq).Order(), received.Select(l => l.Seq));
    }

    [Fact]
    public async Task The_source_reports_its_kind_and_a_state()
    {
        await using var server = await StartAsync();
        await ProduceAsync(["one line"]);

        var source = await server.SourceAsync(Name);

        Assert.Equal(Kind, source.GetProperty("type").GetString());
        Assert.Contains(source.GetProperty("state").GetString(), new[] { "waiting", "following" });
        Assert.False(string.IsNullOrEmpty(source.GetProperty("path").GetString()));
    }

    [Fact]
    public async Task Lines_read_back_from_history_are_the_lines_published_live()
    {
        await using var server = await StartAsync();
        await using var live = await SseTestClient.ConnectAsync(server.BaseAddress, $"/api/stream?sources={Name}&backlog=0");
        var lines = Numbered(30, "history");
        lines.Insert(10, "a secret in the middle");
        var published = LinesOf(await ProduceAndReadAsync(live, lines));
        var epoch = live.LastEventId!.Split('@')[1].Split('=')[0];

        // From the very start: all but the last two come from the source's history, not from memory.
        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, $"/api/stream?sources={Name}", $"{Name}@{epoch}=0");
        var readBack = LinesOf(await resumed.ReadUntilLinesAsync(Name, published.Count)).Where(l => published.Any(p => p.Seq == l.Seq)).ToList();

        Assert.Equal(published, readBack);
    }

    [Fact]
    public async Task A_line_is_masked_exactly_once_live_and_read_back()
    {
        await using var server = await StartAsync();
        await using var live = await SseTestClient.ConnectAsync(server.BaseAddress, $"/api/stream?sources={Name}&backlog=0");
        List<string> lines = ["the secret is out", "filler 1", "filler 2", "filler 3"];
        var published = LinesOf(await ProduceAndReadAsync(live, lines));
        var epoch = live.LastEventId!.Split('@')[1].Split('=')[0];
        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, $"/api/stream?sources={Name}", $"{Name}@{epoch}=0");
        var readBack = LinesOf(await resumed.ReadUntilLinesAsync(Name, published.Count));

        Assert.Equal("the secret! is out", published.Single(l => l.Text.StartsWith("the ", StringComparison.Ordinal)).Text);
        Assert.Equal("the secret! is out", readBack.Single(l => l.Text.StartsWith("the ", StringComparison.Ordinal)).Text);
    }

    private async Task<List<SseEvent>> ProduceAndReadAsync(SseTestClient viewer, List<string> lines)
    {
        await ProduceAsync(lines);
        var events = await viewer.ReadUntilLinesAsync(Name, lines.Count);
        return events;
    }

    public virtual ValueTask DisposeAsync()
    {
        Folder.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class FileSourceContract : SourceContract
{
    protected override string Kind => "file";

    protected override Task<Dictionary<string, string?>> ArrangeAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Path"] = Folder.PathOf("app.log") });

    protected override Task ProduceAsync(IReadOnlyList<string> lines)
    {
        File.AppendAllLines(Folder.PathOf("app.log"), lines);
        return Task.CompletedTask;
    }
}

public sealed class PushSourceContract : SourceContract
{
    protected override string Kind => "push";

    private HttpClient? _client;

    protected override Task<Dictionary<string, string?>> ArrangeAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Type"] = "push" });

    protected override async Task ProduceAsync(IReadOnlyList<string> lines)
    {
        var response = await _client!.PostAsync($"/api/sources/{Name}/lines", new StringContent(string.Join("\n", lines) + "\n"));
        response.EnsureSuccessStatusCode();
    }

    protected override void Started(TailHubServer server) => _client = new HttpClient { BaseAddress = server.BaseAddress };

    public override ValueTask DisposeAsync()
    {
        _client?.Dispose();
        return base.DisposeAsync();
    }
}

public sealed class JenkinsSourceContract : SourceContract
{
    private FakeJenkins? _jenkins;
    private FakeJenkinsBuild? _build;

    protected override string Kind => "jenkins";

    protected override async Task<Dictionary<string, string?>> ArrangeAsync()
    {
        _jenkins = await FakeJenkins.StartAsync("2.541.1");
        var job = _jenkins.AddJob("team/app");
        _build = _jenkins.StartBuild(job);
        return new Dictionary<string, string?>
        {
            ["Type"] = "jenkins",
            ["Url"] = _jenkins.BaseAddress.AbsoluteUri,
            ["Job"] = job.FullName,
            ["PollInterval"] = "00:00:00.200",
        };
    }

    protected override Task ProduceAsync(IReadOnlyList<string> lines)
    {
        _build!.Append(string.Concat(lines.Select(l => l + "\n")));
        return Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_jenkins is not null) await _jenkins.DisposeAsync();
        await base.DisposeAsync();
    }
}

public sealed class CommandSourceContract : SourceContract
{
    private RunsClient? _runs;
    private int _produced;

    protected override string Kind => "command";

    protected override Task<Dictionary<string, string?>> ArrangeAsync() =>
        Task.FromResult(new Dictionary<string, string?>
        {
            ["Type"] = "command",
            ["Command:0"] = "cat",
            ["Command:1"] = "{FILE}",
            ["Parameters:FILE"] = "",
        });

    /// <summary>Each call is one run of <c>cat</c> over a file holding the lines.</summary>
    protected override async Task ProduceAsync(IReadOnlyList<string> lines)
    {
        var file = Folder.PathOf($"produce-{++_produced}.txt");
        await File.WriteAllLinesAsync(file, lines);
        var number = await _runs!.StartedAsync(Name, new Dictionary<string, string> { ["FILE"] = file });
        await _runs.EndedAsync(Name, number);
    }

    protected override void Started(TailHubServer server) => _runs = new RunsClient(server.Client);
}
