using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Reminders;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Bench;

/// <summary>
/// <c>bench-reminders [--subscribers 1000000] [--sends 100000] [--smtp-port N]</c> (bench/reminders/run.sh, on a fresh
/// database): (1) stores N confirmed subscribers of one session with one SQL statement (the expansion reads ids only),
/// expands them with the portal's own <see cref="ReminderPageHandler"/> page after page, sampling the process's working
/// set every 100 ms; (2) stores M real (encrypted) subscribers of another session, expands them, and lets the portal's
/// outbox worker send every reminder to a minimal SMTP sink in this process (loopback), reporting the achieved rate.
/// Run with Reminders__SendsPerSecond high (the script sets 10000) to measure the ceiling, or lower to see the pacing.
/// </summary>
public static class BenchRemindersCommand
{
    public static readonly PortalCommand Command = new("bench-reminders",
        "Expand 1,000,000 reminder subscribers (peak working set) and send 100,000 reminders to a local SMTP sink (rate).", RunAsync);

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var subscribers = args.GetInt("subscribers", 1_000_000);
        var sends = args.GetInt("sends", 100_000);
        var dbFactory = services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();
        var handler = services.GetRequiredService<ReminderPageHandler>();
        var time = services.GetRequiredService<TimeProvider>();

        if (subscribers > 0)
        {
            var session = await SessionAsync(dbFactory, 2901);
            var watch = Stopwatch.StartNew();
            await using (var db = await dbFactory.CreateDbContextAsync())
            {
                db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO ReminderSubscriptions (ExamSessionId, Email, EmailIndex, Culture, Status, CreatedAt, RowKey)
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {subscribers})
                    SELECT {session}, 'bench', randomblob(32), 'zh-CN', 1, 0, upper(hex(randomblob(16))) FROM n
                    """);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stored {subscribers} subscribers in {watch.Elapsed.TotalSeconds:F1} s"));

            var runId = await RunAsync(dbFactory, session, time);
            GC.Collect();
            var before = WorkingSet();
            using var sampler = new Sampler();
            watch.Restart();
            var queued = await ExpandAllAsync(dbFactory, handler, runId, (done, cursor) =>
            {
                if (done % 100_000 < 1000) output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  expanded {done,9} working set {WorkingSet() / 1048576.0:F0} MiB (anonymous {Status("RssAnon:") / 1024.0:F0} MiB, file-backed {Status("RssFile:") / 1024.0:F0} MiB), managed heap {GC.GetTotalMemory(false) / 1048576.0:F0} MiB"));
            });
            watch.Stop();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT expansion subscribers={queued} seconds={watch.Elapsed.TotalSeconds:F1} per_s={queued / watch.Elapsed.TotalSeconds:F0} working_set_before_mib={before / 1048576.0:F0} peak_working_set_mib={sampler.Peak / 1048576.0:F0} first_tenth_peak_mib={sampler.PeakAt(0.1) / 1048576.0:F0} last_tenth_peak_mib={sampler.PeakFrom(0.9) / 1048576.0:F0} samples={sampler.Count}"));
        }

        // The expansion's sends go to addresses this benchmark never stored (ids only): they are not sent.
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
            await db.Database.ExecuteSqlAsync($"UPDATE OutboxMessages SET DeliveredAt = 1 WHERE DeliveredAt IS NULL");
        }

        if (sends > 0)
        {
            using var sink = SmtpSink.Start(args.GetInt("smtp-port", 2525));
            var session = await SessionAsync(dbFactory, 2902);
            var links = services.GetRequiredService<ReminderLinks>();
            var watch = Stopwatch.StartNew();
            for (var start = 0; start < sends; start += 2000)
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                for (var i = start; i < Math.Min(sends, start + 2000); i++)
                {
                    var email = string.Create(CultureInfo.InvariantCulture, $"bench{i}@example.org");
                    db.ReminderSubscriptions.Add(new ReminderSubscription
                    {
                        ExamSessionId = session, Email = email, EmailIndex = links.EmailIndex(email), Culture = i % 2 == 0 ? "zh-CN" : "en-US",
                        Status = ReminderStatus.Confirmed, CreatedAt = time.GetUtcNow(),
                    });
                }
                await db.SaveChangesAsync();
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stored {sends} encrypted subscribers in {watch.Elapsed.TotalSeconds:F1} s"));
            var runId = await RunAsync(dbFactory, session, time);
            await ExpandAllAsync(dbFactory, handler, runId, (_, _) => { });

            var worker = services.GetRequiredService<OutboxWorker>();
            watch.Restart();
            await worker.StartAsync(CancellationToken.None);
            var last = 0L;
            while (sink.Messages < sends)
            {
                await Task.Delay(TimeSpan.FromSeconds(10));
                var now = sink.Messages;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sent {now,7} ({(now - last) / 10.0:F0}/s over the last 10 s)"));
                if (now == last && watch.Elapsed > TimeSpan.FromMinutes(2)) break;
                last = now;
            }
            watch.Stop();
            await worker.StopAsync(CancellationToken.None);
            await using var check = await dbFactory.CreateDbContextAsync();
            var marked = await check.ReminderSends.CountAsync(s => s.RunId == runId && s.SentAt != null);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT sends messages={sink.Messages} marked_sent={marked} seconds={watch.Elapsed.TotalSeconds:F1} per_s={sink.Messages / watch.Elapsed.TotalSeconds:F0} duplicates={sink.Messages - marked}"));
        }
        return 0;
    }

    private static async Task<int> SessionAsync(IDbContextFactory<ScorePortalDbContext> dbFactory, int year)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var code = ExamSession.CodeFor(year, ExamHalf.H1);
        if (await db.ExamSessions.Where(s => s.Code == code).Select(s => (int?)s.Id).FirstOrDefaultAsync() is { } existing) return existing;
        var releaseAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        var session = new ExamSession
        {
            Code = code, Year = year, Half = ExamHalf.H1, NameZh = $"{year}年上半年", NameEn = $"{year} first half",
            ExamStartDate = new DateOnly(year, 5, 10), ExamEndDate = new DateOnly(year, 5, 11),
            ReleaseAt = releaseAt, ReviewOpensAt = releaseAt, ReviewClosesAt = releaseAt.AddDays(14), PublishedAt = releaseAt,
        };
        db.ExamSessions.Add(session);
        await db.SaveChangesAsync();
        return session.Id;
    }

    private static async Task<long> RunAsync(IDbContextFactory<ScorePortalDbContext> dbFactory, int session, TimeProvider time)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var run = new ReminderRun { EventId = Guid.NewGuid(), ExamSessionId = session, CreatedAt = time.GetUtcNow(), NextSendAt = time.GetUtcNow() };
        db.ReminderRuns.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    /// <summary>The page messages' work, page after page (what the outbox worker does with them, without its polls).</summary>
    private static async Task<long> ExpandAllAsync(IDbContextFactory<ScorePortalDbContext> dbFactory, ReminderPageHandler handler, long runId,
        Action<long, long> progress)
    {
        long total = 0;
        while (true)
        {
            long cursor;
            await using (var db = await dbFactory.CreateDbContextAsync())
                cursor = await db.ReminderRuns.Where(r => r.Id == runId && r.ExpandedAt == null).Select(r => (long?)r.Cursor).FirstOrDefaultAsync() ?? -1;
            if (cursor < 0) return total;
            total += await handler.ExpandAsync(new ReminderPageHandler.Page(runId, cursor), CancellationToken.None);
            progress(total, cursor);
        }
    }

    private static long WorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>
    /// A kB figure of /proc/self/status (Linux): RssAnon is the process's own memory, RssFile the mapped file pages
    /// (the SQLite memory map among them), which the kernel can reclaim; 0 where the file is missing.
    /// </summary>
    private static long Status(string field)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            var digits = new string(line.AsSpan(field.Length).ToArray().Where(char.IsAsciiDigit).ToArray());
            return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb : 0;
        }
        return 0;
    }

    /// <summary>The working set every 100 ms, on a thread of its own.</summary>
    private sealed class Sampler : IDisposable
    {
        private readonly List<long> _samples = [];
        private readonly Timer _timer;

        public Sampler() => _timer = new Timer(_ => { lock (_samples) _samples.Add(WorkingSet()); }, null, 0, 100);

        public int Count { get { lock (_samples) return _samples.Count; } }

        public long Peak { get { lock (_samples) return _samples.Count == 0 ? 0 : _samples.Max(); } }

        public long PeakAt(double fraction) { lock (_samples) return _samples.Take(Math.Max(1, (int)(_samples.Count * fraction))).DefaultIfEmpty().Max(); }

        public long PeakFrom(double fraction) { lock (_samples) return _samples.Skip((int)(_samples.Count * fraction)).DefaultIfEmpty().Max(); }

        public void Dispose() => _timer.Dispose();
    }

    /// <summary>
    /// The least SMTP server MailKit accepts, on loopback: greets, says 250 to every command, takes DATA up to the lone
    /// dot, counts the message and forgets it.
    /// </summary>
    private sealed class SmtpSink : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private long _messages;

        private SmtpSink(int port)
        {
            _listener = new TcpListener(IPAddress.Loopback, port);
            _listener.Start(512);
            _ = AcceptAsync();
        }

        public long Messages => Interlocked.Read(ref _messages);

        public static SmtpSink Start(int port) => new(port);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 bench ESMTP");
            try
            {
                while (await reader.ReadLineAsync() is { } line)
                {
                    var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO": await writer.WriteLineAsync("250-bench\r\n250 8BITMIME"); break;
                        case "DATA":
                            await writer.WriteLineAsync("354 go on");
                            while (await reader.ReadLineAsync() is { } body && body != ".") { }
                            Interlocked.Increment(ref _messages);
                            await writer.WriteLineAsync("250 queued");
                            break;
                        case "QUIT": await writer.WriteLineAsync("221 bye"); return;
                        default: await writer.WriteLineAsync("250 ok"); break;
                    }
                }
            }
            catch (IOException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
