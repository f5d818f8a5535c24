

namespace ScorePortal.Platform.Audit;

/// <summary>The names of audited actions, in one place so the admin audit view and tests agree on them.</summary>
public static class AuditActions
{
    public const string SignIn = "account.signin";
    public const string SignInSecondFactor = "account.signin.2fa";
    public const string SignInRecoveryCode = "account.signin.recovery";
    public const string SignOut = "account.signout";
    public const string Register = "account.register";
    public const string ConfirmEmail = "account.email.confirm";
    public const string ResendEmailConfirmation = "account.email.resend";
    public const string EnrollAuthenticator = "account.mfa.enroll";
    public const string ConfirmAuthenticator = "account.mfa.confirm";
    public const string ChangePassword = "account.password.change";
    public const string PasswordResetRequest = "account.password.reset.request";
    public const string PasswordReset = "account.password.reset";
    public const string EmailChangeRequest = "account.email.change.request";
    public const string EmailChange = "account.email.change";
    public const string SessionEnd = "account.session.end";
    public const string CreateAccount = "account.create";
    public const string ChangeRoles = "account.roles";

    // Invitations: an admin creates an account that sets its own password through a one-time link.
    public const string InviteAccount = "account.invite";
    public const string InviteResend = "account.invite.resend";
    public const string InviteAccept = "account.invite.accept";

    // Accounts in the admin area (/admin/accounts): each change is made with the acting admin's fresh authenticator code.
    public const string AccountDisable = "account.disable";
    public const string AccountEnable = "account.enable";
    public const string AccountResetAuthenticator = "account.mfa.reset";
    public const string AdminGrantRequest = "account.admin.request";
    public const string AdminGrantDecide = "account.admin.decide";

    /// <summary>The authenticator code a status-changing command (import, approve, …) asks of its admin.</summary>
    public const string CommandSecondFactor = "command.2fa";
    public const string ScoreLookup = "score.lookup";

    // Result batches: every entry carries the batch fingerprint.
    public const string BatchImport = "batch.import";
    public const string BatchImportRefused = "batch.import.refused";
    public const string BatchApprove = "batch.approve";
    public const string BatchReject = "batch.reject";
    public const string BatchPublish = "batch.publish";
    public const string BatchRetract = "batch.retract";

    // Catalog, sessions and exam centers.
    public const string CatalogChange = "catalog.change";
    public const string SessionChange = "session.change";
    public const string ProvinceChange = "province.change";

    public const string AnalyticsExport = "analytics.export";

    // The candidate area and score reports.
    public const string CandidateLink = "candidate.link";
    public const string CandidateLinkConfirm = "candidate.link.confirm";
    public const string CandidateLinkRelease = "candidate.link.release";
    public const string StepUp = "account.stepup";
    public const string ReportIssue = "report.issue";
    public const string ReportDownload = "report.download";
    public const string ReportRevoke = "report.revoke";
    public const string ReportVerify = "report.verify";

    // Score reviews: every step of a request, by whoever took it.
    public const string ReviewApply = "review.apply";
    public const string ReviewFileView = "review.file.view";
    public const string ReviewClaim = "review.claim";
    public const string ReviewScreen = "review.screen";
    public const string ReviewStartRemarking = "review.remark.start";
    public const string ReviewMark = "review.mark";
    public const string ReviewDecide = "review.decide";
    public const string ReviewSlots = "review.slots";

    // Enterprise department figures: roster uploads (counts only) and exports of the suppressed figures.
    public const string EnterpriseRosterUpload = "enterprise.roster.upload";
    public const string EnterpriseRosterUploadRefused = "enterprise.roster.upload.refused";
    public const string EnterpriseFiguresExport = "enterprise.figures.export";

    public const string KeyRotation = "security.keys.rotate";

    // Enterprises (admin): registration, details, allow-list, suspension, keys and members.
    public const string EnterpriseRegister = "enterprise.register";
    public const string EnterpriseUpdate = "enterprise.update";
    public const string EnterpriseNetworks = "enterprise.networks";
    public const string EnterpriseSuspend = "enterprise.suspend";
    public const string EnterpriseReactivate = "enterprise.reactivate";
    public const string ApiKeyIssue = "enterprise.key.issue";
    public const string ApiKeyRotate = "enterprise.key.rotate";
    public const string ApiKeyRevoke = "enterprise.key.revoke";
    public const string ApiKeyLimits = "enterprise.key.limits";
    public const string EnterpriseMemberInvite = "enterprise.member.invite";
    public const string EnterpriseMemberResend = "enterprise.member.resend";
    public const string EnterpriseMemberRemove = "enterprise.member.remove";

    /// <summary>One call of the enterprise API that identified a key (ids and the outcome only; the access log holds the rest).</summary>
    public const string EnterpriseApiCall = "enterprise.api.call";

    // Anomaly monitors: an admin lifts an address's lookup block (reason required).
    public const string AddressBlockLift = "alert.block.lift";

