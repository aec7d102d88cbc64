using System.Text;
using TailHub.Pipeline;
using TailHub.Pipeline.Structure;

namespace TailHub.Tests.Pipeline.Structure;

/// <summary>
/// Classification over lines as real services write them: the shape, the level and the line's own time for each, and
/// plain lines left alone. Times without an offset are read in the classifier's zone (UTC here, the host's in TailHub).
/// </summary>
public sealed class LineClassifierTests
{
    private const string Esc = "\u001b";

    // When the lines were read: year-less dates (syslog, glog) take the year that puts them at most two days after it.
    private static readonly long ReadAt = DateTimeOffset.Parse("2024-03-06T00:00:00Z").ToUnixTimeMilliseconds();

    private static readonly LineClassifier Classifier = new(zone: TimeZoneInfo.Utc);

    public static TheoryData<string, string, LineLevel, LineShape, string?> Corpus => new()
    {
        // ASP.NET Core's JSON console formatter (with and without a TimestampFormat).
        { "aspnetcore json", """{"Timestamp":"2024-03-05T14:22:31.123Z","EventId":0,"LogLevel":"Warning","Category":"Microsoft.AspNetCore.Server.Kestrel","Message":"Connection id \u00220HMV\u0022 bad request","State":{"Message":"bad request","{OriginalFormat}":"bad request"}}""", LineLevel.Warn, LineShape.Json, "2024-03-05T14:22:31.123Z" },
        { "aspnetcore json, no timestamp", """{"EventId":14,"LogLevel":"Information","Category":"Microsoft.Hosting.Lifetime","Message":"Now listening on: http://localhost:5000","State":{"Message":"Now listening on: http://localhost:5000","address":"http://localhost:5000","{OriginalFormat}":"Now listening on: {address}"}}""", LineLevel.Info, LineShape.Json, null },
        { "aspnetcore json, critical", """{"EventId":1,"LogLevel":"Critical","Category":"App","Message":"The host stopped unexpectedly"}""", LineLevel.Fatal, LineShape.Json, null },
        // Serilog's compact JSON (CLEF): no @l means Information.
        { "serilog compact, information", """{"@t":"2024-03-05T14:22:31.1234567Z","@mt":"Processed {@Position} in {Elapsed:000} ms.","Position":{"Latitude":25,"Longitude":134},"Elapsed":34}""", LineLevel.Info, LineShape.Json, "2024-03-05T14:22:31.123Z" },
        { "serilog compact, error", """{"@t":"2024-03-05T14:22:31.5000000+01:00","@mt":"Order {OrderId} failed","@l":"Error","@x":"System.InvalidOperationException: Sequence contains no elements\n   at System.Linq.ThrowHelper.ThrowNoElementsException()","OrderId":42}""", LineLevel.Error, LineShape.Json, "2024-03-05T13:22:31.500Z" },
        // Other JSON loggers: pino (numeric level, epoch ms), zap (epoch seconds), ECS (dotted and nested log.level), GCP.
        { "pino", """{"level":50,"time":1709648551123,"pid":7,"hostname":"web-01","msg":"request failed"}""", LineLevel.Error, LineShape.Json, "2024-03-05T14:22:31.123Z" },
        { "zap", """{"level":"warn","ts":1709648551.123456,"caller":"server/main.go:88","msg":"slow request","path":"/api/orders"}""", LineLevel.Warn, LineShape.Json, "2024-03-05T14:22:31.123Z" },
        { "ecs dotted", """{"@timestamp":"2024-03-05T14:22:31.123Z","log.level":"error","message":"payment declined","ecs.version":"1.6.0"}""", LineLevel.Error, LineShape.Json, "2024-03-05T14:22:31.123Z" },
        { "ecs nested", """{"@timestamp":"2024-03-05T14:22:31.123Z","log":{"level":"debug","logger":"app"},"message":"cache miss"}""", LineLevel.Debug, LineShape.Json, "2024-03-05T14:22:31.123Z" },
        { "gcp", """{"severity":"CRITICAL","timestamp":"2024-03-05T14:22:31Z","message":"out of memory"}""", LineLevel.Fatal, LineShape.Json, "2024-03-05T14:22:31.000Z" },
        { "json without a level", """{"method":"GET","path":"/","status":200}""", LineLevel.Unknown, LineShape.Json, null },
        // nginx's error log.
        { "nginx error", """2024/03/05 14:22:31 [error] 12345#12345: *678 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 10.0.0.1, server: localhost, request: "GET /favicon.ico HTTP/1.1", host: "localhost" """, LineLevel.Error, LineShape.Plain, "2024-03-05T14:22:31.000Z" },
        { "nginx crit", "2024/03/05 14:22:31 [crit] 12345#12345: *9 SSL_do_handshake() failed", LineLevel.Fatal, LineShape.Plain, "2024-03-05T14:22:31.000Z" },
        { "nginx notice", "2024/03/05 14:22:31 [notice] 1#1: signal process started", LineLevel.Info, LineShape.Plain, "2024-03-05T14:22:31.000Z" },
        // logfmt from Go services: slog, go-kit, log15 (Grafana), logrus.
        { "slog text", "time=2024-03-05T14:22:31.123+01:00 level=WARN msg=\"disk almost full\" free=3%", LineLevel.Warn, LineShape.Logfmt, "2024-03-05T13:22:31.123Z" },
        { "go-kit", "level=error ts=2024-03-05T14:22:31.123Z caller=main.go:42 msg=\"connection refused\" err=\"dial tcp 10.0.0.1:5432: connect: connection refused\"", LineLevel.Error, LineShape.Logfmt, "2024-03-05T14:22:31.123Z" },
        { "log15", "t=2024-03-05T14:22:31+0100 lvl=eror msg=\"Failed to send notification\" logger=alerting", LineLevel.Error, LineShape.Logfmt, "2024-03-05T13:22:31.000Z" },
        { "logrus text", "time=\"2024-03-05T14:22:31Z\" level=info msg=\"Started server\" port=8080", LineLevel.Info, LineShape.Logfmt, "2024-03-05T14:22:31.000Z" },
        { "heroku router", "at=info method=GET path=\"/\" host=app.herokuapp.com fwd=\"10.0.0.1\" dyno=web.1 connect=1ms service=18ms status=200", LineLevel.Unknown, LineShape.Logfmt, null },
        // Python's logging: the default format, and the common asctime ones.
        { "python default", "WARNING:root:disk almost full", LineLevel.Warn, LineShape.Plain, null },
        { "python asctime dash", "2024-03-05 14:22:31,123 - myapp.db - ERROR - connection lost", LineLevel.Error, LineShape.Plain, "2024-03-05T14:22:31.123Z" },
        { "python asctime", "2024-03-05 14:22:31,123 INFO [werkzeug] 127.0.0.1 - - \"GET / HTTP/1.1\" 200 -", LineLevel.Info, LineShape.Plain, "2024-03-05T14:22:31.123Z" },
        { "python critical", "CRITICAL:app.worker:worker died", LineLevel.Fatal, LineShape.Plain, null },
        // syslog: as rsyslog writes files, and as sent (RFC 5424 and RFC 3164 with their priority).
        { "syslog file", "Mar  5 14:22:31 web-01 sshd[1234]: error: PAM: Authentication failure for root from 10.0.0.1", LineLevel.Error, LineShape.Plain, "2024-03-05T14:22:31.000Z" },
        { "syslog file, no level", "Mar  5 14:22:31 web-01 systemd[1]: Started Session 42 of user alice.", LineLevel.Unknown, LineShape.Plain, "2024-03-05T14:22:31.000Z" },
        { "syslog file, last year", "Dec 31 23:59:59 web-01 cron[99]: (root) CMD (backup)", LineLevel.Unknown, LineShape.Plain, "2023-12-31T23:59:59.000Z" },
        { "rfc5424", "<34>1 2024-03-05T14:22:31.003Z web-01 su - ID47 - 'su root' failed for lonvick on /dev/pts/8", LineLevel.Fatal, LineShape.Plain, "2024-03-05T14:22:31.003Z" },
        { "rfc3164", "<12>Mar  5 14:22:31 web-01 app: low disk", LineLevel.Warn, LineShape.Plain, "2024-03-05T14:22:31.000Z" },
        // Jenkins consoles, colours and all (hidden console notes are stripped before lines are framed).
        { "jenkins error", $"{Esc}[31mERROR: script returned exit code 1{Esc}[0m", LineLevel.Error, LineShape.Plain, null },
        { "jenkins maven error", $"[{Esc}[1;31mERROR{Esc}[m] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile (default-compile)", LineLevel.Error, LineShape.Plain, null },
        { "jenkins maven warning", $"[{Esc}[1;33mWARNING{Esc}[m] Using platform encoding (UTF-8 actually) to copy filtered resources", LineLevel.Warn, LineShape.Plain, null },
        { "jenkins maven info", $"[{Esc}[1;34mINFO{Esc}[m] BUILD SUCCESS", LineLevel.Info, LineShape.Plain, null },
        { "jenkins timestamper", $"[2024-03-05T14:22:31.123Z] {Esc}[33mWARNING{Esc}[0m: the build is unstable", LineLevel.Warn, LineShape.Plain, "2024-03-05T14:22:31.123Z" },
        { "jenkins pipeline step", "[Pipeline] sh", LineLevel.Unknown, LineShape.Plain, null },
        // Others seen in the wild: glog/klog, .NET's console, Spring Boot, log4j.
        { "klog", "E0305 14:22:31.123456    1234 controller.go:114] error syncing \"default/web\": timeout", LineLevel.Error, LineShape.Plain, "2024-03-05T14:22:31.123Z" },
        { "dotnet console", "fail: Microsoft.AspNetCore.Server.Kestrel[13]", LineLevel.Error, LineShape.Plain, null },
        { "dotnet console warn", "warn: Microsoft.AspNetCore.HttpsPolicy.HttpsRedirectionMiddleware[3]", LineLevel.Warn, LineShape.Plain, null },
        { "spring boot", "2024-03-05T14:22:31.123+01:00  WARN 12345 --- [           main] JpaBaseConfiguration : spring.jpa.open-in-view is enabled", LineLevel.Warn, LineShape.Plain, "2024-03-05T13:22:31.123Z" },
        { "log4j", "2024-03-05 14:22:31,123 [main] ERROR com.example.App - boom", LineLevel.Error, LineShape.Plain, "2024-03-05T14:22:31.123Z" },
        { "log4j padded", "[INFO ] 2024-03-05 started", LineLevel.Info, LineShape.Plain, null },
        { "time of day only", "12:00:01 ERROR db down", LineLevel.Error, LineShape.Plain, null },
        // Plain lines: nothing claimed.
        { "plain request", "GET /api/orders 200 12ms", LineLevel.Unknown, LineShape.Plain, null },
        { "plain sentence", "the error rate is 0.1% and info is scarce", LineLevel.Unknown, LineShape.Plain, null },
        { "plain capitalised", "Error connecting is retried", LineLevel.Unknown, LineShape.Plain, null },
        { "stack frame", "   at System.Threading.Tasks.Task.Execute()", LineLevel.Unknown, LineShape.Plain, null },
        { "braces", "{not json}", LineLevel.Unknown, LineShape.Plain, null },
        { "python dict", "{'level': 'error', 'msg': 'x'}", LineLevel.Unknown, LineShape.Plain, null },
        { "broken json", """{"level":"error","msg":"cut here""", LineLevel.Unknown, LineShape.Plain, null },
        { "one pair in a sentence", "x=1 means nothing here", LineLevel.Unknown, LineShape.Plain, null },
        { "empty", "", LineLevel.Unknown, LineShape.Plain, null },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Each_format_gives_its_level_shape_and_time(string format, string line, LineLevel level, LineShape shape, string? at)
    {
        var found = Classifier.Classify(Encoding.UTF8.GetBytes(line), ReadAt);

        Assert.True(found.Level == level, $"{format}: level {found.Level}, expected {level}");
        Assert.True(found.Shape == shape, $"{format}: shape {found.Shape}, expected {shape}");
        var expectedAt = at is null ? 0 : DateTimeOffset.Parse(at).ToUnixTimeMilliseconds();
        Assert.True(found.At == expectedAt, $"{format}: at {(found.At == 0 ? "none" : DateTimeOffset.FromUnixTimeMilliseconds(found.At).ToString("O"))}, expected {at ?? "none"}");
    }

    [Fact]
    public void A_time_without_an_offset_is_in_the_classifiers_zone()
    {
        var tokyo = new LineClassifier(zone: TimeZoneInfo.CreateCustomTimeZone("UTC+9", TimeSpan.FromHours(9), "UTC+9", "UTC+9"));

        var found = tokyo.Classify("2024-03-05 14:22:31,123 ERROR boom"u8, ReadAt);

        Assert.Equal(DateTimeOffset.Parse("2024-03-05T05:22:31.123Z").ToUnixTimeMilliseconds(), found.At);
    }

    [Fact]
    public void A_level_given_with_the_line_wins_over_its_text()
    {
        var line = new LogLine("ERROR but fine"u8.ToArray(), null, 0, 0, ReadAt);

        Classifier.Apply(line, LineLevel.Info);

        Assert.Equal(LineLevel.Info, line.Level);
        Assert.True(line.LevelGiven);
    }

    [Fact]
    public void Turned_off_it_finds_nothing()
    {
        var found = LineClassifier.Off.Classify("""{"level":"error","msg":"x"}"""u8, ReadAt);

        Assert.Equal(default, found);
    }

    [Fact]
    public void Framing_classifies_without_changing_a_byte_of_the_text()
    {
        var lines = new List<SourceRecord>();
        var framer = new LineFramer(1024, TailHub.Pipeline.Redaction.LineRedactor.None, null, classifier: Classifier);
        var text = $"{Esc}[31mERROR: x{Esc}[0m\n{{\"level\":\"warn\"}}\nlevel=debug tick\nplain\n";

        framer.Push(Encoding.UTF8.GetBytes(text), ReadAt, 0, lines);

        var framed = lines.Cast<LogLine>().ToList();
        Assert.Equal(text.TrimEnd('\n').Split('\n'), framed.Select(l => l.Text));
        Assert.Equal([LineLevel.Error, LineLevel.Warn, LineLevel.Debug, LineLevel.Unknown], framed.Select(l => l.Level));
        Assert.Equal([LineShape.Plain, LineShape.Json, LineShape.Logfmt, LineShape.Plain], framed.Select(l => l.Shape));
    }
}
