using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Operations;

namespace ScorePortal.Features.Demo;

/// <summary>
/// <c>demo-api-key</c>: issues a fresh API key for the demo enterprise (<see cref="DemoEnterprise"/>) and prints it as the
/// last line, so the README's <c>curl</c> can call the enterprise API. Development and Testing only: everywhere else it
/// refuses and changes nothing (keys are issued by an admin at /admin/enterprises).
/// </summary>
public static class DemoApiKeyCommand
{
    public const int RateLimitPerMinute = 600;
    public const int DailyQuota = 10_000;

    public static readonly PortalCommand Command = new("demo-api-key",
        "Development/Testing only: issue a fresh API key for the demo enterprise (示例科技有限公司) and print it", RunAsync,
        CommandNeeds.DemoData);

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        if (!services.GetRequiredService<IHostEnvironment>().IsDevelopmentOrTesting())
        {
            output.WriteLine("demo-api-key exists for development only; an admin issues keys at /admin/enterprises.");
            return 2;
        }
        await using var db = await services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var enterpriseId = await db.Enterprises.Where(e => e.CreditCode == DemoEnterprise.CreditCode).Select(e => (int?)e.Id).FirstOrDefaultAsync();
        if (enterpriseId is null)
        {
            output.WriteLine("No demo enterprise: start with Demo:Seed=true first.");
            return 1;
        }
        var (key, prefix, hash) = ApiKeySecrets.NewKey();
        db.ApiKeys.Add(new ApiKey
        {
            EnterpriseId = enterpriseId.Value,
            Label = "demo-api-key",
            Prefix = prefix,
            Hash = hash,
            RateLimitPerMinute = RateLimitPerMinute,
            DailyQuota = DailyQuota,
            CreatedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
            CreatedBy = "demo-api-key",
        });
        await db.SaveChangesAsync();
        output.WriteLine(key);
        return 0;
    }
}
