using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Account;
using ScorePortal.Components.Forms;
using ScorePortal.Features.Enterprises.Admin;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Enterprises.Admin.EnterpriseTestSupport;

namespace ScorePortal.Tests.Features.Enterprises.Admin;

/// <summary>
/// Invitations (<see cref="InviteUser"/>, <see cref="InviteEnterpriseMember"/>): the account, the one email over real
/// SMTP, and the link's life on <c>/Account/AcceptInvite</c> — used once, expired, replaced by a newer one.
/// </summary>
public sealed class EnterpriseInviteTests(EnterpriseTestPortal portal) : IClassFixture<EnterpriseTestPortal>
{
    private static readonly TimeSpan MailWait = TimeSpan.FromSeconds(15);
    private static readonly Uri Base = new("http://localhost/");

    private static string NewEmail() => $"member-{Guid.NewGuid():N}@example.org";

    private Task<InviteOutcome> InviteAsync(int enterpriseId, string email, string culture = "zh-CN", string? name = "张三") =>
        RunAsync<InviteOutcome, InviteEnterpriseMember>(portal,
            h => h.HandleAsync(new InviteEnterpriseMemberRequest(enterpriseId, email, name, culture, AdminId, Base)));

    private async Task<ApplicationUser?> UserAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
    }

    private async Task<IList<string>> RolesAsync(ApplicationUser user)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().GetRolesAsync(user);
    }

    private static Task<HttpResponseMessage> AcceptAsync(BrowserlessClient client, Uri link, string password, string? confirm = null) =>
        client.SubmitAsync(link.PathAndQuery, "accept-invite", new Dictionary<string, string>
        {
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = confirm ?? password,
        });

    [Fact]
    public async Task An_invitation_creates_the_account_and_membership_and_mails_one_link_that_sets_the_password_once()
    {
        var enterpriseId = await RegisterAsync(portal);
        var email = NewEmail();

        var outcome = await InviteAsync(enterpriseId, email, "en-US", "Zhang San");

        Assert.True(outcome.Succeeded, string.Join(", ", outcome.Errors.Select(e => e.Key)));
        var user = (await UserAsync(email))!;
        Assert.Equal((outcome.UserId, email, "Zhang San", false), (user.Id, user.UserName, user.DisplayName, user.EmailConfirmed));
        Assert.Null(user.PasswordHash);
        Assert.Equal([Roles.Enterprise], await RolesAsync(user));
        await using (var db = Db(portal))
            Assert.Equal(enterpriseId, (await db.EnterpriseMembers.SingleAsync(m => m.UserId == user.Id)).EnterpriseId);

        var mail = await portal.Mailbox.WaitForMessageToAsync(email, MailWait);
        Assert.Equal("You are invited to Exam Score Portal", mail.Subject);
        Assert.Contains("within 2 hours", mail.TextBody);
        var link = InviteLink(mail);
        Assert.Equal(("localhost", "/Account/AcceptInvite"), (link.Host, link.AbsolutePath));
        var query = QueryHelpers.ParseQuery(link.Query);
        Assert.Equal(("en-US", "/enterprise", user.Id), (query["culture"].ToString(), query["returnUrl"].ToString(), query["userId"].ToString()));

        // The person opens the link in their own browser: the form, in the language of the mail.
        using var person = new BrowserlessClient(portal);
        var (status, page) = await person.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Accept your invitation", page);
        Assert.Contains(email, page);

        using (var weak = await AcceptAsync(person, link, "short"))
        {
            Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
            Assert.Contains("The password needs at least 12 characters.", await weak.Content.ReadAsStringAsync());
        }
        using (var mismatch = await AcceptAsync(person, link, Password, "Something else 42"))
            Assert.Equal(HttpStatusCode.OK, mismatch.StatusCode);
        Assert.Null((await UserAsync(email))!.PasswordHash);

        using (var accepted = await AcceptAsync(person, link, Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
            Assert.Equal("/Account/Authenticator?returnUrl=%2Fenterprise", accepted.RedirectTarget());
        }
        var after = (await UserAsync(email))!;
        Assert.True(after.EmailConfirmed);
        Assert.NotNull(after.PasswordHash);
        // Signed in with the new password; the area itself waits for the authenticator.
        using (var area = await person.Http.GetAsync("/enterprise"))
            Assert.StartsWith("/Account/Authenticator", area.RedirectTarget());

        // The link is spent.
        using var other = new BrowserlessClient(portal);
        var (againStatus, again) = await other.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, againStatus);
        Assert.Contains("This invitation has already been accepted", again);
        Assert.DoesNotContain("accept-invite-submit", again);

        Assert.Single(portal.Mailbox.MessagesTo(email));
        Assert.Single(await AuditAsync(portal, AuditActions.InviteAccount, "user", user.Id));
        Assert.Single(await AuditAsync(portal, AuditActions.EnterpriseMemberInvite, "user", user.Id));
        var accept = await AuditAsync(portal, AuditActions.InviteAccept, "user", user.Id);
        Assert.Equal(["refused", "accepted"], accept.Select(e => e.DataJson.Contains("accepted", StringComparison.Ordinal) ? "accepted" : "refused"));
        Assert.All(await AuditAsync(portal, AuditActions.InviteAccount, "user", user.Id), e => Assert.DoesNotContain(email, e.DataJson));
    }

    [Fact]
    public async Task An_expired_link_says_so_and_sets_no_password()
    {
        var enterpriseId = await RegisterAsync(portal);
        var email = NewEmail();
        Assert.True((await InviteAsync(enterpriseId, email)).Succeeded);
        var link = InviteLink(await portal.Mailbox.WaitForMessageToAsync(email, MailWait));
        using var person = new BrowserlessClient(portal);
        var form = await person.ReadFormAsync(link.PathAndQuery, "accept-invite");

        portal.Clock.Advance(EnterpriseTestPortal.InviteLifetime + TimeSpan.FromMinutes(1));

        var (status, page) = await person.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("此邀请链接已过期", page);
        form["Input.Password"] = form["Input.ConfirmPassword"] = Password;
        using var posted = await person.Http.PostAsync(link.PathAndQuery, new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Null((await UserAsync(email))!.PasswordHash);
    }

    [Fact]
    public async Task Sending_again_replaces_the_earlier_link_and_an_accepted_invitation_is_not_sent_again()
    {
        var enterpriseId = await RegisterAsync(portal);
        var email = NewEmail();
        var userId = (await InviteAsync(enterpriseId, email)).UserId!;
        var first = InviteLink(await portal.Mailbox.WaitForMessageToAsync(email, MailWait));

        var resent = await RunAsync<InviteOutcome, ResendEnterpriseInvite>(portal,
            h => h.HandleAsync(new ResendEnterpriseInviteRequest(enterpriseId, userId, "zh-CN", AdminId, Base)));

        Assert.True(resent.Succeeded);
        var mails = await WaitForMailsAsync(email, 2);
        var second = InviteLink(mails[1]);
        using var person = new BrowserlessClient(portal);
        var (oldStatus, oldPage) = await person.GetAsync(first.PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, oldStatus);
        Assert.Contains("此链接已被更新的邀请取代", oldPage);
        using (var accepted = await AcceptAsync(person, second, Password))
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);

        var again = await RunAsync<InviteOutcome, ResendEnterpriseInvite>(portal,
            h => h.HandleAsync(new ResendEnterpriseInviteRequest(enterpriseId, userId, "zh-CN", AdminId, Base)));
        var elsewhere = await RegisterAsync(portal);
        var foreign = await RunAsync<InviteOutcome, ResendEnterpriseInvite>(portal,
            h => h.HandleAsync(new ResendEnterpriseInviteRequest(elsewhere, userId, "zh-CN", AdminId, Base)));
        Assert.Equal(ResendInvite.AlreadyAccepted, Assert.Single(again.Errors).Key);
        Assert.Equal(ResendEnterpriseInvite.NotMember, Assert.Single(foreign.Errors).Key);
        Assert.Equal(2, portal.Mailbox.MessagesTo(email).Count);
    }

    [Fact]
    public async Task An_address_that_has_an_account_is_refused_without_saying_whose_and_nothing_is_created()
    {
        var enterpriseId = await RegisterAsync(portal);
        var email = await AccountAsync(portal, Roles.Candidate);

        var outcome = await InviteAsync(enterpriseId, email.ToUpperInvariant());

        Assert.Equal(new EditError("Email", InviteUser.EmailInUse), Assert.Single(outcome.Errors));
        Assert.Null(outcome.UserId);
        var candidate = (await UserAsync(email))!;
        Assert.Equal([Roles.Candidate], await RolesAsync(candidate));
        await using var db = Db(portal);
        Assert.False(await db.EnterpriseMembers.AnyAsync(m => m.UserId == candidate.Id));
        Assert.Empty(portal.Mailbox.MessagesTo(email));
    }

    [Fact]
    public async Task Inviting_one_of_the_enterprises_own_people_again_points_at_send_again()
    {
        var enterpriseId = await RegisterAsync(portal);
        var email = NewEmail();
        Assert.True((await InviteAsync(enterpriseId, email)).Succeeded);

        var again = await InviteAsync(enterpriseId, email.ToUpperInvariant());
        var elsewhere = await InviteAsync(await RegisterAsync(portal), email);

        Assert.Equal(new EditError("Email", InviteEnterpriseMember.AlreadyMember), Assert.Single(again.Errors));
        Assert.Equal(new EditError("Email", InviteUser.EmailInUse), Assert.Single(elsewhere.Errors));
        await WaitForMailsAsync(email, 1);
        Assert.Single(portal.Mailbox.MessagesTo(email));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not an email")]
    [InlineData("Someone <a@example.org>")]
    public async Task A_malformed_address_is_refused(string email)
    {
        var enterpriseId = await RegisterAsync(portal);

        var outcome = await InviteAsync(enterpriseId, email);

        Assert.Equal("Email", Assert.Single(outcome.Errors).Field);
    }

    [Fact]
    public async Task A_link_this_portal_did_not_make_or_made_for_another_account_is_invalid()
    {
        var enterpriseId = await RegisterAsync(portal);
        var (a, b) = (NewEmail(), NewEmail());
        Assert.True((await InviteAsync(enterpriseId, a)).Succeeded);
        var otherId = (await InviteAsync(enterpriseId, b)).UserId!;
        var link = InviteLink(await portal.Mailbox.WaitForMessageToAsync(a, MailWait));
        var query = QueryHelpers.ParseQuery(link.Query);
        using var person = new BrowserlessClient(portal);

        var (foreignStatus, foreign) = await person.GetAsync($"/Account/AcceptInvite?userId={otherId}&code={query["code"]}");
        var (alteredStatus, altered) = await person.GetAsync($"/Account/AcceptInvite?userId={query["userId"]}&code={query["code"].ToString()[..^4]}AAAA");

        Assert.Equal(HttpStatusCode.BadRequest, foreignStatus);
        Assert.Equal(HttpStatusCode.BadRequest, alteredStatus);
        Assert.Contains("邀请链接无效或不完整", foreign);
        Assert.Contains("邀请链接无效或不完整", altered);
    }

    [Fact]
    public async Task A_failure_inside_the_invitation_leaves_no_account_and_no_mail()
    {
        var email = NewEmail();
        await using var db = Db(portal);
        var messages = await db.OutboxMessages.CountAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync<InviteOutcome, InviteUser>(portal, h => h.HandleAsync(
            new InviteUserRequest(email, null, [Roles.Staff], "zh-CN", "/staff", AdminId, Base),
            (_, _, _) => throw new InvalidOperationException("the caller's row could not be added"))));

        Assert.Null(await UserAsync(email));
        Assert.Equal(messages, await db.OutboxMessages.CountAsync());
    }

    [Fact]
    public async Task Removing_a_member_deletes_an_account_made_for_the_enterprise_and_keeps_one_with_another_role()
    {
        var enterpriseId = await RegisterAsync(portal);
        var invited = NewEmail();
        var invitedId = (await InviteAsync(enterpriseId, invited)).UserId!;
        var staffEmail = await AccountAsync(portal, Roles.Staff, enterpriseId);
        ApplicationUser staff;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            staff = (await users.FindByEmailAsync(staffEmail))!;
            Assert.True((await users.AddToRoleAsync(staff, Roles.Enterprise)).Succeeded);
        }

        var removed = await RunAsync<EditResult, RemoveEnterpriseMember>(portal,
            h => h.HandleAsync(new RemoveEnterpriseMemberRequest(enterpriseId, invitedId, AdminId)));
        var demoted = await RunAsync<EditResult, RemoveEnterpriseMember>(portal,
            h => h.HandleAsync(new RemoveEnterpriseMemberRequest(enterpriseId, staff.Id, AdminId)));
        var again = await RunAsync<EditResult, RemoveEnterpriseMember>(portal,
            h => h.HandleAsync(new RemoveEnterpriseMemberRequest(enterpriseId, staff.Id, AdminId)));

        Assert.True(removed.Succeeded);
        Assert.True(demoted.Succeeded);
        Assert.Equal(ResendEnterpriseInvite.NotMember, Assert.Single(again.Errors).Key);
        Assert.Null(await UserAsync(invited));
        Assert.Equal([Roles.Staff], await RolesAsync((await UserAsync(staffEmail))!));
        await using var db = Db(portal);
        Assert.False(await db.EnterpriseMembers.AnyAsync(m => m.EnterpriseId == enterpriseId));
        Assert.Contains("account-deleted", Assert.Single(await AuditAsync(portal, AuditActions.EnterpriseMemberRemove, "user", invitedId)).DataJson);
    }

    private async Task<IReadOnlyList<MimeKit.MimeMessage>> WaitForMailsAsync(string email, int count)
    {
        await portal.WaitForOutboxAsync(() => Task.FromResult(portal.Mailbox.MessagesTo(email).Count >= count));
        return portal.Mailbox.MessagesTo(email);
    }
}
