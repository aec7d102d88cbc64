using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TailHub.Sources;

/// <summary>
/// Which file a path or an open handle refers to: device and inode on Linux. Rotation is a change of identity at
/// the watched path; copytruncate keeps the identity and shrinks the size.
/// </summary>
/// <remarks>The birth time, where the file system records it, tells a re-created file from a deleted one whose inode number was reused.</remarks>
public readonly record struct FileIdentity(ulong Device, ulong Inode, long BirthNs = 0)
{
    public override string ToString() => BirthNs == 0 ? $"{Device:x}:{Inode:x}" : $"{Device:x}:{Inode:x}:{BirthNs:x}";

    /// <summary>Reads what <see cref="ToString"/> wrote.</summary>
    public static bool TryParse(string? text, out FileIdentity identity)
    {
        identity = default;
        var parts = text?.Split(':');
        if (parts is not { Length: 2 or 3 }) return false;
        const System.Globalization.NumberStyles Hex = System.Globalization.NumberStyles.AllowHexSpecifier;
        if (!ulong.TryParse(parts[0], Hex, null, out var device) || !ulong.TryParse(parts[1], Hex, null, out var inode)) return false;
        long birth = 0;
        if (parts.Length == 3 && !long.TryParse(parts[2], Hex, null, out birth)) return false;
        identity = new FileIdentity(device, inode, birth);
        return true;
    }
}

/// <summary>Identity, size, link count and last write from one <c>statx</c> call (the struct is the same on every Linux architecture).</summary>
/// <param name="Links">Names the file has: 0 once it is deleted (an open handle still reads it), so a file that left
/// its path but still has a name was moved (rotated), not deleted, even where no one can say where to.</param>
/// <param name="ModifiedNs">Last write, in nanoseconds since 1970: of files found at once, the older was written first.</param>
public readonly record struct FileStat(FileIdentity Identity, long Size, uint Links = 1, long ModifiedNs = 0)
{
    private const int AtFdcwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStatsAndBirth = 0xfff;
    private const uint StatxBirthTime = 0x800;

    [DllImport("libc", SetLastError = true, EntryPoint = "statx")]
    private static extern unsafe int Statx(int dirfd, byte* path, int flags, uint mask, byte* statxbuf);

    /// <summary>The file at <paramref name="path"/> (following symlinks), or null if there is none.</summary>
    public static unsafe FileStat? OfPath(string path)
    {
        if (!OperatingSystem.IsLinux()) return Fallback(path);
        var utf8 = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        var buf = stackalloc byte[256];
        fixed (byte* p = utf8)
        {
            if (Statx(AtFdcwd, p, 0, StatxBasicStatsAndBirth, buf) != 0) return null;
        }
        return Read(buf);
    }

    /// <summary>The file behind an open handle, even after it was renamed or deleted.</summary>
    public static unsafe FileStat? OfHandle(SafeFileHandle handle, string pathForFallback)
    {
        if (!OperatingSystem.IsLinux()) return Fallback(pathForFallback);
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            var buf = stackalloc byte[256];
            byte empty = 0;
            if (Statx(fd, &empty, AtEmptyPath, StatxBasicStatsAndBirth, buf) != 0) return null;
            return Read(buf);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static unsafe FileStat Read(byte* buf)
    {
        var mask = *(uint*)buf;
        var ino = *(ulong*)(buf + 32);
        var birth = (mask & StatxBirthTime) != 0 ? *(long*)(buf + 80) * 1_000_000_000L + *(uint*)(buf + 88) : 0;
        var links = *(uint*)(buf + 16);
        var size = *(long*)(buf + 40);
        var modified = *(long*)(buf + 112) * 1_000_000_000L + *(uint*)(buf + 120);
        var devMajor = *(uint*)(buf + 136);
        var devMinor = *(uint*)(buf + 140);
        return new FileStat(new FileIdentity(((ulong)devMajor << 32) | devMinor, ino, birth), size, links, modified);
    }

    // Elsewhere there is no inode; creation time stands in, which still tells a re-created file from the old one.
    private static FileStat? Fallback(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return null;
        return new FileStat(new FileIdentity(0, (ulong)info.CreationTimeUtc.Ticks), info.Length, 1, (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100);
    }
}
