using RoutingCore.Estimation;
using RoutingCore.Metering;

namespace RoutingCore;

/// <summary>
/// Meters a provider's response into actual usage and cost (spec R-METER-*), priced by the decision's own catalog
/// snapshot, so a reload between the call and its bill never changes the price. Never throws for any response bytes.
/// </summary>
public static class UsageMeter
{
    /// <summary>
    /// Meters a whole response body: JSON of any shape of spec R-METER-2, or a complete SSE stream (a body that starts with
    /// <c>data:</c>, <c>event:</c> or <c>:</c>). One pass, no allocation.
    /// </summary>
    /// <param name="decision">The decision the call was made for.</param>
    /// <param name="response">The response body as received.</param>
    /// <param name="servedBy">The model that served the call when a fallback did; <see langword="null"/> for the chosen model.</param>
    /// <param name="counter">Counts text when the response reports no usage; default: the exact counter where the served model names a
    /// tokenizer and the engine has one (R-EST-12), else <see cref="HeuristicTokenCounter"/>.</param>
    public static UsageRecord Meter(in RouteDecision decision, ReadOnlySpan<byte> response, ModelEntry? servedBy = null, ITokenCounter? counter = null)
    {
        counter ??= ExactOutputCounter.For(decision, servedBy) ?? HeuristicTokenCounter.Instance;
        if (LooksLikeSse(response))
        {
            var state = UsageCounts.Create();
            SseLines.ProcessAll(response, ref state, counter, out bool overlong);
            if (overlong) state.Invalid = true;
            return Build(decision, servedBy, ref state, stream: true);
        }
        var counts = UsageCounts.Create();
        ResponseReader.Read(response, ref counts, counter);
        return Build(decision, servedBy, ref counts, stream: false);
    }

    /// <summary>
    /// Prices usage a client library already parsed (for example <c>Microsoft.Extensions.AI</c>'s <c>UsageDetails</c>),
    /// with the same rules as a response body: <paramref name="inputTokens"/> is the whole input including
    /// <paramref name="cachedInputTokens"/> (OpenAI's convention); reasoning tokens are inside <paramref name="outputTokens"/>.
    /// Counts that are negative, or cached above input, or reasoning above output, mark the record incomplete.
    /// </summary>
    public static UsageRecord FromUsage(in RouteDecision decision, long inputTokens, long outputTokens, long cachedInputTokens = 0,
        long reasoningTokens = 0, int images = 0, ModelEntry? servedBy = null)
    {
        var c = UsageCounts.Create();
        c.HasUsage = true;
        c.Invalid = inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0 || reasoningTokens < 0 || images < 0;
        c.PromptTokens = Math.Max(0, inputTokens);
        c.CompletionTokens = Math.Max(0, outputTokens);
        c.CachedTokens = Math.Max(0, cachedInputTokens);
        c.ReasoningTokens = Math.Max(0, reasoningTokens);
        c.Images = Math.Max(0, images);
        return Build(decision, servedBy, ref c, stream: false);
    }

    /// <summary>True when the body is an SSE stream rather than one JSON document.</summary>
    public static bool LooksLikeSse(ReadOnlySpan<byte> response)
    {
        var t = response.TrimStart(" \t\r\n"u8);
        return t.StartsWith("data:"u8) || t.StartsWith("event:"u8) || (t.Length > 0 && t[0] == (byte)':');
    }

