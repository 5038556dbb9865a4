using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace RoutingCore.Testing.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: initdb into a temp directory, started on a free 127.0.0.1 port with
/// fsync off, stopped and deleted on dispose. PostgreSQL refuses to run as root, so as root it runs as the
/// <c>postgres</c> user that Debian's package creates. Without PostgreSQL installed, the tests that need it are skipped
/// with a message saying how to run them (<see cref="PostgresFactAttribute"/>).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string SkipMessage =
        "PostgreSQL is not installed: run 'apt-get install postgresql' (Debian; .ci/run does it) to run the budget ledger tests against a real server.";

    private readonly string _dir;
    private readonly string _bin;
    private readonly string? _runAs;

    public static string? FindBin()
    {
        var env = Environment.GetEnvironmentVariable("ROUTINGCORE_PG_BIN");
        if (env is not null && File.Exists(Path.Combine(env, "initdb"))) return env;
        if (!Directory.Exists("/usr/lib/postgresql")) return null;
        return Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "bin")).FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")));
    }

    public static bool Available => FindBin() is not null;

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=40;Timeout=15";

    public PostgresServer()
    {
        _bin = FindBin() ?? throw new InvalidOperationException(SkipMessage);
        _runAs = Environment.UserName == "root" ? "postgres" : null;
        _dir = Path.Combine(Path.GetTempPath(), "routingcore-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        if (_runAs is not null) Run("chown", [_runAs, _dir], asUser: false);
        var data = Path.Combine(_dir, "data");
        Run(Path.Combine(_bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
        Port = FreePort();
        Start();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Run(string file, string[] args, bool asUser = true)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asUser && _runAs is not null)
        {
            psi.FileName = "runuser";
            foreach (var a in (string[])["-u", _runAs, "--", file]) psi.ArgumentList.Add(a);
        }
        else
        {
            psi.FileName = file;
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(90_000)) { p.Kill(true); throw new TimeoutException($"{file} did not finish"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stdout.Result}{stderr.Result}");
    }

    /// <summary>Stops the server (a fast shutdown, as a service manager does); <see cref="Start"/> brings it back on the same port and data.</summary>
    public void Stop()
    {
        // fast, not immediate: the cluster runs with fsync off, so a crash stop could lose the schema itself.
        Run(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "fast", "-w", "stop"]);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Starts the server again after <see cref="Stop"/>.</summary>
    public void Start() =>
        Run(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-l", Path.Combine(_dir, "log.txt"), "-w", "-t", "60", "-o",
            $"-p {Port} -c listen_addresses=127.0.0.1 -k {_dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", "start"]);

    public NpgsqlDataSource CreateDataSource(int maxPool = 20) =>
        NpgsqlDataSource.Create(ConnectionString.Replace("Maximum Pool Size=40", $"Maximum Pool Size={maxPool}", StringComparison.Ordinal));

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(_dir, "data", "postmaster.pid"))) Stop();
        }
        finally
        {
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
