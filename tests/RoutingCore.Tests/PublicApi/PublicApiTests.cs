using System.Reflection;
using System.Text;

namespace RoutingCore.Tests.PublicApi;

/// <summary>
/// Every public type and member of each library, listed by reflection in a stable order and compared with the
/// committed baseline in <c>api/&lt;assembly&gt;.txt</c>, so an API change shows up as a reviewed diff. After an
/// intended change: <c>ROUTINGCORE_UPDATE_API=1 dotnet test --filter PublicApi</c> rewrites the baselines.
/// </summary>
public class PublicApiTests
{
    public static TheoryData<string> Assemblies() => new()
    {
        "RoutingCore", "RoutingCore.Testing", "RoutingCore.Budgets", "RoutingCore.Budgets.Postgres", "RoutingCore.Extensions.AI", "RoutingCore.Tokenizers", "RoutingCore.Redis", "RoutingCore.ReverseProxy",
    };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void PublicApi_MatchesTheCommittedBaseline(string name)
    {
        var assembly = Assembly.Load(name);
        string actual = Describe(assembly);
        string path = Path.Combine(RepoRoot(), "api", name + ".txt");
        if (Environment.GetEnvironmentVariable("ROUTINGCORE_UPDATE_API") == "1") File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"No API baseline at {path}: run with ROUTINGCORE_UPDATE_API=1 to create it.");
        string expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected != actual)
        {
            var added = actual.Split('\n').Except(expected.Split('\n')).Take(20);
            var removed = expected.Split('\n').Except(actual.Split('\n')).Take(20);
            Assert.Fail($"The public API of {name} changed. Review, then run with ROUTINGCORE_UPDATE_API=1 to accept.\n" +
                $"added:\n  {string.Join("\n  ", added)}\nremoved:\n  {string.Join("\n  ", removed)}");
        }
    }

    [Fact]
    public void EveryPublicMember_HasXmlDocs()
    {
        foreach (var name in (string[])["RoutingCore", "RoutingCore.Testing", "RoutingCore.Budgets", "RoutingCore.Budgets.Postgres", "RoutingCore.Extensions.AI", "RoutingCore.Tokenizers", "RoutingCore.Redis", "RoutingCore.ReverseProxy"])
        {
            var assembly = Assembly.Load(name);
            var xml = Path.ChangeExtension(assembly.Location, ".xml");
            Assert.True(File.Exists(xml), $"{name} ships no XML documentation file");
            Assert.Contains("<member name=\"T:", File.ReadAllText(xml), StringComparison.Ordinal);
        }
        // Missing docs on a public member fail the build (GenerateDocumentationFile with warnings as errors, CS1591).
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RoutingCore.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    internal static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            lines.Add(TypeLine(type));
            var members = new List<string>();
            foreach (var m in type.GetMembers(Declared))
            {
                string? line = m switch
                {
                    ConstructorInfo c when Visible(c) => $"  ctor({Parameters(c.GetParameters())})",
                    MethodInfo mi when Visible(mi) && !mi.IsSpecialName => $"  {(mi.IsStatic ? "static " : "")}{(mi.IsAbstract && !type.IsInterface ? "abstract " : mi.IsVirtual && !mi.IsFinal && !type.IsInterface ? "virtual " : "")}{Name(mi.ReturnType)} {mi.Name}{Generic(mi)}({Parameters(mi.GetParameters())})",
                    PropertyInfo p when Visible(p.GetMethod) || Visible(p.SetMethod) => $"  {(p.GetMethod ?? p.SetMethod)!.IsStatic switch { true => "static ", _ => "" }}{Name(p.PropertyType)} {p.Name} {{{(Visible(p.GetMethod) ? " get;" : "")}{(Visible(p.SetMethod) ? (p.SetMethod!.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? " init;" : " set;") : "")} }}",
                    FieldInfo f when f.IsPublic || f.IsFamily => $"  {(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}{(f.IsLiteral && !type.IsEnum ? " = " + f.GetRawConstantValue() : type.IsEnum && f.IsLiteral ? " = " + Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture) : "")}",
                    EventInfo e when Visible(e.AddMethod) => $"  event {Name(e.EventHandlerType!)} {e.Name}",
                    _ => null,
                };
                if (line is not null) members.Add(line);
            }
            members.Sort(StringComparer.Ordinal);
            lines.AddRange(members);
        }
        return string.Join("\n", lines) + "\n";
    }

    private static bool Visible(MethodBase? m) => m is not null && (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly);

    private static string TypeLine(Type t)
    {
        string kind = t.IsInterface ? "interface" : t.IsEnum ? "enum" : t.IsValueType ? (t.IsByRefLike ? "ref struct" : "struct")
            : typeof(Delegate).IsAssignableFrom(t) ? "delegate" : t.IsAbstract && t.IsSealed ? "static class" : t.IsAbstract ? "abstract class" : t.IsSealed ? "sealed class" : "class";
        var bases = new List<string>();
        if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum)) bases.Add(Name(b));
        bases.AddRange(t.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).Order(StringComparer.Ordinal));
        return $"{kind} {Name(t)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : "")}";
    }

    private static string Generic(MethodInfo m) => m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "";

    private static string Parameters(ParameterInfo[] ps) => string.Join(", ", ps.Select(p =>
        $"{(p.IsOut ? "out " : p.ParameterType.IsByRef && p.IsIn ? "in " : p.ParameterType.IsByRef ? "ref " : "")}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

    private static string Name(Type t)
    {
        if (t.IsByRef) return Name(t.GetElementType()!);
        if (t.IsArray) return Name(t.GetElementType()!) + "[]";
        if (t.IsGenericParameter) return t.Name;
        string name = t.IsNested ? Name(t.DeclaringType!) + "." + t.Name : (t.Namespace is { } ns ? ns + "." : "") + t.Name;
        if (!t.IsGenericType) return name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0) name = name[..tick];
        return name + "<" + string.Join(", ", t.GetGenericArguments().Select(Name)) + ">";
    }
}
