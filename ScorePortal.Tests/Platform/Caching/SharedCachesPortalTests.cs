using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Catalog;
using ScorePortal.Features.Results;
using ScorePortal.Features.Sessions;
using ScorePortal.Model;
using ScorePortal.Platform.Caching;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Platform.Caching;

/// <summary>
/// Two portal instances on one database and one redis-server: a catalog edit, a new session and a publication made
/// on A show on B (whose caches held the old state) within moments, a form A rendered posts to B, and Redis stopped
/// makes an instance cache alone with short expiries (health degraded) until it shares again. Waits are bounded polls
/// ("within a few seconds"); nothing asserts a duration.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class SharedCachesPortalTests(RedisServer redis)
{
    private const string Admin = "test-admin";

    private (PortalFactory A, PortalFactory B) TwoInstances(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Redis:KeyPrefix"] = RedisServer.NewPrefix(),
        };
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        var a = PortalFactory.With(settings);
        // B shares A's database (Data Protection keys, secrets) and its key folder: the same portal, another process.
        var b = PortalFactory.With(new Dictionary<string, string?>(settings)
        {
            ["ConnectionStrings:ScorePortal"] = a.ConnectionString,
            ["Security:KeyDirectory"] = a.Settings["Security:KeyDirectory"],
        });
        return (a, b);
    }

    /// <summary>Both instances started and hearing the channel (each probes Redis once at start, in the background).</summary>
    private static async Task<(SharedHybridCache A, SharedHybridCache B)> SharedAsync(PortalFactory a, PortalFactory b)
    {
        var cacheA = Assert.IsType<SharedHybridCache>(a.Services.GetRequiredService<HybridCache>());
        var cacheB = Assert.IsType<SharedHybridCache>(b.Services.GetRequiredService<HybridCache>());
        Assert.True(await RejoinAsync(cacheA));
        Assert.True(await RejoinAsync(cacheB));
        return (cacheA, cacheB);
    }

    [Fact]
    public async Task Without_redis_the_portal_keeps_the_frameworks_own_cache()
    {
        await using var portal = new PortalFactory();

        Assert.IsNotType<SharedHybridCache>(portal.Services.GetRequiredService<HybridCache>());
        using var client = OperatorClient(portal);
        Assert.DoesNotContain("\"caches\"", await client.GetStringAsync("/healthz"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exam_center_edited_on_A_shows_in_Bs_cached_catalog()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        await SharedAsync(a, b);
        var code = await FirstProvinceAsync(a);
        var catalogB = b.Services.GetRequiredService<ResultCatalog>();
        var before = (await catalogB.GetAsync()).Centers[code].NameZh; // B now holds the catalog for a minute
        var renamed = "考试中心" + Guid.NewGuid().ToString("N")[..6];

        await using (var scope = a.Services.CreateAsyncScope())
        {
            var saved = await scope.ServiceProvider.GetRequiredService<SaveProvince>()
                .HandleAsync(new SaveProvinceRequest(code, renamed, "Exam centre", null, null, null, null, Admin));
            Assert.True(saved.Succeeded, string.Join(", ", saved.Keys));
        }

        Assert.NotEqual(renamed, before);
        await UntilAsync(async () => (await catalogB.GetAsync()).Centers[code].NameZh == renamed, "B's catalog shows A's edit");
    }

    [Fact]
    public async Task A_session_created_on_A_shows_on_Bs_home_page()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        await SharedAsync(a, b);
        using var visitorB = new BrowserlessClient(b);
        var name = "共享缓存考试" + Guid.NewGuid().ToString("N")[..6];
        Assert.DoesNotContain(name, (await visitorB.GetAsync("/")).Html, StringComparison.Ordinal); // B caches the sessions

        var release = DateTimeOffset.UtcNow.AddDays(40);
        await using (var scope = a.Services.CreateAsyncScope())
        {
            var saved = await scope.ServiceProvider.GetRequiredService<SaveSession>().HandleAsync(new SaveSessionRequest(
                null, 2099, ExamHalf.H2, name, "Shared cache session", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(10)),
                DateOnly.FromDateTime(DateTime.UtcNow.AddDays(11)), release, release, release.AddDays(14), Admin));
            Assert.True(saved.Succeeded, string.Join(", ", saved.Keys));
        }

        await UntilAsync(async () => WebUtility.HtmlDecode((await visitorB.GetAsync("/")).Html).Contains(name, StringComparison.Ordinal),
            "B's home page lists the session A created");
    }

    [Fact]
    public async Task A_batch_published_on_A_releases_the_session_on_B()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        await SharedAsync(a, b);
        var (session, batchId) = await ApprovedEmptyBatchAsync(a);
        var sessionsB = b.Services.GetRequiredService<SessionCatalog>();
        var before = await sessionsB.ByCodeAsync(session.Code);
        Assert.NotNull(before); // B holds the session unpublished
        Assert.Null(before.PublishedAt);

        await using (var scope = a.Services.CreateAsyncScope())
        {
            var published = await scope.ServiceProvider.GetRequiredService<PublishBatch>().HandleAsync(new PublishBatchRequest(batchId, Admin));
            Assert.True(published.Succeeded, published.ErrorKey);
        }

        await UntilAsync(async () => (await sessionsB.ByCodeAsync(session.Code)) is { PublishedAt: not null } s && s.IsReleased(DateTimeOffset.UtcNow),
            "B's session catalog shows the session released");
    }

    [Fact]
    public async Task The_sign_in_form_rendered_by_A_posts_to_B_and_Bs_cookie_opens_As_pages()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        var email = $"c{Guid.NewGuid():N}@example.org";
        const string password = "Candidate#2026pass";
        await using (var scope = a.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Assert.True((await users.CreateAsync(user, password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Candidate)).Succeeded);
        }
        using var httpA = a.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        using var httpB = b.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

        // The form and its antiforgery cookie from A, as a browser keeps them; the load balancer sends the post to B.
        using var page = await httpA.GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var antiforgery = Cookie(page, ".AspNetCore.Antiforgery");
        var form = BrowserlessClient.HiddenFields(await page.Content.ReadAsStringAsync(), "login");
        form["Input.Email"] = email;
        form["Input.Password"] = password;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login") { Content = new FormUrlEncodedContent(form) };
        post.Headers.Add("Cookie", antiforgery);
        using var signedIn = await httpB.SendAsync(post);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var identity = Cookie(signedIn, "ScorePortal.Auth");
        // And back: the sign-in cookie B issued opens the candidate's page on A.
        using var me = new HttpRequestMessage(HttpMethod.Get, "/me");
        me.Headers.Add("Cookie", identity);
        using var mine = await httpA.SendAsync(me);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
    }

    [Fact]
    public async Task Redis_stopped_an_instance_caches_alone_briefly_and_shares_again_when_redis_is_back()
    {
        var (a, b) = TwoInstances(new() { ["Redis:Cache:ExpiryWhileAlone"] = "00:00:01" });
        await using var _a = a;
        await using var _b = b;
        var (cacheA, cacheB) = await SharedAsync(a, b);
        var code = await FirstProvinceAsync(a);
        var catalogA = a.Services.GetRequiredService<ResultCatalog>();
        await catalogA.GetAsync();
        using var client = OperatorClient(a);
        Assert.Contains("\"caches\":\"Healthy\"", await client.GetStringAsync("/healthz"), StringComparison.Ordinal);

        await redis.StopAsync();
        try
        {
            await UntilAsync(() => Task.FromResult(!cacheA.IsShared), "A notices that Redis is gone");
            Assert.Contains("\"caches\":\"Degraded\"", await client.GetStringAsync("/healthz"), StringComparison.Ordinal);
            // A change A cannot hear of (made by another instance while Redis is down): A's entries live a second now.
            var renamed = await RenameCenterInDatabaseAsync(a, code);
            await UntilAsync(async () => (await catalogA.GetAsync()).Centers[code].NameZh == renamed, "A converges on the database alone");
        }
        finally
        {
            await redis.StartAsync();
        }

        Assert.True(await RejoinAsync(cacheA));
        Assert.True(await RejoinAsync(cacheB));
        Assert.Contains("\"caches\":\"Healthy\"", await client.GetStringAsync("/healthz"), StringComparison.Ordinal);
        // Shared again: an edit on B reaches A's cache (which holds the catalog for its usual minute again).
        await catalogA.GetAsync();
        var again = "考试中心" + Guid.NewGuid().ToString("N")[..6];
        await using (var scope = b.Services.CreateAsyncScope())
        {
            var saved = await scope.ServiceProvider.GetRequiredService<SaveProvince>()
                .HandleAsync(new SaveProvinceRequest(code, again, "Exam centre", null, null, null, null, Admin));
            Assert.True(saved.Succeeded, string.Join(", ", saved.Keys));
        }
        await UntilAsync(async () => (await catalogA.GetAsync()).Centers[code].NameZh == again, "A's catalog shows B's edit");
    }

    private static async Task<bool> RejoinAsync(SharedHybridCache cache)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (await cache.ProbeAsync()) return true;
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>Polls <paramref name="condition"/> for up to ten seconds: "within a few seconds", not a measured time.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("not within ten seconds: " + what);
    }

    private static ScorePortalDbContext Db(PortalFactory portal) =>
        portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    /// <summary>A province and its exam center (a portal without demo data has none).</summary>
    private static async Task<string> FirstProvinceAsync(PortalFactory portal)
    {
        await using var db = Db(portal);
        if (await db.Provinces.OrderBy(p => p.Code).Select(p => p.Code).FirstOrDefaultAsync() is { } code) return code;
        db.Provinces.Add(new Province { Code = "11", NameZh = "北京市", NameEn = "Beijing", ExamCenterNameZh = "北京考试中心", ExamCenterNameEn = "Beijing exam centre" });
        await db.SaveChangesAsync();
        return "11";
    }

    private static async Task<string> RenameCenterInDatabaseAsync(PortalFactory portal, string code)
    {
        var renamed = "考试中心" + Guid.NewGuid().ToString("N")[..6];
        await using var db = Db(portal);
        var province = await db.Provinces.SingleAsync(p => p.Code == code);
        province.ExamCenterNameZh = renamed;
        await db.SaveChangesAsync();
        return renamed;
    }

    /// <summary>An unpublished session released in a month and an approved batch of it (no rows: publishing it marks the session).</summary>
    private static async Task<(ExamSession Session, int BatchId)> ApprovedEmptyBatchAsync(PortalFactory portal)
    {
        await using var db = Db(portal);
        var release = DateTimeOffset.UtcNow.AddDays(30);
        var session = new ExamSession
        {
            Code = ExamSession.CodeFor(2098, ExamHalf.H1), Year = 2098, Half = ExamHalf.H1, NameZh = "2098年上半年", NameEn = "2098 H1",
            ExamStartDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-20)), ExamEndDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-19)),
            ReleaseAt = release, ReviewOpensAt = release, ReviewClosesAt = release.AddDays(14),
        };
        db.ExamSessions.Add(session);
        await db.SaveChangesAsync();
        var batch = new ResultBatch
        {
            ExamSessionId = session.Id, Version = 1, FileName = session.Code + "-v1.csv", ContentSha256 = new string('a', 64),
            Fingerprint = new string('0', 64), Status = ResultBatchStatus.Validated, ImportedByUserId = "test-importer",
            ImportedAt = DateTimeOffset.UtcNow,
        };
        db.ResultBatches.Add(batch);
        await db.SaveChangesAsync();
        batch.Fingerprint = await BatchFingerprint.ComputeAsync(db, batch.Id, CancellationToken.None);
        batch.Status = ResultBatchStatus.Approved;
        batch.ApprovedByUserId = Admin;
        batch.ApprovedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
        return (session, batch.Id);
    }

    /// <summary>"name=value" of the cookies a response sets whose name starts so (a large one comes in chunks), for a Cookie header.</summary>
    private static string Cookie(HttpResponseMessage response, string name)
    {
        var cookies = response.Headers.GetValues("Set-Cookie").Where(c => c.StartsWith(name, StringComparison.Ordinal)).Select(c => c.Split(';')[0]).ToList();
        Assert.NotEmpty(cookies);
        return string.Join("; ", cookies);
    }

    /// <summary>/healthz names its checks to an operator on the machine (a loopback peer) only.</summary>
    private static HttpClient OperatorClient(PortalFactory portal)
    {
        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Add(TestPeerAddress.Header, "127.0.0.1");
        return client;
    }
}
