using System.Text.Json.Nodes;

namespace RoutingCore.Benchmarks;

/// <summary>
/// The same decision written the way a .NET developer would without RoutingCore: parse the body into a
/// <see cref="JsonNode"/> tree, decode each data URI with <see cref="Convert.FromBase64String(string)"/> to read its
/// header, then filter and score the catalog's models with plain code.
/// </summary>
public static class DomBaseline
{
    public static string? Route(byte[] body, CatalogSnapshot catalog)
    {
        var root = JsonNode.Parse(body)!.AsObject();
        string model = root["model"]!.GetValue<string>();
        bool imageOut = root["prompt"] is not null || (root["modalities"] as JsonArray)?.Any(m => m!.GetValue<string>() == "image") == true;
        long textTokens = 3;
        var images = new List<(int W, int H)>();
        if (root["messages"] is JsonArray messages)
        {
            foreach (var m in messages)
            {
                textTokens += 4;
                var content = m!["content"];
                if (content is JsonValue v) { textTokens += v.GetValue<string>().Length / 4; continue; }
                foreach (var part in content!.AsArray())
                {
                    string type = part!["type"]!.GetValue<string>();
                    if (type == "text") textTokens += part["text"]!.GetValue<string>().Length / 4;
                    else if (type == "image_url")
                    {
                        string url = part["image_url"]!["url"]!.GetValue<string>();
                        images.Add(url.StartsWith("data:", StringComparison.Ordinal) ? Size(Convert.FromBase64String(url[(url.IndexOf(',') + 1)..])) : (0, 0));
                    }
                    else if (type == "image")
                    {
                        var src = part["source"]!;
                        images.Add(src["data"] is { } d ? Size(Convert.FromBase64String(d.GetValue<string>())) : (0, 0));
                    }
                }
            }
        }
        if (root["prompt"] is { } p) textTokens += p.GetValue<string>().Length / 4;
        long maxTokens = root["max_tokens"]?.GetValue<long>() ?? -1;

        var alias = catalog.Aliases.FirstOrDefault(a => string.Equals(a.Id, model, StringComparison.OrdinalIgnoreCase));
        IEnumerable<ModelEntry> candidates = alias is null ? catalog.Models.Where(m => m.Id == model)
            : alias.Kind == AliasKind.Pinned ? [alias.Target!]
            : imageOut ? catalog.Models.Where(m => m.Has(Capabilities.ImageOutput)) : alias.Candidates;
        var needs = (imageOut ? Capabilities.ImageOutput : Capabilities.Text) | (images.Count > 0 ? Capabilities.Vision : 0);
        return candidates
            .Where(m => m.Has(needs))
            .Select(m =>
            {
                long imageTokens = m.ImageInput is null ? 0 : images.Sum(i => i.W > 0 ? ImageTokens.Compute(m.ImageInput, i.W, i.H) : ImageTokens.Assumed(m.ImageInput));
                long output = maxTokens > 0 ? maxTokens : m.DefaultOutputTokens;
                decimal cost = (textTokens + imageTokens) * m.InputPerMillion / 1_000_000m + output * m.OutputPerMillion / 1_000_000m
                    + (imageOut ? m.ImageOutput!.PricePerImage : 0);
                return (m, score: catalog.Policy.Score(m, new CostEstimate(textTokens, imageTokens, output, 0, (long)(cost * 1_000_000_000_000m), false)), cost);
            })
            .OrderByDescending(x => x.score).ThenBy(x => x.cost).ThenBy(x => x.m.Id, StringComparer.Ordinal)
            .FirstOrDefault().m?.Id;
    }

    private static (int, int) Size(byte[] b)
    {
        if (b[0] == 0x89) return ((b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19], (b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23]);
        int pos = 2;
        while (pos + 9 < b.Length)
        {
            int marker = b[pos + 1];
            int len = (b[pos + 2] << 8) | b[pos + 3];
            if (marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC))
                return ((b[pos + 7] << 8) | b[pos + 8], (b[pos + 5] << 8) | b[pos + 6]);
            pos += 2 + len;
        }
        return (0, 0);
    }
}
