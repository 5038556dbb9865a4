using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Memory;

namespace RoutingCore.Tests.Integration;

[Collection(GlobalListeners.Name)]
public class HostIntegrationTests
{
    [Fact]
    public void UrlMetadataCache_GivesExactSizes_WithoutTheAssumedWarning()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var provider = new MemoryCacheImageMetadataProvider(cache);
        provider.Set("https://images.example.com/known.png", new ImageMetadata(1024, 1024, ImageFormat.Png));
        var engine = new RoutingEngine(DefaultCatalog.LoadOptions(), new RoutingEngineServices { ImageMetadata = provider });

        var known = engine.Route(TestKit.Chat("gpt-4o", "https://images.example.com/known.png"));
        Assert.Equal(765, known.Estimate.ImageTokens);
        Assert.False(known.Warnings.HasFlag(RouteWarnings.AssumedImageDimensions));

        var unknown = engine.Route(TestKit.Chat("gpt-4o", "https://images.example.com/other.png"));
        Assert.Equal(85 + 8 * 170, unknown.Estimate.ImageTokens);
        Assert.True(unknown.Warnings.HasFlag(RouteWarnings.AssumedImageDimensions));
    }

    [Fact]
    public void Meter_RecordsRoutesByAliasKindAndModel_AndRejectionsByCode()
    {
        var engine = RoutingEngine.CreateDefault();
        var seen = new List<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == "RoutingCore") l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var dict = new Dictionary<string, object?>();
            foreach (var t in tags) dict[t.Key] = t.Value;
            lock (seen) seen.Add((instrument.Name, value, dict));
        });
        listener.Start();

        engine.Route(TestKit.Utf8("""{"model":"flux-pinned-gpt-5","messages":[{"role":"user","content":"x"}]}"""));
        engine.Route(TestKit.Utf8("""{"model":"nope","messages":[{"role":"user","content":"x"}]}"""));
        listener.Dispose();

        lock (seen)
        {
            Assert.Contains(seen, m => m.Instrument == "routingcore.routes" && Equals(m.Tags["alias_kind"], "pinned") && Equals(m.Tags["model"], "gpt-5"));
            Assert.Contains(seen, m => m.Instrument == "routingcore.rejections" && Equals(m.Tags["code"], "unknown_model"));
        }
    }

    [Fact]
    public void DuplicateChangeNotifications_AreHarmless()
    {
        var engine = RoutingEngine.CreateDefault();
        var options = DefaultCatalog.LoadOptions();
        var body = TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"x"}]}""");
        var before = engine.Route(body).ModelId;
        Assert.True(engine.TryUpdateCatalog(options, out _));
        Assert.True(engine.TryUpdateCatalog(options, out _));
        Assert.Equal(before, engine.Route(body).ModelId);
        Assert.Equal(3, engine.Catalog.Version);
    }
}
