using System.Net.Http.Headers;
using TailHub.Pipeline;
using TailHub.ScaleOut.Agent;

namespace TailHub.ScaleOut.Hub;

/// <summary>
/// A hub's way to an agent's history route (<see cref="AgentHistoryEndpoints"/>), for records older than Redis
/// holds. Synchronous, as the hub's history interface is: it runs on the resuming viewer's own request.
/// </summary>
public sealed class AgentHistoryClient(ClusterKey key, ILogger<AgentHistoryClient> logger) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Records after <paramref name="after"/> up to <paramref name="to"/> as the agent has them; null when it cannot be asked.</summary>
    public List<SourceRecord>? Fetch(string? agentUrl, string source, string epoch, long after, long to)
    {
        if (string.IsNullOrEmpty(agentUrl)) return null;
        var records = new List<SourceRecord>();
        try
        {
            while (after < to)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get,
                    $"{agentUrl}/cluster/sources/{Uri.EscapeDataString(source)}/history?epoch={Uri.EscapeDataString(epoch)}&after={after}&to={to}");
                request.Headers.Add(ClusterKey.HeaderName, key.Secret);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(AgentHistoryEndpoints.ContentType));
                using var response = _http.Send(request);
                if (!response.IsSuccessStatusCode)
                {
                    logger.LogWarning("Agent at {Agent} answered {Status} for the history of {Source}", agentUrl, (int)response.StatusCode, source);
                    return records.Count > 0 ? records : null;
                }
                using var body = response.Content.ReadAsStream();
                using var bytes = new MemoryStream();
                body.CopyTo(bytes);
                var page = StreamEntryCodec.Decode(bytes.ToArray());
                if (page.Count == 0) break;
                records.AddRange(page);
                after = page[^1].LastSeq;
            }
            return records;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or FormatException)
        {
            logger.LogWarning("Cannot read the history of {Source} from its agent at {Agent}: {Error}", source, agentUrl, e.Message);
            return records.Count > 0 ? records : null;
        }
    }

    public void Dispose() => _http.Dispose();
}
