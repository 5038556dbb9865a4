using System.Globalization;

namespace RoutingCore.Cli;

/// <summary>Output for people: a short summary per request, and the candidate table with <c>--explain</c>.</summary>
internal static class HumanOutput
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void WriteDecision(TextWriter o, string file, in RouteDecision d, RouteDetails details, bool explain)
    {
        string requested = details.RequestedModel ?? "(none)";
        if (d.Succeeded)
        {
            o.WriteLine(string.Create(Inv, $"{file}: {requested} ({AliasEntry.KindName(d.AliasKind)}) -> {d.ModelId} [{d.Model!.Provider}]  endpoint={RequestNames.Endpoint(d.Endpoint)}  catalog v{d.CatalogVersion}"));
            var e = d.Estimate;
            o.WriteLine(string.Create(Inv, $"  cost     ${e.CostUsd:0.000000}  (input {e.InputTokens} = text {e.TextTokens}{(e.TextTokensExact ? " exact" : "")} + image {e.ImageTokens}; output {e.OutputTokens}; images out {e.OutputImages}; sizes {(e.ImageSizesAssumed ? "assumed" : "exact")})"));
        }
        else
        {
            o.WriteLine(string.Create(Inv, $"{file}: {requested} -> REJECTED {d.ErrorCode}{(d.Error.Param.IsEmpty ? "" : " at " + d.Error.Param)}"));
            o.WriteLine(string.Create(Inv, $"  {d.Error.Message}"));
        }
        if (d.Difficulty is { } difficulty)
        {
            string need = d.RequiredQuality is { } q
                ? string.Create(Inv, $"required quality {q:0.000} (tradeoff {d.Alias!.Tradeoff:0.##})")
                : "static ranking (no Tradeoff)";
            o.WriteLine(string.Create(Inv, $"  difficulty {difficulty:0.000}  {need}"));
            if (explain && d.Alias is { } alias)
            {
                // R-DIFF-8: what the difficulty is a percentile of; R-DIFF-5: where that puts the request.
                string of = alias.Calibration == DifficultyCalibration.Live ? "this alias's recent requests" : "the reference mix";
                string band = d.RequiredQuality is { } rq && alias.QualityMax > alias.QualityMin
                    ? string.Create(Inv, $"; band: relative quality {(rq - alias.QualityMin) / (alias.QualityMax - alias.QualityMin):0.00} of the alias's {alias.QualityMin:0.00}–{alias.QualityMax:0.00}")
                    : "";
                o.WriteLine(string.Create(Inv, $"  percentile {difficulty * 100:0.#} of {of}{band}"));
            }
            if (explain && d.Catalog.DifficultyEstimator is FittedDifficultyEstimator fitted)
            {
                var signals = details.DifficultySignals;
                o.WriteLine(string.Create(Inv, $"  {"signal",-20} {"value",9} {"weight",9} {"adds",9}   (score {fitted.Score(signals):0.000})"));
                foreach (var c in fitted.Explain(signals))
                {
                    if (c.Value == 0 && c.Weight == 0) continue;
                    o.WriteLine(string.Create(Inv, $"  {c.Name,-20} {c.Value,9:0.000} {c.Weight,9:0.000} {c.Contribution,9:+0.000;-0.000;0.000}"));
                }
            }
        }
        var req = string.Join(",", CapabilityNames.Names(d.Requirements));
        if (req.Length > 0) o.WriteLine(string.Create(Inv, $"  requires {req}"));
        var images = details.Images;
        var tokens = details.ImageTokens;
        for (int i = 0; i < images.Length; i++)
        {
            var img = images[i];
            string dims = img.DimensionsKnown ? $"{img.Width}x{img.Height}" : "size unknown (assumed)";
            string fmt = img.Format == ImageFormat.Unknown && img.Source == ImageSourceKind.Url ? "?" : ImageFormats.Name(img.Format);
            string bytes = img.Source == ImageSourceKind.Data ? $" {img.Bytes} B" : "";
            string tok = d.Succeeded && d.Model?.ImageInput is not null ? $" -> {tokens[i]} tokens" : "";
            o.WriteLine(string.Create(Inv, $"  image {i} {img.Param}: {(img.Source == ImageSourceKind.Data ? "data" : "url")} {fmt} {dims}{bytes}{(img.Animated ? " animated" : "")}{tok}"));
        }
        if (d.FallbackCount > 0)
        {
            var fb = new List<string>();
            for (int i = 0; i < d.FallbackCount; i++) fb.Add(d.GetFallback(i).Id);
            o.WriteLine(string.Create(Inv, $"  fallbacks {string.Join(", ", fb)}"));
        }
        foreach (var w in RouteErrors.WarningNames(d.Warnings)) o.WriteLine(string.Create(Inv, $"  warning  {w}"));
        if (explain && details.Candidates.Count > 0)
        {
            o.WriteLine(string.Create(Inv, $"  {"candidate",-28} {"status",-9} {"score",9} {"cost_usd",11}  reason"));
            foreach (var c in details.Candidates)
            {
                string score = double.IsNaN(c.Score) ? "-" : c.Score.ToString("0.0000", Inv);
                o.WriteLine(string.Create(Inv, $"  {c.Model.Id,-28} {c.Status,-9} {score,9} {c.CostUsd,11:0.000000}  {c.ReasonText}"));
            }
        }
    }

    public static void WriteModels(TextWriter o, CatalogSnapshot catalog)
    {
        o.WriteLine(string.Create(Inv, $"catalog v{catalog.Version}{(catalog.AsOf is null ? "" : ", figures as of " + catalog.AsOf)}, policy {catalog.Policy.Name}"));
        o.WriteLine("aliases:");
        foreach (var a in catalog.Aliases)
        {
            string target = a.Kind switch { AliasKind.Pinned => "-> " + a.Target!.Id, AliasKind.Tier => "tier " + a.Tier, _ => $"{a.Candidates.Length} candidates" };
            o.WriteLine(string.Create(Inv, $"  {a.Id,-28} {AliasEntry.KindName(a.Kind),-7} {target}"));
        }
        o.WriteLine("models:");
        foreach (var m in catalog.Models)
        {
            string price = m.ImageOutput is { } io ? $"${io.PricePerImage}/image" : $"${m.InputPerMillion}/${m.OutputPerMillion} per 1M";
            o.WriteLine(string.Create(Inv, $"  {m.Id,-28} {m.Provider,-10} {m.Tier ?? "-",-10} {string.Join(",", CapabilityNames.Names(m.Capabilities)),-42} {price}{(m.Unconfirmed ? "  (unconfirmed)" : "")}"));
        }
    }
}
