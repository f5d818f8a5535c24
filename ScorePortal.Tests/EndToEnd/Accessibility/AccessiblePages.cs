using Microsoft.Playwright;
using ScorePortal.Tests.EndToEnd.Enterprises;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>Who a page is checked as: nobody, or a fresh account of one role signed in with its second factor.</summary>
public enum AreaRole
{
    Public,
    Candidate,
    Staff,
    Expert,
    Admin,

    /// <summary>
    /// An Enterprise account acting for an enterprise whose roster and figures exist, with a callback and two notices in
    /// its log, and keys with calls over the last days (PageStates.CreateAccountAsync).
    /// </summary>
    Enterprise,
}

/// <summary>
/// One page, or one state of a page, that axe-core checks: opened at <paramref name="Url"/> as <paramref name="Role"/>,
/// then brought into its state by <paramref name="Setup"/> (errors shown, a dialog open, a list filtered to nothing).
/// </summary>
/// <param name="Name">Unique; names the test case and its screenshot.</param>
/// <param name="Setup">Runs after the page is open (and interactive); selectors must not depend on the language.</param>
public sealed record AccessiblePage(string Name, string Url, AreaRole Role = AreaRole.Public, Func<IPage, PlaywrightFixture, Task>? Setup = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// Every page axe-core checks, in Chinese and English at 1280 and 390 px (<see cref="AccessibilityTests"/>).
/// A new page is one more line here: <c>new("name", "/url", AreaRole.X, PageStates.Something),</c>.
/// </summary>
public static class AccessiblePages
{
    public static readonly AccessiblePage[] All =
    [
        // Public pages (static SSR and the plain-HTML lookup pages).
        new("home", "/"),
        new("lookup", "/lookup"),
        new("lookup-form-errors", "/lookup", Setup: PageStates.SubmitEmptyLookupAsync),
        new("lookup-ticket-errors", "/lookup", Setup: PageStates.SubmitEmptyTicketLookupAsync),
        new("lookup-not-found", "/lookup", Setup: PageStates.LookUpAnUnknownNameAsync),
        new("lookup-result-sheet", "/lookup", Setup: PageStates.LookUpYangJiAsync),
        new("lookup-busy", "/lookup", Setup: PageStates.ShowBusyPageAsync),
        new("lookup-waiting-room", "/lookup", Setup: PageStates.WaitInTheWaitingRoomAsync),
        new("lookup-blocked", "/lookup", Setup: PageStates.LookUpFromABlockedAddressAsync),
        new("lookup-from-province", "/lookup?session=2026H1&from=44"),
        new("lookup-overseas", "/lookup/overseas"),
        new("lookup-overseas-errors", "/lookup/overseas", Setup: PageStates.SubmitEmptyOverseasLookupAsync),
        new("service-status", "/service-status"),
        new("faq", "/faq"),
        new("data-security", "/data-security"),
        new("data-security-published", "/data-security", Setup: DataSecurityPageStates.ShowAPublishedYearAsync),
        new("privacy", "/privacy"),
        new("login", "/Account/Login"),
        new("login-errors", "/Account/Login", Setup: PageStates.SubmitLoginWithWrongPasswordAsync),
        new("login-captcha", "/Account/Login", Setup: PageStates.SubmitLoginUntilTheCaptchaIsAskedAsync),
        new("register", "/Account/Register"),
        new("register-errors", "/Account/Register", Setup: PageStates.SubmitEmptyRegistrationAsync),
        new("register-check-email", "/Account/RegisterConfirmation"),
        new("forgot-password", "/Account/ForgotPassword"),
        new("forgot-password-errors", "/Account/ForgotPassword", Setup: SelfServicePageStates.SubmitAnEmptyResetRequestAsync),
        new("forgot-password-sent", "/Account/ForgotPassword", Setup: SelfServicePageStates.AskForAResetLinkAsync),
        new("reset-password", "/", Setup: SelfServicePageStates.OpenAResetLinkAsync),
        new("reset-password-errors", "/", Setup: SelfServicePageStates.SubmitAWeakNewPasswordAsync),
        new("reset-password-invalid", "/Account/ResetPassword?userId=nobody&code=nothing"),
        // Release reminders: the public form, its refusal, and the two pages a mail's link opens (a link that opens nothing).
        new("reminders", "/reminders"),
        new("reminders-confirm", "/reminders/confirm?s=1&t=none"),
        new("reminders-confirm-invalid", "/reminders/confirm?s=1&t=none", Setup: async (page, _) =>
        {
            await page.GetByTestId("reminders-confirm-submit").ClickAsync();
            await page.GetByTestId("reminders-confirm-result").WaitForAsync();
        }),
        new("reminders-unsubscribe", "/reminders/unsubscribe?s=1&t=none"),
        new("lockout", "/Account/Lockout"),
        new("access-denied", "/Account/AccessDenied"),
        new("authenticator-enrollment", "/", Setup: PageStates.SignInAsUnenrolledAdminAsync),
        new("login-second-factor", "/", Setup: PageStates.SignInAsEnrolledStaffAsync),
        new("login-second-factor-errors", "/", Setup: PageStates.SubmitAWrongSecondFactorAsync),
        new("accept-invite", "/", Setup: EnterpriseAdminPageStates.OpenAnInvitationAsync),
        new("accept-invite-errors", "/", Setup: EnterpriseAdminPageStates.AcceptAnInvitationWithAWeakPasswordAsync),
        new("accept-invite-invalid", "/Account/AcceptInvite?userId=nobody&code=nothing"),
        new("not-found", "/no-such-page"),
        new("too-many-requests", "/status/429"),
        // Development and Testing only (404 elsewhere); the browser tests' portal runs in Testing with SMS off: the notice and the empty state.
        new("dev-sms", "/dev/sms"),

        // Candidate area and report verification.
        new("me", "/me", AreaRole.Candidate),
        new("me-link", "/me/link", AreaRole.Candidate),
        new("me-link-errors", "/me/link", AreaRole.Candidate, PageStates.SubmitEmptyLinkAsync),
        new("me-scores", "/me", AreaRole.Candidate, PageStates.LinkADemoRecordAsync),
        new("me-reports", "/me/reports", AreaRole.Candidate),
        new("me-share-links", "/me/share-links", AreaRole.Candidate),
        new("me-share-links-shown", "/me/share-links", AreaRole.Candidate, ShareLinkPageStates.ShowALinkWithItsExtendFormAsync),
        new("share-link-refused", "/s/AAAAAAAAAAAAAAAAAAAAAAAA"),
        new("share-link-open", "/", Setup: ShareLinkPageStates.OpenAValidLinkAsync),
        new("me-reviews", "/me/reviews", AreaRole.Candidate),
        new("me-reviews-apply", "/me", AreaRole.Candidate, PageStates.OpenTheReviewFormAsync),
        new("me-review-not-found", "/me/reviews/999999", AreaRole.Candidate),
        new("me-consents", "/me/consents", AreaRole.Candidate, ConsentPageStates.OpenConsentsWithARevokeConfirmationAsync),
        new("me-consents-search", "/me/consents/new", AreaRole.Candidate, ConsentPageStates.SearchEnterprisesAsync),
        new("me-consents-form-errors", "/me/consents/new", AreaRole.Candidate, ConsentPageStates.SubmitAnEmptyGrantFormAsync),
        new("me-consents-access", "/me/consents/access", AreaRole.Candidate, ConsentPageStates.OpenWhoLookedAsync),
        new("privacy-accept", "/privacy/accept", AreaRole.Candidate),
        new("privacy-accept-errors", "/privacy/accept", AreaRole.Candidate, PrivacyPageStates.SubmitAnUntickedAcceptanceAsync),
        new("me-close", "/me/close", AreaRole.Candidate),
        new("me-close-errors", "/me/close", AreaRole.Candidate, PrivacyPageStates.VerifyAndSubmitAnEmptyConfirmationAsync),
        new("me-data", "/me/data", AreaRole.Candidate),
        new("stepup", "/Account/StepUp", AreaRole.Candidate),
        new("stepup-errors", "/Account/StepUp", AreaRole.Candidate, PageStates.SubmitEmptyStepUpAsync),
        new("change-password", "/Account/Manage/ChangePassword", AreaRole.Candidate),
        new("change-password-errors", "/Account/Manage/ChangePassword", AreaRole.Candidate, PageStates.SubmitEmptyPasswordChangeAsync),
        new("change-email", "/Account/Manage/Email", AreaRole.Candidate),
        new("change-email-errors", "/Account/Manage/Email", AreaRole.Candidate, SelfServicePageStates.SubmitAnEmptyEmailChangeAsync),
        new("confirm-email-change-invalid", "/Account/ConfirmEmailChange?userId=nobody&code=nothing"),
        new("sessions", "/Account/Manage/Sessions", AreaRole.Candidate),
        new("sessions-confirm", "/Account/Manage/Sessions", AreaRole.Candidate, SelfServicePageStates.AskToSignOutAnotherSessionAsync),
        new("passkeys", "/Account/Manage/Passkeys", AreaRole.Candidate),
        new("passkeys-confirm", "/Account/Manage/Passkeys", AreaRole.Candidate, PasskeyPageStates.AskToRemoveAPasskeyAsync),
        new("verify", "/verify"),
        new("verify-not-found", "/verify?code=0000-0000-0000-0000-0000"),
        new("verify-file-verdict", "/verify", Setup: PageStates.UploadAFileThatIsNotAReportAsync),
        new("me-credentials", "/me/credentials", AreaRole.Candidate),
        new("me-credentials-linked", "/me", AreaRole.Candidate, CredentialPageStates.OpenTheCredentialsOfALinkedRecordAsync),
        new("verify-credential", "/verify/credential"),
        new("verify-credential-verdict", "/verify/credential", Setup: CredentialPageStates.PasteSomethingThatIsNotACredentialAsync),

        // Staff and expert areas.
        new("staff", "/staff", AreaRole.Staff),
        new("staff-slots", "/staff/slots", AreaRole.Staff),
        new("staff-review-not-found", "/staff/reviews/999999", AreaRole.Staff),
        new("expert", "/expert", AreaRole.Expert),

        // Admin area.
        new("admin", "/admin", AreaRole.Admin),
        new("admin-blocks-lift", "/admin", AreaRole.Admin, PageStates.OpenTheLiftOfABlockAsync),
        new("admin-batches", "/admin/batches", AreaRole.Admin),
        new("admin-batch", "/admin/batches", AreaRole.Admin, PageStates.OpenFirstBatchAsync),
        new("admin-analytics", "/admin/analytics", AreaRole.Admin),
        new("admin-sessions", "/admin/sessions", AreaRole.Admin),
        new("admin-sessions-form", "/admin/sessions", AreaRole.Admin, PageStates.OpenNewSessionFormAsync),
        new("admin-catalog", "/admin/catalog", AreaRole.Admin),
        new("admin-catalog-dialog", "/admin/catalog", AreaRole.Admin, PageStates.OpenDeleteQualificationDialogAsync),
        new("admin-catalog-empty", "/admin/catalog", AreaRole.Admin, PageStates.SearchCatalogForNothingAsync),
        new("admin-provinces", "/admin/provinces", AreaRole.Admin),
        new("admin-audit", "/admin/audit", AreaRole.Admin),
        new("admin-audit-filtered", "/admin/audit", AreaRole.Admin, AuditPageStates.FilterToAnUnknownActorAsync),
        new("admin-data-security", "/admin/data-security", AreaRole.Admin),
        new("admin-data-security-preview", "/admin/data-security", AreaRole.Admin, DataSecurityPageStates.PreviewAYearAsync),
        new("admin-data-security-code", "/admin/data-security", AreaRole.Admin, DataSecurityPageStates.AskForTheCodeOfAPublicationAsync),
        new("admin-links", "/admin/links", AreaRole.Admin),
        new("admin-links-found", "/admin/links", AreaRole.Admin, PageStates.FindARecordLinkAsync),
        new("admin-entry-links", "/admin/entry-links", AreaRole.Admin),
        new("admin-enterprises", "/admin/enterprises", AreaRole.Admin),
        new("admin-enterprises-register-errors", "/admin/enterprises", AreaRole.Admin, EnterpriseAdminPageStates.SubmitAnEmptyRegistrationAsync),
        new("admin-enterprises-empty", "/admin/enterprises", AreaRole.Admin, EnterpriseAdminPageStates.SearchEnterprisesForNothingAsync),
        new("admin-enterprise", "/admin/enterprises", AreaRole.Admin, EnterpriseAdminPageStates.OpenAnEnterpriseAsync),
        new("admin-enterprise-key-shown", "/admin/enterprises", AreaRole.Admin, EnterpriseAdminPageStates.IssueAKeyAsync),
        new("admin-enterprise-networks-errors", "/admin/enterprises", AreaRole.Admin, EnterpriseAdminPageStates.SaveABadAllowListAsync),
        new("admin-enterprise-revoke-dialog", "/admin/enterprises", AreaRole.Admin, EnterpriseAdminPageStates.OpenTheRevocationOfAKeyAsync),
        new("admin-enterprise-invite-form", "/admin/enterprises", AreaRole.Admin, EnterpriseAdminPageStates.OpenTheInvitationFormAsync),
        new("admin-accounts", "/admin/accounts", AreaRole.Admin, AccountsAdminPageStates.ListAPendingGrantAsync),
        new("admin-accounts-empty", "/admin/accounts", AreaRole.Admin, AccountsAdminPageStates.SearchAccountsForNothingAsync),
        new("admin-accounts-code", "/admin/accounts", AreaRole.Admin, AccountsAdminPageStates.AskForTheCodeOfACreationAsync),
        new("admin-account", "/admin/accounts", AreaRole.Admin, AccountsAdminPageStates.OpenAStaffAccountAsync),
        new("admin-privacy-requests", "/admin/privacy-requests", AreaRole.Admin),
        new("admin-privacy-requests-errors", "/admin/privacy-requests", AreaRole.Admin, PrivacyRequestPageStates.SearchForABadIdNumberAsync),
        new("admin-enterprise-webhooks", "/admin", AreaRole.Admin, PageStates.OpenAnEnterprisesWebhooksAsync),
        new("admin-enterprise-webhooks-attempts", "/admin", AreaRole.Admin, PageStates.OpenAnEnterprisesWebhookAttemptsAsync),

        // Enterprise area.
        new("enterprise", "/enterprise", AreaRole.Enterprise),
        new("enterprise-figures", "/enterprise/figures", AreaRole.Enterprise),
        new("enterprise-figures-upload-errors", "/enterprise/figures", AreaRole.Enterprise, PageStates.UploadARosterWithBadRowsAsync),
        new("enterprise-webhooks", "/enterprise/webhooks", AreaRole.Enterprise),
        new("enterprise-webhooks-attempts", "/enterprise/webhooks", AreaRole.Enterprise, PageStates.ShowWebhookAttemptsAsync),
        new("enterprise-webhooks-url-error", "/enterprise/webhooks", AreaRole.Enterprise, PageStates.SaveAPrivateWebhookUrlAsync),
        new("enterprise-webhooks-rotate-dialog", "/enterprise/webhooks", AreaRole.Enterprise, PageStates.AskToRotateTheWebhookSecretAsync),
        new("enterprise-webhooks-secret", "/enterprise/webhooks", AreaRole.Enterprise, PageStates.RotateTheWebhookSecretAsync),
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var page in All)
            foreach (var culture in new[] { "zh-CN", "en-US" })
                data.Add(page.Name, culture);
        return data;
    }
}
