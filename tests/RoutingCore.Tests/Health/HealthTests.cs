using FsCheck;
using FsCheck.Fluent;
using RoutingCore.Testing;

namespace RoutingCore.Tests.Health;

/// <summary>spec/health.md R-HEALTH-1..3: the router reads a health view; the in-process tracker keeps one.</summary>
public class HealthTests
{
    /// <summary>A fixed view: what a snapshot of a tracker is at one moment.</summary>
    private sealed class FixedHealth(Dictionary<string, HealthStatus> status) : IModelHealth
    {
        public HealthStatus GetStatus(ModelEntry model) => status.GetValueOrDefault(model.Id);
    }

    /// <summary>A clock the test moves.</summary>
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly byte[] Easy = """{"model":"flux-auto","messages":[{"role":"user","content":"say hello"}]}"""u8.ToArray();

    [Fact]
    public void ACoolingDownCandidate_IsRejectedWithCoolingDown_AndTheNextOneServes()
    {
        var first = TestKit.Engine.Route(Easy);
        var health = new FixedHealth(new() { [first.ModelId!] = HealthStatus.CoolingDown });
        var details = new RouteDetails { Explain = true };
        var d = TestKit.Engine.Route(Easy, new RouteContext { Health = health }, details);
        Assert.Equal(first.GetFallback(0).Id, d.ModelId);
        Assert.Contains(details.Candidates, c => c.Model.Id == first.ModelId && c.Status == "rejected" && c.ReasonText == "cooling_down");
        Assert.DoesNotContain("cooling_down_served", RouteErrors.WarningNames(d.Warnings));
    }

    [Fact]
    public void WhenEveryEligibleCandidateCoolsDown_TheLeastBadServes_WithAWarning()
    {
        var all = TestKit.Engine.Catalog.Models.ToDictionary(m => m.Id, _ => HealthStatus.CoolingDown);
        var first = TestKit.Engine.Route(Easy);
        var d = TestKit.Engine.Route(Easy, new RouteContext { Health = new FixedHealth(all) });
        Assert.Equal(first.ModelId, d.ModelId); // the ranking among them is the usual one
        Assert.Contains("cooling_down_served", RouteErrors.WarningNames(d.Warnings));
        var pinned = TestKit.Engine.Route("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}"""u8, new RouteContext { Health = new FixedHealth(all) });
        Assert.Equal("gpt-5", pinned.ModelId);
        Assert.Contains("cooling_down_served", RouteErrors.WarningNames(pinned.Warnings));
    }

    [Fact]
    public void DegradedCandidates_RankAfterHealthyOnes()
    {
        var first = TestKit.Engine.Route(Easy);
        var d = TestKit.Engine.Route(Easy, new RouteContext { Health = new FixedHealth(new() { [first.ModelId!] = HealthStatus.Degraded }) });
        Assert.Equal(first.GetFallback(0).Id, d.ModelId); // every healthy candidate ranks first: the next one serves
        Assert.DoesNotContain(Enumerable.Range(0, d.FallbackCount).Select(d.GetFallback), m => m.Id == first.ModelId); // 12 healthy ones precede it
        var all = TestKit.Engine.Catalog.Models.ToDictionary(m => m.Id, m => m.Id == first.ModelId ? HealthStatus.Healthy : HealthStatus.Degraded);
        Assert.Equal(first.ModelId, TestKit.Engine.Route(Easy, new RouteContext { Health = new FixedHealth(all) }).ModelId);
    }