    // Consents to enterprises: a candidate grants (or is refused) and revokes; ids only.
    public const string ConsentGrant = "consent.grant";
    public const string ConsentRevoke = "consent.revoke";

    // Enterprise webhooks: the callback URL, its signing secret, test notices and re-sends (by the enterprise or an admin).
    public const string EnterpriseWebhookUrl = "enterprise.webhook.url";
    public const string EnterpriseWebhookSecret = "enterprise.webhook.secret";
    public const string EnterpriseWebhookTest = "enterprise.webhook.test";
    public const string EnterpriseWebhookResend = "enterprise.webhook.resend";

    // Privacy (PIPL): copies of a person's data, closing an account, the retention job and the notice.
    public const string PrivacyExportRequest = "privacy.export.request";
    public const string PrivacyExportDownload = "privacy.export.download";
    /// <summary>An admin prepares the same copy for a request made on paper (reason required).</summary>
    public const string PrivacyExportForRequest = "privacy.export.admin";
    public const string AccountClose = "account.close";
    public const string PrivacyNoticeAccept = "privacy.notice.accept";
    /// <summary>One run of the retention job: per kind of data, how many rows it removed or pseudonymized (never the data).</summary>
    public const string RetentionRun = "privacy.retention";
    public const string DataSecurityReportPublish = "privacy.report.publish";

    /// <summary>An admin downloads the audit log (or part of it) as CSV: the filter as ids, and the number of entries.</summary>
    public const string AuditExport = "audit.export";

    // Passkeys (/Account/Manage/Passkeys): a way into the account added, renamed or removed by its owner. Signing in with
    // one is a SignIn (or SignInSecondFactor, StepUp) entry with method=passkey.
    public const string PasskeyAdd = "account.passkey.add";
    public const string PasskeyRename = "account.passkey.rename";
    public const string PasskeyRemove = "account.passkey.remove";
    // SMS query (docs/sms.md): never the number or the text, only a keyed reference of the sender and the outcome.
    /// <summary>A signed SMS callback: the outcome (answered, fixed reply, limited, capped, unreadable sender), never the text.</summary>
    public const string SmsInbound = "sms.inbound";
    /// <summary>A callback refused before reading it: bad or missing signature, stale timestamp, replay.</summary>
    public const string SmsCallbackRefused = "sms.callback.refused";
    /// <summary>One SMS handed to the adapter: its outbox id, sender reference and length in messages, never the body.</summary>
    public const string SmsSend = "sms.send";
    // Release reminders: a subscription asked for (public form or one click on /me), confirmed, ended; a run started.
    public const string ReminderSubscribe = "reminder.subscribe";
    public const string ReminderConfirm = "reminder.confirm";
    public const string ReminderUnsubscribe = "reminder.unsubscribe";
    /// <summary>A publication started its reminders (the run's id and session; never an address).</summary>
    public const string ReminderRunStart = "reminder.run";

    /// <summary>Requests the limits turned away in the last interval on one instance: counts per kind only (Operations/ThrottleTally).</summary>
    public const string ThrottledRequests = "limits.throttled";

    // Share links (docs/share-links.md): made, extended and revoked by their holder; opened by anyone holding the link.
    public const string ShareLinkCreate = "sharelink.create";
    public const string ShareLinkExtend = "sharelink.extend";
    public const string ShareLinkRevoke = "sharelink.revoke";
    /// <summary>A valid link opened: its id and the report's status, nothing about the visitor but the keyed address.</summary>
    public const string ShareLinkOpen = "sharelink.open";
    /// <summary>A link refused (unknown, malformed, expired, revoked): the reason only, never the token or an id.</summary>
    public const string ShareLinkRefused = "sharelink.refused";
    // Verifiable credentials (docs/credentials.md): issue and re-download by the holder, the holder's revocation, a
    // signing-key rotation, a public verification (its outcome and the failed check, never the credential's content).
    public const string CredentialIssue = "credential.issue";
    public const string CredentialDownload = "credential.download";
    public const string CredentialRevoke = "credential.revoke";
    public const string CredentialKeyRotate = "credential.key.rotate";
    public const string CredentialVerify = "credential.verify";

    /// <summary>
    /// Events whose entry gets a signed checkpoint the moment it is committed (the writer seals at once): entries after
    /// the newest checkpoint can be deleted from the database unseen, and these are the ones someone would delete.
    /// </summary>
    public static readonly IReadOnlySet<string> SealedAtOnce = new HashSet<string>(StringComparer.Ordinal)
    {
        BatchPublish, BatchRetract, ReviewDecide, KeyRotation, ChangeRoles, CredentialKeyRotate,
        // A key or an account given to an outside party is what someone would want to have never happened.
        ApiKeyIssue, ApiKeyRotate, EnterpriseMemberInvite, InviteAccount,
        // Who became an admin, and whose authenticator was reset.
        AdminGrantDecide, AccountResetAuthenticator,
    };
}
