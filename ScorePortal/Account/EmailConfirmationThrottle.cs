using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ScorePortal.Operations;
using ScorePortal.Platform.Limits;

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
/// on the portal's clock, in the limits store like the lookup limits. Keys are hashes, never addresses.
/// </summary>
public sealed class EmailConfirmationThrottle(IOptions<EmailConfirmationOptions> options, ILimitsStore store)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public async ValueTask<ResendVerdict> CheckAsync(string email, string? sourceAddress)
    {
        var limits = options.Value;
        if (limits.PerSourcePerHour > 0 && !await TakeAsync("mail:src:" + Hash(ClientAddress.LimitKey(sourceAddress) ?? "unknown"), limits.PerSourcePerHour))
            return ResendVerdict.SourceLimited;
        if (limits.PerAddressPerHour > 0 && !await TakeAsync("mail:to:" + Hash(email.Trim().ToUpperInvariant()), limits.PerAddressPerHour))
            return ResendVerdict.AddressLimited;
        return ResendVerdict.Allowed;
    }

    // A refused request counts too; the window is fixed from its first request, so that changes nothing.
    private async ValueTask<bool> TakeAsync(string key, int limit) => await store.IncrementAsync(key, Window) <= limit;

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
}
