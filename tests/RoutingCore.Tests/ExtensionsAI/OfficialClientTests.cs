using System.ClientModel;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RoutingCore.Tests.Gateway;

namespace RoutingCore.Tests.ExtensionsAI;

/// <summary>spec/objects.md R-OBJ-9: RoutingCore in a ChatClientBuilder pipeline over the official OpenAI .NET client, on loopback.</summary>
public sealed class OfficialClientTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task UseRoutingCore_RoutesFluxAuto_ThroughTheOfficialOpenAIClient_AndMetersTheUsage()
    {
        _upstream.Script.Enqueue(FakeUpstream.Json(200, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "metering", "openai-chat.response.json"))));
        var openai = new OpenAI.Chat.ChatClient("unused", new ApiKeyCredential("upstream-secret"),
            new OpenAI.OpenAIClientOptions { Endpoint = new Uri(_upstream.BaseUrl + "/openai/v1") }).AsIChatClient();
        var services = new ServiceCollection();
        services.AddRoutingCore(o =>
        {
            var defaults = DefaultCatalog.LoadOptions();
            foreach (var (k, v) in defaults.Models.Where(m => m.Value.Provider == "openai")) o.Models[k] = v; // the one provider this pipeline has
            o.Aliases["flux-auto"] = defaults.Aliases["flux-auto"];
        });
        using var sp = services.BuildServiceProvider();
        using var client = new ChatClientBuilder(openai).UseRoutingCore().Build(sp);

        var response = await client.GetResponseAsync("say hello", new ChatOptions { ModelId = "flux-auto" });

        var seen = Assert.Single(_upstream.Requests);
        Assert.Equal("/openai/v1/chat/completions", seen.Path);
        Assert.Equal("Bearer upstream-secret", seen.Headers["authorization"]);
        using var sent = JsonDocument.Parse(seen.Body);
        Assert.Equal("gpt-5-nano", sent.RootElement.GetProperty("model").GetString()); // "say hello" is easy: the cheapest model
        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.NotNull(response.Usage);
        Assert.Equal("gpt-5-nano", response.AdditionalProperties![RoutingCore.Extensions.AI.RoutingCoreChatClient.ModelKey]);
        Assert.True((decimal)response.AdditionalProperties[RoutingCore.Extensions.AI.RoutingCoreChatClient.CostKey]! > 0);
    }
}
