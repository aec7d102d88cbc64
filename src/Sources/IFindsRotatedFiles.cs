namespace TailHub.Sources;

/// <summary>A source whose files may be found elsewhere once rotated (a file source's <c>RotatedFiles</c>): read-back looks there too.</summary>
public interface IFindsRotatedFiles
{
    FileLocator Locator { get; }
}
