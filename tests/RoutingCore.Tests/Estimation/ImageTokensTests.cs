using FsCheck;
using FsCheck.Fluent;

namespace RoutingCore.Tests.Estimation;

/// <summary>The providers' published worked examples of spec R-EST-1..4 as test vectors, and monotonicity properties.</summary>
public class ImageTokensTests
{
    private static ImageInputSpec Spec(ImageTokenFormula f, int baseTokens = 85, int tile = 170, double mult = 1, int flat = 0) => new()
    {
        Formula = f, FormulaName = f.ToString(), BaseTokens = baseTokens, TileTokens = f == ImageTokenFormula.Gemini ? 258 : tile,
        Multiplier = mult, TokensPerImage = flat, Formats = ImageFormatSet.Png,
    };

    [Theory]
    [InlineData(1024, 1024, ImageDetail.High, 765)]
    [InlineData(2048, 4096, ImageDetail.High, 1105)]
    [InlineData(4096, 8192, ImageDetail.Low, 85)]
    [InlineData(1, 1, ImageDetail.High, 255)]
    [InlineData(1024, 1024, ImageDetail.Auto, 765)]
    [InlineData(1024, 1024, ImageDetail.Unspecified, 765)]
    public void OpenAITile_PublishedExamples(int w, int h, ImageDetail detail, long expected)
    {
        Assert.Equal(expected, ImageTokens.Compute(Spec(ImageTokenFormula.OpenAITile), w, h, detail));
    }

    [Theory]
    [InlineData(1024, 1024, 1024)]
    [InlineData(1800, 2400, 1452)]
    public void OpenAIPatch_PublishedPatchCounts(int w, int h, long patches)
    {
        Assert.Equal(patches, ImageTokens.OpenAIPatch(1.0, w, h));
        Assert.Equal((long)Math.Ceiling(patches * 1.62 - 1e-9), ImageTokens.OpenAIPatch(1.62, w, h));
    }

    [Theory]
    [InlineData(200, 200, 64)]
    [InlineData(1000, 1000, 1296)]
    [InlineData(1092, 1092, 1521)]
    [InlineData(1920, 1080, 1560)]
    [InlineData(2000, 1500, 1564)]
    [InlineData(3840, 2160, 1560)]
    public void Anthropic_PublishedExamples(int w, int h, long expected)
    {
        Assert.Equal(expected, ImageTokens.Compute(Spec(ImageTokenFormula.Anthropic), w, h));
    }

    [Fact]
    public void Gemini_PublishedExample() => Assert.Equal(1548, ImageTokens.Compute(Spec(ImageTokenFormula.Gemini), 960, 540));

    [Fact]
    public void Gemini_SmallImage_IsOneTile() => Assert.Equal(258, ImageTokens.Compute(Spec(ImageTokenFormula.Gemini), 384, 384));

    [Fact]
    public void Flat_IsConstant() => Assert.Equal(1120, ImageTokens.Compute(Spec(ImageTokenFormula.Flat, flat: 1120), 5000, 3));

    [Theory]
    [InlineData(int.MaxValue, int.MaxValue)]
    [InlineData(int.MaxValue, 1)]
    [InlineData(1, int.MaxValue)]
    [InlineData(100000, 100000)]
    public void HugeHeaderClaims_NeverOverflowOrGoNegative(int w, int h)
    {
        foreach (ImageTokenFormula f in Enum.GetValues<ImageTokenFormula>())
        {
            long t = ImageTokens.Compute(Spec(f, mult: 1.62, flat: 10), w, h);
            Assert.True(t > 0, $"{f} {w}x{h} gave {t}");
        }
    }

    [Fact]
    public void AssumedDimensions_AreTheMostExpensiveCaseWhereBounded()
    {
        Assert.Equal(85 + 8 * 170, ImageTokens.Assumed(Spec(ImageTokenFormula.OpenAITile)));
        Assert.Equal(85, ImageTokens.Assumed(Spec(ImageTokenFormula.OpenAITile), ImageDetail.Low));
        Assert.Equal(2489, ImageTokens.Assumed(Spec(ImageTokenFormula.OpenAIPatch, mult: 1.62)));
        Assert.Equal(1568, ImageTokens.Assumed(Spec(ImageTokenFormula.Anthropic)));
        Assert.Equal(12 * 258, ImageTokens.Assumed(Spec(ImageTokenFormula.Gemini)));
    }

