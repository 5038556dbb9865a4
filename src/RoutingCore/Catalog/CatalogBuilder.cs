using System.Globalization;

namespace RoutingCore.Catalog;

/// <summary>
/// Validates <see cref="RoutingOptions"/> and builds an immutable <see cref="CatalogSnapshot"/>. Validation and
/// building are one code path, so whatever validates is exactly what goes live. Every problem is reported, each
/// prefixed with its configuration key.
/// </summary>
internal static class CatalogBuilder
{
    private static readonly string[] s_formulas = ["openai-tile", "openai-patch", "anthropic", "gemini", "flat"];

    public static CatalogSnapshot? TryBuild(RoutingOptions options, long version, IEnumerable<IRoutingPolicy> policies,
        string sectionPath, List<string> errors, IEnumerable<IDifficultyEstimator>? estimators = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        string root = string.IsNullOrEmpty(sectionPath) ? "" : sectionPath + ":";
        var models = new List<ModelEntry>();
        foreach (var (id, m) in options.Models ?? [])
        {
            var entry = BuildModel(id, m, $"{root}Models:{id}", errors);
            if (entry is not null) models.Add(entry);
        }
        models.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        for (int i = 0; i < models.Count; i++) models[i].Index = i;
        // Ids are matched case-insensitively, so two ids that differ only in case would be ambiguous.
        var byId = new Dictionary<string, ModelEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in models)
        {
            if (!byId.TryAdd(m.Id, m)) errors.Add($"{root}Models:{m.Id}: the id differs only in case from another model's.");
        }
        var aliasIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        var textModels = models.Where(m => m.Has(Capabilities.Text)).ToArray();
        var imageModels = models.Where(m => m.Has(Capabilities.ImageOutput)).ToArray();

        IRoutingPolicy? policy = null;
        var policyName = string.IsNullOrWhiteSpace(options.Policy) ? "balanced" : options.Policy.Trim();
        foreach (var p in policies)
        {
            if (string.Equals(p.Name, policyName, StringComparison.OrdinalIgnoreCase)) policy = p;
        }
        if (policy is null)
        {
            errors.Add($"{root}Policy: unknown policy '{options.Policy}' (known: {string.Join(", ", policies.Select(p => p.Name))}).");
        }
        var ranking = policy ?? RoutingPolicies.Balanced;

