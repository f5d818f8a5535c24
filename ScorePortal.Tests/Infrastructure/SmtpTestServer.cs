using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// A real SMTP server in the test process, on a loopback port, keeping every message it receives. The portal's
/// outbox sends to it over real SMTP (MailKit), so a test reads the mail a person would get.
/// Every <see cref="PortalFactory"/> points its Smtp settings at <see cref="Shared"/> (<see cref="PortalFactory.Mailbox"/>);
/// tests tell their mail apart by recipient, e.g.
/// <code>
/// var mail = await portal.Mailbox.WaitForMessageAsync(m => m.To.Mailboxes.Any(a => a.Address == email), TimeSpan.FromSeconds(10));
/// </code>
/// A test that needs SMTP to be down builds its own with <see cref="Create"/> and starts it later.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private static readonly Lazy<SmtpTestServer> SharedServer = new(() =>
    {
        var server = Create();
        server.StartAsync().GetAwaiter().GetResult();
        return server;
    });

    private readonly object _gate = new();
    private readonly List<MimeMessage> _messages = [];
    private readonly List<(Func<MimeMessage, bool> Match, TaskCompletionSource<MimeMessage> Found)> _waiters = [];
    private SmtpServer.SmtpServer? _server;
    private CancellationTokenSource? _stop;

    // Holds the port while the server is not listening: bound, never listening, so a connection is refused (RST)
    // and no other listener of this busy test run (another test's SMTP server, a browser test's Kestrel) can take
    // the port and answer, or hang, in the refused server's place.
    private Socket? _reservation;

    private SmtpTestServer(int port, Socket reservation)
    {
        Port = port;
        _reservation = reservation;
    }

    /// <summary>The one server of this test process that every portal sends to unless a test says otherwise.</summary>
    public static SmtpTestServer Shared => SharedServer.Value;

    /// <summary>A server on a free loopback port, not yet listening (connections to it are refused until <see cref="StartAsync"/>).</summary>
    public static SmtpTestServer Create()
    {
        // The OS picks a free port; the socket keeps it (without listening) until the server starts on it.
        var reservation = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        reservation.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return new SmtpTestServer(((IPEndPoint)reservation.LocalEndPoint!).Port, reservation);
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>The settings that point a portal at this server.</summary>
    public IReadOnlyDictionary<string, string?> PortalSettings => new Dictionary<string, string?>
    {
        ["Smtp:Host"] = Host,
        ["Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:Security"] = "None",
        ["Smtp:UserName"] = null,
        ["Smtp:Password"] = null,
    };

    /// <summary>Every message received so far, in arrival order.</summary>
    public IReadOnlyList<MimeMessage> Messages
    {
        get
        {
            lock (_gate) return _messages.ToList();
        }
    }

    /// <summary>The received messages that match, in arrival order.</summary>
    public IReadOnlyList<MimeMessage> MessagesMatching(Func<MimeMessage, bool> match)
    {
        lock (_gate) return _messages.Where(match).ToList();
    }

    /// <summary>Messages addressed to <paramref name="address"/> (case-insensitive).</summary>
    public IReadOnlyList<MimeMessage> MessagesTo(string address) => MessagesMatching(m => IsTo(m, address));

    public static bool IsTo(MimeMessage message, string address) =>
        message.To.Mailboxes.Any(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The first message, already received or still to come, that matches; throws <see cref="TimeoutException"/> when
    /// none arrives in time. A message that arrives while this is being set up is not missed.
    /// </summary>
    public async Task<MimeMessage> WaitForMessageAsync(Func<MimeMessage, bool> match, TimeSpan timeout)
    {
        TaskCompletionSource<MimeMessage> found;
        lock (_gate)
        {
            if (_messages.FirstOrDefault(match) is { } existing) return existing;
            found = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
        }
        try
        {
            return await found.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate) _waiters.RemoveAll(w => w.Found == found);
            throw new TimeoutException($"No matching message reached the SMTP test server on port {Port} within {timeout}; it holds {Messages.Count}.");
        }
    }

    /// <summary>The first message to <paramref name="address"/>.</summary>
    public Task<MimeMessage> WaitForMessageToAsync(string address, TimeSpan timeout) =>
        WaitForMessageAsync(m => IsTo(m, address), timeout);

    /// <summary>Starts listening and returns once the port accepts connections.</summary>
    public async Task StartAsync()
    {
        if (_server is not null) throw new InvalidOperationException("The SMTP test server is already running.");
        _reservation?.Dispose();
        _reservation = null;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new SmtpServer.Net.EndpointListenerFactory();
        listeners.EndpointStarted += (_, _) => listening.TrySetResult();
        services.Add(listeners);
        var server = new SmtpServer.SmtpServer(options, services);
        _stop = new CancellationTokenSource();
        _server = server;
        var running = server.StartAsync(_stop.Token);
        // A failed bind ends the start task instead of raising EndpointStarted.
        await Task.WhenAny(listening.Task, running).WaitAsync(TimeSpan.FromSeconds(10));
        if (!listening.Task.IsCompleted) await running;
    }

    /// <summary>Stops listening: from now on connections are refused (received messages are kept).</summary>
    public async Task StopAsync()
    {
        if (_server is not { } server) return;
        _server = null;
        server.Shutdown();
        await _stop!.CancelAsync();
        try
        {
            await server.ShutdownTask.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        _stop = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _reservation?.Dispose();
        _reservation = null;
    }

    private void Receive(MimeMessage message)
    {
        List<TaskCompletionSource<MimeMessage>> satisfied = [];
        lock (_gate)
        {
            _messages.Add(message);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (!_waiters[i].Match(message)) continue;
                satisfied.Add(_waiters[i].Found);
                _waiters.RemoveAt(i);
            }
        }
        foreach (var waiter in satisfied) waiter.TrySetResult(message);
    }

    private sealed class Store(SmtpTestServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            owner.Receive(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
