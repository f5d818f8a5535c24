namespace ScorePortal;

/// <summary>Marker for the portal's one string table: Resources/SharedResource.resx (zh-CN) and .en-US.resx.</summary>
public sealed class SharedResource;
