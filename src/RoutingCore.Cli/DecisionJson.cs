using System.Text;
using System.Text.Json;

namespace RoutingCore.Cli;

/// <summary>The one-line JSON object of <c>routingcore route --json</c> (spec R-CLI-*).</summary>
internal static class DecisionJson
{
    public static string Write(string file, in RouteDecision d, RouteDetails details, bool explain)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("file", file);
            w.WriteBoolean("ok", d.Succeeded);
            WriteNullable(w, "requested", details.RequestedModel);
            w.WriteString("alias_kind", AliasEntry.KindName(d.AliasKind));
            WriteNullable(w, "model", d.ModelId);
            WriteNullable(w, "provider", d.Succeeded ? d.Model?.Provider : null);
            w.WriteString("endpoint", RequestNames.Endpoint(d.Endpoint));
            w.WriteNumber("catalog_version", d.CatalogVersion);
            w.WriteStartArray("requires");
            foreach (var c in CapabilityNames.Names(d.Requirements)) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteStartArray("images");
            var images = details.Images;
            var tokens = details.ImageTokens;
            for (int i = 0; i < images.Length; i++)
            {
                var img = images[i];
                w.WriteStartObject();
                w.WriteNumber("index", i);
                w.WriteString("param", img.Param);
                w.WriteString("source", img.Source == ImageSourceKind.Data ? "data" : "url");
                if (img.Source == ImageSourceKind.Data) w.WriteString("media_type", img.DeclaredFormat == ImageFormat.Unknown ? "unknown" : ImageFormats.MediaType(img.DeclaredFormat));
                else w.WriteNull("media_type");
                if (img.Format == ImageFormat.Unknown && img.Source == ImageSourceKind.Url) w.WriteNull("format");
                else w.WriteString("format", ImageFormats.Name(img.Format));
                if (img.DimensionsKnown) { w.WriteNumber("width", img.Width); w.WriteNumber("height", img.Height); }
                else { w.WriteNull("width"); w.WriteNull("height"); }
                if (img.Source == ImageSourceKind.Data) w.WriteNumber("bytes", img.Bytes); else w.WriteNull("bytes");
                w.WriteBoolean("animated", img.Animated);
                w.WriteString("detail", img.Detail switch { ImageDetail.Low => "low", ImageDetail.High => "high", _ => "auto" });
                if (d.Succeeded && d.Model?.ImageInput is not null) w.WriteNumber("tokens", tokens[i]); else w.WriteNull("tokens");
                w.WriteString("dims", img.DimensionsKnown ? "exact" : "assumed");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("output_images", details.OutputImages);
            if (d.Difficulty is { } difficulty)
            {
                w.WriteNumber("difficulty", Math.Round(difficulty, 4));
                if (d.RequiredQuality is { } q) w.WriteNumber("required_quality", Math.Round(q, 4)); else w.WriteNull("required_quality");
            }
            if (d.Succeeded)
            {
                var e = d.Estimate;
                w.WriteStartObject("estimate");
                w.WriteNumber("text_tokens", e.TextTokens);
                w.WriteBoolean("text_tokens_exact", e.TextTokensExact);
                w.WriteNumber("image_tokens", e.ImageTokens);
                w.WriteNumber("input_tokens", e.InputTokens);
                w.WriteNumber("output_tokens", e.OutputTokens);
                w.WriteNumber("output_images", e.OutputImages);
                w.WriteNumber("cost_usd", e.CostUsd); // exact (pico-dollars), as `meter` prints its estimate: one number

                w.WriteString("image_sizes", e.ImageSizesAssumed ? "assumed" : "exact");
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("estimate");
            }
            w.WriteStartArray("fallbacks");
            for (int i = 0; i < d.FallbackCount; i++) w.WriteStringValue(d.GetFallback(i).Id);
            w.WriteEndArray();
            w.WriteStartArray("warnings");
            foreach (var name in RouteErrors.WarningNames(d.Warnings)) w.WriteStringValue(name);
            w.WriteEndArray();
            if (d.Succeeded)
            {
                w.WriteNull("error");
            }
            else
            {
                w.WriteStartObject("error");
                w.WriteString("code", d.ErrorCode);
                var param = d.Error.Param;
                if (param.IsEmpty) w.WriteNull("param"); else w.WriteString("param", param.ToString());
                w.WriteString("message", d.Error.Message);
                w.WriteEndObject();
            }
            if (explain && d.Difficulty is not null && d.Alias is { } calibrated)
            {
                w.WriteString("calibration", calibrated.Calibration == DifficultyCalibration.Live ? "live" : "reference");
                if (d.RequiredQuality is { } rq && calibrated.QualityMax > calibrated.QualityMin)
                    w.WriteNumber("relative_quality", Math.Round((rq - calibrated.QualityMin) / (calibrated.QualityMax - calibrated.QualityMin), 6));
            }
            if (explain && d.Difficulty is not null && d.Catalog.DifficultyEstimator is FittedDifficultyEstimator fitted)
            {
                // Full precision: tools/difficulty/fit.py fits on exactly these values (spec R-DIFF-6).
                var signals = details.DifficultySignals;
                w.WriteNumber("difficulty_score", fitted.Score(signals));
                w.WriteStartArray("difficulty_signals");
                foreach (var c in fitted.Explain(signals))
                {
                    w.WriteStartObject();
                    w.WriteString("name", c.Name);
                    w.WriteNumber("value", c.Value);
                    w.WriteNumber("weight", c.Weight);
                    w.WriteNumber("contribution", c.Contribution);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (explain)
            {
                w.WriteStartArray("candidates");
                foreach (var c in details.Candidates)
                {
                    w.WriteStartObject();
                    w.WriteString("model", c.Model.Id);
                    w.WriteString("status", c.Status);
                    if (double.IsNaN(c.Score)) w.WriteNull("score"); else w.WriteNumber("score", Math.Round(c.Score, 6));
                    w.WriteNumber("cost_usd", c.CostUsd);
                    if (c.Reason == RejectionReason.None) w.WriteNull("reason"); else w.WriteString("reason", c.ReasonText);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }
}
