using System.Linq.Expressions;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Operations;

namespace ScorePortal.Platform.Outbox;

/// <summary>
/// Delivers committed outbox messages: claims due ones with a conditional update (a lease), hands each to the handler
/// of its kind, marks it delivered, or schedules a retry with exponential backoff until the kind's last attempt
/// (<see cref="OutboxOptions.MaxAttempts"/>, or the handler's own <see cref="IOutboxHandler.RetryPolicy"/>), after which
/// it is dead. Runs on every instance; the lease makes sure two
/// workers never hold one message. Delivery is at least once: a crash after the server accepted a message but before
/// it was marked delivered sends it again when the lease lapses (emails carry a stable Message-Id for that case).
/// </summary>
public sealed class OutboxWorker : BackgroundService
{
    private readonly IDbContextFactory<ScorePortalDbContext> _factory;
    private readonly Dictionary<string, IOutboxHandler> _handlers;
    private readonly Dictionary<string, OutboxRetryPolicy> _policies;
    private readonly Expression<Func<OutboxMessage, bool>> _attemptsLeft;
    private readonly Expression<Func<OutboxMessage, bool>> _attemptsUsedUp;
    private readonly OutboxSignal _signal;
    private readonly TimeProvider _time;
    private readonly OutboxOptions _options;
    private readonly ILogger<OutboxWorker> _logger;
    private readonly PortalMetrics _metrics;
    private TaskCompletionSource _nextPass = NewPass();

    public OutboxWorker(IDbContextFactory<ScorePortalDbContext> factory, IEnumerable<IOutboxHandler> handlers,
        OutboxSignal signal, TimeProvider time, IOptions<OutboxOptions> options, ILogger<OutboxWorker> logger, PortalMetrics metrics)
    {
        _factory = factory;
        _metrics = metrics;
        _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
        _signal = signal;
        _time = time;
        _options = options.Value;
        _logger = logger;
        var fallback = OutboxRetryPolicy.From(_options);
        _policies = _handlers.ToDictionary(h => h.Key, h => h.Value.RetryPolicy ?? fallback, StringComparer.Ordinal);
        (_attemptsLeft, _attemptsUsedUp) = AttemptLimits(_policies, fallback);
    }

    /// <summary>
    /// The conditions "may be attempted again" (only kinds this instance delivers) and "has used up its attempts" (any
    /// kind; one without a policy of its own by the default), per kind's limit, as SQL the claim and the dead-letter
    /// sweep repeat. With no handler of its own policy they are the plain <c>AttemptCount &lt; MaxAttempts</c>.
    /// </summary>
    private static (Expression<Func<OutboxMessage, bool>> Left, Expression<Func<OutboxMessage, bool>> UsedUp) AttemptLimits(
        IReadOnlyDictionary<string, OutboxRetryPolicy> policies, OutboxRetryPolicy fallback)
    {
        var own = policies.Where(p => p.Value != fallback).Select(p => p.Key).ToArray();
        var left = new List<Expression<Func<OutboxMessage, bool>>>();
        var usedUp = new List<Expression<Func<OutboxMessage, bool>>>();
        foreach (var group in policies.GroupBy(p => p.Value.MaxAttempts))
        {
            var kinds = group.Select(p => p.Key).ToArray();
            var max = group.Key;
            left.Add(m => kinds.Contains(m.Kind) && m.AttemptCount < max);
        }
        foreach (var kind in own)
        {
            var max = policies[kind].MaxAttempts;
            usedUp.Add(m => m.Kind == kind && m.AttemptCount >= max);
        }
        var defaultMax = fallback.MaxAttempts;
        usedUp.Add(m => !own.Contains(m.Kind) && m.AttemptCount >= defaultMax);
        return (AnyOf(left), AnyOf(usedUp));
    }

    private static Expression<Func<OutboxMessage, bool>> AnyOf(List<Expression<Func<OutboxMessage, bool>>> conditions)
    {
        if (conditions.Count == 0) return m => false;
        var message = conditions[0].Parameters[0];
        var body = conditions[0].Body;
        foreach (var condition in conditions.Skip(1))
            body = Expression.OrElse(body, new Rebind(condition.Parameters[0], message).Visit(condition.Body));
        return Expression.Lambda<Func<OutboxMessage, bool>>(body, message);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }

