using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace ScorePortal.Features.Enterprises.Consents;

/// <summary>The choices of the grant form, kept while the candidate passes the second verification.</summary>
public sealed record ConsentDraft(int EnterpriseId, string EmployeeId, int[] QualificationIds, DateOnly? ExpiresOn);

/// <summary>
/// Carries the grant form's choices through <c>/Account/StepUp</c> and back in the return URL: protected (the employee
/// id never shows in an address or a log), bound to the account and short-lived. The agreement itself is not carried:
/// the candidate ticks it again on the form they come back to.
/// </summary>
public sealed class ConsentDrafts(IDataProtectionProvider dataProtection, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("ScorePortal.Consents.Draft.v1");

    public string Protect(string userId, ConsentDraft draft)
    {
        var until = (time.GetUtcNow() + Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return _protector.Protect(userId + "\n" + until + "\n" + JsonSerializer.Serialize(draft));
    }

    /// <summary>The draft, or null when it is missing, altered, expired or another account's.</summary>
    public ConsentDraft? Unprotect(string userId, string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        try
        {
            var parts = _protector.Unprotect(value).Split('\n', 3);
            if (parts.Length != 3 || parts[0] != userId
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var until)
                || time.GetUtcNow() >= DateTimeOffset.FromUnixTimeSeconds(until)) return null;
            return JsonSerializer.Deserialize<ConsentDraft>(parts[2]);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }
}
