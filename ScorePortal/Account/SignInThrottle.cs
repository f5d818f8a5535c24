using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ScorePortal.Platform.Limits;

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
/// address behaves exactly like a real account and nothing tells them apart) and per client address, in the limits
/// store like the lookup limits; keys are keyed hashes, never addresses. After a few wrong passwords a captcha is
/// required (for that email, and for that client), and past <see cref="SignInLimitsOptions.FreeFailures"/> each
/// further attempt for that email waits a delay that doubles up to <see cref="SignInLimitsOptions.MaxDelay"/> (a lock
/// on the email's key that ends by itself): stuffing from many addresses gets one guess per delay, while an outsider
/// can never keep the owner out for longer than that. A right password clears the email's counter and wait.
/// Second-factor codes keep Identity's lockout instead.
/// </summary>
public sealed class SignInThrottle(IOptions<SignInLimitsOptions> options, ILimitsStore store)
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public async ValueTask<bool> NeedsCaptchaAsync(string email, string? sourceAddress)
    {
        var limits = options.Value;
        return (limits.CaptchaAfterAccountFailures > 0 && await store.CountAsync(AccountKey(email)) >= limits.CaptchaAfterAccountFailures)
               || await NeedsCaptchaAsync(sourceAddress);
    }

    /// <summary>Whether the form should show a captcha before anything is typed (this client failed before).</summary>
    public async ValueTask<bool> NeedsCaptchaAsync(string? sourceAddress)
    {
        var limits = options.Value;
        return limits.CaptchaAfterAddressFailures > 0 && await store.CountAsync(SourceKey(sourceAddress)) >= limits.CaptchaAfterAddressFailures;
    }

    /// <summary>How long the next attempt for <paramref name="email"/> still has to wait; zero when it may go ahead.</summary>
    public ValueTask<TimeSpan> WaitForAsync(string email) => store.LockRemainingAsync(WaitKey(email));

    public async ValueTask RecordFailureAsync(string email, string? sourceAddress)
    {
        var limits = options.Value;
        var failures = await store.IncrementAsync(AccountKey(email), limits.FailureMemory, CounterExpiry.FromLast);
        await store.IncrementAsync(SourceKey(sourceAddress), limits.FailureMemory, CounterExpiry.FromLast);
        var excess = failures - limits.FreeFailures;
        if (excess < 0) return;
        // The wait counts from this failure: a new, longer one replaces the one before.
        var delay = TimeSpan.FromTicks(Math.Min(limits.MaxDelay.Ticks, limits.FirstDelay.Ticks << (int)Math.Min(excess, 30)));
        var wait = WaitKey(email);
        await store.ReleaseLockAsync(wait);
        await store.TryLockAsync(wait, delay);
    }

    /// <summary>The right password for <paramref name="email"/>: its slowdown ends (the client's count stays).</summary>
    public async ValueTask RecordSuccessAsync(string email)
    {
        await store.ResetAsync(AccountKey(email));
        await store.ReleaseLockAsync(WaitKey(email));
    }

    private string AccountKey(string email) => "signin:a:" + Hash(email.Trim().ToUpperInvariant());

    private string WaitKey(string email) => "signin:wait:" + Hash(email.Trim().ToUpperInvariant());

    private string SourceKey(string? sourceAddress) => "signin:s:" + Hash(sourceAddress ?? "unknown");

    private string Hash(string value) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value)))[..32];
}
