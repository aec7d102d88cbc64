using Microsoft.Extensions.Primitives;

namespace TailHub.Configuration;

/// <summary>
/// A configuration source as it is, less one section: configuration merges providers key by key, so a later provider
/// can override a key but never remove one; hiding it in the earlier providers is how a section is replaced whole.
/// </summary>
public sealed class SectionHidingSource(IConfigurationSource inner, string section) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(inner.Build(builder), section);

    private sealed class Provider(IConfigurationProvider inner, string section) : IConfigurationProvider, IDisposable
    {
        private bool Hidden(string key) =>
            key.StartsWith(section, StringComparison.OrdinalIgnoreCase)
            && (key.Length == section.Length || key[section.Length] == ConfigurationPath.KeyDelimiter[0]);

        public bool TryGet(string key, out string? value)
        {
            value = null;
            return !Hidden(key) && inner.TryGet(key, out value);
        }

        public void Set(string key, string? value)
        {
            if (!Hidden(key)) inner.Set(key, value);
        }

        public IChangeToken GetReloadToken() => inner.GetReloadToken();

        public void Load() => inner.Load();

        // Under the section nothing of this provider's is left; elsewhere it answers as it is (its listing the section's
        // name among its parent's children is harmless: the section is empty here).
        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
            parentPath is not null && Hidden(parentPath) ? earlierKeys : inner.GetChildKeys(earlierKeys, parentPath);

        public void Dispose() => (inner as IDisposable)?.Dispose();
    }
}
