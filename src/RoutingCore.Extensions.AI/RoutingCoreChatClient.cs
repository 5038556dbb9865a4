using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace RoutingCore.Extensions.AI;

/// <summary>
/// An <see cref="IChatClient"/> that routes each call with RoutingCore (spec R-OBJ-*): <see cref="ChatOptions.ModelId"/>
/// names an alias (<c>flux-auto</c>, a tier, <c>flux-pinned-…</c>) or a model; the messages become the same request
/// facts as the equivalent OpenAI body (images by their headers, no JSON round trip); the chosen model's provider picks
/// the inner client, called with <see cref="ChatOptions.ModelId"/> set to the model's <see cref="ModelEntry.UpstreamModel"/>;
/// a failure before any response (or any streamed update) tries the ranked fallbacks in order; the response's usage is
/// metered by the decision's catalog and put in <see cref="ChatResponse.AdditionalProperties"/> as
/// <c>routingcore.model</c>, <c>routingcore.provider</c>, <c>routingcore.estimated_cost_usd</c>, <c>routingcore.cost_usd</c>.
/// A rejected request throws <see cref="RoutingRejectedException"/>.
/// </summary>
public sealed class RoutingCoreChatClient : IChatClient
{
    /// <summary>The <c>AdditionalProperties</c> key of the model that served.</summary>
    public const string ModelKey = "routingcore.model";
    /// <summary>The <c>AdditionalProperties</c> key of the serving model's provider.</summary>
    public const string ProviderKey = "routingcore.provider";
    /// <summary>The <c>AdditionalProperties</c> key of the estimate (decimal USD).</summary>
    public const string EstimatedCostKey = "routingcore.estimated_cost_usd";
    /// <summary>The <c>AdditionalProperties</c> key of the metered cost (decimal USD).</summary>
    public const string CostKey = "routingcore.cost_usd";

    private readonly IRoutingEngine _engine;
    private readonly Func<string, IChatClient?> _clients;
    private readonly RoutingCoreChatClientOptions _options;
    // One reusable request per thread and client: it counts text with this client's engine's counter.
    private readonly ThreadLocal<RoutingRequest> _requests;

    /// <summary>Creates a routing client over inner clients chosen by provider name (the catalog's <c>Provider</c>).</summary>
    public RoutingCoreChatClient(IRoutingEngine engine, IReadOnlyDictionary<string, IChatClient> clientsByProvider, RoutingCoreChatClientOptions? options = null)
        : this(engine, Lookup(clientsByProvider), options)
    {
    }

