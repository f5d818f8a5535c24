using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Account;
using ScorePortal.Account.Admin;
using ScorePortal.Account.Sessions;
using ScorePortal.Features.Alerts;
using ScorePortal.Features.Credentials;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Privacy;
using ScorePortal.Features.Reminders;
using ScorePortal.Features.Reports;
using ScorePortal.Features.Reviews;
using ScorePortal.Features.ShareLinks;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Outbox;
using ScorePortal.Security;

namespace ScorePortal.Data;

/// <summary>
/// The one model of the product. Provider-specific subclasses exist only so that each provider keeps
/// its own migration set (EF Core binds a migration set to a context type).
/// </summary>
public class ScorePortalDbContext(DbContextOptions options) : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    /// <summary>ASP.NET Data Protection's key ring, each key sealed under Security:DataProtectionKey (<see cref="DataProtectionKeyRing"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<QualificationLevel> QualificationLevels => Set<QualificationLevel>();
    public DbSet<Qualification> Qualifications => Set<Qualification>();
    public DbSet<Subject> Subjects => Set<Subject>();
    public DbSet<Province> Provinces => Set<Province>();
    public DbSet<ExamSession> ExamSessions => Set<ExamSession>();
    public DbSet<Candidate> Candidates => Set<Candidate>();
    public DbSet<Registration> Registrations => Set<Registration>();
    public DbSet<SubjectScore> SubjectScores => Set<SubjectScore>();
    public DbSet<QualificationOutcome> QualificationOutcomes => Set<QualificationOutcome>();
    public DbSet<ResultBatch> ResultBatches => Set<ResultBatch>();
    public DbSet<ReviewRequest> ReviewRequests => Set<ReviewRequest>();
    public DbSet<ExpertMark> ExpertMarks => Set<ExpertMark>();
    public DbSet<ReviewFile> ReviewFiles => Set<ReviewFile>();
    public DbSet<ReviewEvent> ReviewEvents => Set<ReviewEvent>();
    public DbSet<AppointmentSlot> AppointmentSlots => Set<AppointmentSlot>();
    public DbSet<ReportIssue> ReportIssues => Set<ReportIssue>();
    public DbSet<OneTimeCode> OneTimeCodes => Set<OneTimeCode>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();
    public DbSet<Enterprise> Enterprises => Set<Enterprise>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<EnterpriseMember> EnterpriseMembers => Set<EnterpriseMember>();
    public DbSet<AdminGrant> AdminGrants => Set<AdminGrant>();
    public DbSet<Consent> Consents => Set<Consent>();
    public DbSet<ConsentQualification> ConsentQualifications => Set<ConsentQualification>();
    public DbSet<ApiAccess> ApiAccessLog => Set<ApiAccess>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<RosterEntry> RosterEntries => Set<RosterEntry>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<AccountSession> AccountSessions => Set<AccountSession>();
    public DbSet<DataSecurityReport> DataSecurityReports => Set<DataSecurityReport>();
    public DbSet<DataCopy> DataCopies => Set<DataCopy>();
    public DbSet<ReminderSubscription> ReminderSubscriptions => Set<ReminderSubscription>();
    public DbSet<ReminderRun> ReminderRuns => Set<ReminderRun>();
    public DbSet<ReminderSend> ReminderSends => Set<ReminderSend>();
    public DbSet<ShareLink> ShareLinks => Set<ShareLink>();
    public DbSet<CredentialSigningKey> CredentialSigningKeys => Set<CredentialSigningKey>();
    public DbSet<IssuedCredential> IssuedCredentials => Set<IssuedCredential>();

    /// <summary>
    /// Identity shapes its tables from the host's <c>IdentityOptions.Stores</c> (schema version 3 with passkeys, 128-character
    /// keys: <c>AddAccount</c>), read through the context's application services. A context made without a host
    /// (<c>dotnet ef</c>'s design-time factories, a test's own) reads the same store options from
    /// <see cref="IdentityStoreModel"/>, so every context of the portal has one model and the migrations match it.
    /// </summary>
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        if (optionsBuilder.Options.FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>()?.ApplicationServiceProvider is null)
            optionsBuilder.UseApplicationServiceProvider(IdentityStoreModel.Services);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(ScorePortalDbContext).Assembly);
        builder.ApplyFieldEncryption();
    }
}

/// <summary>The Identity store options of <c>AddAccount</c>, for contexts made without the web host.</summary>
internal static class IdentityStoreModel
{
    public const int MaxLengthForKeys = 128;

    public static readonly IServiceProvider Services = new ServiceCollection()
        .Configure<Microsoft.AspNetCore.Identity.IdentityOptions>(o =>
        {
            o.Stores.MaxLengthForKeys = MaxLengthForKeys;
            o.Stores.SchemaVersion = Microsoft.AspNetCore.Identity.IdentitySchemaVersions.Version3;
        })
        .BuildServiceProvider();
}

public sealed class SqliteScorePortalDbContext(DbContextOptions<SqliteScorePortalDbContext> options)
    : ScorePortalDbContext(options);

public sealed class SqlServerScorePortalDbContext(DbContextOptions<SqlServerScorePortalDbContext> options)
    : ScorePortalDbContext(options);
