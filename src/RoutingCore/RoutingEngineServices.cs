using Microsoft.Extensions.Logging;

namespace RoutingCore;

/// <summary>Optional collaborators of a <see cref="RoutingEngine"/>.</summary>
public sealed class RoutingEngineServices
{
    /// <summary>Extra policies, selectable by name next to the built-in ones.</summary>
    public IEnumerable<IRoutingPolicy>? Policies { get; init; }
    /// <summary>Extra difficulty estimators, selectable by name (<see cref="RoutingOptions.DifficultyEstimator"/>) next to the built-in <c>fitted</c>.</summary>
    public IEnumerable<IDifficultyEstimator>? DifficultyEstimators { get; init; }
    /// <summary>The exact counter for models with a public tokenizer (<c>RoutingCore.Tokenizers</c>); <c>null</c>: the heuristic only.</summary>
    public IExactTokenCounter? ExactTokenCounter { get; init; }
    /// <summary>The text token counter. Default: <see cref="HeuristicTokenCounter"/>.</summary>
    public ITokenCounter? TokenCounter { get; init; }
    /// <summary>Known sizes of URL images.</summary>
    public IImageMetadataProvider? ImageMetadata { get; init; }
    /// <summary>Logger for rejections and catalog reloads.</summary>
    public ILogger? Logger { get; init; }
}