    /// <summary>Creates a routing client whose inner client for a provider comes from <paramref name="clientForProvider"/> (for example keyed DI services).</summary>
    public RoutingCoreChatClient(IRoutingEngine engine, Func<string, IChatClient?> clientForProvider, RoutingCoreChatClientOptions? options = null)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _clients = clientForProvider ?? throw new ArgumentNullException(nameof(clientForProvider));
        _options = options ?? new RoutingCoreChatClientOptions();
        var engineForRequests = _engine;
        _requests = new ThreadLocal<RoutingRequest>(() => engineForRequests is RoutingEngine concrete ? concrete.CreateRequest() : new RoutingRequest());
    }

    private static Func<string, IChatClient?> Lookup(IReadOnlyDictionary<string, IChatClient> clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        var copy = new Dictionary<string, IChatClient>(clients, StringComparer.OrdinalIgnoreCase);
        return provider => copy.GetValueOrDefault(provider);
    }

    /// <summary>Routes <paramref name="messages"/> without calling any model: the decision this client would act on.</summary>
    /// <exception cref="RoutingRejectedException">The request is rejected.</exception>
    public RouteDecision Route(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        string model = options?.ModelId ?? _options.DefaultModel
            ?? throw new RoutingRejectedException("missing_model", "model", "ChatOptions.ModelId is not set and RoutingCoreChatClientOptions.DefaultModel is null.");
        var request = _requests.Value!;
        ChatRequestFacts.Fill(request, model, messages, options);
        var decision = _engine.Route(request, _options.Context);
        if (!decision.Succeeded)
        {
            throw new RoutingRejectedException(decision.ErrorCode!, decision.Error.Param.ToString(), decision.Error.Message ?? decision.ErrorCode!);
        }
        return decision;
    }

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        var decision = Route(list, options);
        List<Exception>? failures = null;
        for (int attempt = 0; attempt < decision.ServingModelCount; attempt++)
        {
            var model = decision.GetServingModel(attempt);
            var inner = _clients(model.Provider);
            if (inner is null) { (failures ??= []).Add(NoClient(model)); continue; }
            ChatResponse response;
            try
            {
                response = await inner.GetResponseAsync(list, WithModel(options, model), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                (failures ??= []).Add(ex); // nothing reached the caller: the next ranked model
                continue;
            }
            Annotate(response.AdditionalProperties ??= [], decision, model, Meter(decision, model, response.Usage));
            return response;
        }
        throw Failed(failures);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        var decision = Route(list, options);
        List<Exception>? failures = null;
        for (int attempt = 0; attempt < decision.ServingModelCount; attempt++)
        {
            var model = decision.GetServingModel(attempt);
            var inner = _clients(model.Provider);
            if (inner is null) { (failures ??= []).Add(NoClient(model)); continue; }
            var enumerator = inner.GetStreamingResponseAsync(list, WithModel(options, model), cancellationToken).GetAsyncEnumerator(cancellationToken);
            bool first;
            try
            {
                first = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
                (failures ??= []).Add(ex); // before the first update: the next ranked model
                continue;
            }
            // From the first update on, failures reach the caller: no fallback once anything was yielded.
            await using (enumerator.ConfigureAwait(false))
            {
                UsageDetails? usage = null;
                bool more = first;
                while (more)
                {
                    var update = enumerator.Current;
                    foreach (var content in update.Contents)
                    {
                        if (content is UsageContent u) usage = u.Details;
                    }
                    yield return update;
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                var done = new ChatResponseUpdate { ModelId = model.UpstreamModel, AdditionalProperties = [] };
                Annotate(done.AdditionalProperties, decision, model, Meter(decision, model, usage));
                yield return done;
            }
            yield break;
        }
        throw Failed(failures);
    }

    private static ChatOptions WithModel(ChatOptions? options, ModelEntry model)
    {
        var copy = options?.Clone() ?? new ChatOptions();
        copy.ModelId = model.UpstreamModel;
        return copy;
    }

    private static UsageRecord? Meter(in RouteDecision decision, ModelEntry model, UsageDetails? usage) =>
        usage is null ? null : UsageMeter.FromUsage(decision, usage.InputTokenCount ?? 0, usage.OutputTokenCount ?? 0,
            usage.CachedInputTokenCount ?? 0, usage.ReasoningTokenCount ?? 0, servedBy: model);

    private static void Annotate(AdditionalPropertiesDictionary properties, in RouteDecision decision, ModelEntry model, UsageRecord? usage)
    {
        properties[ModelKey] = model.Id;
        properties[ProviderKey] = model.Provider;
        properties[EstimatedCostKey] = decision.Estimate.CostUsd;
        if (usage is { } u) properties[CostKey] = u.CostUsd;
    }

    private static InvalidOperationException NoClient(ModelEntry model) =>
        new($"No inner IChatClient is registered for provider '{model.Provider}' (model '{model.Id}').");

    private static Exception Failed(List<Exception>? failures) => failures switch
    {
        null or [] => new InvalidOperationException("No model could serve the request."),
        [var only] => only is InvalidOperationException ? only : new AggregateException("The chosen model failed and it had no fallbacks.", only),
        _ => new AggregateException("Every ranked model failed before responding.", failures),
    };

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType.IsInstanceOfType(this)) return this;
        if (serviceType.IsInstanceOfType(_engine)) return _engine;
        return null;
    }

    /// <summary>Releases the per-thread request builders; the inner clients belong to whoever created them.</summary>
    public void Dispose() => _requests.Dispose();
}
