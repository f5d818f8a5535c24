using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Operations;

namespace ScorePortal.Tests.Features.Operations;

/// <summary>The one classifier of storage faults: the codes it knows, wrapped as EF and the audit writer wrap them, and what it leaves alone.</summary>
public sealed class StorageFaultsClassifierTests
{
    [Theory]
    [InlineData(13, StorageFault.DiskFull)]
    [InlineData(8, StorageFault.ReadOnly)]
    [InlineData(10, StorageFault.IoError)]
    [InlineData(778, StorageFault.IoError)] // SQLITE_IOERR_WRITE: an extended code keeps the primary one in its low byte
    [InlineData(1032, StorageFault.ReadOnly)] // SQLITE_READONLY_DBMOVED
    public void Sqlite_codes_are_named_through_the_wrappers_around_them(int code, StorageFault expected)
    {
        var sqlite = new SqliteException("SQLite Error", code);

        Assert.Equal(expected, StorageFaults.Classify(sqlite));
        Assert.Equal(expected, StorageFaults.Classify(new DbUpdateException("saving", sqlite)));
        Assert.Equal(expected, StorageFaults.Classify(new InvalidOperationException("The audit log could not be written.", sqlite)));
        Assert.Equal(expected, StorageFaults.Classify(new AggregateException(new TimeoutException(), sqlite)));
    }

    [Fact]
    public void Other_failures_are_no_storage_fault_and_keep_their_usual_handling()
    {
        Assert.Null(StorageFaults.Classify(new SqliteException("locked", 5))); // SQLITE_BUSY: retried, not a storage fault
        Assert.Null(StorageFaults.Classify(new SqliteException("constraint", 19)));
        Assert.Null(StorageFaults.Classify(new InvalidOperationException("a bug")));
        Assert.Null(StorageFaults.Classify(null));
    }

    [Fact]
    public void A_file_next_to_the_database_on_a_full_or_read_only_disk_is_named_too()
    {
        Assert.Equal(StorageFault.DiskFull, StorageFaults.Classify(new IOException("No space left on device", 28)));
        Assert.Equal(StorageFault.ReadOnly, StorageFaults.Classify(new IOException("Read-only file system", 30)));
        Assert.Null(StorageFaults.Classify(new IOException("Broken pipe", 32)));
    }
}
