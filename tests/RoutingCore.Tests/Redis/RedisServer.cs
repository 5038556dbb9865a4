using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RoutingCore.Tests.Redis;

/// <summary>
/// A throwaway <c>redis-server</c> on a free 127.0.0.1 port with no persistence, started by the test and killed by
/// <see cref="Dispose"/>. Without Debian's <c>redis-server</c> the tests that need it are skipped, saying how to run them.
/// </summary>
public sealed class RedisServer : IDisposable
{
    public const string SkipMessage = "Needs redis-server on PATH (apt-get install redis-server; .ci/run installs it).";

    private Process? _process;

    private static readonly string[] s_places = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];

    public static string? FindBin() => s_places.FirstOrDefault(File.Exists);

    public static bool Available => FindBin() is not null;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public RedisServer()
    {
        var bin = FindBin() ?? throw new InvalidOperationException(SkipMessage);
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var psi = new ProcessStartInfo(bin) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, Port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Kills the server, as a crash or an outage would.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _process = null;
    }
}
