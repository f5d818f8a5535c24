namespace ScorePortal.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Name of the entry under ConnectionStrings.</summary>
    public string ConnectionStringName { get; set; } = "ScorePortal";

    /// <summary>Apply pending migrations at start (SQLite only; SQL Server is migrated by script or bundle).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>SQLite only: bytes of the database file read through a memory map (0 turns it off). 1 GiB by default.</summary>
    public long SqliteMemoryMapBytes { get; set; } = 1L << 30;
}
