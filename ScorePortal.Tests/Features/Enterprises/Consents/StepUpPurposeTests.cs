using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;
using ScorePortal.Account;

namespace ScorePortal.Tests.Features.Enterprises.Consents;

/// <summary>The second verification's cookie: the purposes it covers, whose it is, where it is sent and for how long.</summary>
public sealed class StepUpPurposeTests
{
    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "ScorePortal";
        public string ContentRootPath { get; set; } = "/";
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly StepUp _stepUp;

    public StepUpPurposeTests() => _stepUp = new StepUp(new EphemeralDataProtectionProvider(), _clock, new Environment());

    private (SetCookieHeaderValue Cookie, IReadOnlyList<SetCookieHeaderValue> All) Grant(string userId)
    {
        var context = new DefaultHttpContext();
        _stepUp.Grant(context, userId);
        var all = SetCookieHeaderValue.ParseList(context.Response.Headers.SetCookie.OfType<string>().ToList());
        // The same value also goes to the passkeys page (adding a passkey asks for the verification first).
        return (all.Single(c => c.Name == StepUp.CookieName && c.Expires is null && c.Path == StepUp.Path), all.ToList());
    }

    private static HttpContext Carrying(SetCookieHeaderValue cookie)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = $"{cookie.Name}={cookie.Value}";
        return context;
    }

    [Fact]
    public void One_verification_covers_reports_and_consents_for_ten_minutes_for_its_own_account_only()
    {
        var (cookie, all) = Grant("user-a");

        Assert.Equal("/me", cookie.Path.ToString());
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Secure);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Strict, cookie.SameSite);
        Assert.Equal(StepUp.Lifetime, cookie.MaxAge);
        // The cookie of the reports-only days is cleared, so it can never shadow this one under /me/reports.
        Assert.Contains(all, c => c.Name == StepUp.CookieName && c.Path == "/me/reports" && c.Expires < DateTimeOffset.UtcNow);
        Assert.Contains(all, c => c.Name == StepUp.CookieName && c.Path == StepUp.PasskeysPath && c.Value == cookie.Value && c.HttpOnly);

        var request = Carrying(cookie);
        Assert.True(_stepUp.IsSatisfied(request, "user-a", StepUpPurposes.Reports));
        Assert.True(_stepUp.IsSatisfied(request, "user-a", StepUpPurposes.Consents));
        Assert.False(_stepUp.IsSatisfied(request, "user-a", "delete-account"));
        Assert.False(_stepUp.IsSatisfied(request, "user-b", StepUpPurposes.Consents));

        _clock.Advance(StepUp.Lifetime);
        Assert.False(_stepUp.IsSatisfied(request, "user-a", StepUpPurposes.Consents));
    }

    [Fact]
    public void An_altered_or_foreign_value_opens_nothing()
    {
        var (cookie, _) = Grant("user-a");
        var altered = new SetCookieHeaderValue(cookie.Name, cookie.Value.ToString()[..^2] + (cookie.Value.ToString().EndsWith('A') ? "BB" : "AA"));
        Assert.False(_stepUp.IsSatisfied(Carrying(altered), "user-a", StepUpPurposes.Reports));

        var other = new StepUp(new EphemeralDataProtectionProvider(), _clock, new Environment());
        Assert.False(other.IsSatisfied(Carrying(cookie), "user-a", StepUpPurposes.Reports));
        Assert.False(_stepUp.IsSatisfied(new DefaultHttpContext(), "user-a", StepUpPurposes.Reports));
    }
}
