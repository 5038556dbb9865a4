using System.Text.Json;

namespace RoutingCore;

/// <summary>
/// Writes a catalog snapshot as an OpenAI-style models list (<c>{"object":"list","data":[…]}</c>) — what a host
/// serves at <c>GET /v1/models</c> — with each id's kind, capabilities, modalities and prices. Aliases name their
/// target or tier instead of prices.
/// </summary>
public static class ModelsList
{
    /// <summary>Writes the list to <paramref name="stream"/> as UTF-8 JSON.</summary>
    public static void Write(Stream stream, CatalogSnapshot catalog, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented });
        Write(writer, catalog);
    }

    /// <summary>Writes the list with <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, CatalogSnapshot catalog)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(catalog);
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WriteNumber("catalog_version", catalog.Version);
        if (catalog.AsOf is not null) writer.WriteString("as_of", catalog.AsOf);
        writer.WriteStartArray("data");
        long created = Created(catalog.AsOf);
        foreach (var alias in catalog.Aliases) WriteAlias(writer, alias, created);
        foreach (var model in catalog.Models) WriteModel(writer, model, created);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>
    /// Writes the one entry of the list whose id is <paramref name="id"/> (a model or an alias, ordinal) — what a
    /// host serves at <c>GET /v1/models/{id}</c>; returns <see langword="false"/> and writes nothing when the catalog
    /// has no such id.
    /// </summary>
    public static bool TryWriteEntry(Utf8JsonWriter writer, CatalogSnapshot catalog, string id)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(id);
        long created = Created(catalog.AsOf);
        foreach (var alias in catalog.Aliases)
        {
            if (!string.Equals(alias.Id, id, StringComparison.Ordinal)) continue;
            WriteAlias(writer, alias, created);
            writer.Flush();
            return true;
        }
        foreach (var model in catalog.Models)
        {
            if (!string.Equals(model.Id, id, StringComparison.Ordinal)) continue;
            WriteModel(writer, model, created);
            writer.Flush();
            return true;
        }
        return false;
    }

    /// <summary>
    /// OpenAI's <c>created</c> (Unix seconds), which SDKs read as a date: the catalog's <c>AsOf</c> date at 00:00 UTC,
    /// or 0 (1970-01-01) when the catalog has none or it is not a date.
    /// </summary>
    internal static long Created(string? asOf) =>
        DateTimeOffset.TryParseExact(asOf, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var date) ? date.ToUnixTimeSeconds() : 0;

    private static void WriteModel(Utf8JsonWriter w, ModelEntry m, long created)
    {
        w.WriteStartObject();
        w.WriteString("id", m.Id);
        w.WriteString("object", "model");
        w.WriteNumber("created", created);
        w.WriteString("owned_by", m.Provider);
        w.WriteString("kind", "model");
        w.WriteString("tier", m.Tier);
        w.WriteNumber("quality", m.Quality);
        WriteStrings(w, "capabilities", CapabilityNames.Names(m.Capabilities));
        WriteStrings(w, "input_modalities", InputModalities(m.Capabilities));
        WriteStrings(w, "output_modalities", OutputModalities(m.Capabilities));
        if (m.ContextWindow > 0) w.WriteNumber("context_window", m.ContextWindow);
        if (m.MaxOutputTokens > 0) w.WriteNumber("max_output_tokens", m.MaxOutputTokens);
        w.WriteStartObject("pricing");
        w.WriteNumber("input_per_million", m.InputPerMillion);
        w.WriteNumber("output_per_million", m.OutputPerMillion);
        if (m.ImageOutput is { } o)
        {
            w.WriteNumber("per_image", o.PricePerImage);
            if (o.Prices.Length > 0)
            {
                w.WriteStartObject("per_image_by");
                foreach (var r in o.Prices) w.WriteNumber(PriceKey(r), r.Price);
                w.WriteEndObject();
            }
        }
        w.WriteEndObject();
        if (m.ImageInput is { } i)
        {
            w.WriteStartObject("image_input");
            w.WriteString("formula", i.FormulaName);
            w.WriteStartArray("formats");
            for (int f = 1; f <= (int)ImageFormat.Ico; f++)
            {
                if ((i.Formats & ImageFormats.ToSet((ImageFormat)f)) != 0) w.WriteStringValue(ImageFormats.Name((ImageFormat)f));
            }
            w.WriteEndArray();
            w.WriteBoolean("animated", i.AllowAnimated);
            if (i.MaxImages > 0) w.WriteNumber("max_images", i.MaxImages);
            if (i.MaxImageBytes > 0) w.WriteNumber("max_image_bytes", i.MaxImageBytes);
            if (i.MaxDimension > 0) w.WriteNumber("max_dimension", i.MaxDimension);
            w.WriteEndObject();
        }
        if (m.ImageOutput is { } io)
        {
            w.WriteStartObject("image_output");
            if (io.MaxImages > 0) w.WriteNumber("max_images", io.MaxImages);
            if (io.DefaultWidth > 0) w.WriteString("default_size", $"{io.DefaultWidth}x{io.DefaultHeight}");
            if (io.Sizes.Length > 0)
            {
                w.WriteStartArray("sizes");
                foreach (var (sw, sh) in io.Sizes) w.WriteStringValue($"{sw}x{sh}");
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        if (m.Unconfirmed) w.WriteBoolean("unconfirmed", true);
        w.WriteEndObject();
    }

    private static void WriteAlias(Utf8JsonWriter w, AliasEntry a, long created)
    {
        w.WriteStartObject();
        w.WriteString("id", a.Id);
        w.WriteString("object", "model");
        w.WriteNumber("created", created);
        w.WriteString("owned_by", "routingcore");
        w.WriteString("kind", AliasEntry.KindName(a.Kind));
        var caps = Capabilities.None;
        foreach (var m in a.Candidates) caps |= m.Capabilities;
        WriteStrings(w, "capabilities", CapabilityNames.Names(caps));
        WriteStrings(w, "input_modalities", InputModalities(caps));
        WriteStrings(w, "output_modalities", OutputModalities(caps));
        switch (a.Kind)
        {
            case AliasKind.Pinned: w.WriteString("target", a.Target!.Id); break;
            case AliasKind.Tier: w.WriteString("tier", a.Tier); break;
        }
        WriteStrings(w, "candidates", a.Candidates.Select(m => m.Id));
        if (a.Description is not null) w.WriteString("description", a.Description);
        w.WriteEndObject();
    }

    private static string PriceKey(ImagePriceRule r)
    {
        string size = r.Width > 0 ? $"{r.Width}x{r.Height}" : "";
        string? quality = RequestNames.Quality(r.Quality);
        return quality is null ? size : size.Length == 0 ? quality : size + "/" + quality;
    }

    private static IEnumerable<string> InputModalities(Capabilities c)
    {
        yield return "text";
        if ((c & Capabilities.Vision) != 0) yield return "image";
    }

    private static IEnumerable<string> OutputModalities(Capabilities c)
    {
        if ((c & Capabilities.Text) != 0) yield return "text";
        if ((c & Capabilities.ImageOutput) != 0) yield return "image";
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
