using System.Net;
using System.Net.Sockets;

namespace RoutingCore.Images;

/// <summary>The verdict on an image URL.</summary>
internal enum UrlVerdict : byte
{
    Https,
    Http,
    SchemeNotAllowed,
    HostNotAllowed,
}

/// <summary>
/// Decides whether an image URL may be forwarded upstream, from its text alone: no DNS, no fetch.
/// </summary>
/// <remarks>
/// The upstream that receives the URL may be a self-hosted model inside the host's network, so anything that names
/// that network is refused: loopback, private, link-local, CGNAT, multicast and unspecified addresses in every
/// spelling the WHATWG/inet_aton parsers accept (<c>127.1</c>, <c>2130706433</c>, <c>0x7f.0.0.1</c>), IPv6 literals
/// in those ranges (including IPv4-mapped), and the <c>localhost</c>/<c>.internal</c>/<c>.local</c> names. Hosts
/// containing characters outside <c>[A-Za-z0-9.-]</c> (percent-encoding, backslashes) are refused too, because
/// parsers disagree about them.
/// </remarks>
internal static class UrlGuard
{
    public static UrlVerdict Check(ReadOnlySpan<byte> url)
    {
        int colon = url.IndexOf((byte)':');
        if (colon <= 0) return UrlVerdict.SchemeNotAllowed;
        var scheme = url[..colon];
        UrlVerdict kind;
        if (Ascii.EqualsIgnoreCase(scheme, "https"u8)) kind = UrlVerdict.Https;
        else if (Ascii.EqualsIgnoreCase(scheme, "http"u8)) kind = UrlVerdict.Http;
        else return UrlVerdict.SchemeNotAllowed;

        var rest = url[(colon + 1)..];
        if (!rest.StartsWith("//"u8)) return UrlVerdict.HostNotAllowed;
        rest = rest[2..];
        int end = rest.IndexOfAny("/?#\\"u8);
        var authority = end < 0 ? rest : rest[..end];
        int at = authority.LastIndexOf((byte)'@');
        var hostPort = at < 0 ? authority : authority[(at + 1)..];
        if (hostPort.IsEmpty) return UrlVerdict.HostNotAllowed;

        if (hostPort[0] == (byte)'[')
        {
            int close = hostPort.IndexOf((byte)']');
            if (close < 0) return UrlVerdict.HostNotAllowed;
            return IsPublicIPv6(hostPort[1..close]) ? kind : UrlVerdict.HostNotAllowed;
        }
        int portColon = hostPort.IndexOf((byte)':');
        var host = portColon < 0 ? hostPort : hostPort[..portColon];
        if (host.Length > 0 && host[^1] == (byte)'.') host = host[..^1];
        if (host.IsEmpty || host.Length > 253) return UrlVerdict.HostNotAllowed;
        foreach (byte b in host)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b == (byte)'.' || b == (byte)'-')) return UrlVerdict.HostNotAllowed;
        }
        if (IsReservedName(host)) return UrlVerdict.HostNotAllowed;
        if (TryParseIPv4(host, out uint ip)) return IsPublicIPv4(ip) ? kind : UrlVerdict.HostNotAllowed;
        // The last label of a real domain name is never all digits; such a host is an IPv4 spelling we could not parse.
        int lastDot = host.LastIndexOf((byte)'.');
        var tld = host[(lastDot + 1)..];
        if (tld.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0) return UrlVerdict.HostNotAllowed;
        if (tld.Length > 2 && (tld[0] == (byte)'0') && (tld[1] | 0x20) == (byte)'x') return UrlVerdict.HostNotAllowed;
        return kind;
    }

    private static bool IsReservedName(ReadOnlySpan<byte> host)
    {
        return Ascii.EqualsIgnoreCase(host, "localhost"u8)
            || EndsWithIgnoreCase(host, ".localhost"u8)
            || EndsWithIgnoreCase(host, ".local"u8)
            || EndsWithIgnoreCase(host, ".internal"u8)
            || EndsWithIgnoreCase(host, ".localdomain"u8)
            || Ascii.EqualsIgnoreCase(host, "ip6-localhost"u8)
            || Ascii.EqualsIgnoreCase(host, "ip6-loopback"u8);
    }

    private static bool EndsWithIgnoreCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> suffix)
        => s.Length >= suffix.Length && Ascii.EqualsIgnoreCase(s[^suffix.Length..], suffix);

    /// <summary>inet_aton-style: 1–4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the rest.</summary>
    internal static bool TryParseIPv4(ReadOnlySpan<byte> host, out uint address)
    {
        address = 0;
        Span<ulong> parts = stackalloc ulong[4];
        int count = 0;
        while (true)
        {
            int dot = host.IndexOf((byte)'.');
            var part = dot < 0 ? host : host[..dot];
            if (count == 4 || !TryParsePart(part, out parts[count])) return false;
            count++;
            if (dot < 0) break;
            host = host[(dot + 1)..];
        }
        ulong value = 0;
        for (int i = 0; i < count - 1; i++)
        {
            if (parts[i] > 255) return false;
            value |= parts[i] << (8 * (3 - i));
        }
        ulong last = parts[count - 1];
        int lastBits = 8 * (5 - count);
        if (lastBits < 64 && last >= 1UL << lastBits) return false;
        address = (uint)(value | last);
        return true;
    }

    private static bool TryParsePart(ReadOnlySpan<byte> s, out ulong value)
    {
        value = 0;
        if (s.IsEmpty) return false;
        int radix = 10;
        if (s.Length > 1 && s[0] == (byte)'0' && (s[1] | 0x20) == (byte)'x') { radix = 16; s = s[2..]; if (s.IsEmpty) return true; }
        else if (s.Length > 1 && s[0] == (byte)'0') { radix = 8; s = s[1..]; }
        foreach (byte b in s)
        {
            int d = b is >= (byte)'0' and <= (byte)'9' ? b - '0'
                : (b | 0x20) is >= 'a' and <= 'f' ? (b | 0x20) - 'a' + 10 : 99;
            if (d >= radix) return false;
            value = value * (ulong)radix + (ulong)d;
            if (value > uint.MaxValue) return false;
        }
        return true;
    }

    internal static bool IsPublicIPv4(uint ip)
    {
        byte a = (byte)(ip >> 24), b = (byte)(ip >> 16);
        return !(a == 0 || a == 10 || a == 127 || a >= 224
            || (a == 100 && b >= 64 && b <= 127)
            || (a == 169 && b == 254)
            || (a == 172 && b >= 16 && b <= 31)
            || (a == 192 && b == 168)
            || (a == 192 && b == 0 && (byte)(ip >> 8) == 0)
            || (a == 198 && (b == 18 || b == 19)));
    }

    private static bool IsPublicIPv6(ReadOnlySpan<byte> literal)
    {
        // IPv6 literals are rare in image URLs; parsing them with IPAddress allocates, which is acceptable here.
        if (literal.IsEmpty || literal.Length > 64) return false;
        Span<char> chars = stackalloc char[literal.Length];
        for (int i = 0; i < literal.Length; i++) chars[i] = (char)literal[i];
        if (chars.Contains('%')) return false; // zone ids name an interface of this machine
        if (!IPAddress.TryParse(chars, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (address.IsIPv4MappedToIPv6)
        {
            var v4 = address.MapToIPv4().GetAddressBytes();
            return IsPublicIPv4((uint)(v4[0] << 24 | v4[1] << 16 | v4[2] << 8 | v4[3]));
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6Multicast || address.IsIPv6UniqueLocal) return false;
        // NAT64 (64:ff9b::/96) and IPv4-compatible (::a.b.c.d) embed an IPv4 address; judge that address.
        bool nat64 = bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes[4..12].IndexOfAnyExcept((byte)0) < 0;
        bool compat = bytes[..12].IndexOfAnyExcept((byte)0) < 0;
        if (nat64 || compat)
        {
            return IsPublicIPv4((uint)(bytes[12] << 24 | bytes[13] << 16 | bytes[14] << 8 | bytes[15]));
        }
        return true;
    }
}
