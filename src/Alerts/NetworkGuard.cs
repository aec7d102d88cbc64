using System.Net;
using System.Net.Sockets;

namespace TailHub.Alerts;

/// <summary>
/// Which addresses a notification may not be sent to unless its destination says <c>AllowPrivateNetwork</c>: this
/// host (loopback), the local link (169.254/16, fe80::/10, where cloud metadata services live), private and
/// unique-local networks, shared (carrier-grade NAT) space, the unspecified address, multicast and reserved space.
/// Checked on the addresses a name resolves to, when connecting, so neither a name nor DNS can lead elsewhere.
/// </summary>
public static class NetworkGuard
{
    /// <summary>Why <paramref name="address"/> is refused (e.g. "a loopback address"), or null when it is a public one.</summary>
    public static string? WhyRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return "a loopback address";
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] switch
            {
                0 => "an unspecified address",
                10 => "a private address",
                100 when (b[1] & 0xC0) == 64 => "a shared (carrier-grade NAT) address",
                169 when b[1] == 254 => "a link-local address",
                172 when (b[1] & 0xF0) == 16 => "a private address",
                192 when b[1] == 168 => "a private address",
                192 when b[1] == 0 && b[2] == 0 => "a reserved address",
                >= 224 and < 240 => "a multicast address",
                >= 240 => "a reserved address",
                _ => null,
            };
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.Equals(IPAddress.IPv6Any)) return "an unspecified address";
            if (address.IsIPv6LinkLocal) return "a link-local address";
            if (address.IsIPv6SiteLocal) return "a site-local (private) address";
            if (address.IsIPv6UniqueLocal) return "a unique-local (private) address";
            if (address.IsIPv6Multicast) return "a multicast address";
            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);
            // An IPv4 address inside IPv6: IPv4-compatible ::a.b.c.d, and NAT64's 64:ff9b::/96, lead where it leads.
            var embedsIPv4 = b[..12].IndexOfAnyExcept((byte)0) < 0
                || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0);
            if (embedsIPv4) return WhyRefused(new IPAddress(b[12..]));
            return null;
        }
        return "not an IP address";
    }
}
