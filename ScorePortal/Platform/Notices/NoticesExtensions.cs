using ScorePortal.Platform.Notices.Sms;

namespace ScorePortal.Platform.Notices;

public static class NoticesExtensions
{
    /// <summary>Notices to people: features say what to tell (<see cref="Notice"/>), <see cref="Notices"/> renders and enqueues.</summary>
    public static WebApplicationBuilder AddNotices(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Notices>();
        // The SMS channel: off unless Sms:Adapter names an adapter (docs/sms.md).
        builder.AddSmsChannel();
        return builder;
    }
}
