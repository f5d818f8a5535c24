using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ScorePortal.Operations;

namespace ScorePortal.Account;

public enum ResendVerdict
{
    Allowed,

    /// <summary>The recipient had enough mail: nothing is sent, and the page says the same as when it is sent.</summary>
    AddressLimited,

    /// <summary>The client sent too many requests: the page says so (that reveals nothing about any account).</summary>
    SourceLimited,
}

/// <summary>
/// Keeps the resend form from being used to flood someone's mailbox or to keep the outbox busy: fixed hourly windows
/// on the portal's clock, in memory per instance like the lookup limits. Keys are hashes, never addresses.
/// </summary>
public sealed class EmailConfirmationThrottle(IOptions<EmailConfirmationOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    private sealed class Counter(DateTimeOffset start)
    {
        public DateTimeOffset Start = start;
        public int Count;
    }

    public ResendVerdict Check(string email, string? sourceAddress)
    {
        var limits = options.Value;
        var now = time.GetUtcNow();
        if (_counters.Count > PruneAbove) Prune(now);
        if (limits.PerSourcePerHour > 0 && !Take("src:" + Hash(ClientAddress.LimitKey(sourceAddress) ?? "unknown"), limits.PerSourcePerHour, now))
            return ResendVerdict.SourceLimited;
        if (limits.PerAddressPerHour > 0 && !Take("to:" + Hash(email.Trim().ToUpperInvariant()), limits.PerAddressPerHour, now))
            return ResendVerdict.AddressLimited;
        return ResendVerdict.Allowed;
    }

    private bool Take(string key, int limit, DateTimeOffset now)
    {
        var counter = _counters.GetOrAdd(key, _ => new Counter(now));
        lock (counter)
        {
            if (now - counter.Start >= Window)
            {
                counter.Start = now;
                counter.Count = 0;
            }
            if (counter.Count >= limit) return false;
            counter.Count++;
            return true;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, counter) in _counters)
            if (now - counter.Start >= Window) _counters.TryRemove(key, out _);
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
}