        // The difficulty estimator by name (R-DIFF-4): the built-in one unless the host registered another.
        var estimatorName = string.IsNullOrWhiteSpace(options.DifficultyEstimator) ? DifficultyEstimators.DefaultName : options.DifficultyEstimator.Trim();
        IDifficultyEstimator? estimator = null;
        foreach (var e in estimators ?? [])
        {
            if (string.Equals(e.Name, estimatorName, StringComparison.OrdinalIgnoreCase)) estimator = e;
        }
        if (estimator is null && string.Equals(estimatorName, DifficultyEstimators.DefaultName, StringComparison.OrdinalIgnoreCase))
        {
            estimator = FittedDifficultyEstimator.Default; // throws InvalidDataException naming the weights if the build shipped bad ones
        }
        if (estimator is null)
        {
            var known = new[] { DifficultyEstimators.DefaultName }.Concat((estimators ?? []).Select(e => e.Name)).Distinct(StringComparer.OrdinalIgnoreCase);
            errors.Add($"{root}DifficultyEstimator: unknown difficulty estimator '{options.DifficultyEstimator}' (known: {string.Join(", ", known)}).");
        }
        int keep = Math.Clamp(options.MaxFallbacks, 0, FallbackBuffer.MaxCount) + 1;
        var aliases = new List<AliasEntry>();
        foreach (var (id, a) in options.Aliases ?? [])
        {
            string key = $"{root}Aliases:{id}";
            if (byId.ContainsKey(id)) { errors.Add($"{key}: the alias id is also a model id."); continue; }
            if (!aliasIds.Add(id)) { errors.Add($"{key}: the id differs only in case from another alias's."); continue; }
            if (string.IsNullOrWhiteSpace(id) || id.Trim() != id) { errors.Add($"{key}: an alias id must be non-empty without surrounding whitespace."); continue; }
            if (a is null) { errors.Add($"{key}: the alias has no settings."); continue; }
            string? kindName = a.Kind?.Trim().ToLowerInvariant();
            if (a.Tradeoff is { } t)
            {
                if (kindName != "auto") errors.Add($"{key}:Tradeoff: only auto aliases take a Tradeoff.");
                else if (double.IsNaN(t) || t is < 0 or > 1) errors.Add($"{key}:Tradeoff: must be between 0 and 1 (or null for the policy's static ranking).");
            }
            if (a.Calibration != DifficultyCalibration.Reference && kindName != "auto") errors.Add($"{key}:Calibration: only auto aliases take a Calibration.");
            if (!Enum.IsDefined(a.Calibration)) errors.Add($"{key}:Calibration: must be Reference or Live.");
            switch (kindName)
            {
                case "auto":
                    aliases.Add(Alias(id, AliasKind.Auto, a, Ranked(textModels, ranking), ranking, keep));
                    break;
                case "image":
                    if (imageModels.Length == 0) errors.Add($"{key}:Kind: an image alias needs at least one model with image_output.");
                    aliases.Add(Alias(id, AliasKind.Image, a, Ranked(imageModels, ranking), ranking, keep));
                    break;
                case "tier":
                    var tier = a.Tier?.Trim().ToLowerInvariant();
                    if (string.IsNullOrEmpty(tier)) { errors.Add($"{key}:Tier: a tier alias needs a Tier."); break; }
                    var inTier = models.Where(m => m.Tier == tier).ToArray();
                    if (inTier.Length == 0) errors.Add($"{key}:Tier: no model is in tier '{tier}'.");
                    aliases.Add(Alias(id, AliasKind.Tier, a, Ranked(inTier, ranking), ranking, keep));
                    break;
                case "pinned":
                    if (string.IsNullOrWhiteSpace(a.Model)) { errors.Add($"{key}:Model: a pinned alias needs a Model."); break; }
                    if (!byId.TryGetValue(a.Model.Trim(), out var target)) { errors.Add($"{key}:Model: model '{a.Model}' is not in the catalog."); break; }
                    aliases.Add(new AliasEntry { Id = id, IdUtf8 = Encoding.UTF8.GetBytes(id), Kind = AliasKind.Pinned, Target = target, Description = a.Description, Candidates = [target], Frontier = [target] });
                    break;
                default:
                    errors.Add($"{key}:Kind: unknown alias kind '{a?.Kind}' (expected auto, tier, image or pinned).");
                    break;
            }
        }
        aliases.Sort((x, y) => string.CompareOrdinal(x.Id, y.Id));