    /// <summary>
    /// A retry wait shortened by up to <paramref name="ratio"/> of itself (<paramref name="random"/> in [0, 1)): spread,
    /// never longer than the capped wait.
    /// </summary>
    internal static TimeSpan Jittered(TimeSpan wait, double ratio, double random) =>
        TimeSpan.FromTicks(wait.Ticks - (long)(wait.Ticks * ratio * random));

    /// <summary>
    /// Completes at the end of the first pass that starts after this is read (tests await it instead of sleeping; read
    /// it, then cause the pass, e.g. with <see cref="OutboxSignal.Notify"/>).
    /// </summary>
    public Task NextPass => Volatile.Read(ref _nextPass).Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var pass = Interlocked.Exchange(ref _nextPass, NewPass());
                try
                {
                    await DeliverDueAsync(stoppingToken);
                    await CountBacklogAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A database hiccup must not end the worker: messages stay in the table and the next pass retries.
                    // Delivery failures never get here (they are caught per message), so this exception carries no
                    // address and its stack trace is what an operator needs.
                    _logger.LogError(ex, "Outbox pass failed; retrying at the next poll");
                }
                pass.TrySetResult();
                await _signal.WaitAsync(_options.PollInterval, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Messages neither delivered nor dead (due, waiting for a retry or leased), for the outbox backlog gauge: one count
    /// on the delivery index per pass, so a scrape costs no query.
    /// </summary>
    private async Task CountBacklogAsync(CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        _metrics.OutboxBacklog(await db.OutboxMessages.LongCountAsync(m => m.DeliveredAt == null && m.FailedAt == null, cancellationToken));
    }

    /// <summary>Claims and delivers due messages until none is left; returns how many were delivered.</summary>
    internal async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        await DeclareDeadAsync(cancellationToken);
        var delivered = 0;
        while (await ClaimAsync(cancellationToken) is { Count: > 0 } claimed)
        {
            foreach (var (message, lease) in claimed)
            {
                if (await DeliverAsync(message, lease, cancellationToken)) delivered++;
            }
        }
        return delivered;
    }

