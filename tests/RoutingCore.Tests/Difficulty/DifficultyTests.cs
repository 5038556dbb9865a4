using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RoutingCore.Difficulty;
using RoutingCore.Testing;

namespace RoutingCore.Tests.Difficulty;

/// <summary>spec/difficulty.md: signals, the fitted estimator, the Tradeoff choice.</summary>
public class DifficultyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static readonly string[] Fragments =
    [
        "say hello", "Prove that", "$\\frac{a}{b}$", "x = 2^10 + 3", "```csharp\nint x = f(y);\n```", "why?", "？", "؟",
        "\n1. first\n2. second", "\n- item", "∑ ≤ ∞ ± × ÷", "données", "データを", "καλημέρα", "привет", "🙂", "\"quoted\"",
        "back\\slash", "tab\tand\r\n", "{\"json\": [1, 2]}", "snake_case_name;", "100%", "a < b > c", "", " ",
        "design ", "Démontrez ", "ДОКАЖИТЕ ", "设计一个", "Übersetze ", "must", "hello", "証明して", "é", "Ж",
    ];

    // ---- R-DIFF-2: signals --------------------------------------------------------------------------------

    [Fact]
    public void Tally_VectorPath_CountsExactlyAsTheScalarRule()
    {
        var gen = from parts in Gen.ListOf(Gen.Elements(Fragments))
                  from pad in Gen.Choose(0, 140)
                  select new string('a', pad) + string.Concat(parts);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(gen.ToArbitrary(), text =>
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            TextTally v512 = default, v256 = default, scalar = default;
            v512.Accumulate(bytes, maxVectorBits: 512);
            v256.Accumulate(bytes, maxVectorBits: 256);
            scalar.Accumulate(bytes, maxVectorBits: 0);
            Assert.Equal(scalar, v512);
            Assert.Equal(scalar, v256);
        }));
    }

    [Fact]
    public void Tally_CountsTheMarksItNames()
    {
        TextTally t = default;
        t.Accumulate(Encoding.UTF8.GetBytes("Prove $x^2 \\ge 0$?\n1. step\n- bullet\n¿Qué? 為什麼？ لماذا؟ a ≤ b × c {x;}"));
        Assert.Equal(4, t.Questions);    // two ASCII, one full-width, one Arabic
        Assert.Equal(2, t.Steps);        // "1." and "- "
        Assert.Equal(3, t.LineBreaks);
        Assert.Equal(3 + 2, t.MathMarks); // $ \ $ and ≤ ×
        Assert.Equal(3, t.CodeMarks);    // { ; }
        Assert.Equal(3, t.Digits);
    }

    /// <summary>A conversation written several ways: every JSON spelling of the same text has the same difficulty.</summary>
    [Fact]
    public void Difficulty_IsTheSameForEveryJsonSpellingOfTheSameText_Meets_Specification()
    {
        var engine = TestKit.Engine;
        var gen = from turns in Gen.Choose(1, 4)
                  from texts in Gen.ListOf(Gen.ListOf(Gen.Elements(Fragments)).Select(string.Concat), turns * 2 - 1)
                  from system in Gen.Elements<string?>(null, "You are a careful assistant.", "Réponds en français.")
                  select (texts: texts.ToArray(), system);
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), c =>
        {
            double? first = null;
            foreach (var body in Spellings(c.texts, c.system))
            {
                var d = engine.Route(body);
                Assert.True(d.Succeeded, d.ErrorCode);
                Assert.NotNull(d.Difficulty);
                first ??= d.Difficulty;
                Assert.Equal(first, d.Difficulty);
            }
        }));
    }

    private static IEnumerable<byte[]> Spellings(string[] texts, string? system)
    {
        var encoders = new[] { JavaScriptEncoder.Default, JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (var encoder in encoders)
        {
            foreach (bool roleLast in new[] { false, true })
            {
                foreach (bool parts in new[] { false, true })
                {
                    foreach (bool indented in new[] { false, true })
                    {
                        var buffer = new MemoryStream();
                        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder, Indented = indented }))
                        {
                            w.WriteStartObject();
                            if (roleLast) w.WriteString("model", "flux-auto");
                            w.WriteStartArray("messages");
                            if (system is not null) Message(w, "system", system, roleLast, parts);
                            for (int i = 0; i < texts.Length; i++) Message(w, i % 2 == 0 ? "user" : "assistant", texts[i], roleLast, parts);
                            w.WriteEndArray();
                            if (!roleLast) w.WriteString("model", "flux-auto");
                            w.WriteEndObject();
                        }
                        yield return buffer.ToArray();
                    }
                }
            }
        }
    }

    private static void Message(Utf8JsonWriter w, string role, string text, bool roleLast, bool parts)
    {
        w.WriteStartObject();
        if (!roleLast) w.WriteString("role", role);
        if (parts)
        {
            w.WriteStartArray("content");
            w.WriteStartObject(); w.WriteString("type", "text"); w.WriteString("text", text); w.WriteEndObject();
            w.WriteEndArray();
        }
        else
        {
            w.WriteString("content", text);
        }
        if (roleLast) w.WriteString("role", role);
        w.WriteEndObject();
    }

    [Fact]
    public void AnthropicSystemBlocks_CountTheirTextAsTheSystemPrompt()
    {
        var details = new RouteDetails();
        TestKit.Engine.Route("""{"model":"flux-auto","system":[{"type":"text","text":"Be terse."}],"messages":[{"role":"user","content":"hi"}],"max_tokens":10}"""u8, default, details);
        Assert.Equal(9, details.DifficultySignals.SystemChars);
        Assert.Equal(2, details.DifficultySignals.LastTurnChars);
        Assert.Equal(9, details.DifficultySignals.EarlierChars);
    }

    [Fact]
    public void AShortFollowUp_InheritsTheThreadsDifficulty()
    {
        const string prompt = "Prove that for every integer $n \\ge 1$, $\\sum_{k=1}^{n} k^3 = \\left(\\frac{n(n+1)}{2}\\right)^2$.\n"
            + "1. State the induction hypothesis.\n2. Write a C# function `bool Check(int n)` that verifies it for n = 1..10^6; where does it overflow?";
        var alone = TestKit.Engine.Route(Chat(("user", "commit it")));
        var inThread = TestKit.Engine.Route(Chat(("user", prompt), ("assistant", "Done: proof and program above."), ("user", "commit it")));
        Assert.True(inThread.Difficulty > alone.Difficulty + 0.5, $"{inThread.Difficulty} vs {alone.Difficulty}");
        Assert.True(inThread.Model!.Quality > alone.Model!.Quality);
    }

    private static byte[] Chat(params (string Role, string Text)[] messages) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        model = "flux-auto",
        messages = messages.Select(m => new { role = m.Role, content = m.Text }),
    });

    [Fact]
    public void AConversationBuiltFromObjects_HasTheDifficultyOfItsJson_Meets_Specification()
    {
        var gen = from turns in Gen.Choose(1, 4)
                  from texts in Gen.ListOf(Gen.ListOf(Gen.Elements(Fragments)).Select(string.Concat), turns * 2 - 1)
                  from system in Gen.Elements<string?>(null, "You are a careful assistant.", "Réponds en français.")
                  select (texts: texts.ToArray(), system);
        var engine = TestKit.Engine;
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var request = engine.CreateRequest().Reset("flux-auto");
            if (c.system is not null) request.AddMessage("system").AddText(c.system);
            for (int i = 0; i < c.texts.Length; i++) request.AddMessage(i % 2 == 0 ? "user" : "assistant").AddText(c.texts[i]);
            var objects = engine.Route(request);
            var json = engine.Route(Spellings(c.texts, c.system).First());
            Assert.Equal(json.Difficulty, objects.Difficulty);
            Assert.Equal(json.ModelId, objects.ModelId);
        }));
    }

    [Fact]
    public void AnyBytes_GiveACodedResult_AndNeverANonFiniteDifficulty()
    {
        var gen = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b));
        var prefix = "{\"model\":\"flux-auto\",\"messages\":[{\"role\":\"user\",\"content\":\""u8.ToArray();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000), Prop.ForAll(gen.ToArbitrary(), tail =>
        {
            foreach (var body in new[] { tail, [.. prefix, .. tail], [.. prefix, .. tail, .. "\"}]}"u8.ToArray()] })
            {
                var d = TestKit.Engine.Route(body);
                Assert.True(d.Succeeded || d.ErrorCode is not null);
                if (d.Difficulty is { } x) Assert.True(x is >= 0 and <= 1, $"{x}");
                if (d.RequiredQuality is { } q) Assert.True(double.IsFinite(q));
            }
        }));
    }

    // ---- R-DIFF-3: the fitted estimator -------------------------------------------------------------------

    [Fact]
    public void EmbeddedWeights_LoadAndNameEveryFeature()
    {
        var estimator = FittedDifficultyEstimator.Default;
        Assert.Equal("fitted", estimator.Name);
        var explained = estimator.Explain(new DifficultySignals { LastTurnChars = 100, Digits = 10 });
        Assert.Equal(FittedDifficultyEstimator.FeatureNames, explained.Select(c => c.Name));
        Assert.All(explained, c => Assert.True(double.IsFinite(c.Weight)));
        double score = estimator.Score(new DifficultySignals { LastTurnChars = 100, Digits = 10 });
        Assert.Equal(score, explained.Sum(c => c.Contribution) + (score - explained.Sum(c => c.Contribution)), 12);
    }

    [Fact]
    public void Estimate_RisesWithEveryNonNegativeSignal_AndStaysInRange()
    {
        var e = FittedDifficultyEstimator.Default;
        var gen = from chars in Gen.Choose(1, 200_000)
                  from digits in Gen.Choose(0, 1000)
                  from math in Gen.Choose(0, 1000)
                  from code in Gen.Choose(0, 1000)
                  select new DifficultySignals { LastTurnChars = chars, Digits = Math.Min(digits, chars), MathMarks = math, CodeMarks = Math.Min(code, chars) };
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), s =>
        {
            double d = e.Estimate(s);
            Assert.InRange(d, 0, 1);
            Assert.True(e.Estimate(s with { MathMarks = s.MathMarks + 50 }) >= d);
            Assert.True(e.Estimate(s with { Reasoning = true }) >= d);
            Assert.True(e.Estimate(s with { Tools = true }) >= d);
        }));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"version":1}""", "'version' must be 2")] // version 1 had no task-lexicon features
    [InlineData("""{"version":2,"intercept":0,"features":[],"quantiles":[0,1]}""", "feature 'last_turn_size' is missing")]
    [InlineData("""{"version":2,"intercept":0,"features":[{"name":"shoe_size","weight":1}],"quantiles":[0,1]}""", "unknown feature 'shoe_size'")]
    [InlineData("""{"version":2,"intercept":"NaN","features":[],"quantiles":[0,1]}""", "'intercept' must be a finite number")]
    public void AWeightsFileThatDoesNotValidate_FailsNamingIt(string content, string problem)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "my-weights.json");
        File.WriteAllText(path, content);
        var ex = Assert.Throws<InvalidDataException>(() => FittedDifficultyEstimator.Load(path, "mine"));
        Assert.Contains(path, ex.Message);
        Assert.Contains(problem, ex.Message);
        Assert.Contains("cannot be read", Assert.Throws<InvalidDataException>(() => FittedDifficultyEstimator.Load(Path.Combine(dir.Path, "absent.json"), "mine")).Message);
    }

    [Fact]
    public void QuantilesThatDecrease_AreRejected()
    {
        var features = string.Join(",", FittedDifficultyEstimator.FeatureNames.Select(n => $$"""{"name":"{{n}}","weight":0}"""));
        var json = $$"""{"version":2,"intercept":0,"features":[{{features}}],"quantiles":[1,0]}""";
        var ex = Assert.Throws<InvalidDataException>(() => FittedDifficultyEstimator.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "inline.json", "x"));
        Assert.Contains("inline.json", ex.Message);
        var ok = FittedDifficultyEstimator.Load(new MemoryStream(Encoding.UTF8.GetBytes(json.Replace("[1,0]", "[-1,1]"))), "inline.json", "x");
        Assert.Equal(0.5, ok.Estimate(default), 12); // score 0 sits halfway between the quantiles -1 and 1
    }

    // ---- R-DIFF-4: pluggable ------------------------------------------------------------------------------

    private sealed class FixedEstimator(string name, double value) : IDifficultyEstimator
    {
        public double Value { get; set; } = value;
        public string Name => name;
        public double Estimate(in DifficultySignals signals) => Value;
    }

    [Fact]
    public void AHostEstimator_IsSelectedByName_ThroughDependencyInjection()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IDifficultyEstimator>(new FixedEstimator("always-hard", 1.0));
        services.AddRoutingCore(o => { Copy(DefaultCatalog.LoadOptions(), o); o.DifficultyEstimator = "always-hard"; });
        using var sp = services.BuildServiceProvider();
        var d = sp.GetRequiredService<IRoutingEngine>().Route("""{"model":"flux-auto","messages":[{"role":"user","content":"say hello"}]}"""u8);
        Assert.Equal(1.0, d.Difficulty);
        Assert.True(d.Model!.Quality >= 0.96, d.ModelId);
    }

    [Fact]
    public void AnUnknownEstimatorName_IsAStartUpErrorNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddRoutingCore(o => { Copy(DefaultCatalog.LoadOptions(), o); o.DifficultyEstimator = "onnx"; });
        using var sp = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IRoutingEngine>());
        Assert.Contains("Routing:DifficultyEstimator: unknown difficulty estimator 'onnx'", ex.Message);
    }

    private static void Copy(RoutingOptions from, RoutingOptions to)
    {
        foreach (var (k, v) in from.Models) to.Models[k] = v;
        foreach (var (k, v) in from.Aliases) to.Aliases[k] = v;
        to.Policy = from.Policy;
        to.MaxFallbacks = from.MaxFallbacks;
    }

    [Theory]
    [InlineData(double.NaN, 0.5)]
    [InlineData(double.PositiveInfinity, 1.0)]
    [InlineData(-3.0, 0.0)]
    [InlineData(7.0, 1.0)]
    public void AnEstimatorsNonFiniteOrOutOfRangeAnswer_NeverReachesAScore(double answer, double used)
    {
        var engine = new RoutingEngine(WithEstimator(DefaultCatalog.LoadOptions(), "odd"), new RoutingEngineServices { DifficultyEstimators = [new FixedEstimator("odd", answer)] });
        var d = engine.Route("""{"model":"flux-auto","messages":[{"role":"user","content":"hi"}]}"""u8);
        Assert.Equal(used, d.Difficulty);
        Assert.True(double.IsFinite(d.RequiredQuality!.Value));
    }

    private static RoutingOptions WithEstimator(RoutingOptions o, string name)
    {
        o.DifficultyEstimator = name;
        return o;
    }

    // ---- R-DIFF-5: the choice -----------------------------------------------------------------------------

    private static RoutingOptions WithTradeoff(RoutingOptions o, double? tradeoff)
    {
        o.Aliases["auto"] = new AliasOptions { Kind = "auto", Tradeoff = tradeoff };
        return o;
    }

    private static Gen<(RoutingOptions Catalog, RequestSpec Request)> CatalogAndRequest() =>
        from catalog in CatalogGenerators.Catalog()
        from spec in RoutingGenerators.Request(["auto"]).Where(s => s.Endpoint != RequestEndpoint.ImageGenerations && !s.ImageOutput)
        select (catalog, spec);

    [Fact]
    public void ChosenQuality_NeverDecreasesAsDifficultyRises_Meets_Specification()
    {
        var gen = from cr in CatalogAndRequest()
                  from tradeoff in Gen.Choose(0, 100)
                  from d1 in Gen.Choose(0, 1000)
                  from d2 in Gen.Choose(0, 1000)
                  select (cr.Catalog, cr.Request, tradeoff / 100.0, Math.Min(d1, d2) / 1000.0, Math.Max(d1, d2) / 1000.0);
        int compared = 0;
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var probe = new FixedEstimator("probe", t.Item4);
            var options = WithEstimator(WithTradeoff(t.Catalog, t.Item3), "probe");
            var engine = new RoutingEngine(options, new RoutingEngineServices { DifficultyEstimators = [probe] });
            var body = t.Request.ToJson();
            var easy = engine.Route(body);
            probe.Value = t.Item5;
            var hard = engine.Route(body);
            Assert.Equal(easy.Succeeded, hard.Succeeded);
            if (!easy.Succeeded) return;
            Assert.True(hard.RequiredQuality >= easy.RequiredQuality);
            Assert.True(hard.Model!.Quality >= easy.Model!.Quality, $"{easy.ModelId} ({easy.Model.Quality}) at {t.Item4}, {hard.ModelId} ({hard.Model.Quality}) at {t.Item5}");
            compared++;
        }));
        Assert.True(compared > 100, $"only {compared} compared");
    }

    [Fact]
    public void ChosenQuality_NeverDecreasesAsTradeoffRises_AndTheEndsAreCheapestAndBest_Meets_Specification()
    {
        var gen = from cr in CatalogAndRequest()
                  from t1 in Gen.Choose(0, 100)
                  from t2 in Gen.Choose(0, 100)
                  select (cr.Catalog, cr.Request, Math.Min(t1, t2) / 100.0, Math.Max(t1, t2) / 100.0);
        var details = new RouteDetails { Explain = true };
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var body = t.Request.ToJson();
            RouteDecision At(double tradeoff, RouteDetails? explain = null)
            {
                var engine = new RoutingEngine(WithTradeoff(t.Catalog, tradeoff));
                return explain is null ? engine.Route(body) : engine.Route(body, default, explain);
            }
            var low = At(t.Item3);
            var high = At(t.Item4);
            Assert.Equal(low.Succeeded, high.Succeeded);
            if (!low.Succeeded) return;
            Assert.True(high.Model!.Quality >= low.Model!.Quality);

            var cheapest = At(0, details);
            var eligible = details.Candidates.Where(c => c.Status != "rejected").ToList();
            Assert.Equal(eligible.Min(c => c.CostUsd), cheapest.Estimate.CostUsd);
            var best = At(1, details);
            Assert.Equal(details.Candidates.Where(c => c.Status != "rejected").Max(c => c.Model.Quality), best.Model!.Quality);
        }));
    }

    [Fact]
    public void WithoutATradeoff_TheStaticRankingDecides_AndTheDifficultyIsStillReported()
    {
        Check.One(Runs, Prop.ForAll(CatalogAndRequest().ToArbitrary(), t =>
        {
            var body = t.Request.ToJson();
            var withNull = new RoutingEngine(WithTradeoff(t.Catalog, null)).Route(body);
            var reference = new RoutingEngine(WithTradeoff(t.Catalog, null), new RoutingEngineServices { DifficultyEstimators = [new FixedEstimator("other", 0.9)] }).Route(body);
            Assert.Equal(reference.ModelId, withNull.ModelId);
            Assert.Null(withNull.RequiredQuality);
            if (withNull.Succeeded) Assert.NotNull(withNull.Difficulty);
        }));
    }

    [Fact]
    public void TheDifficultyHistogram_RecordsEveryAutoRoute_ByAlias()
    {
        var seen = new List<(double Value, string? Alias)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == "RoutingCore" && i.Name == "routingcore.difficulty") l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) =>
        {
            string? alias = null;
            foreach (var t in tags) if (t.Key == "alias") alias = (string?)t.Value;
            lock (seen) seen.Add((v, alias));
        });
        listener.Start();
        var easy = TestKit.Engine.Route("""{"model":"flux-auto","messages":[{"role":"user","content":"say hello"}]}"""u8);
        TestKit.Engine.Route("""{"model":"flux-fast","messages":[{"role":"user","content":"say hello"}]}"""u8);
        listener.Dispose();
        lock (seen)
        {
            Assert.Contains(seen, m => m.Alias == "flux-auto" && m.Value == easy.Difficulty);
            Assert.DoesNotContain(seen, m => m.Alias == "flux-fast");
        }
    }

    [Fact]
    public void Difficulty_IsOnlyReportedForAutoAliases()
    {
        Assert.Null(TestKit.Engine.Route("""{"model":"flux-fast","messages":[{"role":"user","content":"hi"}]}"""u8).Difficulty);
        Assert.Null(TestKit.Engine.Route("""{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}"""u8).Difficulty);
        Assert.NotNull(TestKit.Engine.Route("""{"model":"flux-auto","messages":[{"role":"user","content":"hi"}]}"""u8).Difficulty);
    }

    [Fact]
    public void ATradeoffOnANonAutoAliasOrOutOfRange_IsAValidationErrorNamingTheKey()
    {
        var o = DefaultCatalog.LoadOptions();
        o.Aliases["flux-fast"].Tradeoff = 0.5;
        o.Aliases["flux-auto"].Tradeoff = 1.5;
        var ex = Assert.Throws<OptionsValidationException>(() => new RoutingEngine(o));
        Assert.Contains("Routing:Aliases:flux-fast:Tradeoff: only auto aliases take a Tradeoff", ex.Message);
        Assert.Contains("Routing:Aliases:flux-auto:Tradeoff: must be between 0 and 1", ex.Message);
    }

    [Fact]
    public void RoutingAnAutoRequest_AllocatesNothing_EvenWithLongEscapedText()
    {
        var text = string.Concat(Enumerable.Repeat("Prove it.\n\"x\" = 2^10 — données ", 200)); // > 1 KiB, escaped
        var body = JsonSerializer.SerializeToUtf8Bytes(new { model = "flux-auto", messages = new[] { new { role = "user", content = text } } });
        var engine = TestKit.Engine;
        for (int i = 0; i < 10; i++) engine.Route(body);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) engine.Route(body);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
