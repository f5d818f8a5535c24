using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// A real, size-limited file system for disk-fault tests: a tmpfs of a few MB mounted for one test (CI runs as root,
/// where <c>mount -t tmpfs</c> works). Tests take it through <see cref="FullDisk"/>, which injects the same fault where
/// no tmpfs can be mounted; a test is never skipped.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler.bin");

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MB on a new folder.</summary>
    public static SmallDisk Mount(int megabytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "scoreportal-tests", "disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0777", "tmpfs", path);
        if (code != 0)
            throw new InvalidOperationException($"The disk-fault tests mount a {megabytes} MB tmpfs and need root for it (CI runs as root): mount said {error}");
        return new SmallDisk(path);
    }

    /// <summary>A SQLite connection string to a database file on this disk.</summary>
    public string DatabaseConnectionString(string name = "scoreportal.db") =>
        new SqliteConnectionStringBuilder { DataSource = System.IO.Path.Combine(Path, name) }.ToString();

    /// <summary>Fills what is left of the disk with one file, until the file system says it is full.</summary>
    public void Fill()
    {
        using var stream = new FileStream(Filler, FileMode.Append, FileAccess.Write);
        var block = new byte[64 * 1024];
        try
        {
            while (true) stream.Write(block);
        }
        catch (IOException)
        {
            // No space left on device: exactly what was wanted.
        }
        try
        {
            stream.Flush();
        }
        catch (IOException)
        {
            // The last partial block did not fit either.
        }
    }

    /// <summary>Frees what <see cref="Fill"/> took.</summary>
    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Run("umount", "-l", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static (int Code, string Error) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error.Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
