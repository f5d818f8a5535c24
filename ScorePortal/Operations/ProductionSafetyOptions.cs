namespace ScorePortal.Operations;

/// <summary>Development conveniences that must never reach Production.</summary>
public sealed class ProductionSafetyOptions
{
    public DemoSection Demo { get; set; } = new();

    public sealed class DemoSection
    {
        public bool Seed { get; set; }
        public string? Password { get; set; }
    }

    public static bool IsSafeFor(ProductionSafetyOptions o, IHostEnvironment env) =>
        !env.IsProduction() || (!o.Demo.Seed && string.IsNullOrEmpty(o.Demo.Password));
}
