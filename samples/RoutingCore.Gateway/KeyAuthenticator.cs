using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace RoutingCore.Gateway;

/// <summary>One configured client key, as the gateway uses it.</summary>
/// <param name="LedgerId">The key's id in the budget ledger: a hash, so the secret itself is never stored.</param>
/// <param name="Context">The key's allow-list and per-request cost cap.</param>
/// <param name="Options">The key's settings.</param>
internal sealed record ClientKey(string LedgerId, RouteContext Context, KeyOptions Options);

/// <summary>
/// Authenticates <c>Authorization: Bearer</c> or <c>x-api-key</c> against the configured keys: SHA-256 of the presented
/// key compared with every configured key's hash in constant time (<see cref="CryptographicOperations.FixedTimeEquals"/>),
/// without stopping at a match, so neither an unknown key nor a near miss is faster (CWE-208). Keys are exact: <c>SK-…</c> is not <c>sk-…</c>.
/// </summary>
internal sealed class KeyAuthenticator
{
    private readonly (byte[] Hash, ClientKey Key)[] _keys;

    public KeyAuthenticator(IOptions<GatewayOptions> options)
    {
        _keys = [.. options.Value.Keys.Select(kv =>
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(kv.Key));
            var allowed = kv.Value.AllowedModels is { Count: > 0 } list ? new HashSet<string>(list, StringComparer.OrdinalIgnoreCase) : null;
            var context = new RouteContext { AllowedModels = allowed, MaxCostUsd = kv.Value.MaxCostUsd };
            return (hash, new ClientKey("key-" + Convert.ToHexStringLower(hash.AsSpan(0, 16)), context, kv.Value));
        })];
    }

    public IEnumerable<ClientKey> All => _keys.Select(k => k.Key);

    public ClientKey? Authenticate(HttpRequest request)
    {
        string? presented = null;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) presented = authorization[7..].Trim();
        else if (request.Headers.TryGetValue("x-api-key", out var apiKey)) presented = apiKey.ToString().Trim();
        if (string.IsNullOrEmpty(presented) || presented.Length > 512) return null;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        ClientKey? match = null;
        foreach (var (known, key) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, known)) match = key;
        }
        return match;
    }
}
