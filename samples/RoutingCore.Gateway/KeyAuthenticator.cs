using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using RoutingCore.ReverseProxy;

namespace RoutingCore.Gateway;

/// <summary>
/// The configured client keys (<c>Gateway:Keys</c>), compared exactly and in constant time: the presented key is hashed
/// and every known hash is compared with <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither the
/// position of a mismatch nor which key matched shows in the timing.
/// </summary>
internal sealed class KeyAuthenticator : IRoutingCoreClientResolver
{
    private readonly (byte[] Hash, RoutingCoreClient Client)[] _keys;

    public KeyAuthenticator(IOptions<GatewayOptions> options)
    {
        _keys = [.. options.Value.Keys.Select(kv =>
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(kv.Key));
            var allowed = kv.Value.AllowedModels is { Count: > 0 } list ? new HashSet<string>(list, StringComparer.OrdinalIgnoreCase) : null;
            var context = new RouteContext { AllowedModels = allowed, MaxCostUsd = kv.Value.MaxCostUsd };
            // The ledger key is derived from the secret, never the secret itself.
            string ledgerId = "key-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
            return (hash, new RoutingCoreClient(ledgerId, context, kv.Value.Reserve, kv.Value) { Name = kv.Value.Name ?? ledgerId[..12] });
        })];
    }

    public IEnumerable<RoutingCoreClient> All => _keys.Select(k => k.Client);

    public RoutingCoreClient? Resolve(HttpContext context) => Authenticate(context.Request);

    /// <summary>The key a request presents: <c>Authorization: Bearer</c>, else <c>x-api-key</c>; <see langword="null"/> without either.</summary>
    public static string? Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization[7..].Trim();
        return request.Headers.TryGetValue("x-api-key", out var apiKey) ? apiKey.ToString().Trim() : null;
    }

    /// <summary>The key from <c>Authorization: Bearer</c> or <c>x-api-key</c>, or <see langword="null"/>.</summary>
    public RoutingCoreClient? Authenticate(HttpRequest request)
    {
        string? presented = Presented(request);
        if (string.IsNullOrEmpty(presented) || presented.Length > 512) return null;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        RoutingCoreClient? match = null;
        foreach (var (known, client) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, known)) match = client;
        }
        return match;
    }
}
