using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace RoutingCore.Cli;

/// <summary>The <c>routingcore</c> command (spec R-CLI-*): a thin host over the library.</summary>
internal static class CliApp
{
    public const int Routed = 0, Rejected = 1, UsageError = 2;

    private const string Usage = """
        usage:
          routingcore route FILE... [--endpoint auto|chat|messages|images|responses] [--catalog FILE] [--allow ID,ID]
                                    [--max-cost USD] [--json] [--explain] [--upstream-body DIR] [--health FILE]
          routingcore meter REQUEST RESPONSE [--endpoint …] [--catalog FILE] [--json]
          routingcore models [--catalog FILE] [--json]

        FILE may be '-' for standard input. --catalog replaces the embedded default catalog with a JSON file
        holding a "Routing" section. meter routes REQUEST and meters RESPONSE (JSON, or an SSE stream when it
        starts with data: or event:), printing the actual cost beside the estimate. --upstream-body writes, for each routed request, DIR/<file name> with the
        body to forward upstream (only "model" replaced by the chosen model's upstream id). Exit status: 0 all routed, 1 any rejected, 2 usage or file error.
        """;

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, Func<Stream> openStdin)
    {
        _ = stdin;
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? UsageError : Routed;
        }
        var command = args[0];
        var files = new List<string>();
        string? catalog = null, allow = null, maxCost = null, endpoint = null, upstreamDir = null, healthFile = null;
        bool json = false, explain = false;
        for (int i = 1; i < args.Length; i++)
        {
            string a = args[i];
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            switch (a)
            {
                case "--json": json = true; break;
                case "--explain": explain = true; break;
                case "--catalog": catalog = Value() ?? ""; break;
                case "--allow": allow = Value() ?? ""; break;
                case "--max-cost": maxCost = Value() ?? ""; break;
                case "--endpoint": endpoint = Value() ?? ""; break;
                case "--upstream-body": upstreamDir = Value() ?? ""; break;
                case "--health": healthFile = Value() ?? ""; break;
                default:
                    if (a.StartsWith("--", StringComparison.Ordinal)) return Fail(stderr, $"unknown option '{a}'");
                    files.Add(a);
                    break;
            }
        }
        if (command is not ("route" or "models" or "meter")) return Fail(stderr, $"unknown command '{command}'");
        if (command == "meter" && (files.Count != 2 || allow is not null || maxCost is not null || explain || upstreamDir is not null))
            return Fail(stderr, "meter takes REQUEST RESPONSE and only --endpoint, --catalog and --json");

        RoutingEngine engine;
        try
        {
            // Exact counts for models naming a public tokenizer (R-EST-12), loaded only when a decision needs one.
            var services = new RoutingEngineServices { ExactTokenCounter = RoutingCore.Tokenizers.TiktokenTokenCounter.Instance };
            engine = new RoutingEngine(catalog is null ? DefaultCatalog.LoadOptions() : LoadCatalog(catalog), services);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or FormatException
                                   or InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            return Fail(stderr, $"catalog '{catalog}': {ex.Message}");
        }

        if (command == "models")
        {
            if (files.Count > 0 || allow is not null || maxCost is not null || endpoint is not null || explain || upstreamDir is not null)
                return Fail(stderr, "models takes only --catalog and --json");
            if (json)
            {
                using var stream = new MemoryStream();
                ModelsList.Write(stream, engine.Catalog);
                stdout.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
            }
            else
            {
                HumanOutput.WriteModels(stdout, engine.Catalog);
            }
            return Routed;
        }

        if (files.Count == 0) return Fail(stderr, "route needs at least one FILE (or '-')");
        var context = new RouteContext();
        if (endpoint is not null)
        {
            RequestEndpoint? e = endpoint switch
            {
                "auto" => RequestEndpoint.Auto, "chat" => RequestEndpoint.ChatCompletions,
                "messages" => RequestEndpoint.Messages, "images" => RequestEndpoint.ImageGenerations, "responses" => RequestEndpoint.Responses, _ => null,
            };
            if (e is null) return Fail(stderr, $"--endpoint must be auto, chat, messages, images or responses, not '{endpoint}'");
            context = context with { Endpoint = e.Value };
        }
        if (allow is not null)
        {
            var ids = allow.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (ids.Length == 0) return Fail(stderr, "--allow needs at least one model id");
            context = context with { AllowedModels = new HashSet<string>(ids, StringComparer.OrdinalIgnoreCase) };
        }
        if (maxCost is not null)
        {
            if (!decimal.TryParse(maxCost, NumberStyles.Number, CultureInfo.InvariantCulture, out var max) || max < 0)
                return Fail(stderr, $"--max-cost must be a non-negative number of USD, not '{maxCost}'");
            context = context with { MaxCostUsd = max };
        }

        if (healthFile is not null)
        {
            try
            {
                context = context with { Health = HealthSnapshotFile.Load(healthFile) };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
            {
                return Fail(stderr, $"--health '{healthFile}': {ex.Message}");
            }
        }

        // Read every file first: a missing file is a usage error before anything is routed.
        var bodies = new List<(string Name, byte[] Body)>();
        foreach (var file in files)
        {
            try
            {
                if (file == "-")
                {
                    using var input = openStdin();
                    using var buffer = new MemoryStream();
                    input.CopyTo(buffer);
                    bodies.Add(("-", buffer.ToArray()));
                }
                else
                {
                    bodies.Add((file, File.ReadAllBytes(file)));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return Fail(stderr, $"cannot read '{file}': {ex.Message}");
            }
        }

        if (upstreamDir is not null)
        {
            try
            {
                if (upstreamDir.Length == 0) throw new ArgumentException("--upstream-body needs a directory");
                Directory.CreateDirectory(upstreamDir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return Fail(stderr, $"--upstream-body '{upstreamDir}': {ex.Message}");
            }
        }

        if (command == "meter")
        {
            var (requestName, request) = bodies[0];
            var (responseName, response) = bodies[1];
            var routed = engine.Route(request, context);
            UsageRecord? record = routed.Succeeded ? UsageMeter.Meter(routed, response) : null;
            if (json) stdout.WriteLine(MeterOutput.Json(requestName, responseName, routed, record));
            else MeterOutput.Human(stdout, requestName, responseName, routed, record);
            return record is { } r && !MeterOutput.Unusable(r) ? Routed : Rejected;
        }

        int status = Routed;
        var details = new RouteDetails { Explain = explain };
        foreach (var (name, body) in bodies)
        {
            var decision = engine.Route(body, context, details);
            if (!decision.Succeeded) status = Rejected;
            else if (upstreamDir is not null)
            {
                var forwarded = new byte[decision.GetUpstreamBodyLength(body)];
                decision.WriteUpstreamBody(body, forwarded);
                string target = Path.Combine(upstreamDir, name == "-" ? "stdin.json" : Path.GetFileName(name));
                try
                {
                    File.WriteAllBytes(target, forwarded);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return Fail(stderr, $"cannot write '{target}': {ex.Message}");
                }
            }
            if (json)
            {
                stdout.WriteLine(DecisionJson.Write(name, decision, details, explain));
            }
            else
            {
                HumanOutput.WriteDecision(stdout, name, decision, details, explain);
            }
        }
        return status;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"routingcore: {message}");
        stderr.WriteLine("run 'routingcore --help' for usage");
        return UsageError;
    }

    internal static RoutingOptions LoadCatalog(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"file not found: {path}");
        var configuration = new ConfigurationBuilder().AddJsonFile(full, optional: false, reloadOnChange: false).Build();
        var section = configuration.GetSection(RoutingOptions.DefaultSectionName);
        if (!section.Exists()) throw new InvalidDataException("the file has no \"Routing\" section");
        var options = new RoutingOptions();
        section.Bind(options);
        return options;
    }
}