    private static Gen<(int W, int H, int DW, int DH)> Growth() =>
        from w in Gen.Choose(1, 6000)
        from h in Gen.Choose(1, 6000)
        from dw in Gen.Choose(0, 3000)
        from dh in Gen.Choose(0, 3000)
        select (w, h, dw, dh);

    /// <summary>
    /// Tokens never decrease as an image grows in both sides, for every formula, <em>as long as the formula does not
    /// rescale the image</em>: openai-tile below 2048 on the long side and 768 on the short side, anthropic while the
    /// image fits its edge and token limits, gemini up to 384², and flat always. Rescaling breaks monotonicity by
    /// design: openai-tile 3766×2374 → 1105 tokens but 3854×4078 → 765 (the squarer image scales to fewer tiles);
    /// anthropic 4559×5262 → 1554 but 4968×6023 → 1548; openai-patch's fit-to-1536 rounding and gemini's crop of
    /// two thirds of the short side do the same. Above those limits the formulas are bounded instead (next properties).
    /// </summary>
    [Fact]
    public void Tokens_NeverDecreaseAsImageGrows_WhereTheFormulaDoesNotRescale_Meets_Specification()
    {
        var tile = Spec(ImageTokenFormula.OpenAITile);
        var anthropic = Spec(ImageTokenFormula.Anthropic);
        var patch = Spec(ImageTokenFormula.OpenAIPatch, mult: 1.62);
        var flat = Spec(ImageTokenFormula.Flat, flat: 9);
        Prop.ForAll(Growth().ToArbitrary(), g =>
        {
            long w = g.W, h = g.H, w2 = g.W + g.DW, h2 = g.H + g.DH;
            bool ok = ImageTokens.Compute(flat, w2, h2) >= ImageTokens.Compute(flat, w, h);
            if (Math.Max(w2, h2) <= 2048 && Math.Min(w2, h2) <= 768)
                ok &= ImageTokens.Compute(tile, w2, h2) >= ImageTokens.Compute(tile, w, h);
            if (Math.Max(w2, h2) <= 1568 && ((w2 + 27) / 28) * ((h2 + 27) / 28) <= 1568)
                ok &= ImageTokens.Compute(anthropic, w2, h2) >= ImageTokens.Compute(anthropic, w, h);
            if (((w2 + 31) / 32) * ((h2 + 31) / 32) <= 1536)
                ok &= ImageTokens.Compute(patch, w2, h2) >= ImageTokens.Compute(patch, w, h);
            return ok;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void PatchTokens_NeverExceedTheCap_Meets_Specification()
    {
        Prop.ForAll(Growth().ToArbitrary(), g => ImageTokens.OpenAIPatch(1.0, g.W, g.H) <= 1536 && ImageTokens.OpenAIPatch(1.0, g.W, g.H) >= 1)
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void LowDetail_NeverExceedsHigh_Meets_Specification()
    {
        var tile = Spec(ImageTokenFormula.OpenAITile);
        Prop.ForAll(Growth().ToArbitrary(), g =>
            ImageTokens.Compute(tile, g.W, g.H, ImageDetail.Low) <= ImageTokens.Compute(tile, g.W, g.H, ImageDetail.High))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void KnownSizes_NeverExceedTheAssumedWorstCase_Meets_Specification()
    {
        var specs = new[] { Spec(ImageTokenFormula.OpenAITile), Spec(ImageTokenFormula.OpenAIPatch, mult: 2.46), Spec(ImageTokenFormula.Anthropic) };
        Prop.ForAll(Growth().ToArbitrary(), g => specs.All(s => ImageTokens.Compute(s, g.W, g.H) <= ImageTokens.Assumed(s)))
            .QuickCheckThrowOnFailure();
    }
}
