using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TailHub.Tests.Support;

/// <summary>The runs API of a running TailHub, as a client uses it: start, cancel, list, and wait for a run to reach a state.</summary>
public sealed class RunsClient(HttpClient http)
{
    /// <summary>POSTs a start; returns the status code and the JSON body (a run, or a problem).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> StartAsync(string source, object? parameters = null)
    {
        using var response = await http.PostAsync($"/api/sources/{source}/runs",
            parameters is null ? null : JsonContent.Create(parameters));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    /// <summary>Starts a run that must be accepted; returns its number.</summary>
    public async Task<int> StartedAsync(string source, object? parameters = null)
    {
        var (status, body) = await StartAsync(source, parameters);
        Assert.True(status == HttpStatusCode.Accepted, $"start answered {(int)status}: {body}");
        return body.GetProperty("number").GetInt32();
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> CancelAsync(string source, int number)
    {
        using var response = await http.DeleteAsync($"/api/sources/{source}/runs/{number}");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    public async Task<List<JsonElement>> ListAsync(string source)
    {
        var body = JsonDocument.Parse(await http.GetStringAsync($"/api/sources/{source}/runs")).RootElement;
        return body.GetProperty("runs").EnumerateArray().ToList();
    }

    /// <summary>Polls the runs list until run <paramref name="number"/> is in one of <paramref name="states"/>; returns it.</summary>
    public async Task<JsonElement> WaitForAsync(string source, int number, params string[] states)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonElement? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = (await ListAsync(source)).Where(r => r.GetProperty("number").GetInt32() == number).Cast<JsonElement?>().FirstOrDefault();
            if (last is { } run && states.Contains(run.GetProperty("state").GetString())) return run;
            await Task.Delay(20);
        }
        throw new TimeoutException($"run #{number} of '{source}' never reached {string.Join("/", states)}; last seen: {last}");
    }

    /// <summary>Waits until run <paramref name="number"/> has ended (any final state).</summary>
    public Task<JsonElement> EndedAsync(string source, int number) =>
        WaitForAsync(source, number, "succeeded", "failed", "cancelled", "lost");
}
