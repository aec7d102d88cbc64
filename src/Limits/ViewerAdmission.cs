using System.Net;
using Microsoft.Extensions.Options;

namespace TailHub.Limits;

/// <summary>Why a viewer was turned away.</summary>
public enum AdmissionRefusal
{
    /// <summary>Everyone together has <see cref="LimitsOptions.MaxViewers"/> viewers.</summary>
    ServerFull,
    /// <summary>This client already has <see cref="LimitsOptions.MaxViewersPerClient"/> viewers.</summary>
    ClientFull,
}

/// <summary>
/// Counts viewers, in total and per client address, and admits a new one only below both caps. A refused viewer
/// is turned away before it subscribes, so being over a cap never degrades the streams of those already connected.
/// </summary>
public sealed class ViewerAdmission(IOptions<LimitsOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _perClient = [];
    private int _total;

    public int Count
    {
        get { lock (_lock) return _total; }
    }

    /// <summary>A lease to dispose when the viewer leaves, or why it may not connect.</summary>
    public (IDisposable? Lease, AdmissionRefusal Refusal) TryAdmit(IPAddress? client)
    {
        var o = options.Value;
        var key = Normalize(client);
        lock (_lock)
        {
            if (_total >= o.MaxViewers) return (null, AdmissionRefusal.ServerFull);
            var mine = _perClient.GetValueOrDefault(key);
            if (mine >= o.MaxViewersPerClient) return (null, AdmissionRefusal.ClientFull);
            _perClient[key] = mine + 1;
            _total++;
        }
        return (new Lease(this, key), default);
    }

    private void Release(IPAddress key)
    {
        lock (_lock)
        {
            _total--;
            var left = _perClient[key] - 1;
            if (left == 0) _perClient.Remove(key);
            else _perClient[key] = left;
        }
    }

    /// <summary>An IPv4 client seen as IPv6 (::ffff:a.b.c.d) is the same client.</summary>
    private static IPAddress Normalize(IPAddress? address) =>
        address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private sealed class Lease(ViewerAdmission owner, IPAddress key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(key);
        }
    }
}
