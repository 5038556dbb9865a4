using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RoutingCore.Cli;

/// <summary>The output of <c>routingcore meter</c> (spec R-CLI-*, R-METER-*).</summary>
internal static class MeterOutput
{
    /// <summary>True when the response gave nothing to bill: no usage, no images, no provider error (an HTML page, an empty body).</summary>
    public static bool Unusable(in UsageRecord r) =>
        !r.Complete && r.ErrorType is null && r.InputTokens + r.CachedInputTokens + r.CacheWriteTokens + r.OutputTokens == 0 && r.Images == 0;

    public static string Json(string request, string response, in RouteDecision d, in UsageRecord? record)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("request", request);
            w.WriteString("response", response);
            bool ok = d.Succeeded && record is { } rec && !Unusable(rec);
            w.WriteBoolean("ok", ok);
            if (d.ModelId is { } id) w.WriteString("model", record?.Model?.Id ?? id); else w.WriteNull("model");
            if (record is { } r)
            {
                w.WriteString("source", UsageRecord.SourceName(r.Source));
                w.WriteStartObject("usage");
                w.WriteNumber("input_tokens", r.InputTokens);
                w.WriteNumber("cached_input_tokens", r.CachedInputTokens);
                w.WriteNumber("cache_write_tokens", r.CacheWriteTokens);
                w.WriteNumber("output_tokens", r.OutputTokens);
                w.WriteNumber("reasoning_tokens", r.ReasoningTokens);
                w.WriteNumber("images", r.Images);
                if (r.ComputePointsUsed >= 0) w.WriteNumber("compute_points_used", r.ComputePointsUsed);
                w.WriteEndObject();
                w.WriteNumber("cost_usd", r.CostUsd);
                w.WriteNumber("estimated_cost_usd", r.EstimatedCostUsd);
                if (double.IsNaN(r.Ratio)) w.WriteNull("ratio"); else w.WriteNumber("ratio", Math.Round(r.Ratio, 6));
                w.WriteBoolean("complete", r.Complete);
                w.WriteBoolean("estimated", r.Estimated);
                if (r.ErrorType is { } e) w.WriteString("error", e); else w.WriteNull("error");
            }
            else
            {
                w.WriteNull("source");
                w.WriteNull("usage");
                w.WriteNull("cost_usd");
                w.WriteNull("estimated_cost_usd");
                w.WriteNull("ratio");
                w.WriteBoolean("complete", false);
                w.WriteBoolean("estimated", false);
                w.WriteStartObject("error");
                w.WriteString("code", d.ErrorCode);
                w.WriteString("param", d.Error.Param.ToString());
                w.WriteString("message", d.Error.Message);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Human(TextWriter o, string request, string response, in RouteDecision d, in UsageRecord? record)
    {
        var inv = CultureInfo.InvariantCulture;
        if (record is not { } r)
        {
            o.WriteLine($"{request}: rejected {d.ErrorCode} at '{d.Error.Param}': {d.Error.Message}");
            return;
        }
        o.WriteLine(string.Create(inv, $"{request} + {response}: {r.Model?.Id} [{r.Model?.Provider}]  source={UsageRecord.SourceName(r.Source)}{(r.ErrorType is { } e ? "  provider error " + e : "")}"));
        o.WriteLine(string.Create(inv, $"  actual   ${r.CostUsd}  (input {r.InputTokens} + cached {r.CachedInputTokens} + cache write {r.CacheWriteTokens}; output {r.OutputTokens} incl. reasoning {r.ReasoningTokens}; images {r.Images}{(r.ComputePointsUsed >= 0 ? $"; compute points {r.ComputePointsUsed}" : "")})"));
        string ratio = double.IsNaN(r.Ratio) ? "n/a" : r.Ratio.ToString("0.###", inv);
        o.WriteLine(string.Create(inv, $"  estimate ${r.EstimatedCostUsd}  ratio {ratio}  {(r.Complete ? "complete" : "INCOMPLETE")}{(r.Estimated ? ", usage counted (estimated)" : "")}"));
    }
}
