using Microsoft.AspNetCore.Identity;
using ScorePortal.Account;
using ScorePortal.Operations;

namespace ScorePortal.Features.Demo;

public static class DemoExtensions
{
    public static WebApplicationBuilder AddDemoData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section)
            .Validate(o => !o.Seed || !string.IsNullOrEmpty(o.Password), "Demo:Seed needs Demo:Password.")
            .ValidateOnStart();
        return builder;
    }

    public static async Task SeedDemoDataAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DemoOptions>>().Value;
        if (!options.Seed || !app.Environment.IsDevelopmentOrTesting()) return;

        await using var scope = app.Services.CreateAsyncScope();
        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        await DemoAccounts.EnsureAsync(scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>(), options.Password!, time);
    }
}
