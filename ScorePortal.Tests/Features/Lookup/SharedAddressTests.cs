using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Account;
using ScorePortal.Data;
using ScorePortal.Features.Alerts;
using ScorePortal.Features.Captcha;
using ScorePortal.Features.Lookup;
using ScorePortal.Features.Me;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Limits;
using ScorePortal.Tests.Features.Me;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>
/// Issue #20, row 8: one address, many honest people (a school, an office, a carrier's NAT). The shipped defaults let an
/// honest crowd through and still stop an enumerator; a block covers the lookups only; a refused lookup gets its form
/// back with a fresh captcha and the wait in seconds. The portal's clock is a <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/>.
/// </summary>
public sealed class SharedAddressTests
{
    private const string Nat = "203.0.113.77";

    /// <summary>The shipped values of every per-address limit and monitor the test host switches off (PortalFactory.TestDefaults).</summary>
    private static Dictionary<string, string?> ShippedDefaults()
    {
        var lookup = new LookupLimitsOptions();
        var anomaly = new AnomalyOptions();
        var forms = new PublicFormLimitsOptions();
        var captcha = new CaptchaOptions();
        static string S(int value) => value.ToString(CultureInfo.InvariantCulture);
        return new()
        {
            ["Lookup:Limits:PerAddressPerMinute"] = S(lookup.PerAddressPerMinute),
            ["Lookup:Limits:PerIdNumberPer10Minutes"] = S(lookup.PerIdNumberPer10Minutes),
            ["Lookup:Limits:WrongNamesBeforeLock"] = S(lookup.WrongNamesBeforeLock),
            ["Lookup:Limits:WrongNamesBeforeDelay"] = S(lookup.WrongNamesBeforeDelay),
            ["Anomaly:LookupsPerAddress"] = S(anomaly.LookupsPerAddress),
            ["Anomaly:AddressesPerIdNumber"] = S(anomaly.AddressesPerIdNumber),
            ["Anomaly:ProvincesPerAddress"] = S(anomaly.ProvincesPerAddress),
            ["Anomaly:WrongCaptchasPerAddress"] = S(anomaly.WrongCaptchasPerAddress),
            ["Anomaly:WrongNamesPerAddress"] = S(anomaly.WrongNamesPerAddress),
            ["Anomaly:MissedIdNumbersPerAddress"] = S(anomaly.MissedIdNumbersPerAddress),
            ["PublicForms:PostsPerAddressPerMinute"] = S(forms.PostsPerAddressPerMinute),
            ["PublicForms:VerificationsPerAddressPerMinute"] = S(forms.VerificationsPerAddressPerMinute),
            ["Captcha:ImagesPerAddressPerMinute"] = S(captcha.ImagesPerAddressPerMinute),
            ["Captcha:NewPerAddressPerMinute"] = S(captcha.NewPerAddressPerMinute),
            ["Me:LinkLimits:WrongPerAddressPerHour"] = S(new LinkLimitsOptions().WrongPerAddressPerHour),
            ["Account:SignIn:CaptchaAfterAddressFailures"] = S(new SignInLimitsOptions().CaptchaAfterAddressFailures),
        };
    }

    private sealed record Person(string SessionCode, IdType IdType, string IdNumber, string Name);

