namespace TailHub.Tests.Support;

/// <summary>
/// Copies a file as <c>cp</c> and logrotate do. <see cref="File.Copy(string, string)"/> takes an exclusive advisory
/// lock on the new file, which fails if a tailer opens it in the meantime; these tools take none.
/// </summary>
public static class PlainCopy
{
    public static void Copy(string from, string to)
    {
        using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var target = new FileStream(to, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        source.CopyTo(target);
    }
}
