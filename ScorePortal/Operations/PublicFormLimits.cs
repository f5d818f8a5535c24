using System.Threading.RateLimiting;

namespace ScorePortal.Operations;

public sealed class PublicFormLimitsOptions
{
    public const string Section = "PublicForms";

    /// <summary>
    /// Form posts (sign-in area, candidate area) one address may send per minute (0 = no limit). A flood guard only,
    /// above what a school's or a carrier's NAT sends on release day; credential stuffing is met per typed email and by
    /// the sign-in captcha after failures (Account:SignIn:*).
    /// </summary>
    public int PostsPerAddressPerMinute { get; set; } = 120;

    /// <summary>Report verifications (by code or by file) one address may ask per minute (0 = no limit).</summary>
    public int VerificationsPerAddressPerMinute { get; set; } = 30;

    /// <summary>
    /// Forgotten-password requests one address may post per minute (0 = no limit): each may send an email, so fewer
    /// than other forms; the account's own hourly limit (Account:SelfService) keeps one mailbox from being flooded.
    /// </summary>
    public int PasswordResetsPerAddressPerMinute { get; set; } = 5;

    /// <summary>
    /// Release-reminder subscriptions one address may post per minute (0 = no limit): each may send a confirmation mail;
    /// Reminders:SubscriptionsPerSourcePerDay and Reminders:ConfirmationsPerAddressPerDay cap the day.
    /// </summary>
    public int ReminderSubscriptionsPerAddressPerMinute { get; set; } = 5;
}

/// <summary>
/// Per-address limits of the public forms other than the lookup (which has its own guard): the candidate area's posts
/// and the public report verification. Refused requests get the portal's 429 page.
/// </summary>
public static class PublicFormLimits
{
    /// <summary>Counts form posts only: reading a page costs nothing worth limiting.</summary>
    public const string FormPosts = "public-form-posts";

    /// <summary><c>HttpContext.Items</c> key of the seconds a refused visitor waits (an int), for the 429 page.</summary>
    public const string RetryAfterSecondsItem = "PublicForms.RetryAfterSeconds";

    /// <summary>Counts every request: a verification by code is a GET (the QR code's link).</summary>
    public const string Verification = "report-verification";

    /// <summary>Counts the posts of the forgotten-password form (they send mail).</summary>
    public const string PasswordReset = "password-reset";

    /// <summary>Counts the posts of the release-reminder subscription form (they send mail).</summary>
    public const string ReminderSubscribe = "reminder-subscribe";

    public static WebApplicationBuilder AddPublicFormLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ThrottleTally>();
        builder.Services.AddHostedService<ThrottleTallyWriter>();
        builder.Services.AddOptions<PublicFormLimitsOptions>().BindConfiguration(PublicFormLimitsOptions.Section)
            .Validate(o => o.PostsPerAddressPerMinute >= 0 && o.VerificationsPerAddressPerMinute >= 0 && o.PasswordResetsPerAddressPerMinute >= 0
                      && o.ReminderSubscriptionsPerAddressPerMinute >= 0, "PublicForms limits cannot be negative.")
            .ValidateOnStart();
        var options = builder.Configuration.ReadWhileBuilding<PublicFormLimitsOptions>(PublicFormLimitsOptions.Section);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // The portal's 429 page (Components/Pages/StatusPage) says how many seconds to wait, as Retry-After does.
            limiter.OnRejected = (rejected, _) =>
            {
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(10);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                rejected.HttpContext.Items[RetryAfterSecondsItem] = seconds;
                rejected.HttpContext.RequestServices.GetRequiredService<ThrottleTally>().FormRefused();
                return ValueTask.CompletedTask;
            };
            limiter.AddPolicy(FormPosts, context => HttpMethods.IsPost(context.Request.Method)
                ? LimitPartitions.PerAddressPerMinute(context, options.PostsPerAddressPerMinute, FormPosts)
                : LimitPartitions.NoLimit());
            limiter.AddPolicy(PasswordReset, context => HttpMethods.IsPost(context.Request.Method)
                ? LimitPartitions.PerAddressPerMinute(context, options.PasswordResetsPerAddressPerMinute, PasswordReset)
                : LimitPartitions.NoLimit());
            limiter.AddPolicy(ReminderSubscribe, context => HttpMethods.IsPost(context.Request.Method)
                ? LimitPartitions.PerAddressPerMinute(context, options.ReminderSubscriptionsPerAddressPerMinute, ReminderSubscribe)
                : LimitPartitions.NoLimit());
            limiter.AddPolicy(Verification, context => LimitPartitions.PerAddressPerMinute(context, options.VerificationsPerAddressPerMinute, Verification));
        });
        return builder;
    }
}