        if (!Enum.IsDefined(options.ExactTokens)) errors.Add($"{root}ExactTokens: must be WhenNeeded, Always or Never.");
        if (options.MaxFallbacks is < 0 or > FallbackBuffer.MaxCount)
        {
            errors.Add($"{root}MaxFallbacks: must be between 0 and {FallbackBuffer.MaxCount}.");
        }
        if (models.Count == 0 && errors.Count == 0) errors.Add($"{root}Models: the catalog has no models.");
        if (errors.Count > 0) return null;
        var rankedImageModels = Ranked(imageModels, ranking);
        return new CatalogSnapshot(version, [.. models], [.. aliases], policy!, options.AllowHttpImageUrls, options.MaxFallbacks, options.AsOf,
            rankedImageModels, CatalogFrontier.Prune(rankedImageModels, ranking, keep))
        {
            IncludeStreamUsage = options.IncludeStreamUsage,
            DifficultyEstimator = estimator!,
            ExactTokens = options.ExactTokens,
            TokenizerMask = models.Aggregate(0, (mask, m) => m.TokenizerIndex >= 0 ? mask | 1 << m.TokenizerIndex : mask),
        };
    }

    /// <summary>Candidates ordered by the policy's score bound (best first), then ordinal id, for early exit.</summary>
    private static ModelEntry[] Ranked(ModelEntry[] models, IRoutingPolicy policy)
    {
        var bounds = models.Select(policy.MaxScore).ToArray();
        var order = Enumerable.Range(0, models.Length)
            .OrderByDescending(i => bounds[i]).ThenBy(i => models[i].Id, StringComparer.Ordinal);
        return [.. order.Select(i => models[i])];
    }

    private static AliasEntry Alias(string id, AliasKind kind, AliasOptions a, ModelEntry[] candidates, IRoutingPolicy policy, int keep) => new()
    {
        Id = id, IdUtf8 = Encoding.UTF8.GetBytes(id), Kind = kind, Tier = a.Tier?.Trim().ToLowerInvariant(), Description = a.Description,
        Candidates = candidates, Frontier = CatalogFrontier.Prune(candidates, policy, keep),
        Tradeoff = kind == AliasKind.Auto ? a.Tradeoff : null,
        Calibration = kind == AliasKind.Auto ? a.Calibration : DifficultyCalibration.Reference,
        Live = kind == AliasKind.Auto && a.Calibration == DifficultyCalibration.Live ? new Difficulty.TrafficPercentiles() : null,
        QualityMin = candidates.Length == 0 ? 0 : candidates.Min(m => m.Quality),
        QualityMax = candidates.Length == 0 ? 0 : candidates.Max(m => m.Quality),
    };

    private static ModelEntry? BuildModel(string id, ModelOptions? m, string key, List<string> errors)
    {
        int before = errors.Count;
        if (m is null) { errors.Add($"{key}: the model has no settings."); return null; }
        if (string.IsNullOrWhiteSpace(id) || id.Trim() != id || Encoding.UTF8.GetByteCount(id) > Parsing.RequestFacts.MaxModelIdBytes)
            errors.Add($"{key}: a model id must be 1–256 bytes without surrounding whitespace.");
        if (string.IsNullOrWhiteSpace(m.Provider)) errors.Add($"{key}:Provider: required.");
        if (m.Quality is < 0 or > 1 || double.IsNaN(m.Quality)) errors.Add($"{key}:Quality: must be between 0 and 1.");
        string? tokenizer = string.IsNullOrWhiteSpace(m.Tokenizer) ? null : m.Tokenizer.Trim().ToLowerInvariant();
        if (tokenizer is not null && TokenizerNames.IndexOf(tokenizer) < 0)
            errors.Add($"{key}:Tokenizer: unknown tokenizer '{m.Tokenizer}' (known: {string.Join(", ", TokenizerNames.All)}).");
        var caps = Capabilities.None;
        foreach (var name in m.Capabilities ?? [])
        {
            if (CapabilityNames.TryParse(name, out var c)) caps |= c;
            else errors.Add($"{key}:Capabilities: unknown capability '{name}' (known: {CapabilityNames.KnownList}).");
        }
        if (caps == Capabilities.None) errors.Add($"{key}:Capabilities: at least one capability is required.");
        if (m.ContextWindow < 0) errors.Add($"{key}:ContextWindow: must not be negative.");
        if (m.MaxOutputTokens < 0) errors.Add($"{key}:MaxOutputTokens: must not be negative.");
        if (m.DefaultOutputTokens < 0) errors.Add($"{key}:DefaultOutputTokens: must not be negative.");
        if (m.MaxOutputTokens > 0 && m.DefaultOutputTokens > m.MaxOutputTokens) errors.Add($"{key}:DefaultOutputTokens: must not exceed MaxOutputTokens.");
        // A text model without a price would rank as free under every cost-aware policy: say so instead of guessing.
        bool text = (caps & Capabilities.Text) != 0;
        decimal inPrice = TokenPrice(m.InputPerMillion, "InputPerMillion", text, key, errors);
        decimal outPrice = TokenPrice(m.OutputPerMillion, "OutputPerMillion", text, key, errors);
        decimal cachedPrice = m.CachedInputPerMillion is null ? inPrice : TokenPrice(m.CachedInputPerMillion, "CachedInputPerMillion", false, key, errors);
        decimal writePrice = m.CacheWritePerMillion is null ? inPrice : TokenPrice(m.CacheWritePerMillion, "CacheWritePerMillion", false, key, errors);

        string upstream = m.UpstreamModel?.Trim() is { Length: > 0 } u ? u : id;
        if (upstream.Any(c => c == '"' || c == '\\' || char.IsControl(c)) || Encoding.UTF8.GetByteCount(upstream) > 512)
            errors.Add($"{key}:UpstreamModel: at most 512 bytes without quotes, backslashes or control characters.");
        var endpoints = EndpointSet.None;
        if (m.Endpoints is { Count: > 0 } listed)
        {
            foreach (var e in listed)
            {
                if (EndpointNames.TryParse(e, out var set)) endpoints |= set;
                else errors.Add($"{key}:Endpoints: unknown endpoint '{e}' (known: chat, messages, images, responses).");
            }
        }
        else if (!string.IsNullOrWhiteSpace(m.Provider))
        {
            endpoints = EndpointNames.DefaultFor(m.Provider.Trim());
        }

        ImageInputSpec? input = null;
        if ((caps & Capabilities.Vision) != 0)
        {
            if (m.ImageInput is null) errors.Add($"{key}:ImageInput: required for a model with vision.");
            else input = BuildImageInput(m.ImageInput, key + ":ImageInput", errors);
        }
        else if (m.ImageInput is not null)
        {
            errors.Add($"{key}:ImageInput: given, but the model lacks the vision capability.");
        }
        ImageOutputSpec? output = null;
        if ((caps & Capabilities.ImageOutput) != 0)
        {
            if (m.ImageOutput is null) errors.Add($"{key}:ImageOutput: required for a model with image_output.");
            else output = BuildImageOutput(m.ImageOutput, key + ":ImageOutput", errors);
        }
        if (errors.Count > before) return null;
        return new ModelEntry
        {
            Id = id, IdUtf8 = Encoding.UTF8.GetBytes(id), Provider = m.Provider!.Trim(), ProviderUtf8 = Encoding.UTF8.GetBytes(m.Provider.Trim()),
            UpstreamModel = upstream, UpstreamModelJson = Encoding.UTF8.GetBytes("\"" + upstream + "\""), Endpoints = endpoints,
            Tier = string.IsNullOrWhiteSpace(m.Tier) ? null : m.Tier.Trim().ToLowerInvariant(), Quality = m.Quality, Capabilities = caps,
            Tokenizer = tokenizer, TokenizerIndex = TokenizerNames.IndexOf(tokenizer),
            ContextWindow = m.ContextWindow, MaxOutputTokens = m.MaxOutputTokens, DefaultOutputTokens = m.DefaultOutputTokens,
            InputPerMillion = inPrice, OutputPerMillion = outPrice,
            InputPicoPerToken = (long)(inPrice * 1_000_000m), OutputPicoPerToken = (long)(outPrice * 1_000_000m), ImageInput = input, ImageOutput = output,
            CachedInputPerMillion = cachedPrice, CacheWritePerMillion = writePrice,
            CachedInputPicoPerToken = (long)(cachedPrice * 1_000_000m), CacheWritePicoPerToken = (long)(writePrice * 1_000_000m),
            Unconfirmed = m.Unconfirmed, Notes = m.Notes,
        };
    }

    /// <summary>A per-million-token price: required when <paramref name="required"/>, else 0 when absent.</summary>
    internal static decimal TokenPrice(decimal? value, string name, bool required, string key, List<string> errors)
    {
        if (value is not { } price)
        {
            if (required) errors.Add($"{key}:{name}: required for a model with the text capability (0 for a free model).");
            return 0;
        }
        if (price < 0) errors.Add($"{key}:{name}: must not be negative.");
        else if (!Estimation.Money.TryToPico(price, 1_000_000m, out _)) errors.Add($"{key}:{name}: at most 6 decimal places and at most 1000000.");
        else return price;
        return 0;
    }

    private static ImageInputSpec? BuildImageInput(ImageInputOptions o, string key, List<string> errors)
    {
        int before = errors.Count;
        var name = o.Formula?.Trim().ToLowerInvariant();
        int f = Array.IndexOf(s_formulas, name);
        if (f < 0) { errors.Add($"{key}:Formula: unknown formula '{o.Formula}' (expected {string.Join(", ", s_formulas)})."); return null; }
        var formula = (ImageTokenFormula)f;
        void Positive(int? v, string k, bool required)
        {
            if (v is null) { if (required) errors.Add($"{key}:{k}: required by formula '{name}'."); }
            else if (v <= 0) errors.Add($"{key}:{k}: must be positive.");
        }
        Positive(o.BaseTokens, "BaseTokens", formula == ImageTokenFormula.OpenAITile);
        Positive(o.TileTokens, "TileTokens", formula == ImageTokenFormula.OpenAITile);
        Positive(o.PatchSize, "PatchSize", false);
        Positive(o.MaxEdge, "MaxEdge", false);
        Positive(o.MaxTokens, "MaxTokens", false);
        Positive(o.TokensPerImage, "TokensPerImage", formula == ImageTokenFormula.Flat);
        if (formula == ImageTokenFormula.OpenAIPatch && (o.Multiplier is null || o.Multiplier <= 0 || double.IsNaN(o.Multiplier.Value)))
            errors.Add($"{key}:Multiplier: required by formula 'openai-patch' and must be positive.");
        var formats = ImageFormatSet.None;
        foreach (var fmt in o.Formats ?? [])
        {
            if (ImageFormats.TryParseName(fmt, out var parsed)) formats |= ImageFormats.ToSet(parsed);
            else errors.Add($"{key}:Formats: unknown format '{fmt}'.");
        }
        if (formats == ImageFormatSet.None) errors.Add($"{key}:Formats: at least one format is required.");
        if (o.MaxImages < 0) errors.Add($"{key}:MaxImages: must not be negative.");
        if (o.MaxImageBytes < 0) errors.Add($"{key}:MaxImageBytes: must not be negative.");
        if (o.MaxDimension < 0) errors.Add($"{key}:MaxDimension: must not be negative.");
        if ((o.AssumedWidth is null) != (o.AssumedHeight is null) || o.AssumedWidth <= 0 || o.AssumedHeight <= 0)
            errors.Add($"{key}:AssumedWidth: AssumedWidth and AssumedHeight go together and must be positive.");
        if (errors.Count > before) return null;
        return new ImageInputSpec
        {
            Formula = formula, FormulaName = name!, BaseTokens = o.BaseTokens ?? 0, TileTokens = o.TileTokens ?? (formula == ImageTokenFormula.Gemini ? 258 : 0),
            Multiplier = o.Multiplier ?? 1, PatchSize = o.PatchSize ?? 28, MaxEdge = o.MaxEdge ?? 1568, MaxTokens = o.MaxTokens ?? 1568,
            TokensPerImage = o.TokensPerImage ?? 0, Formats = formats, AllowAnimated = o.AnimatedGif, MaxImages = o.MaxImages,
            MaxImageBytes = o.MaxImageBytes, MaxDimension = o.MaxDimension, StrictMediaType = o.StrictMediaType,
            AssumedWidth = o.AssumedWidth ?? 0, AssumedHeight = o.AssumedHeight ?? 0,
        };
    }

    private static ImageOutputSpec? BuildImageOutput(ImageOutputOptions o, string key, List<string> errors)
    {
        int before = errors.Count;
        if (o.PricePerImage is { } ppi && !Estimation.Money.TryToPico(ppi, Estimation.Money.PicoPerUsd, out _))
            errors.Add($"{key}:PricePerImage: must be between 0 and 1000000 with at most 12 decimal places.");
        if (o.MaxImages < 0) errors.Add($"{key}:MaxImages: must not be negative.");
        int dw = 0, dh = 0;
        if (o.DefaultSize is not null && !RequestNames.TryParseSize(o.DefaultSize, out dw, out dh))
            errors.Add($"{key}:DefaultSize: '{o.DefaultSize}' is not WIDTHxHEIGHT.");
        var sizes = new List<(int, int)>();
        foreach (var s in o.Sizes ?? [])
        {
            if (RequestNames.TryParseSize(s, out int w, out int h)) sizes.Add((w, h));
            else errors.Add($"{key}:Sizes: '{s}' is not WIDTHxHEIGHT.");
        }
        if (dw > 0 && sizes.Count > 0 && !sizes.Contains((dw, dh))) errors.Add($"{key}:DefaultSize: '{o.DefaultSize}' is not one of Sizes.");
        var ratios = new List<(int, int)>();
        foreach (var r in o.AspectRatios ?? [])
        {
            if (RequestNames.TryParseAspectRatio(r, out int w, out int h)) ratios.Add((w, h));
            else errors.Add($"{key}:AspectRatios: '{r}' is not W:H.");
        }
        var resolutions = new List<string>();
        foreach (var r in o.Resolutions ?? [])
        {
            var t = r?.Trim().ToUpperInvariant();
            if (string.IsNullOrEmpty(t) || t.Length > Parsing.RequestFacts.MaxResolutionBytes || !System.Text.Ascii.IsValid(t))
                errors.Add($"{key}:Resolutions: '{r}' must be 1–{Parsing.RequestFacts.MaxResolutionBytes} ASCII characters.");
            else resolutions.Add(t);
        }
        var rules = new List<ImagePriceRule>();
        foreach (var (k, price) in o.Prices ?? [])
        {
            if (!Estimation.Money.TryToPico(price, Estimation.Money.PicoPerUsd, out long pico))
            {
                errors.Add($"{key}:Prices:{k}: must be between 0 and 1000000 with at most 12 decimal places.");
                continue;
            }
            var parts = k.Split('/');
            int w = 0, h = 0;
            var q = ImageQuality.Unspecified;
            bool ok = parts.Length switch
            {
                1 => RequestNames.TryParseSize(parts[0], out w, out h) || RequestNames.TryParseQuality(parts[0].Trim(), out q),
                2 => RequestNames.TryParseSize(parts[0], out w, out h) && RequestNames.TryParseQuality(parts[1].Trim(), out q),
                _ => false,
            };
            if (!ok || q == ImageQuality.Auto) errors.Add($"{key}:Prices:{k}: keys are WxH/quality, WxH or quality (low, medium, high, standard, hd).");
            else rules.Add(new ImagePriceRule(w, h, q, price) { PricePico = pico });
        }
        if (o.PricePerImage is null && rules.Count == 0) errors.Add($"{key}:PricePerImage: a price is required (PricePerImage or Prices).");
        bool tokenBilled = o.OutputPerMillion is not null;
        decimal textIn = TokenPrice(o.TextInputPerMillion, "TextInputPerMillion", false, key, errors);
        decimal imageIn = o.ImageInputPerMillion is null ? textIn : TokenPrice(o.ImageInputPerMillion, "ImageInputPerMillion", false, key, errors);
        decimal imageOut = TokenPrice(o.OutputPerMillion, "OutputPerMillion", false, key, errors);
        if (errors.Count > before) return null;
        rules.Sort((a, b) => (a.Width, a.Height, a.Quality).CompareTo((b.Width, b.Height, b.Quality)));
        decimal perImage = o.PricePerImage ?? rules.Max(r => r.Price);
        return new ImageOutputSpec
        {
            PricePerImage = perImage, PricePerImagePico = (long)(perImage * Estimation.Money.PicoPerUsd), MaxImages = o.MaxImages, DefaultWidth = dw, DefaultHeight = dh,
            Sizes = [.. sizes], Prices = [.. rules], AspectRatios = [.. ratios], Resolutions = resolutions,
            TokenBilled = tokenBilled, TextInputPerMillion = textIn, ImageInputPerMillion = imageIn, OutputPerMillion = imageOut,
            TextInputPico = (long)(textIn * 1_000_000m), ImageInputPico = (long)(imageIn * 1_000_000m), OutputPico = (long)(imageOut * 1_000_000m),
            ResolutionsUtf8 = [.. resolutions.Select(Encoding.ASCII.GetBytes)],
        };
    }

    internal static string FormatSize(int w, int h) => string.Create(CultureInfo.InvariantCulture, $"{w}x{h}");
}
