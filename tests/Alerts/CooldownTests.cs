using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TailHub.Alerts;
using TailHub.Configuration;
using TailHub.Pipeline;

namespace TailHub.Tests.Alerts;

/// <summary>The cooldown on a clock the test moves: one notification, then at most one roll-up per cooldown, then quiet.</summary>
public sealed class CooldownTests : IAsyncDisposable
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z"));
    private readonly Channel<JsonElement> _sent = Channel.CreateUnbounded<JsonElement>();
    private readonly CancellationTokenSource _stop = new();
    private readonly AlertSet _alerts;
    private readonly AlertEvaluator _evaluator;
    private readonly SourceHub _hub;
    private readonly List<Task> _deliveries;
    private long _seq;

    public CooldownTests()
    {
        var options = new AlertsOptions
        {
            Rules = [new AlertRuleOptions { Name = "crash", Match = "panic", Cooldown = Cooldown, Destinations = ["hook"] }],
            Destinations = [new AlertDestinationOptions { Name = "hook", Url = "https://hooks.example.com/x" }],
        };
        _alerts = AlertSet.Build(options, ["app"], _ => null, (d, url, token) =>
            new AlertDestination(d, url, token, options, _time, NullLogger.Instance, new HttpClient(new Recorder(_sent))), out var errors)!;
        Assert.Empty(errors);
        var links = new AlertLinks(Options.Create(new TailHubOptions { PublicUrl = "https://logs.example.com" }), new NoServer());
        _evaluator = new AlertEvaluator(_alerts, new AlertQueue(options), links, _time, NullLogger<AlertEvaluator>.Instance);
        _hub = new SourceHub("app", "e", 16, new SourceJournal(16, 1024), _time);
        _deliveries = _alerts.Destinations.Select(d => d.RunAsync(_stop.Token)).ToList();
    }

    private void Write(params string[] texts) =>
        _evaluator.Evaluate("app", _hub, texts.Select(t => (SourceRecord)new LogLine(System.Text.Encoding.UTF8.GetBytes(t), null, 0, 0, _time.GetUtcNow().ToUnixTimeMilliseconds()) { Seq = ++_seq }).ToArray());

    private void Pass(TimeSpan span)
    {
        _time.Advance(span);
        _evaluator.CloseDue();
    }

    private async Task<JsonElement> SentAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _sent.Reader.ReadAsync(timeout.Token);
    }

    [Fact]
    public async Task A_storm_is_one_notification_then_one_roll_up_per_cooldown_then_quiet()
    {
        Write("panic: one");
        var first = await SentAsync();
        Pass(TimeSpan.FromMinutes(1));
        Write("panic: two", "ok", "panic: three");
        Pass(TimeSpan.FromMinutes(4));
        var rollUp = await SentAsync();
        Write("panic: four");
        Pass(Cooldown);
        var second = await SentAsync();
        Pass(Cooldown);
        Write("panic: five");
        var again = await SentAsync();

        Assert.Equal(("first", "panic: one"), (first.GetProperty("kind").GetString(), first.GetProperty("text").GetString()));
        Assert.Equal("rollup", rollUp.GetProperty("kind").GetString());
        Assert.Equal(2, rollUp.GetProperty("count").GetInt32());
        Assert.Equal("panic: two", rollUp.GetProperty("first").GetProperty("text").GetString());
        Assert.Equal("panic: three", rollUp.GetProperty("last").GetProperty("text").GetString());
        Assert.Equal("crash on app: … and 2 more like this in the last 5 minutes", rollUp.GetProperty("summary").GetString());
        Assert.Equal(("rollup", 1), (second.GetProperty("kind").GetString(), second.GetProperty("count").GetInt32()));
        // The cooldown after the last roll-up ended with nothing counted: the next match is news again.
        Assert.Equal(("first", "panic: five"), (again.GetProperty("kind").GetString(), again.GetProperty("text").GetString()));
        Assert.Equal("https://logs.example.com/?sources=app&line=6", again.GetProperty("link").GetString());
        Assert.Equal(5, _alerts.Rules[0].Matches);
        Assert.Equal(3, _alerts.Rules[0].RolledUp);
        Assert.False(_sent.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Each_source_has_its_own_cooldown()
    {
        Write("panic: app");
        _evaluator.Evaluate("db", _hub, [new LogLine("panic: db"u8.ToArray(), null, 0, 0, 0) { Seq = 1 }]);

        var sources = new[] { await SentAsync(), await SentAsync() }.Select(s => s.GetProperty("source").GetString()).Order().ToList();

        Assert.Equal(["app", "db"], sources);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_deliveries);
        _alerts.Dispose();
    }

    private sealed class Recorder(Channel<JsonElement> sent) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            sent.Writer.TryWrite(JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)).RootElement);
            return new HttpResponseMessage(System.Net.HttpStatusCode.NoContent);
        }
    }

    private sealed class NoServer : IServer
    {
        public IFeatureCollection Features { get; } = new FeatureCollection();
        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public void Dispose() { }
    }
}
