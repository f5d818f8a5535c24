using ScorePortal.Components.Layout;
using ScorePortal.Platform.Retention;

namespace ScorePortal.Features.Reviews;

public static class ReviewsExtensions
{
    /// <summary>Score reviews: the candidate's application, the staff queue, expert re-marking and the decision.</summary>
    public static WebApplicationBuilder AddReviews(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.Section)
            .Validate(o => o.MaxFileBytes > 0 && o.MaxPages > 0, "Reviews:MaxFileBytes and Reviews:MaxPages must be positive.")
            .Validate(o => !o.FilesDirectory.Replace('\\', '/').Split('/').Contains("wwwroot", StringComparer.OrdinalIgnoreCase),
                "Reviews:FilesDirectory must lie outside the web root.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ReviewFileStore>();
        builder.Services.AddSingleton<ReviewDocuments>();
        builder.Services.AddSingleton<ReadReviewFile>();
        builder.Services.AddSingleton<ApplyForReview>();
        builder.Services.AddSingleton<AddReviewMaterials>();
        builder.Services.AddSingleton<ScreenReview>();
        builder.Services.AddSingleton<StartRemarking>();
        builder.Services.AddSingleton<RecordExpertMark>();
        builder.Services.AddScoped<ConfirmReviewDecision>(); // Outcomes (the publication rule) is scoped
        builder.Services.AddSingleton<MyReviews>();
        builder.Services.AddSingleton<ReviewQueue>();
        builder.Services.AddScoped<INavigationBadge, OpenReviewsBadge>();
        builder.Services.AddSingleton<ExpertAssignments>();
        builder.Services.AddSingleton<ReviewFigures>();
        builder.Services.AddRetentionRule<ReviewMaterialsRetention>();
        return builder;
    }
}
