namespace RoutingCore;

/// <summary>
/// What the scan measured about a request for estimating its difficulty (spec R-DIFF-2): sizes, the thread's shape,
/// counts of the marks that go with code, mathematics, questions and multi-step asks, and the words of the task
/// lexicon that say what is asked (reasoning-heavy work, light work, explicit constraints) in seven languages, over the
/// decoded text of every message and the system prompt.
/// </summary>
/// <remarks>Produced by the scanner (JSON bodies) and by <see cref="RoutingRequest"/> (objects) with the same rules, so
/// the same conversation gives the same signals however it arrives. A value type: reading it allocates nothing.</remarks>
public readonly record struct DifficultySignals
{
    /// <summary>Characters of the last user message.</summary>
    public long LastTurnChars { get; init; }
    /// <summary>Characters of every message and system prompt before and around the last user message (the thread so far).</summary>
    public long EarlierChars { get; init; }
    /// <summary>ASCII digits in the whole conversation.</summary>
    public long Digits { get; init; }
    /// <summary>Operators (<c>= + * / ^ &lt; &gt; %</c>) in the whole conversation.</summary>
    public long Operators { get; init; }
    /// <summary>Marks of program text (<c>{ } ; _</c> and backticks) in the whole conversation.</summary>
    public long CodeMarks { get; init; }
    /// <summary>Marks of typeset mathematics (backslashes, dollar signs) in the whole conversation.</summary>
    public long MathMarks { get; init; }
    /// <summary>Question marks (ASCII, full-width, Arabic) in the whole conversation.</summary>
    public long Questions { get; init; }
    /// <summary>Line breaks in the whole conversation.</summary>
    public long LineBreaks { get; init; }
    /// <summary>Enumerated or bulleted lines (<c>1.</c>, <c>2)</c>, <c>- </c>, <c>* </c>) in the whole conversation.</summary>
    public long Steps { get; init; }
    /// <summary>Wide characters (U+3000–U+DFFF: CJK punctuation, kana, ideographs, Hangul) of the last user message; each counts as three characters in the sizes.</summary>
    public long LastTurnWideChars { get; init; }
    /// <summary>Wide characters (U+3000–U+DFFF) in the whole conversation; each counts as three characters in the sizes.</summary>
    public long WideChars { get; init; }
    /// <summary>Characters outside ASCII in the whole conversation.</summary>
    public long NonAsciiChars { get; init; }
    /// <summary>Words asking for reasoning-heavy work (prove, derive, design, implement, optimise, diagnose, analyse, compare… in any of the lexicon's languages) in the whole conversation.</summary>
    public long DemandCues { get; init; }
    /// <summary>Words asking for light work (greet, thank, translate, rewrite, summarise, list, name, define…) in the whole conversation.</summary>
    public long LightCues { get; init; }
    /// <summary>Words stating an explicit constraint (must, should, without, guarantee, ensure, exactly…) in the whole conversation.</summary>
    public long ConstraintCues { get; init; }
    /// <summary>User messages (an images request's prompt counts as one).</summary>
    public int UserTurns { get; init; }
    /// <summary>Characters of system and developer instructions.</summary>
    public long SystemChars { get; init; }
    /// <summary>The request declares tools.</summary>
    public bool Tools { get; init; }
    /// <summary>The request asks for output against a JSON schema.</summary>
    public bool JsonSchema { get; init; }
    /// <summary>The request asks for reasoning.</summary>
    public bool Reasoning { get; init; }

    /// <summary>Characters of the whole conversation.</summary>
    public long TotalChars => LastTurnChars + EarlierChars;
}
