using Microsoft.AspNetCore.Identity;
using OtpNet;
using ScorePortal.Model;

namespace ScorePortal.Account;

/// <summary>
/// TOTP (RFC 6238) verified with Otp.NET against the clock of <see cref="TimeProvider"/>. The matched time step is
/// stored on the user, and a step at or before it is refused, so an observed code cannot be replayed.
/// </summary>
public sealed class OtpNetAuthenticatorTokenProvider(TimeProvider time, ILogger<OtpNetAuthenticatorTokenProvider> logger)
    : IUserTwoFactorTokenProvider<ApplicationUser>
{
    public const string ProviderName = "OtpNetAuthenticator";

    // One step either side tolerates phone clocks that drift by up to 30 seconds.
    private static readonly VerificationWindow Window = new(previous: 1, future: 1);

    public Task<string> GenerateAsync(string purpose, UserManager<ApplicationUser> manager, ApplicationUser user) =>
        Task.FromResult(string.Empty); // the code comes from the user's authenticator app, never from the server

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        var code = Normalize(token);
        if (string.IsNullOrEmpty(key) || code.Length != 6 || !code.All(char.IsAsciiDigit)) return false;

        var totp = new Totp(Base32Encoding.ToBytes(key));
        if (!totp.VerifyTotp(time.GetUtcNow().UtcDateTime, code, out var step, Window)) return false;

        if (step <= user.LastTotpTimeStep)
        {
            logger.LogWarning("Rejected a replayed authenticator code for user {UserId} (time step {Step})", user.Id, step);
            return false;
        }

        user.LastTotpTimeStep = step;
        // The concurrency stamp makes two simultaneous uses of one code fail for all but one request.
        var saved = await manager.UpdateAsync(user);
        if (!saved.Succeeded)
        {
            logger.LogWarning("Rejected an authenticator code for user {UserId}: the step could not be recorded", user.Id);
            return false;
        }
        return true;
    }

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ApplicationUser> manager, ApplicationUser user) =>
        !string.IsNullOrEmpty(await manager.GetAuthenticatorKeyAsync(user));

    public static string Normalize(string? code) =>
        (code ?? string.Empty).Replace(" ", string.Empty).Replace("-", string.Empty).Trim();
}
