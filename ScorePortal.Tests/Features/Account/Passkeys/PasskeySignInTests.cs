using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScorePortal.Account;
using ScorePortal.Account.Passkeys;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Account.Passkeys;

/// <summary>
/// Signing in with a passkey alone, as the second factor, and as the second verification, over real HTTP: the passkey
/// answers the portal's own challenge (<see cref="SoftwarePasskey"/>), and the sign-in cookie the portal sets is opened
/// to read the claims it carries.
/// </summary>
public sealed class PasskeySignInTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private const string Password = "correct horse battery 1";

    private async Task<ApplicationUser> AccountAsync(string role, bool authenticator, SoftwarePasskey passkey)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = $"pk-{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.org";
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        Assert.True((await users.AddOrUpdatePasskeyAsync(user, passkey.Info())).Succeeded);
        if (authenticator) await Authenticators.EnrollAsync(portal, email);
        return user;
    }

    private static async Task<string> RequestOptionsAsync(BrowserlessClient client, string purpose)
    {
        using var response = await client.Http.PostAsync($"{PasskeysExtensions.RequestOptionsPath}?purpose={purpose}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts the passkey form <paramref name="formName"/> of <paramref name="path"/> as the browser would (its Origin header included).</summary>
    private static async Task<HttpResponseMessage> PostPasskeyAsync(BrowserlessClient client, string path, string html, string formName,
        string credentialJson, string origin = "http://localhost")
    {
        var fields = BrowserlessClient.HiddenFields(html, formName);
        fields["Passkey.CredentialJson"] = credentialJson;
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Origin", origin);
        return await client.Http.SendAsync(request);
    }

    private async Task<(HttpResponseMessage Response, ClaimsPrincipal? Principal)> SignInWithPasskeyAsync(
        BrowserlessClient client, SoftwarePasskey passkey, ApplicationUser user, bool userVerified = true, string origin = "http://localhost")
    {
        var (_, html) = await client.GetAsync("/Account/Login?returnUrl=%2Fme");
        var options = await RequestOptionsAsync(client, "sign-in");
        var response = await PostPasskeyAsync(client, "/Account/Login?returnUrl=%2Fme", html, "login-passkey",
            passkey.Assert(options, user.Id, origin, userVerified: userVerified));
        return (response, SignedIn(response));
    }

    /// <summary>The principal in the sign-in cookie the response sets, opened with the portal's own ticket format.</summary>
    private ClaimsPrincipal? SignedIn(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var headers)) return null;
        var cookies = Microsoft.Net.Http.Headers.SetCookieHeaderValue.ParseList(headers.ToList())
            .Where(c => c.Expires is null || c.Expires > DateTimeOffset.UtcNow)
            .GroupBy(c => c.Name.ToString())
            .ToDictionary(g => g.Key, g => g.First().Value.ToString());
        if (!cookies.TryGetValue("ScorePortal.Auth", out var value)) return null;
        if (value.StartsWith("chunks-", StringComparison.Ordinal))
            value = string.Concat(Enumerable.Range(1, int.Parse(value["chunks-".Length..], System.Globalization.CultureInfo.InvariantCulture))
                .Select(i => cookies[$"ScorePortal.AuthC{i}"]));
        var options = portal.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        return options.TicketDataFormat.Unprotect(value)?.Principal;
    }

    private static bool IsMultiFactor(ClaimsPrincipal? principal) =>
        principal is not null && principal.HasClaim(MfaRequirement.AmrClaim, MfaRequirement.MfaValue);

    [Theory]
    [InlineData(Roles.Candidate, false)]
    [InlineData(Roles.Candidate, true)]
    [InlineData(Roles.Staff, true)]
    [InlineData(Roles.Expert, true)]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Enterprise, true)]
    public async Task A_user_verified_passkey_signs_in_as_multi_factor_for_every_role(string role, bool authenticator)
    {
        using var passkey = new SoftwarePasskey();
        var user = await AccountAsync(role, authenticator, passkey);
        using var client = new BrowserlessClient(portal);

        var (response, principal) = await SignInWithPasskeyAsync(client, passkey, user);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/me", response.RedirectTarget());
        Assert.NotNull(principal);
        Assert.Equal(user.Id, principal.FindFirstValue(ClaimTypes.NameIdentifier));
        Assert.True(principal.IsInRole(role));
        Assert.True(IsMultiFactor(principal), string.Join(", ", principal.FindAll("amr").Select(c => c.Value)));
        Assert.True(principal.HasClaim(MfaRequirement.AmrClaim, PortalSignInManager.PasskeyMethod));
        // The sign count the passkey reported is kept (a cloned passkey shows up as a count that goes back).
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.Equal(1u, (await users.GetPasskeyAsync(user, passkey.CredentialId))!.SignCount);
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.SignIn && e.ActorUserId == user.Id
            && e.DataJson.Contains("\"method\":\"passkey\"") && e.DataJson.Contains("success-mfa")));
    }

    [Fact]
    public async Task A_candidates_passkey_sign_in_is_also_the_second_verification()
    {
        using var passkey = new SoftwarePasskey();
        var user = await AccountAsync(Roles.Candidate, authenticator: false, passkey);
        using var client = new BrowserlessClient(portal);

        var (response, _) = await SignInWithPasskeyAsync(client, passkey, user);

        Assert.True(StepUpSatisfied(response, user.Id, StepUpPurposes.Reports));
        Assert.True(StepUpSatisfied(response, user.Id, StepUpPurposes.Consents));
    }

    [Fact]
    public async Task A_staff_account_without_an_authenticator_is_signed_in_without_mfa_and_sent_to_enroll()
    {
        using var passkey = new SoftwarePasskey();
        var user = await AccountAsync(Roles.Staff, authenticator: false, passkey);
        using var client = new BrowserlessClient(portal);

        var (response, principal) = await SignInWithPasskeyAsync(client, passkey, user);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Authenticator?returnUrl=", response.RedirectTarget());
        Assert.NotNull(principal);
        Assert.False(IsMultiFactor(principal));
        using var area = await client.Http.GetAsync("/staff");
        Assert.StartsWith("/Account/Authenticator", area.RedirectTarget());
    }

    [Fact]
    public async Task A_passkey_without_user_verification_or_from_another_origin_signs_nobody_in()
    {
        using var passkey = new SoftwarePasskey();
        var user = await AccountAsync(Roles.Candidate, authenticator: false, passkey);

        using (var client = new BrowserlessClient(portal))
        {
            var (response, principal) = await SignInWithPasskeyAsync(client, passkey, user, userVerified: false);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(principal);
        }
        using (var client = new BrowserlessClient(portal))
        {
            var (response, principal) = await SignInWithPasskeyAsync(client, passkey, user, origin: "http://evil.example");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(principal);
        }
        // An answer given once is not taken again: each sign-in has a challenge of its own.
        string credential;
        using (var client = new BrowserlessClient(portal))
        {
            var (_, html) = await client.GetAsync("/Account/Login");
            credential = passkey.Assert(await RequestOptionsAsync(client, "sign-in"), user.Id);
            using var first = await PostPasskeyAsync(client, "/Account/Login", html, "login-passkey", credential);
            Assert.NotNull(SignedIn(first));
        }
        using (var client = new BrowserlessClient(portal))
        {
            var (_, html) = await client.GetAsync("/Account/Login");
            await RequestOptionsAsync(client, "sign-in");
            using var replay = await PostPasskeyAsync(client, "/Account/Login", html, "login-passkey", credential);
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Null(SignedIn(replay));
        }
    }

    [Fact]
    public async Task An_admin_uses_a_passkey_as_the_second_factor_after_the_password()
    {
        using var passkey = new SoftwarePasskey();
        var admin = await AccountAsync(Roles.Admin, authenticator: true, passkey);
        using var client = new BrowserlessClient(portal);

        using var password = await client.SignInAsync(admin.Email!, Password);
        Assert.StartsWith("/Account/LoginWith2fa", password.RedirectTarget());
        var path = password.RedirectTarget();
        var (_, html) = await client.GetAsync(path);
        var options = await RequestOptionsAsync(client, "second-factor");
        // The challenge names this account's passkey.
        Assert.Contains(System.Buffers.Text.Base64Url.EncodeToString(passkey.CredentialId), options);

        using var response = await PostPasskeyAsync(client, path, html, "login-2fa-passkey", passkey.Assert(options, admin.Id));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.True(IsMultiFactor(SignedIn(response)));
        using var area = await client.Http.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, area.StatusCode);
    }

    [Fact]
    public async Task A_candidate_signed_in_with_a_password_passes_the_second_verification_with_a_passkey()
    {
        using var passkey = new SoftwarePasskey();
        var user = await AccountAsync(Roles.Candidate, authenticator: false, passkey);
        using var stranger = new SoftwarePasskey();
        var other = await AccountAsync(Roles.Candidate, authenticator: false, stranger);
        using var client = new BrowserlessClient(portal);
        using var signIn = await client.SignInAsync(user.Email!, Password);
        Assert.Equal("/", signIn.RedirectTarget());
        const string Path = "/Account/StepUp?returnUrl=%2Fme%2Freports";
        // A password alone does not add a passkey: the creation options are refused until the second verification.
        using (var refusedOptions = await client.Http.PostAsync(PasskeysExtensions.CreationOptionsPath, null))
            Assert.Equal(HttpStatusCode.Forbidden, refusedOptions.StatusCode);

        // Another account's passkey opens nothing here.
        var (_, html) = await client.GetAsync(Path);
        using (var refused = await PostPasskeyAsync(client, Path, html, "stepup-passkey",
                   stranger.Assert(await RequestOptionsAsync(client, "step-up"), other.Id)))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.False(StepUpSatisfied(refused, user.Id, StepUpPurposes.Reports));
        }

        (_, html) = await client.GetAsync(Path);
        var options = await RequestOptionsAsync(client, "step-up");
        Assert.Contains(System.Buffers.Text.Base64Url.EncodeToString(passkey.CredentialId), options);
        using var response = await PostPasskeyAsync(client, Path, html, "stepup-passkey", passkey.Assert(options, user.Id));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/me/reports", response.RedirectTarget());
        Assert.True(StepUpSatisfied(response, user.Id, StepUpPurposes.Reports));
        // And it opens the passkeys page's "add" for ten minutes: the cookie goes there too.
        var cookies = Microsoft.Net.Http.Headers.SetCookieHeaderValue.ParseList(response.Headers.GetValues("Set-Cookie").ToList());
        Assert.Contains(cookies, c => c.Name == StepUp.CookieName && c.Path == StepUp.PasskeysPath);
        using var creation = await client.Http.PostAsync(PasskeysExtensions.CreationOptionsPath, null);
        Assert.Equal(HttpStatusCode.OK, creation.StatusCode);
        Assert.Contains(System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(user.Id)), await creation.Content.ReadAsStringAsync());
    }

    private bool StepUpSatisfied(HttpResponseMessage response, string userId, string purpose)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var headers)) return false;
        var cookie = Microsoft.Net.Http.Headers.SetCookieHeaderValue.ParseList(headers.ToList())
            .FirstOrDefault(c => c.Name == StepUp.CookieName && c.Path == StepUp.Path && c.Expires is null);
        if (cookie is null) return false;
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = $"{cookie.Name}={cookie.Value}";
        return portal.Services.GetRequiredService<StepUp>().IsSatisfied(context, userId, purpose);
    }
}
