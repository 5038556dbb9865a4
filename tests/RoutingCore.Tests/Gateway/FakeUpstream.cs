using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RoutingCore.Tests.Gateway;

/// <summary>What the fake upstream received.</summary>
public sealed record UpstreamRequest(string Path, byte[] Body, Dictionary<string, string> Headers);

/// <summary>
/// A scripted provider on Kestrel at 127.0.0.1:0: records every request and answers from a queue of behaviours
/// (JSON, SSE in chunks, status codes, a dropped connection, a failure mid-stream); with nothing queued, a small
/// OpenAI-style completion.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    public ConcurrentQueue<UpstreamRequest> Requests { get; } = new();
    public ConcurrentQueue<Func<HttpContext, Task>> Script { get; } = new();
    public string BaseUrl { get; }

    private FakeUpstream(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeUpstream? self = null;
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            self!.Requests.Enqueue(new UpstreamRequest(context.Request.Path.Value!, buffer.ToArray(), headers));
            if (self.Script.TryDequeue(out var behaviour)) await behaviour(context);
            else await Json(200, """{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":10,"completion_tokens":2}}""")(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeUpstream(app, address);
        return self;
    }

    public static Func<HttpContext, Task> Json(int status, string body) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    };

    /// <summary>SSE events, each flushed on its own; <paramref name="between"/> runs between events (to hold the stream).</summary>
    public static Func<HttpContext, Task> Sse(string[] events, Func<int, Task>? between = null, bool failAfterFirst = false) => async context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        for (int i = 0; i < events.Length; i++)
        {
            await context.Response.WriteAsync(events[i]);
            await context.Response.Body.FlushAsync();
            if (failAfterFirst) { await Task.Delay(50); context.Abort(); return; }
            if (between is not null) await between(i);
        }
    };

    public static Func<HttpContext, Task> Drop() => context => { context.Abort(); return Task.CompletedTask; };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
