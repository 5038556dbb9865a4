using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using RoutingCore.Budgets;
using RoutingCore.Budgets.Postgres;
using RoutingCore.Redis;
using RoutingCore.ReverseProxy;

namespace RoutingCore.Gateway;

/// <summary>Builds the reference gateway: YARP with RoutingCore on the seeds' routes, budgets, limits and health.</summary>
public static class GatewayApp
{
    /// <summary>The address used when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// Runs the gateway until it is stopped, as <c>Program</c> does. A configuration error at start-up — a bad
    /// address, a missing setting, an invalid catalog — is one line on <paramref name="error"/> naming the key, and exit
    /// code 2: no stack trace, no abort (spec R-GW-29).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter error, Action<WebApplicationBuilder>? configure = null, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        WebApplication app;
        try
        {
            app = Create(args, configure);
            await InitializeAsync(app);
            await app.StartAsync(stop);
        }
        catch (Exception ex) when (IsConfigurationError(ex))
        {
            await error.WriteLineAsync("routingcore-gateway: configuration error: " + OneLine(ex));
            return 2;
        }
        try
        {
            await app.WaitForShutdownAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        return 0;
    }

    private static bool IsConfigurationError(Exception ex) => ex is OptionsValidationException or InvalidOperationException or ArgumentException
        or FormatException or InvalidDataException or UriFormatException or IOException or System.Net.Sockets.SocketException
        || (ex is AggregateException { InnerException: { } inner } && IsConfigurationError(inner));

