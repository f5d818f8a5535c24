using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// A portal seeded like a developer's first run (demo accounts, a small candidate population), whose clock is a
/// <see cref="FakeTimeProvider"/> that tests move by hand (TOTP time steps, lockout windows).
/// </summary>
public sealed class DemoPortal : PortalFactory
{
    public DemoPortal()
    {
    }

    /// <param name="settings">Extra settings for this portal, e.g. a monitor switched on.</param>
    /// <param name="candidates">Demo candidates to seed (a crowd test needs hundreds).</param>
    /// <param name="services">Test services added after the portal's own (e.g. a fault injected into the database).</param>
    internal DemoPortal(IReadOnlyDictionary<string, string?> settings, int candidates = 50, Action<IServiceCollection>? services = null) : base(settings)
    {
        _candidates = candidates;
        _services = services;
    }

    private readonly int _candidates = 50;
    private readonly Action<IServiceCollection>? _services;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        settings[DemoSeed] = "true";
        settings[DemoCandidates] = _candidates.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            _services?.Invoke(services);
        });
    }

    public string DemoPassword => Services.GetRequiredService<IConfiguration>()["Demo:Password"]!;
}
