using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TailHub.Security;

namespace TailHub.Observability;

/// <summary><c>/healthz/live</c> (the process answers) and <c>/healthz/ready</c> (the sources are being read).</summary>
public static class HealthEndpoints
{
    /// <summary>The tag of the checks <c>/healthz/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddTailHubHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<SourcesHealthCheck>("sources", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapTailHubHealth(this IEndpointRouteBuilder routes)
    {
        // Liveness runs no checks: a source in error is not a reason to restart the process.
        routes.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .ForReadingOnly();
        routes.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .ForReadingOnly();
        return routes;
    }

    /// <summary>
    /// The overall status for anyone (what a probe needs); each check's description and data (source names, Jenkins
    /// job paths, error texts) only for a caller who could read the sources anyway: with access control off, anyone;
    /// with it on, a valid key, and only about the sources that key may use.
    /// </summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var access = context.RequestServices.GetRequiredService<AccessPolicy>();
        var user = context.User;
        object body = access.Enabled && user.Identity?.IsAuthenticated != true
            ? new { status = report.Status.ToString() }
            : new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => Details(e.Value, source => access.AllowsSource(user, source))),
            };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }

    /// <summary>A check's details; its data is keyed by source name, and a key limited to some sources sees only theirs.</summary>
    private static object Details(HealthReportEntry entry, Func<string, bool> allowed)
    {
        var data = entry.Data.Where(d => allowed(d.Key)).ToDictionary(d => d.Key, d => d.Value);
        var description = data.Count == entry.Data.Count ? entry.Description : SourcesHealthCheck.Describe(data.Keys);
        return new { status = entry.Status.ToString(), description, data };
    }
}
