using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Admin;
using ScorePortal.Platform.Audit;
using static ScorePortal.Tests.Features.Enterprises.Admin.EnterpriseTestSupport;

namespace ScorePortal.Tests.Features.Enterprises.Admin;

/// <summary>The admin's use cases on enterprises and their keys, on a real SQLite file with a clock the tests move.</summary>
public sealed class EnterpriseUseCaseTests(EnterpriseTestPortal portal) : IClassFixture<EnterpriseTestPortal>
{
    private Task<EditResult> Run<TCase>(Func<TCase, Task<EditResult>> action) where TCase : notnull => RunAsync(portal, action);

    private Task<IssuedKey> RunKey<TCase>(Func<TCase, Task<IssuedKey>> action) where TCase : notnull => RunAsync(portal, action);

    private async Task<ApiKey> KeyAsync(int id)
    {
        await using var db = Db(portal);
        return await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id);
    }

    [Fact]
    public async Task Registering_stores_the_enterprise_active_with_its_code_normalized_and_audits_it()
    {
        var code = NewCreditCode();
        var typed = code[..4].ToLowerInvariant() + " " + code[4..];

        var result = await Run<RegisterEnterprise>(h => h.HandleAsync(new RegisterEnterpriseRequest(
            new EnterpriseDetails(" 华东软件股份有限公司 ", typed, "李主管", "li@example.com", null, "核验员工证书"), AdminId)));

        Assert.True(result.Succeeded, string.Join(", ", result.Keys));
        await using var db = Db(portal);
        var stored = await db.Enterprises.AsNoTracking().SingleAsync(e => e.Id == result.Id);
        Assert.Equal(("华东软件股份有限公司", code, "李主管", "li@example.com", false, ""), (stored.Name, stored.CreditCode, stored.ContactName, stored.ContactEmail, stored.IsSuspended, stored.AllowedNetworks));
        Assert.Equal(portal.Clock.GetUtcNow(), stored.CreatedAt);
        var entry = Assert.Single(await AuditAsync(portal, AuditActions.EnterpriseRegister, "enterprise", result.Id!.Value.ToString()));
        Assert.Equal(AdminId, entry.ActorUserId);
        Assert.DoesNotContain("li@example.com", entry.DataJson); // no contact in the audit log
    }

    [Fact]
    public async Task A_credit_code_with_a_wrong_check_character_or_form_is_refused_under_its_field()
    {
        var code = NewCreditCode();
        var wrongCheck = code[..17] + (code[17] == '0' ? '1' : '0');

        var check = await Run<RegisterEnterprise>(h => h.HandleAsync(new RegisterEnterpriseRequest(Details(code: wrongCheck), AdminId)));
        var form = await Run<RegisterEnterprise>(h => h.HandleAsync(new RegisterEnterpriseRequest(Details(code: "91ABCDEF802100433B"), AdminId)));
        var empty = await Run<RegisterEnterprise>(h => h.HandleAsync(new RegisterEnterpriseRequest(
            new EnterpriseDetails("", "", "", "not-an-email", "phone?", ""), AdminId)));

        Assert.Equal(new EditError("CreditCode", EnterpriseDetails.CreditCodeCheck), Assert.Single(check.Errors));
        Assert.Equal(new EditError("CreditCode", EnterpriseDetails.CreditCodeFormat), Assert.Single(form.Errors));
        Assert.Equal(["Name", "CreditCode", "ContactName", "ContactEmail", "ContactPhone", "Purpose"], empty.Errors.Select(e => e.Field));
        Assert.Contains(empty.Errors, e => e is { Field: "ContactEmail", Key: EnterpriseDetails.EmailFormat });
    }

    [Fact]
    public async Task One_credit_code_is_one_enterprise()
    {
        var code = NewCreditCode();
        Assert.True((await Run<RegisterEnterprise>(h => h.HandleAsync(new RegisterEnterpriseRequest(Details(code: code), AdminId)))).Succeeded);
        var other = await RegisterAsync(portal);

        var again = await Run<RegisterEnterprise>(h => h.HandleAsync(new RegisterEnterpriseRequest(Details(code: code), AdminId)));
        var edit = await Run<UpdateEnterprise>(h => h.HandleAsync(new UpdateEnterpriseRequest(other, Details(code: code), AdminId)));

        Assert.Equal(new EditError("CreditCode", EnterpriseDetails.CreditCodeTaken), Assert.Single(again.Errors));
        Assert.Equal(new EditError("CreditCode", EnterpriseDetails.CreditCodeTaken), Assert.Single(edit.Errors));
        await using var db = Db(portal);
        Assert.Equal(1, await db.Enterprises.CountAsync(e => e.CreditCode == code));
    }

    [Fact]
    public async Task An_edit_over_another_admins_save_is_refused_and_the_changed_fields_are_audited()
    {
        var id = await RegisterAsync(portal);
        string version;
        await using (var db = Db(portal)) version = EnterpriseDetails.VersionOf(await db.Enterprises.SingleAsync(e => e.Id == id));
        var first = Details(name: "改名后的公司") with { CreditCode = null };
        await using (var db = Db(portal)) first = first with { CreditCode = (await db.Enterprises.SingleAsync(e => e.Id == id)).CreditCode };

        var saved = await Run<UpdateEnterprise>(h => h.HandleAsync(new UpdateEnterpriseRequest(id, first, AdminId, version)));
        var stale = await Run<UpdateEnterprise>(h => h.HandleAsync(new UpdateEnterpriseRequest(id, first with { Purpose = "另一目的" }, "other-admin", version)));

        Assert.True(saved.Succeeded);
        Assert.Equal(EditVersion.Stale, Assert.Single(stale.Errors).Key);
        var entry = Assert.Single(await AuditAsync(portal, AuditActions.EnterpriseUpdate, "enterprise", id.ToString()));
        Assert.Contains("Name", entry.DataJson);
        Assert.DoesNotContain("改名后的公司", entry.DataJson);
    }

    [Fact]
    public async Task The_allow_list_is_stored_canonical_and_a_bad_line_refuses_the_whole_list()
    {
        var id = await RegisterAsync(portal);

        var refused = await Run<UpdateAllowedNetworks>(h => h.HandleAsync(new UpdateAllowedNetworksRequest(id, "203.0.113.0/24\nbogus\n2001:DB8::/32", AdminId)));
        await using (var db = Db(portal)) Assert.Equal("", (await db.Enterprises.SingleAsync(e => e.Id == id)).AllowedNetworks);
        var saved = await Run<UpdateAllowedNetworks>(h => h.HandleAsync(new UpdateAllowedNetworksRequest(id, " 203.0.113.0/24 # office\n\n2001:DB8::/32", AdminId)));
        var cleared = await Run<UpdateAllowedNetworks>(h => h.HandleAsync(new UpdateAllowedNetworksRequest(id, "", AdminId)));

        var error = Assert.Single(refused.Errors);
        Assert.Equal(("AllowedNetworks", AllowedNetworks.BadLine), (error.Field, error.Key));
        Assert.Equal([2, "bogus"], error.Args);
        Assert.True(saved.Succeeded);
        Assert.True(cleared.Succeeded);
        var entries = await AuditAsync(portal, AuditActions.EnterpriseNetworks, "enterprise", id.ToString());
        Assert.Equal(2, entries.Count);
        Assert.Contains("\"blocks\":\"2\"", entries[0].DataJson);
        await using var after = Db(portal);
        Assert.Equal("", (await after.Enterprises.SingleAsync(e => e.Id == id)).AllowedNetworks);
    }

    [Fact]
    public async Task The_allow_list_keeps_the_canonical_form_the_API_reads()
    {
        var id = await RegisterAsync(portal);

        await Run<UpdateAllowedNetworks>(h => h.HandleAsync(new UpdateAllowedNetworksRequest(id, "2001:DB8:0:0::/64\n198.51.100.7", AdminId)));

        await using var db = Db(portal);
        var stored = (await db.Enterprises.SingleAsync(e => e.Id == id)).AllowedNetworks;
        Assert.Equal("2001:db8::/64\n198.51.100.7/32", stored);
        Assert.True(AllowedNetworks.Contains(stored, System.Net.IPAddress.Parse("::ffff:198.51.100.7")));
        Assert.False(AllowedNetworks.Contains(stored, System.Net.IPAddress.Parse("198.51.100.8")));
    }

    [Fact]
    public async Task Suspending_and_reactivating_change_the_row_once_each_and_a_suspended_enterprise_gets_no_key()
    {
        var id = await RegisterAsync(portal);

        var suspended = await Run<SuspendEnterprise>(h => h.HandleAsync(new SuspendEnterpriseRequest(id, true, AdminId)));
        var twice = await Run<SuspendEnterprise>(h => h.HandleAsync(new SuspendEnterpriseRequest(id, true, AdminId)));
        var key = await RunKey<IssueApiKey>(h => h.HandleAsync(new IssueApiKeyRequest(id, "HR", 60, 1000, AdminId)));
        await using (var db = Db(portal)) Assert.Equal(portal.Clock.GetUtcNow(), (await db.Enterprises.SingleAsync(e => e.Id == id)).SuspendedAt);
        var reactivated = await Run<SuspendEnterprise>(h => h.HandleAsync(new SuspendEnterpriseRequest(id, false, AdminId)));
        var again = await Run<SuspendEnterprise>(h => h.HandleAsync(new SuspendEnterpriseRequest(id, false, AdminId)));

        Assert.True(suspended.Succeeded);
        Assert.Equal(SuspendEnterprise.AlreadySuspended, Assert.Single(twice.Errors).Key);
        Assert.Equal(IssueApiKey.Suspended, Assert.Single(key.Result.Errors).Key);
        Assert.Null(key.Key);
        Assert.True(reactivated.Succeeded);
        Assert.Equal(SuspendEnterprise.NotSuspended, Assert.Single(again.Errors).Key);
        Assert.Single(await AuditAsync(portal, AuditActions.EnterpriseSuspend, "enterprise", id.ToString()));
        Assert.Single(await AuditAsync(portal, AuditActions.EnterpriseReactivate, "enterprise", id.ToString()));
    }

    [Fact]
    public async Task An_issued_key_is_returned_once_and_only_its_SHA256_and_prefix_are_stored()
    {
        var id = await RegisterAsync(portal);

        var issued = await RunKey<IssueApiKey>(h => h.HandleAsync(new IssueApiKeyRequest(id, " Payroll ", 120, 20_000, AdminId)));

        Assert.True(issued.Succeeded);
        Assert.True(ApiKeySecrets.LooksLikeKey(issued.Key));
        var key = await KeyAsync(issued.Result.Id!.Value);
        Assert.Equal(("Payroll", issued.Key![..ApiKeySecrets.PrefixLength], 120, 20_000), (key.Label, key.Prefix, key.RateLimitPerMinute, key.DailyQuota));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(issued.Key)), key.Hash);
        Assert.True(key.IsUsable(portal.Clock.GetUtcNow()));
        var entry = Assert.Single(await AuditAsync(portal, AuditActions.ApiKeyIssue, "api-key", key.Id.ToString()));
        Assert.DoesNotContain(issued.Key, entry.DataJson);
        await using var db = Db(portal);
        Assert.False(await db.ApiKeys.AnyAsync(k => k.Prefix == issued.Key)); // the whole key is nowhere
    }

    [Fact]
    public async Task Limits_out_of_range_and_a_missing_label_are_refused()
    {
        var id = await RegisterAsync(portal);
        var (keyId, _) = await IssueAsync(portal, id);

        var issue = await RunKey<IssueApiKey>(h => h.HandleAsync(new IssueApiKeyRequest(id, " ", 0, ApiKeyLimits.MaxDailyQuota + 1, AdminId)));
        var update = await Run<UpdateKeyLimits>(h => h.HandleAsync(new UpdateKeyLimitsRequest(id, keyId, ApiKeyLimits.MaxRatePerMinute + 1, 10, AdminId)));
        var changed = await Run<UpdateKeyLimits>(h => h.HandleAsync(new UpdateKeyLimitsRequest(id, keyId, 30, 500, AdminId)));

        Assert.Equal(["Label", "RateLimitPerMinute", "DailyQuota"], issue.Result.Errors.Select(e => e.Field));
        Assert.Equal(ApiKeyLimits.RateRange, Assert.Single(update.Errors).Key);
        Assert.True(changed.Succeeded);
        var key = await KeyAsync(keyId);
        Assert.Equal((30, 500), (key.RateLimitPerMinute, key.DailyQuota));
        var entry = Assert.Single(await AuditAsync(portal, AuditActions.ApiKeyLimits, "api-key", keyId.ToString()));
        Assert.Contains("\"ratePerMinuteBefore\":\"60\"", entry.DataJson);
        Assert.Contains("\"ratePerMinute\":\"30\"", entry.DataJson);
    }

    [Fact]
    public async Task Rotation_keeps_the_old_key_for_the_overlap_then_never_again()
    {
        var id = await RegisterAsync(portal);
        var (oldId, oldKey) = await IssueAsync(portal, id, "HR system");
        await Run<UpdateKeyLimits>(h => h.HandleAsync(new UpdateKeyLimitsRequest(id, oldId, 45, 4_500, AdminId)));
        var rotatedAt = portal.Clock.GetUtcNow();

        var rotated = await RunKey<RotateApiKey>(h => h.HandleAsync(new RotateApiKeyRequest(id, oldId, RotateApiKey.DefaultOverlapDays, AdminId)));

        Assert.True(rotated.Succeeded);
        Assert.NotEqual(oldKey, rotated.Key);
        var old = await KeyAsync(oldId);
        var successor = await KeyAsync(rotated.Result.Id!.Value);
        Assert.Equal(rotatedAt.AddDays(7), old.ExpiresAt);
        Assert.Equal(successor.Id, old.ReplacedByKeyId);
        Assert.Equal(("HR system", 45, 4_500, (DateTimeOffset?)null), (successor.Label, successor.RateLimitPerMinute, successor.DailyQuota, successor.ExpiresAt));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(rotated.Key!)), successor.Hash);
        Assert.True(old.IsUsable(rotatedAt.AddDays(7).AddSeconds(-1)));
        Assert.False(old.IsUsable(rotatedAt.AddDays(7)));
        Assert.True(successor.IsUsable(rotatedAt.AddDays(8)));
        var entry = Assert.Single(await AuditAsync(portal, AuditActions.ApiKeyRotate, "api-key", oldId.ToString()));
        Assert.Contains($"\"successorId\":\"{successor.Id}\"", entry.DataJson);

        // A key is rotated once; its successor rotates on.
        var twice = await RunKey<RotateApiKey>(h => h.HandleAsync(new RotateApiKeyRequest(id, oldId, 7, AdminId)));
        Assert.Equal(RotateApiKey.NotRotatable, Assert.Single(twice.Result.Errors).Key);
        Assert.Null(twice.Key);
        await using var db = Db(portal);
        Assert.Equal(2, await db.ApiKeys.CountAsync(k => k.EnterpriseId == id));
    }

    [Fact]
    public async Task Rotation_with_no_overlap_ends_the_old_key_at_once_and_the_overlap_is_bounded()
    {
        var id = await RegisterAsync(portal);
        var (oldId, _) = await IssueAsync(portal, id);

        var tooLong = await RunKey<RotateApiKey>(h => h.HandleAsync(new RotateApiKeyRequest(id, oldId, RotateApiKey.MaxOverlapDays + 1, AdminId)));
        var negative = await RunKey<RotateApiKey>(h => h.HandleAsync(new RotateApiKeyRequest(id, oldId, -1, AdminId)));
        var now = await RunKey<RotateApiKey>(h => h.HandleAsync(new RotateApiKeyRequest(id, oldId, 0, AdminId)));

        Assert.Equal(RotateApiKey.OverlapRange, Assert.Single(tooLong.Result.Errors).Key);
        Assert.Equal(RotateApiKey.OverlapRange, Assert.Single(negative.Result.Errors).Key);
        Assert.True(now.Succeeded);
        Assert.False((await KeyAsync(oldId)).IsUsable(portal.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task A_key_of_another_enterprise_is_not_found_by_this_enterprises_page()
    {
        var mine = await RegisterAsync(portal);
        var theirs = await RegisterAsync(portal);
        var (theirKey, _) = await IssueAsync(portal, theirs);

        var revoke = await Run<RevokeApiKey>(h => h.HandleAsync(new RevokeApiKeyRequest(mine, theirKey, AdminId)));
        var rotate = await RunKey<RotateApiKey>(h => h.HandleAsync(new RotateApiKeyRequest(mine, theirKey, 7, AdminId)));
        var limits = await Run<UpdateKeyLimits>(h => h.HandleAsync(new UpdateKeyLimitsRequest(mine, theirKey, 1, 1, AdminId)));

        Assert.All(new[] { revoke, rotate.Result, limits }, r => Assert.Equal(RotateApiKey.KeyNotFound, Assert.Single(r.Errors).Key));
        Assert.True((await KeyAsync(theirKey)).IsUsable(portal.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Revocation_is_effective_at_once_even_during_a_rotation_overlap()
    {
        var id = await RegisterAsync(portal);
        var (oldId, _) = await IssueAsync(portal, id);
        var rotated = await RunKey<RotateApiKey>(h => h.HandleAsync(new RotateApiKeyRequest(id, oldId, 7, AdminId)));

        var revoked = await Run<RevokeApiKey>(h => h.HandleAsync(new RevokeApiKeyRequest(id, oldId, AdminId)));
        var twice = await Run<RevokeApiKey>(h => h.HandleAsync(new RevokeApiKeyRequest(id, oldId, AdminId)));
        var limits = await Run<UpdateKeyLimits>(h => h.HandleAsync(new UpdateKeyLimitsRequest(id, oldId, 10, 10, AdminId)));

        Assert.True(revoked.Succeeded);
        var old = await KeyAsync(oldId);
        Assert.Equal(portal.Clock.GetUtcNow(), old.RevokedAt);
        Assert.False(old.IsUsable(portal.Clock.GetUtcNow()));
        Assert.True((await KeyAsync(rotated.Result.Id!.Value)).IsUsable(portal.Clock.GetUtcNow()));
        Assert.Equal(RevokeApiKey.AlreadyRevoked, Assert.Single(twice.Errors).Key);
        Assert.Equal(RevokeApiKey.AlreadyRevoked, Assert.Single(limits.Errors).Key);
        Assert.Single(await AuditAsync(portal, AuditActions.ApiKeyRevoke, "api-key", oldId.ToString()));
    }
}
