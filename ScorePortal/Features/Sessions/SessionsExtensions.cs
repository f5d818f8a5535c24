namespace ScorePortal.Features.Sessions;

public static class SessionsExtensions
{
    /// <summary>Exam sessions in the admin area: create, edit, announce and bring a release forward.</summary>
    public static WebApplicationBuilder AddSessions(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<SaveSession>();
        return builder;
    }
}
