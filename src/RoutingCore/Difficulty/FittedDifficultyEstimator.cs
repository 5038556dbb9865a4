using System.Text.Json;

namespace RoutingCore;

/// <summary>
/// The built-in difficulty estimator (spec R-DIFF-3): a linear score over features of the
/// <see cref="DifficultySignals"/> — sizes on a log scale, densities of marks per character, flags — with weights
/// fitted by <c>tools/difficulty/fit.py</c> on prompts labelled with whether a weaker and a stronger model answered
/// them; the score is then mapped through the training scores' quantiles, so a difficulty of 0.7 means "harder than
/// about 70% of the training prompts".
/// </summary>
/// <remarks>A weights file names every feature exactly once, with a finite weight, a finite intercept and at least two
/// non-decreasing quantiles; anything else fails to load with an <see cref="InvalidDataException"/> naming the
/// file, never a silent fallback.</remarks>
public sealed class FittedDifficultyEstimator : IDifficultyEstimator
{
    /// <summary>The name of the embedded weights resource.</summary>
    public const string EmbeddedWeightsName = "RoutingCore.difficulty-weights.json";

    private static readonly Lazy<FittedDifficultyEstimator> s_default = new(() =>
    {
        using var stream = typeof(FittedDifficultyEstimator).Assembly.GetManifestResourceStream(EmbeddedWeightsName)
            ?? throw new InvalidDataException($"The difficulty weights '{EmbeddedWeightsName}' are missing from the assembly.");
        return Load(stream, EmbeddedWeightsName, DifficultyEstimators.DefaultName);
    });

    /// <summary>The feature names, in the order the weights are applied.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
    [
        "last_turn_size", "conversation_size", "digits", "operators", "code", "math", "questions", "lines", "steps",
        "non_ascii", "turns", "system_size", "tools", "json_schema", "reasoning", "demand", "light", "constraints",
        "demand_density",
    ];

    internal const int FeatureCount = 19;

    private readonly double[] _weights;
    private readonly double _intercept;
    private readonly double[] _quantiles;

    private FittedDifficultyEstimator(string name, double[] weights, double intercept, double[] quantiles)
    {
        Name = name; _weights = weights; _intercept = intercept; _quantiles = quantiles;
    }

