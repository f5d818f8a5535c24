using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ScorePortal.Account;

public sealed class SignInLimitsOptions
{
    public const string Section = "Account:SignIn";

    /// <summary>Wrong passwords for one email address before its sign-ins need a captcha (0 = never).</summary>
    public int CaptchaAfterAccountFailures { get; set; } = 3;

    /// <summary>Wrong passwords from one client address before its sign-ins need a captcha (0 = never).</summary>
    public int CaptchaAfterAddressFailures { get; set; } = 3;

    /// <summary>Wrong passwords for one email address before each next attempt has to wait.</summary>
    public int FreeFailures { get; set; } = 5;

    /// <summary>The first wait; it doubles with every further wrong password, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait: the owner of an attacked account waits at most this long, never a lockout.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Failures are forgotten after this long without a new one.</summary>
    public TimeSpan FailureMemory { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Password guessing, slowed down instead of locked out. Counters are kept per typed email address (so an unknown
/// address behaves exactly like a real account and nothing tells them apart) and per client address, in memory per
/// instance like the lookup limits; keys are keyed hashes, never addresses. After a few wrong passwords a captcha is
/// required (for that email, and for that client), and past <see cref="SignInLimitsOptions.FreeFailures"/> each
/// further attempt for that email waits a delay that doubles up to <see cref="SignInLimitsOptions.MaxDelay"/>: stuffing
/// from many addresses gets one guess per delay, while an outsider can never keep the owner out for longer than
/// that. A right password clears the email's counter. Second-factor codes keep Identity's lockout instead.
/// </summary>
public sealed class SignInThrottle(IOptions<SignInLimitsOptions> options, TimeProvider time)
{
    private const int PruneAbove = 50_000;
    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    private sealed class Failures
    {
        public int Count;
        public DateTimeOffset Last;
    }

    public bool NeedsCaptcha(string email, string? sourceAddress)
    {
        var limits = options.Value;
        return (limits.CaptchaAfterAccountFailures > 0 && Count(AccountKey(email)) >= limits.CaptchaAfterAccountFailures)
               || NeedsCaptcha(sourceAddress);
    }

    /// <summary>Whether the form should show a captcha before anything is typed (this client failed before).</summary>
    public bool NeedsCaptcha(string? sourceAddress)
    {
        var limits = options.Value;
        return limits.CaptchaAfterAddressFailures > 0 && Count(SourceKey(sourceAddress)) >= limits.CaptchaAfterAddressFailures;
    }

    /// <summary>How long the next attempt for <paramref name="email"/> still has to wait; zero when it may go ahead.</summary>
    public TimeSpan WaitFor(string email)
    {
        var limits = options.Value;
        if (!_failures.TryGetValue(AccountKey(email), out var failures)) return TimeSpan.Zero;
        lock (failures)
        {
            var excess = failures.Count - limits.FreeFailures;
            if (excess < 0 || Forgotten(failures)) return TimeSpan.Zero;
            var delay = TimeSpan.FromTicks(Math.Min(limits.MaxDelay.Ticks, limits.FirstDelay.Ticks << Math.Min(excess, 30)));
            var wait = failures.Last + delay - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
    }

    public void RecordFailure(string email, string? sourceAddress)
    {
        var now = time.GetUtcNow();
        if (_failures.Count > PruneAbove) Prune();
        foreach (var key in new[] { AccountKey(email), SourceKey(sourceAddress) })
        {
            var failures = _failures.GetOrAdd(key, _ => new Failures());
            lock (failures)
            {
                if (Forgotten(failures)) failures.Count = 0;
                failures.Count++;
                failures.Last = now;
            }
        }
    }

    /// <summary>The right password for <paramref name="email"/>: its slowdown ends (the client's count stays).</summary>
    public void RecordSuccess(string email) => _failures.TryRemove(AccountKey(email), out _);

    private int Count(string key)
    {
        if (!_failures.TryGetValue(key, out var failures)) return 0;
        lock (failures) return Forgotten(failures) ? 0 : failures.Count;
    }

    private bool Forgotten(Failures failures) => time.GetUtcNow() - failures.Last > options.Value.FailureMemory;

    private void Prune()
    {
        foreach (var (key, failures) in _failures)
        {
            bool forgotten;
            lock (failures) forgotten = Forgotten(failures);
            if (forgotten) _failures.TryRemove(key, out _);
        }
    }

    private string AccountKey(string email) => "a:" + Hash(email.Trim().ToUpperInvariant());

    private string SourceKey(string? sourceAddress) => "s:" + Hash(sourceAddress ?? "unknown");

    private string Hash(string value) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value)))[..32];
}
