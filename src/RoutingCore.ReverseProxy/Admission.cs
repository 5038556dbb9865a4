namespace RoutingCore.ReverseProxy;

/// <summary>What an admission policy (per-key rate limits, for example) says about one request.</summary>
public readonly record struct Admission
{
    /// <summary>Whether the request may go on.</summary>
    public bool Admitted { get; init; }

    /// <summary>The status of a refusal (429, 503).</summary>
    public int Status { get; init; }

    /// <summary>The error code of a refusal (<c>rate_limited</c>).</summary>
    public string? Code { get; init; }

    /// <summary>The message of a refusal.</summary>
    public string? Message { get; init; }

    /// <summary>The <c>retry-after</c> of a refusal, in seconds.</summary>
    public int RetryAfterSeconds { get; init; }

    /// <summary>The policy's own state, handed back to <see cref="IRoutingCoreAdmission.CompleteAsync"/>.</summary>
    public object? State { get; init; }

    /// <summary>The limit a refusal hit, sent as OpenAI's <c>x-ratelimit-limit-*</c>, <c>-remaining-*</c> and <c>-reset-*</c> headers.</summary>
    public AdmissionLimit? Limit { get; init; }

    /// <summary>Admits the request.</summary>
    public static Admission Admit(object? state = null) => new() { Admitted = true, State = state };

    /// <summary>Refuses the request with the given status, code and retry hint.</summary>
    public static Admission Refuse(int status, string code, string message, int retryAfterSeconds) =>
        new() { Status = status, Code = code, Message = message, RetryAfterSeconds = retryAfterSeconds };
}
