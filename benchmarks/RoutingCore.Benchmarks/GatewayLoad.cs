using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoutingCore.Gateway;

namespace RoutingCore.Benchmarks;

/// <summary>
/// The gateway's added latency, measured the way peer gateways publish theirs (benchmarks/RESULTS.md): a closed-loop load run at fixed
/// concurrency and duration against a fake upstream directly, then through the gateway, on loopback; p50/p99 of each and
/// the difference; then the highest request rate at higher concurrency; and the gateway's own processing time from its
/// histogram. Everything listens on 127.0.0.1 only and stops at the end. Client, gateway and upstream share this
/// process and the machine's two cores, which the numbers include.
/// <c>dotnet run -c Release --project benchmarks/RoutingCore.Benchmarks -- --gateway-load [seconds]</c>
/// </summary>
internal static class GatewayLoad
{
    private static readonly byte[] s_reply =
        """{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":300,"completion_tokens":2}}"""u8.ToArray();

    public static async Task RunAsync(TextWriter output, int seconds)
    {
        await using var upstream = await StartUpstreamAsync();
        var upstreamUrl = Address(upstream);
        var settings = new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0", ["Gateway:Keys:sk-load:MaxCostUsd"] = null };
        foreach (var p in new[] { "openai", "anthropic", "google", "bfl", "flexai" }) settings[$"Gateway:Upstreams:{p}:BaseUrl"] = $"{upstreamUrl}/{p}/v1";
        var gateway = GatewayApp.Create([], b => { b.Configuration.AddInMemoryCollection(settings); b.Logging.ClearProviders(); });
        await GatewayApp.InitializeAsync(gateway);
        await gateway.StartAsync();
        var gatewayUrl = Address(gateway);

        var processing = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Name == "routingcore.proxy.processing_time") l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<double>((_, v, _, _) => { lock (processing) processing.Add(v); });
        listener.Start();

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-load");
        // Portkey's gateway side by side (benchmarks/RESULTS.md) when ROUTINGCORE_PORTKEY names its start-server.js: it binds every
        // interface, so it runs only for this bounded run and is killed at the end.
        using var portkey = StartPortkey(out string? portkeyUrl);
        output.WriteLine($"gateway {gatewayUrl}, fake upstream {upstreamUrl}{(portkeyUrl is null ? "" : $", Portkey {portkeyUrl}")}; {Environment.ProcessorCount} cores; closed loop, {seconds} s per run after a 2 s warm-up");
        output.WriteLine("CPU per request: this process's CPU time over the run divided by its requests; the gateway's own is the gateway run's minus the direct run's (client and upstream share the process).");
        output.WriteLine("| request | target | concurrency | requests | req/s | p50 ms | p99 ms | CPU µs/req |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var shape in new[] { "text-1kb", "data-1mb" })
        {
            var body = Corpus.Build(shape);
            foreach (int concurrency in new[] { 1, 8 })
            {
                var direct = await RunAsync(client, $"{upstreamUrl}/openai/v1/chat/completions", body, concurrency, seconds);
                lock (processing) processing.Clear();
                var via = await RunAsync(client, $"{gatewayUrl}/v1/chat/completions", body, concurrency, seconds);
                double[] own;
                lock (processing) own = [.. processing];
                output.WriteLine(direct.Row(shape, "direct", concurrency));
                output.WriteLine(via.Row(shape, "gateway", concurrency));
                output.WriteLine($"| {shape} | **added by the gateway** | {concurrency} | | | **{via.P50 - direct.P50:0.000}** | **{via.P99 - direct.P99:0.000}** | **{via.CpuPerRequest - direct.CpuPerRequest:0}** |");
                output.WriteLine($"| {shape} | gateway processing (body read → send started) | {concurrency} | {own.Length} | | {Percentile(own, 50) / 1000:0.000} | {Percentile(own, 99) / 1000:0.000} | |");
                if (portkeyUrl is not null)
                {
                    var peer = await RunAsync(client, $"{portkeyUrl}/v1/chat/completions", body, concurrency, seconds, request =>
                    {
                        request.Headers.Add("x-portkey-provider", "openai");
                        request.Headers.Add("x-portkey-custom-host", $"{upstreamUrl}/openai/v1");
                    });
                    output.WriteLine(peer.Row(shape, "Portkey 1.15.2 (node, its own process: CPU not counted)", concurrency));
                    output.WriteLine($"| {shape} | added by Portkey | {concurrency} | | | {peer.P50 - direct.P50:0.000} | {peer.P99 - direct.P99:0.000} | |");
                }
            }
        }
        if (portkey is not null)
        {
            portkey.Kill(entireProcessTree: true);
            await portkey.WaitForExitAsync();
        }
        await gateway.StopAsync();
        await gateway.DisposeAsync();
    }

    private sealed record Result(int Count, double Seconds, double P50, double P99, int Errors, double CpuPerRequest)
    {
        public string Row(string shape, string target, int concurrency) =>
            $"| {shape} | {target} | {concurrency} | {Count}{(Errors > 0 ? $" ({Errors} errors)" : "")} | {Count / Seconds:0} | {P50:0.000} | {P99:0.000} | {CpuPerRequest:0} |";
    }

    private static System.Diagnostics.Process? StartPortkey(out string? url)
    {
        url = null;
        if (Environment.GetEnvironmentVariable("ROUTINGCORE_PORTKEY") is not { Length: > 0 } script || !File.Exists(script)) return null;
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var process = System.Diagnostics.Process.Start(new ProcessStartInfo("node", [script, $"--port={port}"]) { RedirectStandardOutput = true, RedirectStandardError = true });
        if (process is null) return null;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                tcp.Connect(System.Net.IPAddress.Loopback, port);
                url = $"http://127.0.0.1:{port}";
                return process;
            }
            catch (System.Net.Sockets.SocketException)
            {
                Thread.Sleep(100);
            }
        }
        process.Kill(entireProcessTree: true);
        return null;
    }

    private static async Task<Result> RunAsync(HttpClient client, string url, byte[] body, int concurrency, int seconds, Action<HttpRequestMessage>? decorate = null)
    {
        async Task<(List<double> Latencies, int Errors)> Worker(DateTime until, bool record)
        {
            var latencies = new List<double>(4096);
            int errors = 0;
            while (DateTime.UtcNow < until)
            {
                long start = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                decorate?.Invoke(request);
                using var response = await client.SendAsync(request);
                await response.Content.CopyToAsync(Stream.Null);
                if (!response.IsSuccessStatusCode) errors++;
                if (record) latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            return (latencies, errors);
        }
        var warm = DateTime.UtcNow.AddSeconds(2);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => Worker(warm, false))));
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var until = DateTime.UtcNow.AddSeconds(seconds);
        var results = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => Worker(until, true))));
        watch.Stop();
        double cpuMicros = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
        var all = results.SelectMany(r => r.Latencies).ToArray();
        return new Result(all.Length, watch.Elapsed.TotalSeconds, Percentile(all, 50), Percentile(all, 99), results.Sum(r => r.Errors), cpuMicros / Math.Max(1, all.Length));
    }

    private static double Percentile(double[] values, double p)
    {
        if (values.Length == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static async Task<WebApplication> StartUpstreamAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(s_reply);
        });
        await app.StartAsync();
        return app;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}
