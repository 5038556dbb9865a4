using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RoutingCore.Catalog;
using RoutingCore.Diagnostics;
using RoutingCore.Parsing;
using RoutingCore.Routing;

namespace RoutingCore;

/// <summary>
/// The routing engine: scan → requirements → candidates → scores → decision, against an immutable catalog snapshot
/// that configuration changes replace atomically.
/// </summary>
public sealed class RoutingEngine : IRoutingEngine, IDisposable
{
    [ThreadStatic] private static RequestFacts? t_facts;

    private readonly IRoutingPolicy[] _policies;
    private readonly IDifficultyEstimator[] _estimators;
    private readonly ITokenCounter _counter;
    private readonly IExactTokenCounter? _exact;
    private readonly IImageMetadataProvider? _metadata;
    private readonly ILogger _logger;
    private readonly string _sectionPath;
    private readonly IDisposable? _subscription;
    private readonly Lock _updateLock = new();
    private CatalogSnapshot _snapshot;
    private long _lastVersion;
    private string? _lastRejection;

    /// <summary>
    /// Raised after every catalog change this engine judged (applied or rejected), on the thread that made the change
    /// (for configuration, the options monitor's change callback). Lets a host or a test wait for a reload without
    /// sleeping. Handlers must not throw: an exception propagates to the code that changed the configuration.
    /// </summary>
    public event EventHandler<CatalogUpdateEventArgs>? CatalogUpdated;

    /// <summary>Creates an engine over fixed options (no hot reload unless <see cref="TryUpdateCatalog"/> is called).</summary>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists every bad key.</exception>
    public RoutingEngine(RoutingOptions options, RoutingEngineServices? services = null)
        : this(options, null, services ?? new RoutingEngineServices(), RoutingOptions.DefaultSectionName)
    {
    }

    /// <summary>Creates an engine that follows an options monitor: every valid change swaps in a new snapshot.</summary>
    /// <exception cref="OptionsValidationException">The current options are invalid.</exception>
    public RoutingEngine(IOptionsMonitor<RoutingOptions> monitor, RoutingEngineServices services, string sectionPath = RoutingOptions.DefaultSectionName)
        : this((monitor ?? throw new ArgumentNullException(nameof(monitor))).CurrentValue, monitor, services, sectionPath)
    {
    }

    private RoutingEngine(RoutingOptions options, IOptionsMonitor<RoutingOptions>? monitor, RoutingEngineServices services, string sectionPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        _policies = [.. RoutingPolicies.BuiltIn, .. services.Policies ?? []];
        _estimators = [.. services.DifficultyEstimators ?? []];
        _counter = services.TokenCounter ?? HeuristicTokenCounter.Instance;
        _exact = services.ExactTokenCounter;
        _metadata = services.ImageMetadata;
        _logger = services.Logger ?? NullLogger.Instance;
        _sectionPath = sectionPath;
        var errors = new List<string>();
        _snapshot = CatalogBuilder.TryBuild(options, 1, _policies, sectionPath, errors, _estimators)
            ?? throw new OptionsValidationException(sectionPath, typeof(RoutingOptions), errors);
        _snapshot.ExactTokenCounter = _exact;
        _lastVersion = 1;
        RoutingLog.CatalogLoaded(_logger, 1, _snapshot.Models.Count, _snapshot.Aliases.Count);
        _subscription = monitor?.OnChange((o, _) => TryUpdateCatalog(o, out IReadOnlyList<string> _));
    }

    /// <summary>An engine over the embedded default catalog (the models and aliases of the public seeds).</summary>
    public static RoutingEngine CreateDefault() => new(DefaultCatalog.LoadOptions());

    /// <inheritdoc/>
    public CatalogSnapshot Catalog => Volatile.Read(ref _snapshot);