    /// <summary>The message of <paramref name="ex"/> and of what it wraps, on one line.</summary>
    private static string OneLine(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            string text = e.Message.ReplaceLineEndings("; ").Trim();
            if (text.Length > 0 && !parts.Exists(p => p.Contains(text, StringComparison.Ordinal))) parts.Add(text);
        }
        return string.Join(" — ", parts);
    }

    /// <summary>Creates the application; <paramref name="configure"/> lets a host or a test add configuration first.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);

        // One line per request at Information (the proxy's own, R-GW-31): YARP's and ASP.NET Core's per-request lines
        // sit below it unless the configuration names their categories.
        foreach (var category in new[] { "Yarp", "Microsoft.AspNetCore", "System.Net.Http.HttpClient" })
        {
            if (builder.Configuration[$"Logging:LogLevel:{category}"] is null) builder.Logging.AddFilter(category, LogLevel.Warning);
        }
        var gateway = builder.Configuration.GetSection("Gateway");
        builder.Services.Configure<GatewayOptions>(gateway);
        long maxBody = gateway.GetValue<long?>("MaxBodyBytes") ?? new GatewayOptions().MaxBodyBytes;
        builder.Services.Configure<KestrelServerOptions>(k =>
        {
            // Reading stops past the limit (413); Kestrel's own limit sits just above so the gateway answers in its shape.
            k.Limits.MaxRequestBodySize = maxBody + 1;
            k.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
            k.AddServerHeader = false;
        });

        var routing = builder.Configuration.GetSection("Routing");
        if (routing.GetSection("Models").Exists()) builder.Services.AddRoutingCore(routing);
        else builder.Services.AddRoutingCore(o => CopyDefaultCatalog(o));
        builder.Services.AddRoutingCoreTokenizers(); // exact counts where a decision depends on them (R-EST-12)

        if (string.Equals(gateway["Ledger"], "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            var connection = builder.Configuration.GetConnectionString("Budgets")
                ?? throw new InvalidOperationException("Gateway:Ledger is Postgres but ConnectionStrings:Budgets is not set.");
            builder.Services.AddRoutingCorePostgresBudgets(connection, routing.GetSection("Budgets"));
        }
        else
        {
            builder.Services.AddRoutingCoreBudgets(routing.GetSection("Budgets"));
        }

        builder.Services.AddSingleton<KeyAuthenticator>();
        builder.Services.AddSingleton<IRoutingCoreClientResolver>(sp => sp.GetRequiredService<KeyAuthenticator>());
        builder.Services.TryAddSingleton(TimeProvider.System); // the PostgreSQL ledger does not register one
        builder.Services.AddSingleton<KeyRateLimiter>();
        // Per-key limits across instances on Redis when ConnectionStrings:Redis is set; the gateway starts without it.
        if (builder.Configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            builder.Services.AddRoutingCoreRedis(redis, gateway.GetSection("Health").Get<HealthOptions>()?.SharedRefresh);
            builder.Services.AddSingleton<IRoutingCoreHealth>(sp =>
                new SharedGatewayHealth(sp.GetRequiredService<ModelHealthTracker>(), sp.GetRequiredService<RoutingCore.Redis.RedisSharedHealth>()));
        }
        builder.Services.AddSingleton(sp => new RateLimits(sp.GetRequiredService<KeyRateLimiter>(), sp.GetService<RoutingCore.Redis.RedisRateLimiter>(),
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Limits, sp.GetRequiredService<ILogger<RateLimits>>()));
        builder.Services.AddSingleton<IRoutingCoreAdmission>(sp => sp.GetRequiredService<RateLimits>());
        builder.Services.AddSingleton(sp =>
        {
            var health = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Health;
            return new ModelHealthTracker(health.FailureThreshold, TimeSpan.FromSeconds(health.CooldownSeconds), sp.GetRequiredService<TimeProvider>());
        });

        // YARP: its own ReverseProxy section for clusters and destinations (and any routes of the host's own), the
        // Gateway:Upstreams shorthand as one-destination clusters, and the gateway's RoutingCore routes.
        var proxySection = builder.Configuration.GetSection("ReverseProxy");
        var (routes, clusters) = GatewayRoutes.Build(gateway, proxySection);
        builder.Services.AddReverseProxy()
            .LoadFromConfig(proxySection)
            .LoadFromMemory(routes, clusters)
            .AddRoutingCore();
        // The proxy's settings are the Gateway section's (one binding, GatewayOptions above).
        builder.Services.AddOptions<RoutingCoreProxyOptions>().Configure<IOptions<GatewayOptions>>((o, configured) =>
        {
            var g = configured.Value;
            o.MaxBodyBytes = g.MaxBodyBytes;
            o.OversizeDrainBytes = g.OversizeDrainBytes;
            o.FirstByteTimeout = g.FirstByteTimeout;
            o.LedgerTimeout = g.LedgerTimeout;
            o.LedgerRetryAfterSeconds = g.LedgerRetryAfterSeconds;
            o.SettlementRetryInterval = g.SettlementRetryInterval;
            o.AnthropicVersion = g.AnthropicVersion;
            o.MissingClusterHint = "or set Gateway:Upstreams:{0}:BaseUrl (for example the environment variable Gateway__Upstreams__{0}__BaseUrl)";
        });
        GatewayObservability.Add(builder, gateway.GetSection("Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions());

        var app = builder.Build();
        app.MapRoutingCoreReverseProxy();
        app.MapGet("/v1/models", ModelsAsync);
        app.MapGet("/v1/models/{**id}", ModelAsync);
        app.MapPost("/anthropic/v1/messages/count_tokens", CountTokensAsync);
        GatewayObservability.Map(app);
        GatewayHealthEndpoints.Map(app);
        if (gateway["AdminKey"] is { Length: > 0 } adminKey)
        {
            if (gateway.GetSection("Keys").GetChildren().Any(k => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(k.Key), Encoding.UTF8.GetBytes(adminKey))))
                throw new InvalidOperationException("Gateway:AdminKey must differ from every client key in Gateway:Keys.");
            GatewayAdmin.Map(app, adminKey);
        }
        // Anything else: a JSON 404 in the OpenAI shape (SDKs parse it), never an empty body.
        app.MapFallback((HttpContext c) =>
        {
            var shape = c.Request.Path.StartsWithSegments("/anthropic") ? RequestEndpoint.Messages : RequestEndpoint.ChatCompletions;
            if (PostOnly.Contains(c.Request.Path.Value ?? ""))
            {
                // A route that exists for POST only: 405 with Allow, as HTTP says, rather than "not found".
                c.Response.Headers.Allow = "POST";
                return ErrorShapes.WriteAsync(c, shape, 405, "method_not_allowed", null, $"{c.Request.Path} takes POST, not {c.Request.Method}.");
            }
            return ErrorShapes.WriteAsync(c, shape, 404, "not_found", null, $"{c.Request.Method} {c.Request.Path} is not served by this gateway.");
        });
        return app;
    }

    /// <summary>The paths served for POST only (a GET there is a 405, not a 404).</summary>
    private static readonly HashSet<string> PostOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        "/v1/chat/completions", "/v1/responses", "/v1/images/generations", "/anthropic/v1/messages", "/anthropic/v1/messages/count_tokens",
    };

    /// <summary>
    /// Applies every key's budget to the ledger (and installs the PostgreSQL schema when that ledger is used). A ledger
    /// that cannot be reached does not stop the gateway: it starts (budgeted requests get 503 until the ledger answers)
    /// and this work is retried in the background until it succeeds.
    /// </summary>
    public static async Task InitializeAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The catalog is validated now, not at the first request: a bad one is a start-up error naming its key.
        _ = app.Services.GetRequiredService<IRoutingEngine>();
        // Connect to Redis before traffic (it keeps reconnecting on its own; an unreachable Redis does not stop the gateway).
        _ = app.Services.GetService<StackExchange.Redis.IConnectionMultiplexer>();
        _ = app.Services.GetService<RoutingCore.Redis.RedisSharedHealth>(); // starts reading the shared health view
        try
        {
            await ApplyLedgerSetupAsync(app.Services, CancellationToken.None);
        }
        catch (Exception ex) when (LedgerOutage.IsOutage(ex, CancellationToken.None))
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RoutingCore.Gateway");
            GatewayTelemetry.LedgerUnreachableAtStart(logger, ex.GetType().Name, ex.Message);
            var interval = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.SettlementRetryInterval;
            var stopping = app.Lifetime.ApplicationStopping;
            _ = Task.Run(async () =>
            {
                while (!stopping.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(interval, stopping);
                        await ApplyLedgerSetupAsync(app.Services, stopping);
                        GatewayTelemetry.LedgerUp(logger);
                        return;
                    }
                    catch (Exception retry) when (retry is OperationCanceledException || LedgerOutage.IsOutage(retry, stopping))
                    {
                        // still down (or stopping): try again after the interval
                    }
                }
            }, CancellationToken.None);
        }
    }

    private static async Task ApplyLedgerSetupAsync(IServiceProvider services, CancellationToken cancel)
    {
        if (services.GetService<PostgresBudgetLedger>() is { } postgres) await postgres.EnsureSchemaAsync(cancel);
        var ledger = services.GetRequiredService<IBudgetLedger>();
        foreach (var key in services.GetRequiredService<KeyAuthenticator>().All)
        {
            if (key.State is KeyOptions { BudgetUsd: { } budget } options) await ledger.SetLimitAsync(key.LedgerId, budget, options.BudgetPeriod, cancel);
        }
    }

    private static async Task ModelsAsync(HttpContext context, KeyAuthenticator keys, IRoutingEngine engine)
    {
        if (keys.Authenticate(context.Request) is null)
        {
            await ErrorShapes.WriteAsync(context, RequestEndpoint.ChatCompletions, 401, "invalid_api_key", null, "The API key is missing or not known.");
            return;
        }
        using var buffer = new MemoryStream();
        ModelsList.Write(buffer, engine.Catalog);
        await GatewayJson.SendAsync(context, buffer);
    }

    /// <summary>The entry <c>/v1/models</c> lists for <paramref name="id"/> (the OpenAI SDKs' <c>models.retrieve</c>), or a JSON 404.</summary>
    private static async Task ModelAsync(HttpContext context, string id, KeyAuthenticator keys, IRoutingEngine engine)
    {
        if (keys.Authenticate(context.Request) is null)
        {
            await ErrorShapes.WriteAsync(context, RequestEndpoint.ChatCompletions, 401, "invalid_api_key", null, "The API key is missing or not known.");
            return;
        }
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            if (!ModelsList.TryWriteEntry(writer, engine.Catalog, id))
            {
                await ErrorShapes.WriteAsync(context, RequestEndpoint.ChatCompletions, 404, "model_not_found", "model",
                    $"The model '{id}' does not exist in this gateway's catalog; GET /v1/models lists the ids it serves.");
                return;
            }
        }
        await GatewayJson.SendAsync(context, buffer);
    }

    /// <summary>
    /// <c>POST /anthropic/v1/messages/count_tokens</c> (the Anthropic SDKs' <c>countTokens</c>): the request is routed
    /// like a Messages request; when the chosen model's provider is Anthropic its cluster's destination is asked
    /// (<c>{address}/messages/count_tokens</c>, the body rewritten to the upstream model id) and its answer relayed
    /// with <c>x-routingcore-token-count: upstream</c>; otherwise, or when that upstream does not answer 200, the
    /// engine's own count — <c>exact</c> when the chosen model has a tokenizer and exact counts are on, else
    /// <c>estimated</c> (the heuristic upper bound). Never billed.
    /// </summary>
    private static async Task CountTokensAsync(HttpContext context, KeyAuthenticator keys, IRoutingEngine engine, IOptions<GatewayOptions> options,
        IOptions<RoutingCoreProxyOptions> proxyOptions, Yarp.ReverseProxy.IProxyStateLookup proxyState)
    {
        if (keys.Authenticate(context.Request) is null)
        {
            await ErrorShapes.WriteAsync(context, RequestEndpoint.Messages, 401, "invalid_api_key", null, "The API key is missing or not known.");
            return;
        }
        long limit = options.Value.MaxBodyBytes;
        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (body.Length + read > limit)
            {
                await ErrorShapes.WriteAsync(context, RequestEndpoint.Messages, 413, "request_too_large", null, $"The request body is larger than {limit} bytes.");
                return;
            }
            body.Write(chunk, 0, read);
        }
        var decision = engine.Route(body.GetBuffer().AsSpan(0, (int)body.Length), new RouteContext { Endpoint = RequestEndpoint.Messages });
        if (!decision.Succeeded)
        {
            await ErrorShapes.WriteAsync(context, RequestEndpoint.Messages, decision.Error.Code == RouteErrorCode.ModelNotAllowed ? 403 : 400,
                decision.ErrorCode!, decision.Error.Param.IsEmpty ? null : decision.Error.Param.ToString(), decision.Error.Message);
            return;
        }
        if (await UpstreamCountAsync(context, decision, body, proxyOptions.Value, proxyState) is { } upstream)
        {
            context.Response.ContentType = "application/json";
            context.Response.Headers["x-routingcore-token-count"] = "upstream";
            context.Response.Headers["x-routingcore-model"] = decision.ModelId;
            await context.Response.Body.WriteAsync(upstream, context.RequestAborted);
            return;
        }
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-routingcore-token-count"] = decision.Estimate.TextTokensExact ? "exact" : "estimated";
        context.Response.Headers["x-routingcore-model"] = decision.ModelId;
        await context.Response.WriteAsync($$"""{"input_tokens":{{decision.Estimate.InputTokens}}}""", context.RequestAborted);
    }

    private static readonly HttpClient s_countClient = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>The Anthropic upstream's own count for an Anthropic model, or null (another provider, no destination, not a 200).</summary>
    private static async Task<byte[]?> UpstreamCountAsync(HttpContext context, RouteDecision decision, MemoryStream body, RoutingCoreProxyOptions options,
        Yarp.ReverseProxy.IProxyStateLookup proxyState)
    {
        if (decision.Model is not { Provider: var provider } || !string.Equals(provider, "anthropic", StringComparison.OrdinalIgnoreCase)) return null;
        if (!proxyState.TryGetCluster(options.ClusterForProvider(provider), out var cluster) || cluster.DestinationsState.AvailableDestinations is not { Count: > 0 } available)
            return null;
        var destination = available[0].Model.Config;
        var segments = new ReadOnlyMemory<byte>[RouteDecision.MaxUpstreamSegments];
        int count = decision.GetUpstreamSegments(body.GetBuffer().AsMemory(0, (int)body.Length), segments);
        using var upstreamBody = new MemoryStream();
        for (int i = 0; i < count; i++) upstreamBody.Write(segments[i].Span);
        using var request = new HttpRequestMessage(HttpMethod.Post, destination.Address.TrimEnd('/') + "/messages/count_tokens")
        {
            Content = new ByteArrayContent(upstreamBody.ToArray()) { Headers = { ContentType = new("application/json") } },
        };
        if (destination.Metadata?.TryGetValue(RoutingCoreProxyOptions.ApiKeyMetadataKey, out var apiKey) == true) request.Headers.Add("x-api-key", apiKey);
        request.Headers.Add("anthropic-version", options.AnthropicVersion);
        try
        {
            using var response = await s_countClient.SendAsync(request, context.RequestAborted);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(context.RequestAborted) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            return null; // the engine's count answers instead
        }
    }

    private static void CopyDefaultCatalog(RoutingOptions target)
    {
        var source = DefaultCatalog.LoadOptions();
        foreach (var (id, m) in source.Models) target.Models[id] = m;
        foreach (var (id, a) in source.Aliases) target.Aliases[id] = a;
        target.Policy = source.Policy;
        target.AllowHttpImageUrls = source.AllowHttpImageUrls;
        target.MaxFallbacks = source.MaxFallbacks;
        target.AsOf = source.AsOf;
        target.IncludeStreamUsage = true; // a gateway meters streams: ask OpenAI-style upstreams for the usage chunk
    }
}
