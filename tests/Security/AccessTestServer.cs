using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using TailHub.Tests.Support;

namespace TailHub.Tests.Security;

/// <summary>
/// A TailHub with access control on: sources <c>app</c> and <c>other</c>, and one key per role (by hash), a viewer
/// restricted to <c>app</c>, and an operator whose key comes from an environment variable.
/// </summary>
public static class AccessTestServer
{
    public const string ViewerKey = "viewer-key-0123456789abcdef";
    public const string OperatorKey = "operator-key-0123456789abcdef";
    public const string AdminKey = "admin-key-0123456789abcdef";
    public const string AppOnlyKey = "app-only-key-0123456789abcdef";
    public const string EnvOperatorKey = "env-operator-key-0123456789abcdef";

    public static string Sha256(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static async Task<TailHubServer> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        File.WriteAllText(folder.PathOf("other.log"), "");
        var envName = "TAILHUB_TEST_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(envName, EnvOperatorKey);
        var settings = new Dictionary<string, string?>
        {
            ["TailHub:Security:ApiKeys:0:Id"] = "viewer",
            ["TailHub:Security:ApiKeys:0:Sha256"] = Sha256(ViewerKey),
            ["TailHub:Security:ApiKeys:0:Role"] = "viewer",
            ["TailHub:Security:ApiKeys:1:Id"] = "operator",
            ["TailHub:Security:ApiKeys:1:Sha256"] = Sha256(OperatorKey).ToLowerInvariant(),
            ["TailHub:Security:ApiKeys:1:Role"] = "operator",
            ["TailHub:Security:ApiKeys:2:Id"] = "admin",
            ["TailHub:Security:ApiKeys:2:Sha256"] = Sha256(AdminKey),
            ["TailHub:Security:ApiKeys:2:Role"] = "admin",
            ["TailHub:Security:ApiKeys:3:Id"] = "app-only",
            ["TailHub:Security:ApiKeys:3:Sha256"] = Sha256(AppOnlyKey),
            ["TailHub:Security:ApiKeys:3:Role"] = "viewer",
            ["TailHub:Security:ApiKeys:3:Sources:0"] = "app",
            ["TailHub:Security:ApiKeys:4:Id"] = "env-operator",
            ["TailHub:Security:ApiKeys:4:Env"] = envName,
            ["TailHub:Security:ApiKeys:4:Role"] = "operator",
        };
        if (extra is not null) foreach (var (k, v) in extra) settings[k] = v;
        return await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log", ["other"] = "other.log" }, settings, folder);
    }

    public static async Task<HttpResponseMessage> SendAsync(this TailHubServer server, HttpMethod method, string path, string? key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
