using TailHub.Tests.Support;

namespace TailHub.Tests.Security;

/// <summary>A TailHub with one file source <c>app</c> and the given settings, for the security tests.</summary>
public static class SecurityTestServer
{
    public static async Task<TailHubServer> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        return await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, settings, folder);
    }
}
