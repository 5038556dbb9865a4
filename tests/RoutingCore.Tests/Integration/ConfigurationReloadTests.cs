using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RoutingCore.Tests.Integration;

/// <summary>
/// Reload through the real configuration path (spec R-CAT-9): a JSON file, explicit <c>Reload()</c> and the file
/// watcher, valid → invalid → valid, with two threads routing throughout.
/// </summary>
[Collection(GlobalListeners.Name)]
public sealed class ConfigurationReloadTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Catalog(string pinnedTo) => TestKit.TwoModelCatalog(pinnedTo);

    private static readonly byte[] Body = TestKit.MainAliasBody;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InvalidChangeAfterStart_ThrowsNowhere_KeepsLastGood_LogsOnceAndIsCounted(bool fileWatcher)
    {
        var path = Path.Combine(_temp.Path, "routing.json");
        File.WriteAllText(path, Catalog("small"));
        var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: fileWatcher).Build();
        var logs = new LogSink();
        using var provider = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information))
            .AddRoutingCore(configuration.GetSection("Routing")).BuildServiceProvider();
        var engine = (RoutingEngine)provider.GetRequiredService<IRoutingEngine>();
        var monitor = provider.GetRequiredService<IOptionsMonitor<RoutingOptions>>();
        var updates = new BlockingCollection<CatalogUpdateEventArgs>();
        engine.CatalogUpdated += (_, e) => updates.Add(e);
        var reloads = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Name == "routingcore.catalog.reloads") l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => { foreach (var t in tags) if (t.Key == "outcome") reloads.Enqueue((string)t.Value!); });
        listener.Start();

        // Two threads route throughout; every decision must be a good catalog's.
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var routers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var d = engine.Route(Body);
                if (d.ModelId is not ("small" or "large")) failures.Enqueue($"{d.ErrorCode} at v{d.CatalogVersion}");
            }
        })).ToArray();

        Assert.Equal(("small", 1L), (engine.Route(Body).ModelId, engine.Catalog.Version));

        File.WriteAllText(path, Catalog("missing-model"));
        if (!fileWatcher) configuration.Reload(); // must not throw
        var rejected = Next(updates);
        Assert.False(rejected.Applied);
        Assert.Equal(1, rejected.LiveVersion);
        Assert.Contains(rejected.Errors, e => e.Contains("Routing:Aliases:main:Model", StringComparison.Ordinal));
        Assert.Equal("small", engine.Route(Body).ModelId);
        _ = monitor.CurrentValue; // an options read after the invalid change does not throw

        File.WriteAllText(path, Catalog("large"));
        if (!fileWatcher) configuration.Reload();
        CatalogUpdateEventArgs applied;
        do applied = Next(updates); while (!applied.Applied); // the watcher may repeat the rejected notification first
        Assert.Equal(2, applied.LiveVersion);
        // The options monitor may notify twice for one reload; each valid notification is a harmless rebuild.
        var after = engine.Route(Body);
        Assert.Equal("large", after.ModelId);
        Assert.True(after.CatalogVersion >= 2);

        stop.Cancel();
        await Task.WhenAll(routers);
        Assert.Empty(failures);
        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("Routing:Aliases:main:Model", warning.Message, StringComparison.Ordinal);
        Assert.Contains("version 2", warning.Message, StringComparison.Ordinal); // the candidate
        Assert.Contains("version 1 stays live", warning.Message, StringComparison.Ordinal);
        Assert.Contains("rejected", reloads);
        Assert.Contains("applied", reloads);
    }

    [Fact]
    public void InvalidConfigurationAtStart_IsStillStrict()
    {
        var path = Path.Combine(_temp.Path, "bad.json");
        File.WriteAllText(path, Catalog("missing-model"));
        var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        using var provider = new ServiceCollection().AddRoutingCore(configuration.GetSection("Routing")).BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IRoutingEngine>());
        Assert.Contains(ex.Failures, f => f.Contains("Routing:Aliases:main:Model", StringComparison.Ordinal));
    }

    private static CatalogUpdateEventArgs Next(BlockingCollection<CatalogUpdateEventArgs> updates)
    {
        // A generous bound so a stuck watcher fails the test instead of hanging it; the wait ends at the notification.
        Assert.True(updates.TryTake(out var e, TimeSpan.FromSeconds(30)), "no catalog change notification");
        return e!;
    }

    private sealed class LogSink : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Logger(this);
        public void Dispose() { }

        private sealed class Logger(LogSink sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => sink.Entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
