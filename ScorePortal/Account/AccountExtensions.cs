using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using ScorePortal.Account.Sessions;
using ScorePortal.Data;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Retention;
using ScorePortal.Security;

namespace ScorePortal.Account;

public static class AccountExtensions
{
    /// <summary>How long a staff, expert or admin session survives without a request.</summary>
    public static readonly TimeSpan StaffIdleTimeout = TimeSpan.FromMinutes(20);

    /// <summary>How long a sign-in cookie lives without a request (sliding); session rows are kept as long (<see cref="AccountSessions.Retention"/>).</summary>
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromHours(8);

    public static WebApplicationBuilder AddAccount(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityAuthenticationStateProvider>();
        services.AddScoped<CircuitActivity>();
        services.AddScoped<CircuitHandler>(sp => sp.GetRequiredService<CircuitActivity>());

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/Login";
            o.LogoutPath = "/Account/Logout";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.Cookie.Name = "ScorePortal.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Plain http is only for the local demo and tests; everywhere else the cookie never travels unencrypted.
            o.Cookie.SecurePolicy = builder.Environment.IsDevelopmentOrTesting()
                ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.ExpireTimeSpan = CookieLifetime;
            o.SlidingExpiration = true;
            // Staff, expert and admin sessions end after a short idle time: the ticket's own lifetime is what the
            // sliding expiration renews, so a privileged ticket slides by StaffIdleTimeout instead of 8 hours.
            o.Events.OnSigningIn = context =>
            {
                if (Roles.Privileged.Any(context.Principal!.IsInRole))
                {
                    var now = context.Options.TimeProvider!.GetUtcNow();
                    context.Properties.IssuedUtc = now;
                    context.Properties.ExpiresUtc = now + StaffIdleTimeout;
                    context.Properties.IsPersistent = false;
                }
                // Every sign-in is a session of the account, listed on /Account/Manage/Sessions and ended there.
                return AccountSessionCookie.OnSigningInAsync(context);
            };
            // A cookie counts only while its session does (then Identity's security stamp check, as by default).
            o.Events.OnValidatePrincipal = AccountSessionCookie.OnValidatePrincipalAsync;
        });
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            // A disabled account, a reset authenticator or a change of roles rotates the stamp: the cookie of every
            // session of that account stops working within a minute (Account/Admin).
            o.ValidationInterval = TimeSpan.FromMinutes(1);
            // The check rebuilds the principal from the database, which knows nothing of how the session was
            // established: without this, amr=mfa is dropped and every admin, staff member and expert loses their area
            // a minute after signing in with their authenticator.
            o.OnRefreshingPrincipal = context =>
            {
                if (context.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity && context.CurrentPrincipal is { } current)
                {
                    foreach (var amr in current.FindAll(MfaRequirement.AmrClaim).Where(c => !identity.HasClaim(c.Type, c.Value)).ToList())
                        identity.AddClaim(new System.Security.Claims.Claim(amr.Type, amr.Value));
                    AccountSessionCookie.KeepSession(current, identity);
                }
                return Task.CompletedTask;
            };
        });

        services.AddIdentityCore<ApplicationUser>(o =>
            {
                o.SignIn.RequireConfirmedAccount = false;
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12; // OWASP ASVS 2.1.1
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                // The lockout guards second-factor codes (a 6-digit code must not be brute-forced); wrong passwords
                // never lock an account (Login slows guessing down with SignInThrottle instead).
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Tokens.AuthenticatorTokenProvider = OtpNetAuthenticatorTokenProvider.ProviderName;
                o.Tokens.EmailConfirmationTokenProvider = EmailConfirmationTokenProvider.ProviderName;
                o.Stores.MaxLengthForKeys = 128;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ScorePortalDbContext>()
            .AddUserStore<PortalUserStore>()
            .AddUserManager<PortalUserManager>()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddTokenProvider<OtpNetAuthenticatorTokenProvider>(OtpNetAuthenticatorTokenProvider.ProviderName)
            .AddTokenProvider<EmailConfirmationTokenProvider>(EmailConfirmationTokenProvider.ProviderName)
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>();

        services.AddScoped<IdentityRedirectManager>();
        services.AddOptions<EmailConfirmationOptions>().BindConfiguration(EmailConfirmationOptions.Section)
            .Validate(o => o.PerAddressPerHour >= 0 && o.PerSourcePerHour >= 0, "Account:EmailConfirmation limits must not be negative.")
            .Validate(o => o.LinkLifetime >= TimeSpan.FromHours(1), "Account:EmailConfirmation:LinkLifetime must be at least one hour.")
            .Configure<IConfiguration>((o, configuration) => o.PublicBaseUrl =
                configuration["Portal:PublicBaseUrl"] is { Length: > 0 } configured
                && Uri.TryCreate(configured.TrimEnd('/') + "/", UriKind.Absolute, out var publicBase)
                && (publicBase.Scheme == Uri.UriSchemeHttps || publicBase.Scheme == Uri.UriSchemeHttp)
                    ? publicBase
                    : null)
            .ValidateOnStart();
        services.AddSingleton<EmailConfirmationThrottle>();
        services.AddOptions<InviteOptions>().BindConfiguration(InviteOptions.Section)
            .Validate(o => o.LinkLifetime >= TimeSpan.FromHours(1) && o.LinkLifetime <= TimeSpan.FromDays(30),
                "Account:Invite:LinkLifetime must be between one hour and 30 days.")
            .ValidateOnStart();
        services.AddSingleton<InviteTokens>();
        services.AddScoped<InviteUser>();
        services.AddScoped<ResendInvite>();
        services.AddOptions<SignInLimitsOptions>().BindConfiguration(SignInLimitsOptions.Section)
            .Validate(o => o.CaptchaAfterAccountFailures >= 0 && o.CaptchaAfterAddressFailures >= 0 && o.FreeFailures >= 0,
                "Account:SignIn counts must not be negative.")
            .Validate(o => o.FirstDelay > TimeSpan.Zero && o.MaxDelay >= o.FirstDelay && o.MaxDelay <= TimeSpan.FromMinutes(15),
                "Account:SignIn delays must be positive, MaxDelay at least FirstDelay and at most 15 minutes (longer is a lockout).")
            .ValidateOnStart();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<OneTimeCodes>();
        services.AddSingleton<StepUp>();
        services.AddMemoryCache();
        services.AddSingleton<AccountSessions>();
        services.AddHostedService<AccountSessionsCleanup>();
        services.AddRetentionRule<UnconfirmedAccountsRetention>();
        services.AddRetentionRule<OneTimeCodesRetention>();
        services.AddRetentionRule<SignInSessionsRetention>();
        services.AddOptions<SelfServiceOptions>().BindConfiguration(SelfServiceOptions.Section)
            .Validate(o => o.PasswordResetLinkLifetime >= TimeSpan.FromMinutes(5) && o.PasswordResetLinkLifetime <= TimeSpan.FromHours(24),
                "Account:SelfService:PasswordResetLinkLifetime must be between 5 minutes and 24 hours.")
            .Validate(o => o.EmailChangeLinkLifetime >= TimeSpan.FromHours(1) && o.EmailChangeLinkLifetime <= TimeSpan.FromDays(7),
                "Account:SelfService:EmailChangeLinkLifetime must be between one hour and 7 days.")
            .Validate(o => o.PasswordResetsPerAccountPerHour >= 1 && o.EmailChangesPerAccountPerHour >= 1,
                "Account:SelfService limits per account must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<AccountLinks>();
        services.AddScoped<RequestPasswordReset>();
        services.AddScoped<ResetPasswordWithLink>();
        services.AddScoped<RequestEmailChange>();
        services.AddScoped<ChangeEmailWithLink>();
        services.AddSingleton<IKeyRotationStep, UserTokensRotation>();
        foreach (var command in AccountCommands.All) services.AddPortalCommand(command);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, EnrollmentRedirectResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.AdminArea, p => p.RequireRole(Roles.Admin).AddRequirements(new MfaRequirement()))
            .AddPolicy(Policies.StaffArea, p => p.RequireRole(Roles.Staff).AddRequirements(new MfaRequirement()))
            .AddPolicy(Policies.ExpertArea, p => p.RequireRole(Roles.Expert).AddRequirements(new MfaRequirement()))
            .AddPolicy(Policies.EnterpriseArea, p => p.RequireRole(Roles.Enterprise).AddRequirements(new MfaRequirement()));
        services.AddSingleton<IAuthorizationHandler, MfaRequirementHandler>();
        return builder;
    }

    /// <summary>The four roles exist in every environment; accounts are created by admins (or the demo seed).</summary>
    public static async Task EnsureRolesAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
    }

    public static WebApplication MapAccount(this WebApplication app)
    {
        app.MapPost("/Account/Logout", async (SignInManager<ApplicationUser> signInManager, AccountSessions sessions, AuditLog audit,
            HttpContext context, [FromForm] string? returnUrl) =>
        {
            var userId = signInManager.UserManager.GetUserId(context.User);
            // Signing out ends this session on the server too: a copy of the cookie signs nobody in afterwards.
            if (userId is not null && context.User.FindFirst(AccountSessions.ClaimType)?.Value is { } sessionId)
                await sessions.EndAsync(userId, AccountSessions.RowId(sessionId));
            await signInManager.SignOutAsync();
            if (userId is not null)
                await audit.WriteAsync(new(AuditActions.SignOut, ActorUserId: userId, TargetType: "user", TargetId: userId,
                    SourceIp: context.Connection.RemoteIpAddress?.ToString()));
            return TypedResults.LocalRedirect(LocalizationExtensions.SafeLocalUrl(returnUrl));
        });
        return app;
    }
}
