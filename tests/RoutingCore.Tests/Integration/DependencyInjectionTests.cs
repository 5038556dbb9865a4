using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RoutingCore.Tests.Integration;

public sealed class DependencyInjectionTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private string Dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    private static string Catalog(string pinnedTo) => TestKit.TwoModelCatalog(pinnedTo);

    private static readonly byte[] Body = TestKit.MainAliasBody;

    [Fact]
    public void AddRoutingCore_FromJsonFile_ReloadsAndSeesTheNewDecision_AndKeepsLastGoodOnInvalidReload()
    {
        var path = Path.Combine(Dir, "routing.json");
        File.WriteAllText(path, Catalog("small"));
        var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        using var provider = new ServiceCollection().AddRoutingCore(configuration.GetSection("Routing")).BuildServiceProvider();
        var engine = provider.GetRequiredService<IRoutingEngine>();
        var first = engine.Route(Body);
        Assert.Equal(("small", 1L), (first.ModelId, first.CatalogVersion));

        File.WriteAllText(path, Catalog("large"));
        configuration.Reload();
        var second = engine.Route(Body);
        // The options monitor may notify more than once per reload; each notification is a harmless rebuild.
        Assert.Equal("large", second.ModelId);
        Assert.True(second.CatalogVersion > 1);

        File.WriteAllText(path, Catalog("missing-model"));
        // After start an invalid change throws nowhere; the engine rejects it and keeps the last good snapshot.
        configuration.Reload();
        var third = engine.Route(Body);
        Assert.Equal(("large", second.CatalogVersion), (third.ModelId, third.CatalogVersion));
    }

    [Fact]
    public void InvalidConfiguration_FailsAtStart_NamingTheBadKey()
    {
        var path = Path.Combine(Dir, "bad.json");
        File.WriteAllText(path, Catalog("nope"));
        var configuration = new ConfigurationBuilder().AddJsonFile(path).Build();
        using var provider = new ServiceCollection().AddRoutingCore(configuration.GetSection("Routing")).BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IRoutingEngine>());
        Assert.Contains(ex.Failures, f => f.StartsWith("Routing:Aliases:main:Model:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvalidConfiguration_FailsWhenTheHostStarts_BeforeAnyRequest()
    {
        var path = Path.Combine(Dir, "host.json");
        File.WriteAllText(path, Catalog("nope"));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddJsonFile(path);
        builder.Services.AddRoutingCore(builder.Configuration.GetSection("Routing"));
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(ex.Failures, f => f.StartsWith("Routing:Aliases:main:Model:", StringComparison.Ordinal));
    }

    private sealed class PreferProviderPolicy(string provider) : IRoutingPolicy
    {
        public string Name => "prefer-" + provider;
        public double Score(ModelEntry model, in CostEstimate estimate) => model.Provider == provider ? 1 : 0;
    }

    private sealed class FixedCounter : ITokenCounter
    {
        public long CountTokens(ReadOnlySpan<byte> utf8Text) => 1000;
    }

    [Fact]
    public void CustomPolicyAndTokenCounter_RegisteredInDI_AreSelectedByName()
    {
        var defaults = DefaultCatalog.LoadOptions();
        var services = new ServiceCollection()
            .AddSingleton<IRoutingPolicy>(new PreferProviderPolicy("anthropic"))
            .AddSingleton<ITokenCounter>(new FixedCounter())
            .AddRoutingCore(o =>
            {
                foreach (var (k, v) in defaults.Models) o.Models[k] = v;
                foreach (var (k, v) in defaults.Aliases) o.Aliases[k] = v;
                o.Policy = "prefer-anthropic";
                o.Aliases["flux-auto"] = new AliasOptions { Kind = "auto" }; // no Tradeoff: the policy ranks
            });
        using var provider = services.BuildServiceProvider();
        var d = provider.GetRequiredService<IRoutingEngine>().Route(TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal("anthropic", d.Model!.Provider);
        Assert.Equal(1000 + 3 + 4, d.Estimate.TextTokens);
    }

    [Fact]
    public void AddRoutingCore_WithAction_RegistersASingleton()
    {
        var defaults = DefaultCatalog.LoadOptions();
        using var provider = new ServiceCollection().AddRoutingCore(o =>
        {
            foreach (var (k, v) in defaults.Models) o.Models[k] = v;
            foreach (var (k, v) in defaults.Aliases) o.Aliases[k] = v;
            o.Policy = "cheapest";
        }).BuildServiceProvider();
        var engine = provider.GetRequiredService<IRoutingEngine>();
        Assert.Same(engine, provider.GetRequiredService<IRoutingEngine>());
        Assert.Equal("cheapest", engine.Catalog.Policy.Name);
        Assert.True(engine.Route(TestKit.ChatImage("flux-auto", "photo-640x480.png")).Succeeded);
    }
}
