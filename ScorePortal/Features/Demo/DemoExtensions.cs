using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Security;

namespace ScorePortal.Features.Demo;

public static class DemoExtensions
{
    public static WebApplicationBuilder AddDemo(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section)
            .Validate(o => !o.Seed || !string.IsNullOrEmpty(o.Password), "Demo:Seed needs Demo:Password.")
            .ValidateOnStart();
        builder.Services.AddPortalCommand(DemoAuthenticatorCommand.Command);
        builder.Services.AddPortalCommand(DemoApiKeyCommand.Command);
        // After the audit writer (a platform service, registered first) and before the server starts serving.
        builder.Services.AddHostedService<DemoWork>();
        return builder;
    }

    public static async Task SeedDemoDataAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DemoOptions>>().Value;
        if (!options.Seed || !app.Environment.IsDevelopmentOrTesting()) return;

        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var time = services.GetRequiredService<TimeProvider>();
        await DemoAccounts.EnsureAsync(services.GetRequiredService<UserManager<ApplicationUser>>(), options.Password!, time);

        await using var db = await services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var result = await DemoDataSeeder.SeedAsync(db, services.GetRequiredService<BlindIndex>(),
            new DemoSeedOptions { Candidates = options.Candidates }, time, CancellationToken.None);
        await DemoEnterprise.EnsureAsync(db, services.GetRequiredService<BlindIndex>(), services.GetRequiredService<UserManager<ApplicationUser>>(),
            time, CancellationToken.None);
        if (result.Seeded)
            app.Logger.LogInformation("Demo data seeded: {Candidates} candidates, {Registrations} registrations, {Scores} scores in {Elapsed}",
                result.Candidates, result.Registrations, result.SubjectScores, result.Elapsed);
    }
}