    /// <summary>
    /// Validates <paramref name="options"/> and, when valid, swaps in a new snapshot with the next version. An invalid
    /// change is rejected and the live snapshot stays.
    /// </summary>
    public bool TryUpdateCatalog(RoutingOptions options, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        var list = new List<string>();
        errors = list;
        CatalogUpdateEventArgs args;
        lock (_updateLock)
        {
            CatalogSnapshot? next;
            try
            {
                next = CatalogBuilder.TryBuild(options, _lastVersion + 1, _policies, _sectionPath, list, _estimators);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                list.Add($"{_sectionPath}: {ex.Message}");
                next = null;
            }
            if (next is null)
            {
                // The options monitor can notify several times for one edit (file watcher and an explicit Reload):
                // one warning per distinct rejected change, one count per notification.
                string joined = string.Join("; ", list);
                if (joined != _lastRejection) RoutingLog.CatalogRejected(_logger, _lastVersion + 1, _lastVersion, joined);
                _lastRejection = joined;
                RoutingTelemetry.RecordReload(applied: false);
                args = new CatalogUpdateEventArgs(false, _lastVersion, list);
            }
            else
            {
                next.ExactTokenCounter = _exact;
                _lastVersion = next.Version;
                _lastRejection = null;
                Volatile.Write(ref _snapshot, next);
                RoutingLog.CatalogLoaded(_logger, next.Version, next.Models.Count, next.Aliases.Count);
                RoutingTelemetry.RecordReload(applied: true);
                args = new CatalogUpdateEventArgs(true, next.Version, list);
            }
        }
        CatalogUpdated?.Invoke(this, args);
        return args.Applied;
    }

    /// <inheritdoc/>
    public RouteDecision Route(ReadOnlySpan<byte> body, in RouteContext context = default)
    {
        var facts = t_facts ??= new RequestFacts();
        return RouteCore(body, context, facts, null);
    }

    /// <inheritdoc/>
    public RouteDecision Route(ReadOnlySpan<byte> body, in RouteContext context, RouteDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        details.CandidateList.Clear();
        return RouteCore(body, context, details.Facts, details);
    }

    /// <inheritdoc/>
    public RouteDecision Route(RoutingRequest request, in RouteContext context = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var snapshot = Volatile.Read(ref _snapshot);
        var facts = request.Finish(snapshot.AllowHttpImageUrls);
        var decision = RouteCounted(snapshot, request.Text, facts, context, null);
        RoutingTelemetry.Record(decision);
        return decision;
    }

    /// <summary>A request builder that counts text with this engine's token counter, so its estimates equal those of JSON bodies.</summary>
    public RoutingRequest CreateRequest() => new(_counter);

    private RouteDecision RouteCore(ReadOnlySpan<byte> body, in RouteContext context, RequestFacts facts, RouteDetails? details)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        RequestScanner.Scan(body, new ScanSettings(context.Endpoint, snapshot.AllowHttpImageUrls, _counter), facts);
        if (_metadata is not null && facts.Error == RouteErrorCode.None) ApplyMetadata(body, facts);
        var decision = RouteCounted(snapshot, body, facts, context, details);
        RoutingTelemetry.Record(decision);
        if (!decision.Succeeded && _logger.IsEnabled(LogLevel.Debug))
        {
            string param = decision.Error.Param.ToString();
            RoutingLog.Rejected(_logger, decision.ErrorCode, param);
        }
        return decision;
    }

    /// <summary>
    /// Routes on the heuristic count, or on exact counts where they apply (R-EST-12): all of them first with
    /// <see cref="ExactTokensMode.Always"/>; with <see cref="ExactTokensMode.WhenNeeded"/> only the encodings of the
    /// candidates the upper bound refused for their context window or the cost cap, then routing once more.
    /// </summary>
    private RouteDecision RouteCounted(CatalogSnapshot snapshot, ReadOnlySpan<byte> text, RequestFacts facts, in RouteContext context, RouteDetails? details)
    {
        var mode = context.ExactTokens ?? snapshot.ExactTokens;
        if (_exact is null || mode == ExactTokensMode.Never || facts.Error != RouteErrorCode.None) return Router.Route(snapshot, facts, context, details);
        if (mode == ExactTokensMode.Always) ExactText.Count(text, facts, _exact, snapshot.TokenizerMask);
        var decision = Router.Route(snapshot, facts, context, details);
        if (facts.ExactWanted == 0) return decision;
        ExactText.Count(text, facts, _exact, facts.ExactWanted);
        facts.ExactWanted = 0;
        details?.CandidateList.Clear();
        return Router.Route(snapshot, facts, context, details);
    }

    private void ApplyMetadata(ReadOnlySpan<byte> body, RequestFacts facts)
    {
        for (int i = 0; i < facts.ImageCount; i++)
        {
            ref var image = ref facts.Images[i];
            if (image.Source != ImageSourceKind.Url || image.UrlEscaped) continue;
            if (_metadata!.TryGet(body.Slice(image.UrlStart, image.UrlLength), out int w, out int h, out var format))
            {
                image.Width = w; image.Height = h; image.Format = format; image.DimensionsKnown = true;
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _subscription?.Dispose();
}