    /// <summary>Candidates with a registration in a released session, each with that session.</summary>
    private static async Task<List<Person>> CrowdAsync(DemoPortal portal, int count)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var now = portal.Clock.GetUtcNow();
        var rows = await db.Registrations.AsNoTracking()
            .Where(r => r.ExamSession.PublishedAt != null)
            .Select(r => new { r.CandidateId, r.ExamSession.Code, r.ExamSession.ReleaseAt, r.Candidate.IdType, r.Candidate.IdNumber, r.Candidate.Name })
            .ToListAsync();
        return [.. rows.Where(r => r.ReleaseAt <= now).GroupBy(r => r.CandidateId).Select(g => g.First())
            .Select(r => new Person(r.Code, r.IdType, r.IdNumber, r.Name)).Take(count)];
    }

    private static BrowserlessClient From(PortalFactory portal, string address)
    {
        var client = new BrowserlessClient(portal);
        client.Http.DefaultRequestHeaders.Add(TestPeerAddress.Header, address);
        return client;
    }

    /// <summary>What a browser does: the page, its captcha picture (drawn into the page, or fetched when the page links it), then the post.</summary>
    private static async Task<(HttpStatusCode Status, string Html, HttpResponseMessage Response)> LookUpAsync(BrowserlessClient client,
        string session, IdType type, string idNumber, string name, string answer = PortalFactory.CaptchaTestAnswer, string path = "/lookup")
    {
        var (pageStatus, page) = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, pageStatus);
        var form = BrowserlessClient.HiddenFields(page, "lookup");
        await ShowsPictureAsync(client, page);
        form["Input.SessionCode"] = session;
        form["Input.IdType"] = type.ToString();
        form["Input.IdNumber"] = idNumber;
        form["Input.Name"] = name;
        form["Input.CaptchaAnswer"] = answer;
        var response = await client.Http.PostAsync(path, new FormUrlEncodedContent(form));
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), response);
    }

    /// <summary>The page's first captcha picture shows: drawn into the page (a BMP), or linked and served.</summary>
    private static async Task ShowsPictureAsync(BrowserlessClient client, string html)
    {
        var src = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "<img src=\"([^\"]*)\"[^>]*data-captcha-image").Groups[1].Value);
        if (src.StartsWith("data:image/bmp;base64,", StringComparison.Ordinal)) return;
        Assert.StartsWith("/captcha/image?t=", src);
        using var picture = await client.Http.GetAsync(src);
        Assert.Equal(HttpStatusCode.OK, picture.StatusCode);
    }

    /// <summary>A valid resident ID number nobody is registered under (an enumerator's guess).</summary>
    private static string Guess(int i)
    {
        var first17 = "44010619900101" + (100 + i).ToString("000", CultureInfo.InvariantCulture);
        return first17 + ResidentIdNumber.ComputeCheckDigit(first17);
    }

    [Fact]
    public async Task Three_hundred_candidates_behind_one_address_find_their_results_and_an_enumerator_there_is_still_stopped()
    {
        await using var portal = new DemoPortal(ShippedDefaults(), candidates: 400);
        var crowd = await CrowdAsync(portal, 300);
        Assert.Equal(300, crowd.Count);

        // Release day: 100 in the first minute, 200 over the next nine; every 10th mistypes the captcha once and every
        // 20th the name once, then tries again, as people do.
        for (var i = 0; i < crowd.Count; i++)
        {
            portal.Clock.Advance(TimeSpan.FromMilliseconds(i < 100 ? 600 : 2700));
            var p = crowd[i];
            using var client = From(portal, Nat);
            if (i % 10 == 5)
            {
                var (typoStatus, typo, typoResponse) = await LookUpAsync(client, p.SessionCode, p.IdType, p.IdNumber, p.Name, answer: "WRONG");
                typoResponse.Dispose();
                Assert.Equal(HttpStatusCode.OK, typoStatus);
                Assert.Contains("验证码不正确", typo);
            }
            if (i % 20 == 7)
            {
                var (missStatus, miss, missResponse) = await LookUpAsync(client, p.SessionCode, p.IdType, p.IdNumber, p.Name + "一");
                missResponse.Dispose();
                Assert.Equal(HttpStatusCode.OK, missStatus);
                Assert.Contains("lookup-not-found", miss);
            }
            var (status, html, response) = await LookUpAsync(client, p.SessionCode, p.IdType, p.IdNumber, p.Name);
            response.Dispose();
            Assert.True(status == HttpStatusCode.OK, $"candidate {i} got {(int)status}");
            Assert.True(html.Contains("result-sheet") || html.Contains("lookup-no-scores"), $"candidate {i} did not find the result: {Excerpt(html)}");
        }
        var detector = portal.Services.GetRequiredService<AnomalyDetector>();
        Assert.Equal(TimeSpan.Zero, await detector.BlockedForAsync(Nat));

        // An enumerator behind the same address: valid ID numbers nobody registered, any name. Stopped within 40 tries.
        var session = crowd[0].SessionCode;
        using var enumerator = From(portal, Nat);
        var stoppedAfter = -1;
        for (var i = 0; i < 40 && stoppedAfter < 0; i++)
        {
            var (status, html, response) = await LookUpAsync(enumerator, session, IdType.ResidentId, Guess(i), "张伟");
            response.Dispose();
            if (status == HttpStatusCode.TooManyRequests)
            {
                stoppedAfter = i;
                Assert.Contains("查询已暂停", html);
            }
        }
        Assert.True(stoppedAfter > 0, "the enumerator was never stopped");
        Assert.True(await detector.BlockedForAsync(Nat) > TimeSpan.Zero);
    }

    private static string Excerpt(string html)
    {
        var at = html.IndexOf("portal-alert", StringComparison.Ordinal);
        return at < 0 ? "(no message)" : html.Substring(at, Math.Min(300, html.Length - at));
    }

    /// <summary>Blocks the address as the monitors would (the rules are in AnomalyDetectorTests).</summary>
    private static async Task BlockAsync(PortalFactory portal, string address) =>
        await portal.Services.GetRequiredService<ILimitsStore>().BlockAsync(
            portal.Services.GetRequiredService<AnomalyDetector>().BlockKeyOf(ClientAddress.LimitKey(address)), TimeSpan.FromMinutes(15), AnomalyDetector.MissedIdNumbers);

    [Fact]
    public async Task A_blocked_address_gets_its_lookup_form_back_with_a_fresh_captcha_and_the_wait_in_seconds()
    {
        await using var portal = new DemoPortal(ShippedDefaults());
        var person = (await CrowdAsync(portal, 1))[0];
        await BlockAsync(portal, Nat);
        portal.Clock.Advance(TimeSpan.FromSeconds(20));
        using var client = From(portal, Nat);

        var (status, html, response) = await LookUpAsync(client, person.SessionCode, person.IdType, person.IdNumber, person.Name);
        using (response)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, status);
            Assert.Equal(TimeSpan.FromSeconds(880), response.Headers.RetryAfter?.Delta);
        }
        // The whole page: the form kept, a fresh captcha token, the wait in seconds (counted down by wait.js, plain text without it).
        Assert.Contains("data-testid=\"lookup-form\"", html);
        Assert.Contains(person.IdNumber, html);
        Assert.Contains("请在 <span data-wait-seconds data-testid=\"wait-seconds\">880</span> 秒后再试", html);
        Assert.Contains("/js/wait.js", html);
        Assert.DoesNotContain("result-sheet", html);
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"Input.CaptchaToken\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        await ShowsPictureAsync(client, html);

        // The same address in English.
        using var english = From(portal, Nat);
        var (_, englishHtml, englishResponse) = await LookUpAsync(english, person.SessionCode, person.IdType, person.IdNumber, person.Name,
            path: "/lookup?culture=en-US");
        englishResponse.Dispose();
        Assert.Contains("Please try again in <span data-wait-seconds data-testid=\"wait-seconds\">880</span> seconds.", englishHtml);
    }

    [Fact]
    public async Task Over_the_per_address_minute_the_form_comes_back_with_the_seconds_until_a_lookup_is_free()
    {
        await using var portal = new DemoPortal(new Dictionary<string, string?>(ShippedDefaults()) { ["Lookup:Limits:PerAddressPerMinute"] = "2" });
        var person = (await CrowdAsync(portal, 1))[0];
        using var client = From(portal, Nat);

        for (var i = 0; i < 2; i++)
        {
            var (ok, _, r) = await LookUpAsync(client, person.SessionCode, person.IdType, person.IdNumber, person.Name);
            r.Dispose();
            Assert.Equal(HttpStatusCode.OK, ok);
            portal.Clock.Advance(TimeSpan.FromSeconds(10));
        }
        var (status, html, response) = await LookUpAsync(client, person.SessionCode, person.IdType, person.IdNumber, person.Name);
        using (response)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, status);
            // The first lookup of the minute leaves the window 40 s from now (and a moment): rounded up, 41.
            Assert.Equal(TimeSpan.FromSeconds(41), response.Headers.RetryAfter?.Delta);
        }
        Assert.Contains("查询过于频繁，请在 <span data-wait-seconds data-testid=\"wait-seconds\">41</span> 秒后再试", html);
        Assert.Contains("data-testid=\"lookup-form\"", html);
        Assert.Contains("data-captcha-token", html);
        // Counted for the yearly data-security report (Operations/ThrottleTally): one lookup turned away, no form.
        Assert.Equal((1L, 0L), portal.Services.GetRequiredService<ScorePortal.Operations.ThrottleTally>().Take());
    }

    [Fact]
    public async Task A_block_never_stops_sign_in_the_candidate_area_or_the_admin_area()
    {
        await using var portal = new DemoPortal(ShippedDefaults());
        await BlockAsync(portal, Nat);

        // An admin behind the blocked address signs in (password, then authenticator) and opens the admin area.
        await Authenticators.EnrollAsync(portal, "admin@scoreportal.demo");
        using var admin = From(portal, Nat);
        using var password = await admin.SignInAsync("admin@scoreportal.demo", portal.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.StartsWith("/Account/LoginWith2fa", password.RedirectTarget());
        var code = await Authenticators.NextCodeAsync(portal, "admin@scoreportal.demo");
        using var second = await admin.SubmitAsync(password.RedirectTarget(), "login-2fa", new Dictionary<string, string> { ["Input.Code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin")).Status);

        // A candidate behind it signs in and posts in the candidate area (linking a record needs the captcha too).
        var email = $"c{Guid.NewGuid():N}@example.org";
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Assert.True((await users.CreateAsync(user, CandidateTestSupport.Password)).Succeeded);
            await users.AddToRoleAsync(user, ScorePortal.Security.Roles.Candidate);
        }
        using var candidate = From(portal, Nat);
        using var signIn = await candidate.SignInAsync(email, CandidateTestSupport.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        using var link = await CandidateTestSupport.LinkAsync(candidate, IdType.ResidentId, "440106199509216119", "刘洋", "X");
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        using var challenge = await candidate.Http.GetAsync("/captcha/new");
        Assert.Equal(HttpStatusCode.OK, challenge.StatusCode);

        // The lookups from that address are what is blocked.
        using var lookup = From(portal, Nat);
        var (status, _, response) = await LookUpAsync(lookup, "X", IdType.ResidentId, "440106199509216119", "刘洋");
        response.Dispose();
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
    }
}
