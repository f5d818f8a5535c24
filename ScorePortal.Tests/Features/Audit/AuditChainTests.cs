using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Audit;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Audit;

public sealed class AuditChainTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private async Task<List<AuditEntry>> WriteAsync(int count, string marker)
    {
        var log = portal.Services.GetRequiredService<AuditLog>();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => log.WriteDurableAsync(new AuditRecord(
            "test.event", ActorUserId: "u-" + i, TargetType: "test", TargetId: marker + i, SourceIp: "203.0.113.7",
            Data: new Dictionary<string, string?> { ["n"] = i.ToString(), ["marker"] = marker }))));
        await using var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    [Fact]
    public async Task Concurrent_writes_form_one_gap_free_chain_without_plain_addresses()
    {
        var entries = await WriteAsync(200, "concurrent");

        Assert.Null(AuditChain.FirstBroken(entries));
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.All(entries.Where(e => e.Action == "test.event"), e =>
        {
            Assert.NotNull(e.SourceIpHash);
            Assert.DoesNotContain("203.0.113.7", e.SourceIpHash);
        });
    }

    [Fact]
    public async Task Editing_deleting_or_reordering_an_entry_is_located_exactly()
    {
        var entries = await WriteAsync(10, "tamper");
        Assert.Null(AuditChain.FirstBroken(entries));
        var victim = entries[entries.Count / 2];

        var edited = entries.Select(Clone).ToList();
        edited[entries.Count / 2].DataJson = "{\"n\":\"999\"}";
        Assert.Equal(victim.Sequence, AuditChain.FirstBroken(edited));

        var deleted = entries.Where(e => e.Sequence != victim.Sequence).ToList();
        Assert.Equal(victim.Sequence, AuditChain.FirstBroken(deleted));

        var reordered = entries.Select(Clone).ToList();
        (reordered[entries.Count / 2], reordered[entries.Count / 2 + 1]) = (reordered[entries.Count / 2 + 1], reordered[entries.Count / 2]);
        Assert.Equal(victim.Sequence, AuditChain.FirstBroken(reordered));

        // Rewriting a row and recomputing its own hash still breaks the link to the next entry.
        var rehashed = entries.Select(Clone).ToList();
        rehashed[entries.Count / 2].ActorUserId = "someone-else";
        rehashed[entries.Count / 2].Hash = AuditChain.ComputeHash(rehashed[entries.Count / 2]);
        Assert.Equal(victim.Sequence + 1, AuditChain.FirstBroken(rehashed));
    }

    [Fact]
    public async Task The_chain_continues_after_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("scoreportal-audit-");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:ScorePortal"] = $"Data Source={Path.Combine(folder.FullName, "audit.db")}",
            ["Security:KeyDirectory"] = Path.Combine(folder.FullName, "keys"),
        };
        try
        {
            await using (var first = PortalFactory.With(settings))
                await first.Services.GetRequiredService<AuditLog>().WriteDurableAsync(new AuditRecord("test.before-restart"));

            await using var second = PortalFactory.With(settings);
            await second.Services.GetRequiredService<AuditLog>().WriteDurableAsync(new AuditRecord("test.after-restart"));

            await using var db = second.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
            var all = await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
            Assert.Equal(["test.before-restart", "test.after-restart"], all.Select(e => e.Action));
            Assert.Null(AuditChain.FirstBroken(all));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static AuditEntry Clone(AuditEntry e) => new()
    {
        Id = e.Id, Sequence = e.Sequence, At = e.At, ActorUserId = e.ActorUserId, ActorRole = e.ActorRole, Action = e.Action,
        TargetType = e.TargetType, TargetId = e.TargetId, SourceIpHash = e.SourceIpHash, DataJson = e.DataJson,
        PreviousHash = e.PreviousHash, Hash = e.Hash,
    };
}

public sealed class VerifyAuditCommandTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task The_command_reports_an_intact_chain_and_then_the_exact_edited_entry()
    {
        var log = portal.Services.GetRequiredService<AuditLog>();
        for (var i = 0; i < 5; i++) await log.WriteDurableAsync(new AuditRecord("test.command", TargetId: i.ToString()));
        var intact = new StringWriter();

        Assert.Equal(0, await VerifyAuditCommand.Command.RunAsync(portal.Services, new([]), intact));
        Assert.Contains("intact: 5 entries", intact.ToString());

        await using (var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext())
            await db.Database.ExecuteSqlRawAsync("UPDATE AuditEntries SET TargetId = 'forged' WHERE Sequence = 3");
        var broken = new StringWriter();

        Assert.Equal(1, await VerifyAuditCommand.Command.RunAsync(portal.Services, new([]), broken));
        Assert.Contains("broken at entry #3", broken.ToString());
    }
}