    internal static UsageRecord Build(in RouteDecision decision, ModelEntry? servedBy, ref UsageCounts c, bool stream)
    {
        var model = servedBy ?? decision.Model;
        var endpoint = decision.Endpoint;
        var source = endpoint switch
        {
            RequestEndpoint.ImageGenerations => UsageSource.OpenAIImages,
            RequestEndpoint.Messages => stream ? UsageSource.AnthropicStream : UsageSource.Anthropic,
            RequestEndpoint.Responses => stream ? UsageSource.OpenAIResponsesStream : UsageSource.OpenAIResponses,
            _ when c.SawRouteLlm => UsageSource.RouteLlm,
            _ => stream ? UsageSource.OpenAIChatStream : UsageSource.OpenAIChat,
        };
        if (!decision.Succeeded || model is null)
        {
            return new UsageRecord(model, source, 0, 0, 0, 0, 0, 0, -1, 0, 0, false, false, c.ErrorType);
        }

        long input = 0, cached = 0, write = 0, output = 0, reasoning = Math.Max(0, c.ReasoningTokens), text = 0, image = 0;
        bool estimated = false;
        bool invalid = c.Invalid;
        if (c.ErrorType is not null)
        {
            // An error body: zero usage, the provider's type.
        }
        else if (c.PromptTokens >= 0 || c.CompletionTokens >= 0)
        {
            // OpenAI: prompt_tokens includes cached_tokens; completion_tokens includes reasoning_tokens.
            long prompt = Math.Max(0, c.PromptTokens);
            cached = Math.Max(0, c.CachedTokens);
            if (cached > prompt) { invalid = true; cached = prompt; }
            input = prompt - cached;
            output = Math.Max(0, c.CompletionTokens);
        }
        else if (c.InputTokens >= 0 || c.OutputTokens >= 0)
        {
            output = Math.Max(0, c.OutputTokens);
            if (endpoint == RequestEndpoint.ImageGenerations)
            {
                // images/generations: input_tokens is the whole input, split into text and image tokens.
                long all = Math.Max(0, c.InputTokens);
                cached = Math.Max(0, c.CachedTokens);
                if (cached > all) { invalid = true; cached = all; }
                input = all - cached;
                image = Math.Min(Math.Max(0, c.ImageTokens), all);
                text = c.TextTokens >= 0 ? Math.Min(c.TextTokens, all - image) : all - image;
            }
            else if (endpoint == RequestEndpoint.Responses)
            {
                // OpenAI Responses: input_tokens includes input_tokens_details.cached_tokens; output_tokens includes reasoning.
                long all = Math.Max(0, c.InputTokens);
                cached = Math.Max(0, c.CachedTokens);
                if (cached > all) { invalid = true; cached = all; }
                input = all - cached;
            }
            else
            {
                // Anthropic: input_tokens excludes cache reads and writes.
                input = Math.Max(0, c.InputTokens);
                cached = Math.Max(0, c.CacheRead);
                write = Math.Max(0, c.CacheCreation);
            }
        }
        else if (c.Images > 0 && c.ErrorType is null && endpoint != RequestEndpoint.ImageGenerations)
        {
            // Generated images without token counts (RouteLLM's message.images): billed per image alone (spec R-METER-*),
            // never with an estimated text input added.
        }
        else if ((stream || c.HasUsage || c.CountedOutput > 0) && !(c.SawData && endpoint == RequestEndpoint.ImageGenerations))
        {
            // No token counts: input from the estimate, output counted from the text that came back.
            input = decision.Estimate.InputTokens;
            output = c.CountedOutput;
            estimated = true;
        }
        if (reasoning > output) { invalid = true; reasoning = output; }

        long cost = Cost(decision, model, c, input, cached, write, output, text, image);
        bool complete = !c.Malformed && !invalid && (!stream || c.Done)
            && (c.HasUsage || c.SawData || c.ErrorType is not null || (stream && c.Done));
        if (stream && endpoint == RequestEndpoint.Messages && !c.SawMessageStart && c.ErrorType is null) complete = false;
        var record = new UsageRecord(model, source, input, cached, write, output, reasoning, c.ErrorType is null ? c.Images : 0,
            c.ComputePoints, cost, decision.Estimate.CostPicoUsd,
            complete, estimated, c.ErrorType);
        Diagnostics.RoutingTelemetry.RecordUsage(record, decision);
        return record;
    }

    /// <summary>The cost rules of spec R-METER-*, in exact pico-dollars.</summary>
    private static long Cost(in RouteDecision decision, ModelEntry model, in UsageCounts c, long input, long cached, long write, long output, long text, long image)
    {
        if (c.ErrorType is not null) return 0;
        int images = c.Images;
        if (model.ImageOutput is { TokenBilled: true } billed && decision.Endpoint == RequestEndpoint.ImageGenerations && c.HasTokenCounts)
        {
            // Token-billed image models (gpt-image-1): usage tokens at the image model's token prices; the images are inside.
            long uncachedText = Math.Max(0, text - cached);
            return Money.Add(Money.Add(Money.Multiply(uncachedText, billed.TextInputPico), Money.Multiply(image, billed.ImageInputPico)),
                Money.Add(Money.Multiply(cached, model.CachedInputPicoPerToken), Money.Multiply(output, billed.OutputPico)));
        }
        long tokens = Money.Add(
            Money.Add(Money.Multiply(input, model.InputPicoPerToken), Money.Multiply(cached, model.CachedInputPicoPerToken)),
            Money.Add(Money.Multiply(write, model.CacheWritePicoPerToken), Money.Multiply(output, model.OutputPicoPerToken)));
        if (images <= 0 || model.ImageOutput is not { } spec) return tokens;
        var request = decision.Request;
        long perImage = CostEstimator.PricePerImagePico(spec, request.OutputWidth, request.OutputHeight, request.OutputQuality);
        return Money.Add(tokens, Money.Multiply(images, perImage));
    }
}
