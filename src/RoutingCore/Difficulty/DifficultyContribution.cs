namespace RoutingCore;

/// <summary>One signal's part of a difficulty estimate, as <c>--explain</c> prints it.</summary>
/// <param name="Name">The feature name, as in the weights file.</param>
/// <param name="Value">The feature's value for this request.</param>
/// <param name="Weight">Its weight.</param>
/// <param name="Contribution">Weight × value: what it adds to the score.</param>
public readonly record struct DifficultyContribution(string Name, double Value, double Weight, double Contribution);
