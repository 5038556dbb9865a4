namespace RoutingCore.Tests.Robustness;

/// <summary>
/// Hot reload under load (spec R-CAT-4): two threads route while the catalog changes 1,000 times (with invalid
/// changes in between); every decision equals the pure decision of the snapshot version it reports, and no
/// invalid change ever goes live.
/// </summary>
public class HotReloadTests
{
    private static RoutingOptions Version(int i)
    {
        var o = new RoutingOptions();
        o.Models["m-a"] = new ModelOptions { Provider = "p", Tier = "t", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 1, DefaultOutputTokens = 10 };
        o.Models["m-b"] = new ModelOptions { Provider = "p", Tier = "t", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 1, DefaultOutputTokens = 10 };
        o.Aliases["main"] = new AliasOptions { Kind = "pinned", Model = i % 2 == 0 ? "m-a" : "m-b" };
        return o;
    }

    [Fact]
    public async Task RoutingWhileTheCatalogChanges1000Times_IsConsistentPerSnapshot()
    {
        var engine = new RoutingEngine(Version(0)); // version 1 pins m-a
        var body = TestKit.Utf8("""{"model":"main","messages":[{"role":"user","content":"x"}]}""");
        var expectedByVersion = new System.Collections.Concurrent.ConcurrentDictionary<long, string>();
        expectedByVersion[1] = "m-a";
        using var stop = new CancellationTokenSource();
        int mismatches = 0, routed = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var d = engine.Route(body);
                Interlocked.Increment(ref routed);
                // The snapshot's own pinned target is the pure decision of that version.
                var pure = d.Catalog.Aliases.Single(a => a.Id == "main").Target!.Id;
                if (d.ModelId != pure) Interlocked.Increment(ref mismatches);
            }
        })).ToArray();

        SpinWait.SpinUntil(() => Volatile.Read(ref routed) > 0, TimeSpan.FromSeconds(30));
        for (int i = 1; i <= 1000; i++)
        {
            Assert.True(engine.TryUpdateCatalog(Version(i), out _));
            expectedByVersion[engine.Catalog.Version] = i % 2 == 0 ? "m-a" : "m-b";
            var invalid = Version(i);
            invalid.Aliases["main"].Model = "missing";
            Assert.False(engine.TryUpdateCatalog(invalid, out _));
        }
        stop.Cancel();
        await Task.WhenAll(readers);

        Assert.Equal(0, mismatches);
        Assert.True(routed > 0);
        Assert.Equal(1001, engine.Catalog.Version);
        Assert.All(expectedByVersion, kv => Assert.Equal(kv.Key % 2 == 1 ? "m-a" : "m-b", kv.Value));
        Assert.Equal("m-a", engine.Route(body).ModelId); // version 1001 = Version(1000) pins m-a
    }
}
