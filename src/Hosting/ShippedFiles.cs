using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace TailHub.Hosting;

/// <summary>
/// The page (<c>wwwroot/</c>) and the shipped <c>appsettings.json</c> are built into TailHub's assembly, so an
/// installed TailHub is whole on its own: the .NET tool, and the single-file binary that is one file to copy.
/// Files in the content root still come first, so the source tree serves the page being edited.
/// </summary>
public static class ShippedFiles
{
    private const string Settings = "appsettings.json";

    /// <param name="shippedSettings">
    /// Read the shipped settings beneath the content root's own <c>appsettings.json</c> (which is optional then): for
    /// the state folder, which holds none unless the user puts one there.
    /// </param>
    public static void UseShippedPageAndSettings(this WebApplicationBuilder builder, bool shippedSettings)
    {
        var assembly = typeof(ShippedFiles).Assembly;
        if (!builder.Environment.WebRootFileProvider.GetFileInfo("index.html").Exists)
            builder.Environment.WebRootFileProvider = new ManifestEmbeddedFileProvider(assembly, "wwwroot");
        if (!shippedSettings) return;

        var sources = builder.Configuration.Sources;
        var own = sources.ToList().FindIndex(s => s is JsonConfigurationSource { Path: Settings });
        var shipped = new JsonConfigurationSource { FileProvider = new ManifestEmbeddedFileProvider(assembly), Path = Settings, Optional = false };
        if (own < 0) sources.Add(shipped);
        else sources.Insert(own, shipped);
    }
}