    [Fact]
    public void TheSameHealthSnapshotAndBytes_GiveTheSameDecision_AndCoolingModelsNeverServeWhileOthersCan_Meets_Specification()
    {
        var ids = TestKit.Engine.Catalog.Models.Select(m => m.Id).ToArray();
        var gen = from spec in RoutingGenerators.Request(["flux-auto", "flux-fast", "flux-image", "gpt-5"])
                  from cool in Gen.SubListOf(ids)
                  from degraded in Gen.SubListOf(ids)
                  select (spec, cool, degraded);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var map = new Dictionary<string, HealthStatus>();
            foreach (var id in t.degraded) map[id] = HealthStatus.Degraded;
            foreach (var id in t.cool) map[id] = HealthStatus.CoolingDown;
            var context = new RouteContext { Health = new FixedHealth(map) };
            var body = t.spec.ToJson();
            var a = TestKit.Engine.Route(body, context);
            var b = TestKit.Engine.Route(body, context);
            Assert.Equal(a.ModelId, b.ModelId);
            Assert.Equal(a.Warnings, b.Warnings);
            var plain = TestKit.Engine.Route(body);
            Assert.Equal(plain.Succeeded, a.Succeeded); // health never makes a request unroutable
            if (a.Succeeded && a.AliasKind != AliasKind.Direct && map.GetValueOrDefault(a.ModelId!) == HealthStatus.CoolingDown)
                Assert.Contains("cooling_down_served", RouteErrors.WarningNames(a.Warnings));
        }));
    }

    [Fact]
    public void RoutingWithAHealthView_AllocatesNothing()
    {
        var health = new FixedHealth(new() { ["gpt-5-nano"] = HealthStatus.CoolingDown, ["gpt-4o-mini"] = HealthStatus.Degraded });
        var context = new RouteContext { Health = health };
        for (int i = 0; i < 10; i++) TestKit.Engine.Route(Easy, context);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) TestKit.Engine.Route(Easy, context);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void AfterACooldown_OnlyOneProbeGoesAtATime_AndASlowFirstByteDegrades()
    {
        var time = new ManualTime();
        var tracker = new ModelHealthTracker(failureThreshold: 1, cooldown: TimeSpan.FromSeconds(30), time);
        var nano = TestKit.Engine.Catalog.Models.Single(m => m.Id == "gpt-5-nano");
        var haiku = TestKit.Engine.Catalog.Models.Single(m => m.Id == "claude-haiku-4-5");
        Assert.True(tracker.TryEnterProbe(nano)); // healthy: nothing to probe
        tracker.RecordFailure(nano);
        time.Now += TimeSpan.FromSeconds(31);
        Assert.True(tracker.TryEnterProbe(nano));  // the probe
        Assert.False(tracker.TryEnterProbe(nano)); // a second attempt while it is in flight
        time.Now += TimeSpan.FromSeconds(31);
        Assert.True(tracker.TryEnterProbe(nano));  // a probe that never reported is replaced after a cooldown
        tracker.RecordSuccess(nano, TimeSpan.FromMilliseconds(200));
        Assert.Equal(HealthStatus.Healthy, tracker.GetStatus(nano));
        Assert.True(tracker.TryEnterProbe(nano));
        Assert.True(tracker.TryEnterProbe(nano));

        tracker.RecordSuccess(haiku, TimeSpan.FromSeconds(11));
        Assert.Equal(HealthStatus.Degraded, tracker.GetStatus(haiku)); // slow first byte
        tracker.RecordSuccess(haiku, TimeSpan.FromSeconds(1));
        Assert.Equal(HealthStatus.Healthy, tracker.GetStatus(haiku));
    }

    [Fact]
    public void TheTracker_CoolsAfterTheThreshold_HonoursRetryAfter_AndHalfOpensAfterTheCooldown()
    {
        var time = new ManualTime();
        var tracker = new ModelHealthTracker(failureThreshold: 3, cooldown: TimeSpan.FromSeconds(30), time);
        var catalog = TestKit.Engine.Catalog;
        var nano = catalog.Models.Single(m => m.Id == "gpt-5-nano");
        var mini = catalog.Models.Single(m => m.Id == "gpt-5-mini"); // same provider
        var haiku = catalog.Models.Single(m => m.Id == "claude-haiku-4-5");

        tracker.RecordFailure(nano);
        tracker.RecordFailure(nano);
        Assert.Equal(HealthStatus.Healthy, tracker.GetStatus(nano)); // below the threshold: keeps its rank
        Assert.Equal(HealthStatus.Healthy, tracker.GetStatus(mini));
        tracker.RecordFailure(nano);
        Assert.Equal(HealthStatus.CoolingDown, tracker.GetStatus(nano));
        Assert.Equal(HealthStatus.CoolingDown, tracker.GetStatus(mini)); // the provider failed three times too
        Assert.Equal(HealthStatus.Healthy, tracker.GetStatus(haiku));

        time.Now += TimeSpan.FromSeconds(31);
        Assert.Equal(HealthStatus.Healthy, tracker.GetStatus(nano)); // half-open: back in its own rank...
        Assert.True(tracker.IsHalfOpen(nano));                        // ...behind the probe gate
        tracker.RecordFailure(nano);
        Assert.Equal(HealthStatus.CoolingDown, tracker.GetStatus(nano)); // one more failure: a new cooldown at once
        time.Now += TimeSpan.FromSeconds(31);
        tracker.RecordSuccess(nano);
        Assert.Equal(HealthStatus.Healthy, tracker.GetStatus(nano));

        tracker.RecordFailure(haiku, retryAfter: TimeSpan.FromSeconds(120));
        Assert.Equal(HealthStatus.CoolingDown, tracker.GetStatus(haiku)); // retry-after cools at once, for as long as it says
        time.Now += TimeSpan.FromSeconds(100);
        Assert.Equal(HealthStatus.CoolingDown, tracker.GetStatus(haiku));
        time.Now += TimeSpan.FromSeconds(21);
        Assert.Equal(HealthStatus.Healthy, tracker.GetStatus(haiku));
        Assert.True(tracker.IsHalfOpen(haiku));
    }

    [Fact]
    public void OneFailureUnderTheThreshold_LeavesEveryLaterDecisionUnchanged()
    {
        var tracker = new ModelHealthTracker(failureThreshold: 3, cooldown: TimeSpan.FromSeconds(30), new ManualTime());
        var context = new RouteContext { Health = tracker };
        var before = TestKit.Engine.Route(Easy, context);
        tracker.RecordFailure(before.Model!);          // a single 500
        tracker.RecordFailure(before.GetFallback(0));  // and a 429 without retry-after on the next one
        var after = TestKit.Engine.Route(Easy, context);
        Assert.Equal(before.ModelId, after.ModelId);
        Assert.Equal(before.FallbackCount, after.FallbackCount);
        for (int i = 0; i < before.FallbackCount; i++) Assert.Equal(before.GetFallback(i).Id, after.GetFallback(i).Id);
    }

    [Fact]
    public void AfterTheCooldown_TheProbeGoesInItsOwnRank_AndTrafficReturnsAfterASuccess()
    {
        var time = new ManualTime();
        var tracker = new ModelHealthTracker(failureThreshold: 2, cooldown: TimeSpan.FromSeconds(30), time);
        var context = new RouteContext { Health = tracker };
        var healthy = TestKit.Engine.Route(Easy, context);
        var model = healthy.Model!;
        tracker.RecordFailure(model);
        tracker.RecordFailure(model);
        var cooling = TestKit.Engine.Route(Easy, context);
        Assert.NotEqual(model.Id, cooling.ModelId); // cooling down: the next model serves

        time.Now += TimeSpan.FromSeconds(31);
        var halfOpen = TestKit.Engine.Route(Easy, context);
        Assert.Equal(model.Id, halfOpen.ModelId);   // its own rank, not behind every healthy model
        Assert.True(tracker.TryEnterProbe(model));  // one request probes it...
        Assert.False(tracker.TryEnterProbe(model)); // ...the others go to the next ranked model meanwhile
        Assert.False(tracker.TryEnterProbe(model));
        tracker.RecordSuccess(model, TimeSpan.FromMilliseconds(300));
        Assert.False(tracker.IsHalfOpen(model));
        for (int i = 0; i < 3; i++) Assert.True(tracker.TryEnterProbe(model)); // traffic is back
        Assert.Equal(model.Id, TestKit.Engine.Route(Easy, context).ModelId);

        // A failed probe cools it down again at once.
        tracker.RecordFailure(model);
        tracker.RecordFailure(model);
        time.Now += TimeSpan.FromSeconds(31);
        Assert.True(tracker.TryEnterProbe(model));
        tracker.RecordFailure(model);
        Assert.Equal(HealthStatus.CoolingDown, tracker.GetStatus(model));
    }

    [Fact]
    public void AProbeSlotRefusedAtTheProvider_IsNotHeldForTheModel()
    {
        var time = new ManualTime();
        var tracker = new ModelHealthTracker(failureThreshold: 1, cooldown: TimeSpan.FromSeconds(30), time);
        var nano = TestKit.Engine.Catalog.Models.Single(m => m.Id == "gpt-5-nano");
        var mini = TestKit.Engine.Catalog.Models.Single(m => m.Id == "gpt-5-mini"); // same provider
        tracker.RecordFailure(nano); // nano and its provider cool down
        time.Now += TimeSpan.FromSeconds(31);
        Assert.True(tracker.TryEnterProbe(mini));  // the provider's probe, through mini
        Assert.False(tracker.TryEnterProbe(nano)); // refused at the provider: nano's own slot must be given back
        tracker.RecordSuccess(mini, TimeSpan.FromMilliseconds(100)); // the provider answers
        Assert.True(tracker.TryEnterProbe(nano));  // nano's probe can go now (it was held for a cooldown before)
    }

    [Fact]
    public void ASharedCooldown_IsMirrored_AndEndsHalfOpen_WithOneProbePerInstance()
    {
        var time = new ManualTime();
        var tracker = new ModelHealthTracker(failureThreshold: 3, cooldown: TimeSpan.FromSeconds(30), time);
        var nano = TestKit.Engine.Catalog.Models.Single(m => m.Id == "gpt-5-nano");
        tracker.ObserveProviderCooldown(nano.Provider, time.Now + TimeSpan.FromSeconds(10));
        Assert.Equal(HealthStatus.CoolingDown, tracker.GetStatus(nano));
        time.Now += TimeSpan.FromSeconds(11);
        Assert.Equal(HealthStatus.Healthy, tracker.GetStatus(nano));
        Assert.True(tracker.TryEnterProbe(nano));
        Assert.False(tracker.TryEnterProbe(nano));
        // A cooldown cleared elsewhere before its end: half-open here at once.
        tracker.ObserveModelCooldown("gpt-5-mini", time.Now + TimeSpan.FromSeconds(30));
        var mini = TestKit.Engine.Catalog.Models.Single(m => m.Id == "gpt-5-mini");
        Assert.Equal(HealthStatus.CoolingDown, tracker.GetStatus(mini));
        tracker.ObserveModelCooldown("gpt-5-mini", time.Now);
        Assert.NotEqual(HealthStatus.CoolingDown, tracker.GetStatus(mini));
    }
}
