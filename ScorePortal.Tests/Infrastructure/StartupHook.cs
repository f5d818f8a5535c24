using System.Diagnostics.CodeAnalysis;

/// <summary>
/// Runs before Main when a test starts the portal as a child process with <c>DOTNET_STARTUP_HOOKS</c> naming this assembly
/// (the runtime looks for exactly this name, outside any namespace): the injected disk fault of
/// <see cref="ScorePortal.Tests.Infrastructure.FullDisk"/>. Does nothing unless its variable is set.
/// </summary>
[SuppressMessage("Design", "CA1050:Declare types in namespaces", Justification = "The runtime's startup-hook contract names a type without a namespace.")]
internal static class StartupHook
{
    public static void Initialize() => ScorePortal.Tests.Infrastructure.ChildPageLimit.Install();
}