public sealed class AuditCheckpointTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_chain_rewritten_with_recomputed_hashes_is_caught_by_the_signed_checkpoint()
    {
        var log = portal.Services.GetRequiredService<AuditLog>();
        for (var i = 0; i < 6; i++) await log.WriteDurableAsync(new AuditRecord("test.checkpoint", TargetId: i.ToString()));
        var checkpoints = portal.Services.GetRequiredService<AuditCheckpoints>();
        var signed = await checkpoints.CreateAsync();
        Assert.NotNull(signed);
        Assert.Null(await checkpoints.CreateAsync()); // nothing new since
        Assert.True((await checkpoints.VerifyAsync()).Intact);

        // An attacker edits entry 3 and recomputes every later hash: the links hold, the signature does not.
        await using (var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext())
        {
            var entries = await db.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
            entries[2].TargetId = "rewritten";
            for (var i = 2; i < entries.Count; i++)
            {
                entries[i].PreviousHash = entries[i - 1].Hash;
                entries[i].Hash = AuditChain.ComputeHash(entries[i]);
            }
            await db.SaveChangesAsync();
        }

        var result = await checkpoints.VerifyAsync();
        Assert.Null(result.FirstBrokenSequence);
        Assert.Equal(signed!.Id, result.FirstBadCheckpointId);
        var output = new StringWriter();
        Assert.Equal(1, await VerifyAuditCommand.Command.RunAsync(portal.Services, new([]), output));
        Assert.Contains("was rewritten", output.ToString());
    }

    [Fact]
    public async Task Checkpoints_export_only_to_admins()
    {
        var log = portal.Services.GetRequiredService<AuditLog>();
        await log.WriteDurableAsync(new AuditRecord("test.export", TargetId: "1"));
        var signed = await portal.Services.GetRequiredService<AuditCheckpoints>().CreateAsync();
        using var anonymous = new BrowserlessClient(portal);
        using var staff = await SignedInWithSecondFactorAsync("export.staff@example.com", Roles.Staff);
        using var admin = await SignedInWithSecondFactorAsync("export.admin@example.com", Roles.Admin);

        using var anonymousResponse = await anonymous.Http.GetAsync("/admin/audit/checkpoints.json");
        using var staffResponse = await staff.Http.GetAsync("/admin/audit/checkpoints.json");
        using var adminResponse = await admin.Http.GetAsync("/admin/audit/checkpoints.json");

        // A machine endpoint answers 401 rather than redirecting to the sign-in page.
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymousResponse.StatusCode);
        // Staff have a second factor too, but not the role: no checkpoints for them.
        Assert.NotEqual(System.Net.HttpStatusCode.OK, staffResponse.StatusCode);
        Assert.DoesNotContain("publicKeyPem", await staffResponse.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.OK, adminResponse.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(await adminResponse.Content.ReadAsStringAsync());
        Assert.Equal(portal.Services.GetRequiredService<AuditSigner>().PublicKeyPem, json.RootElement.GetProperty("publicKeyPem").GetString());
        Assert.Contains(json.RootElement.GetProperty("checkpoints").EnumerateArray(),
            c => c.GetProperty("hash").GetString() == signed!.Hash);
    }

    /// <summary>A new account of <paramref name="role"/>, signed in with password and authenticator code (amr=mfa).</summary>
    private async Task<BrowserlessClient> SignedInWithSecondFactorAsync(string email, string role)
    {
        const string password = "Checkpoint#2026pass";
        string key;
        using (var scope = portal.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, ProvinceCode = role == Roles.Staff ? "11" : null };
            Assert.True((await users.CreateAsync(user, password)).Succeeded);
            await users.AddToRoleAsync(user, role);
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
        }
        var client = new BrowserlessClient(portal);
        using var first = await client.SignInAsync(email, password);
        Assert.StartsWith("/Account/LoginWith2fa", first.RedirectTarget());
        var code = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key)).ComputeTotp(portal.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        using var second = await client.SubmitAsync(first.RedirectTarget(), "login-2fa", new Dictionary<string, string> { ["Input.Code"] = code });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, second.StatusCode);
        return client;
    }
}
