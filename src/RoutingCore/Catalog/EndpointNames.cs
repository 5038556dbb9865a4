namespace RoutingCore;

/// <summary>Wire names and provider defaults of <see cref="EndpointSet"/>.</summary>
public static class EndpointNames
{
    /// <summary>
    /// The shapes a provider's upstream takes when a model does not list <c>Endpoints</c>: <c>openai</c> and
    /// <c>google</c> take <c>chat</c> and <c>images</c> (Google through its OpenAI-compatible endpoint); <c>anthropic</c>
    /// takes <c>messages</c> and <c>chat</c> (its OpenAI SDK compatibility); any other provider takes every shape until
    /// the catalog says otherwise, so existing host catalogs keep routing.
    /// </summary>
    public static EndpointSet DefaultFor(string provider) => provider.ToLowerInvariant() switch
    {
        "openai" => EndpointSet.Chat | EndpointSet.Images | EndpointSet.Responses,
        "google" => EndpointSet.Chat | EndpointSet.Images,
        "anthropic" => EndpointSet.Messages | EndpointSet.Chat,
        _ => EndpointSet.All,
    };

    /// <summary>The set holding one request endpoint (<see cref="EndpointSet.None"/> for <see cref="RequestEndpoint.Auto"/>).</summary>
    public static EndpointSet ToSet(RequestEndpoint endpoint) => endpoint switch
    {
        RequestEndpoint.ChatCompletions => EndpointSet.Chat,
        RequestEndpoint.Messages => EndpointSet.Messages,
        RequestEndpoint.ImageGenerations => EndpointSet.Images,
        RequestEndpoint.Responses => EndpointSet.Responses,
        _ => EndpointSet.None,
    };

    /// <summary>Parses <c>chat</c>, <c>messages</c> or <c>images</c> (case-insensitive).</summary>
    public static bool TryParse(string? name, out EndpointSet endpoint)
    {
        endpoint = name?.Trim().ToLowerInvariant() switch
        {
            "chat" => EndpointSet.Chat,
            "messages" => EndpointSet.Messages,
            "images" => EndpointSet.Images,
            "responses" => EndpointSet.Responses,
            _ => EndpointSet.None,
        };
        return endpoint != EndpointSet.None;
    }
}
