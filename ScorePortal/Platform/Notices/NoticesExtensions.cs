namespace ScorePortal.Platform.Notices;

public static class NoticesExtensions
{
    public static WebApplicationBuilder AddNotices(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CandidateMail>();
        return builder;
    }
}
