using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> (Debian's package; <c>.ci/run</c> installs it) on a free loopback port, in a temporary
/// folder, without persistence: shared by the tests of <see cref="RedisCollection"/>, which run one after another, so a
/// test may stop and start it (an outage) as long as it leaves it running. Missing redis-server fails the tests with
/// a message saying how to install it; nothing is skipped.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;

    public RedisServer()
    {
        Directory = Path.Combine(Path.GetTempPath(), "scoreportal-tests", "redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>The <c>Redis:Configuration</c> of a portal or store using this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>A key prefix no other test uses, so tests sharing the server never meet.</summary>
    public static string NewPrefix() => "test:" + Guid.NewGuid().ToString("N")[..12] + ":";

    public static string Executable =>
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "redis-server is not installed: the shared-limits tests need a real one. Install it with " +
            "`apt-get install redis-server` (bash .ci/run does).");

    public Task InitializeAsync() => StartAsync();

    public async Task StartAsync()
    {
        if (_process is { HasExited: false }) return;
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--dir", Directory, "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning" })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Ready when it answers PING (a few milliseconds; bounded so a broken install fails instead of hanging).
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited with {_process.ExitCode} on port {Port}");
            try
            {
                using var client = await ConnectionMultiplexer.ConnectAsync(Configuration + ",connectTimeout=500");
                await client.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException($"redis-server on port {Port} did not answer");
    }

    /// <summary>Ends the server at once (an outage); its data is gone, as after a crash of a Redis without persistence.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "redis";
}
