using FsCheck;
using FsCheck.Fluent;
using RoutingCore.Testing;

namespace RoutingCore.Tests.Properties;

/// <summary>Properties over generated catalogs (the testing kit's catalog generator).</summary>
public class CatalogProperties
{
    [Fact]
    public void Decisions_MeetTheInvariants_OnGeneratedCatalogs_Meets_Specification()
    {
        var gen = from options in CatalogGenerators.Catalog()
                  from requests in Gen.ListOf(RoutingGenerators.Request(["auto", "image", "tier-fast", "tier-standard", "pin-text-00", "text-00", "image-00"]), 8)
                  select (options, requests);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var engine = new RoutingEngine(t.options);
            foreach (var spec in t.requests) RoutingInvariants.Check(engine, spec.ToJson());
        }));
    }

    [Fact]
    public void GeneratedCatalogs_AlwaysValidate_AndPinnedAliasesResolveToTheirModel_Meets_Specification()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(CatalogGenerators.Catalog().ToArbitrary(), options =>
        {
            var catalog = new RoutingEngine(options).Catalog;
            return catalog.Aliases.Where(a => a.Kind == AliasKind.Pinned).All(a => "pin-" + a.Target!.Id == a.Id);
        }));
    }
}
