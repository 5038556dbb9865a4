using System.Reflection;
using System.Text.RegularExpressions;

namespace RoutingCore.Tests.Conformance;

/// <summary>Every rule of spec/ names its proof, and every named test and vector exists.</summary>
public partial class SpecCoverageTests
{
    [GeneratedRegex(@"^\| (R-[A-Z]+-\d+) \|.*\| ([^|]*) \|\s*$")]
    private static partial Regex RuleRow();

    [GeneratedRegex(@"`([A-Za-z][A-Za-z0-9_…]*_[A-Za-z0-9_…]*)`")]
    private static partial Regex TestName();

    [GeneratedRegex(@"vectors? ((?:`[a-z0-9-]+`(?:, )?)+)")]
    private static partial Regex VectorNames();

    private static IEnumerable<(string File, string Rule, string Proof)> Rules()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "spec"), "*.md"))
        {
            foreach (var line in File.ReadLines(file))
            {
                var m = RuleRow().Match(line);
                if (m.Success) yield return (Path.GetFileName(file), m.Groups[1].Value, m.Groups[2].Value);
            }
        }
    }

    [Fact]
    public void EveryRule_NamesATestOrVectorThatExists()
    {
        var tests = typeof(SpecCoverageTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes().Any(a => a is FactAttribute))
            .Select(m => m.Name).ToHashSet();
        var rules = Rules().ToList();
        Assert.True(rules.Count >= 50, $"only {rules.Count} rules found");
        Assert.Equal(rules.Count, rules.Select(r => r.Rule).Distinct().Count());
        foreach (var (file, rule, proof) in rules)
        {
            int named = 0;
            foreach (Match t in TestName().Matches(proof))
            {
                var parts = t.Groups[1].Value.Split('…');
                if (parts.Length == 1 && !char.IsUpper(parts[0][0])) continue; // a snake_case code, not a test
                named++;
                Assert.True(tests.Any(n => n.StartsWith(parts[0], StringComparison.Ordinal) && n.EndsWith(parts[^1], StringComparison.Ordinal)),
                    $"{file} {rule}: no test matches {t.Groups[1].Value}");
            }
            foreach (Match v in VectorNames().Matches(proof))
            {
                foreach (Match id in Regex.Matches(v.Groups[1].Value, "`([a-z0-9-]+)`"))
                {
                    named++;
                    Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "vectors", id.Groups[1].Value + ".json")), $"{file} {rule}: no vector {id.Groups[1].Value}");
                }
            }
            Assert.True(named > 0, $"{file} {rule} names no test or vector");
        }
    }
}