    /// <summary>The estimator over the embedded weights.</summary>
    /// <exception cref="InvalidDataException">The embedded weights are missing or invalid (a broken build).</exception>
    public static FittedDifficultyEstimator Default => s_default.Value;

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Loads weights from a JSON file written by the fitting tool, under the estimator name <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid weights file; the message names it and the problem.</exception>
    public static FittedDifficultyEstimator Load(string path, string name)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = File.OpenRead(path);
            return Load(stream, path, name);
        }
        catch (IOException ex)
        {
            throw new InvalidDataException($"The difficulty weights '{path}' cannot be read: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidDataException($"The difficulty weights '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Loads weights from <paramref name="json"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The content is not a valid weights file.</exception>
    public static FittedDifficultyEstimator Load(Stream json, string source, string name)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Invalid(source, "the root must be an object");
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != 2)
                throw Invalid(source, "'version' must be 2");
            double intercept = Finite(root, "intercept", source);
            if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
                throw Invalid(source, "'features' must be an array");
            var weights = new double[FeatureCount];
            var seen = new bool[FeatureCount];
            foreach (var feature in features.EnumerateArray())
            {
                if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String)
                    throw Invalid(source, "each feature needs a 'name'");
                string featureName = n.GetString()!;
                int index = -1;
                for (int i = 0; i < FeatureCount; i++) if (FeatureNames[i] == featureName) index = i;
                if (index < 0) throw Invalid(source, $"unknown feature '{featureName}' (known: {string.Join(", ", FeatureNames)})");
                if (seen[index]) throw Invalid(source, $"feature '{featureName}' appears twice");
                seen[index] = true;
                weights[index] = Finite(feature, "weight", source);
            }
            for (int i = 0; i < FeatureCount; i++)
            {
                if (!seen[i]) throw Invalid(source, $"feature '{FeatureNames[i]}' is missing");
            }
            if (!root.TryGetProperty("quantiles", out var q) || q.ValueKind != JsonValueKind.Array || q.GetArrayLength() < 2)
                throw Invalid(source, "'quantiles' must be an array of at least two numbers");
            var quantiles = new double[q.GetArrayLength()];
            int k = 0;
            foreach (var item in q.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !double.IsFinite(item.GetDouble())) throw Invalid(source, "every quantile must be a finite number");
                quantiles[k] = item.GetDouble();
                if (k > 0 && quantiles[k] < quantiles[k - 1]) throw Invalid(source, "the quantiles must not decrease");
                k++;
            }
            if (quantiles[^1] <= quantiles[0]) throw Invalid(source, "the quantiles must span a range");
            return new FittedDifficultyEstimator(name.Trim(), weights, intercept, quantiles);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The difficulty weights '{source}' are not valid JSON: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw Invalid(source, ex.Message);
        }
    }

    private static double Finite(JsonElement element, string property, string source)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.Number || !double.IsFinite(value.GetDouble()))
            throw Invalid(source, $"'{property}' must be a finite number");
        return value.GetDouble();
    }

    private static InvalidDataException Invalid(string source, string problem) => new($"The difficulty weights '{source}' are invalid: {problem}.");

    /// <inheritdoc/>
    public double Estimate(in DifficultySignals signals)
    {
        Span<double> x = stackalloc double[FeatureCount];
        Features(signals, x);
        double score = _intercept;
        for (int i = 0; i < FeatureCount; i++) score += _weights[i] * x[i];
        return Percentile(score);
    }

    /// <summary>The linear score before the quantile map (what the fitting tool ranks by).</summary>
    public double Score(in DifficultySignals signals)
    {
        Span<double> x = stackalloc double[FeatureCount];
        Features(signals, x);
        double score = _intercept;
        for (int i = 0; i < FeatureCount; i++) score += _weights[i] * x[i];
        return score;
    }

    /// <summary>Every feature of <paramref name="signals"/> with its weight and contribution (allocates; for explanations).</summary>
    public IReadOnlyList<DifficultyContribution> Explain(in DifficultySignals signals)
    {
        var x = new double[FeatureCount];
        Features(signals, x);
        var list = new DifficultyContribution[FeatureCount];
        for (int i = 0; i < FeatureCount; i++) list[i] = new DifficultyContribution(FeatureNames[i], x[i], _weights[i], _weights[i] * x[i]);
        return list;
    }

    /// <summary>The feature vector of <paramref name="signals"/>, in <see cref="FeatureNames"/> order (spec R-DIFF-3).</summary>
    public static void Features(in DifficultySignals signals, Span<double> features)
    {
        if (features.Length < FeatureCount) throw new ArgumentException($"At least {FeatureCount} features are written.", nameof(features));
        double chars = Math.Max(1, signals.TotalChars);
        // Sizes in Latin-equivalent characters: a wide (CJK) character counts as three (R-DIFF-3).
        features[0] = Log2p(signals.LastTurnChars + 2 * signals.LastTurnWideChars);
        features[1] = Log2p(signals.TotalChars + 2 * signals.WideChars);
        features[2] = signals.Digits / chars;
        features[3] = signals.Operators / chars;
        features[4] = signals.CodeMarks / chars;
        features[5] = Log2p(signals.MathMarks);
        features[6] = Log2p(signals.Questions);
        features[7] = Log2p(signals.LineBreaks);
        features[8] = Log2p(signals.Steps);
        features[9] = signals.NonAsciiChars / chars;
        features[10] = signals.UserTurns > 1 ? Math.Log2(signals.UserTurns) : 0;
        features[11] = Log2p(signals.SystemChars);
        features[12] = signals.Tools ? 1 : 0;
        features[13] = signals.JsonSchema ? 1 : 0;
        features[14] = signals.Reasoning ? 1 : 0;
        features[15] = Log2p(signals.DemandCues);
        features[16] = Log2p(signals.LightCues);
        features[17] = Log2p(signals.ConstraintCues);
        // Demand words per 100 Latin-equivalent characters: one "prove" in a one-line ask says more than one in a page.
        features[18] = 100.0 * signals.DemandCues / Math.Max(20.0, signals.TotalChars + 2 * signals.WideChars);
    }

    private static double Log2p(long value) => value <= 0 ? 0 : Math.Log2(1.0 + value);

    /// <summary>The score's place among the training scores, interpolated between quantiles: 0 at or below the lowest, 1 at or above the highest.</summary>
    private double Percentile(double score)
    {
        var q = _quantiles;
        if (!(score > q[0])) return 0; // NaN cannot occur (finite weights, finite features) but would read as 0
        if (score >= q[^1]) return 1;
        int hi = 1;
        while (q[hi] <= score) hi++;
        int lo = hi - 1;
        double span = q[hi] - q[lo];
        double within = span > 0 ? (score - q[lo]) / span : 0;
        return (lo + within) / (q.Length - 1);
    }
}