    private async Task<List<(OutboxMessage Message, Guid Lease)>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        // Only kinds this instance can deliver (_attemptsLeft names them): a kind whose handler ships later (or lives on
        // another instance) waits untouched instead of burning its attempts and ending up dead.
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(_attemptsLeft)
            .Where(m => m.DeliveredAt == null && m.FailedAt == null && m.NextAttemptAt <= now
                        && (m.LeasedUntil == null || m.LeasedUntil <= now))
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id)
            .Select(m => m.Id)
            .Take(_options.BatchSize)
            .ToListAsync(cancellationToken);
        if (due.Count == 0) return [];

        // The claim is this conditional update: it repeats the "free and due" condition, so of two workers that
        // read the same ids, each row goes to exactly one. The attempt is counted now, so a message that crashes
        // the process every time still ends up dead.
        var lease = Guid.NewGuid();
        var until = now + _options.LeaseDuration;
        await db.OutboxMessages
            .Where(_attemptsLeft)
            .Where(m => due.Contains(m.Id) && m.DeliveredAt == null && m.FailedAt == null
                        && (m.LeasedUntil == null || m.LeasedUntil <= now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.LeaseId, lease)
                .SetProperty(m => m.LeasedUntil, until)
                .SetProperty(m => m.AttemptCount, m => m.AttemptCount + 1), cancellationToken);
        var claimed = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.LeaseId == lease)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id)
            .ToListAsync(cancellationToken);
        return claimed.Select(m => (m, lease)).ToList();
    }

    private async Task<bool> DeliverAsync(OutboxMessage message, Guid lease, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            if (!_handlers.TryGetValue(message.Kind, out var handler))
                throw new PermanentDeliveryException($"No handler for kind '{message.Kind}'.");
            await handler.DeliverAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failure = ex;
        }

        var now = _time.GetUtcNow();
        await using var db = await _factory.CreateDbContextAsync(CancellationToken.None);
        // Only the lease holder records the outcome; after a lapsed lease another worker owns the message.
        var mine = db.OutboxMessages.Where(m => m.Id == message.Id && m.LeaseId == lease);
        if (failure is null)
        {
            // Not cancellable: the server has the message, and forgetting that would send it again.
            await mine.ExecuteUpdateAsync(s => s
                .SetProperty(m => m.DeliveredAt, now)
                .SetProperty(m => m.LeaseId, (Guid?)null)
                .SetProperty(m => m.LeasedUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.LastError, (string?)null), CancellationToken.None);
            _logger.LogInformation("Outbox message {MessageId} ({Kind}) delivered at attempt {Attempt}",
                message.Id, message.Kind, message.AttemptCount);
            return true;
        }

        var error = OutboxErrors.Describe(failure);
        var policy = _policies.TryGetValue(message.Kind, out var own) ? own : OutboxRetryPolicy.From(_options);
        var dead = failure is PermanentDeliveryException || message.AttemptCount >= policy.MaxAttempts;
        var next = now + Jittered(policy.BackoffAfter(message.AttemptCount), _options.JitterRatio, Random.Shared.NextDouble());
        await mine.ExecuteUpdateAsync(s => s
            .SetProperty(m => m.LeaseId, (Guid?)null)
            .SetProperty(m => m.LeasedUntil, (DateTimeOffset?)null)
            .SetProperty(m => m.LastError, error)
            .SetProperty(m => m.FailedAt, dead ? now : (DateTimeOffset?)null)
            .SetProperty(m => m.NextAttemptAt, dead ? message.NextAttemptAt : next), CancellationToken.None);
        if (dead)
            _logger.LogError("Outbox message {MessageId} ({Kind}) is dead after attempt {Attempt}: {Error}",
                message.Id, message.Kind, message.AttemptCount, error);
        else
            _logger.LogWarning("Outbox message {MessageId} ({Kind}) attempt {Attempt} failed: {Error}; retrying at {NextAttemptAt:O}",
                message.Id, message.Kind, message.AttemptCount, error, next);
        return false;
    }

    /// <summary>A message whose last allowed attempt was claimed but never finished (the process died) is dead too.</summary>
    private async Task DeclareDeadAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var count = await db.OutboxMessages
            .Where(_attemptsUsedUp)
            .Where(m => m.DeliveredAt == null && m.FailedAt == null
                        && (m.LeasedUntil == null || m.LeasedUntil <= now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.FailedAt, now)
                .SetProperty(m => m.LeaseId, (Guid?)null)
                .SetProperty(m => m.LeasedUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.LastError, "Abandoned: the last attempt did not finish."), cancellationToken);
        if (count > 0) _logger.LogError("{Count} outbox messages are dead: their last attempt did not finish", count);
    }

    private static TaskCompletionSource NewPass() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Failure descriptions safe to store and log: server texts and exception messages can carry an address.</summary>
internal static class OutboxErrors
{
    public static string Describe(Exception ex)
    {
        var text = ex switch
        {
            PermanentDeliveryException p => p.Message,
            SmtpCommandException smtp => $"SMTP {(int)smtp.StatusCode} {smtp.ErrorCode}",
            SmtpProtocolException => "SMTP protocol error",
            SocketException socket => $"Socket {socket.SocketErrorCode}",
            // An HTTP dependency (the SMS gateway): the status, or why no answer came, never a server's text.
            HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status}",
            HttpRequestException { InnerException: SocketException socket } => $"Socket {socket.SocketErrorCode}",
            HttpRequestException http => $"HTTP {http.HttpRequestError}",
            ServiceNotConnectedException or ServiceNotAuthenticatedException => ex.GetType().Name,
            MailKit.Security.AuthenticationException => "SMTP authentication failed",
            MailKit.Security.SslHandshakeException => "TLS handshake failed",
            TimeoutException or OperationCanceledException => "Timed out",
            _ => ex.GetType().Name,
        };
        return text.Length <= OutboxMessageConfiguration.LastErrorMaxLength ? text : text[..OutboxMessageConfiguration.LastErrorMaxLength];
    }
}
