using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace NetDetect.Benchmarks.Load;

/// <summary>
/// Open-loop, fixed-rate load generator for <c>GET /v1/accounts/{id}</c>:
/// <c>dotnet run -c Release --project tests/NetDetect.Benchmarks -- load --url http://127.0.0.1:PORT --key KEY
/// --rate 1000 --duration 30 [--accounts FILE | --ids a,b] [--connections 64] [--timeout-ms 2000] [--warmup 2]</c>.
/// </summary>
/// <remarks>
/// Request i is due at start + i/rate whatever happened to earlier requests, and its latency is measured from
/// that due time, not from when it was actually sent: a stalled server or a late generator shows up as latency
/// instead of silently lowering the rate (coordinated omission). Only loopback targets are accepted.
/// </remarks>
internal static class LoadGenerator
{
    private const int MaxRate = 50_000;
    private const int MaxDurationSeconds = 600;

    public static async Task<int> RunAsync(string[] args)
    {
        Options o;
        try
        {
            o = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"load: {e.Message}");
            await Console.Error.WriteLineAsync("usage: load --url http://127.0.0.1:PORT --key KEY --rate 1000 --duration 30 [--accounts FILE | --ids a,b] [--connections 64] [--timeout-ms 2000] [--warmup 2]");
            return 2;
        }

        var targets = new Uri[o.Ids.Length];
        for (int i = 0; i < targets.Length; i++)
            targets[i] = new Uri(o.BaseUrl, "v1/accounts/" + Uri.EscapeDataString(o.Ids[i]));

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = o.Connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromMilliseconds(o.TimeoutMs),
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromMilliseconds(o.TimeoutMs) };
        client.DefaultRequestHeaders.Add("X-Api-Key", o.Key);

        Console.WriteLine($"load: GET {o.BaseUrl}v1/accounts/{{id}} over {o.Ids.Length:N0} ids, {o.Rate:N0} req/s for {o.DurationSeconds} s, " +
                          $"up to {o.Connections} connections, timeout {o.TimeoutMs} ms, {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        // enough in flight to hold the rate for one full timeout: beyond that a request could only time out
        int maxInFlight = (int)Math.Clamp((long)o.Rate * o.TimeoutMs / 1000, o.Connections, 100_000);
        if (o.WarmupSeconds > 0)
        {
            var warm = await RunPhaseAsync(client, targets, o.Rate, o.WarmupSeconds, maxInFlight);
            Console.WriteLine($"warm-up ({o.WarmupSeconds} s, not counted): {warm.Ok:N0} ok, {warm.Errors:N0} errors");
        }

        var r = await RunPhaseAsync(client, targets, o.Rate, o.DurationSeconds, maxInFlight);
        r.Print(o.Rate);
        return r.Errors == 0 ? 0 : 1;
    }

    /// <summary>Sends rate × seconds requests on a fixed schedule and waits (bounded by the client timeout) for all of them.</summary>
    private static async Task<PhaseResult> RunPhaseAsync(HttpClient client, Uri[] targets, int rate, int seconds, int maxInFlight)
    {
        int total = rate * seconds;
        var latencyTicks = new long[total];   // from due time to response body read; -1 = error
        var sendLagTicks = new long[total];   // how late the generator itself started the send
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        var pending = new Task[total];
        int inFlight = 0;
        double ticksPerRequest = (double)Stopwatch.Frequency / rate;

        long start = Stopwatch.GetTimestamp();
        int next = 0;
        while (next < total)
        {
            long now = Stopwatch.GetTimestamp();
            // fire everything that is due; a late wake-up fires the backlog at once rather than dropping it
            while (next < total && start + (long)(next * ticksPerRequest) <= now)
            {
                int i = next++;
                long due = start + (long)(i * ticksPerRequest);
                sendLagTicks[i] = now - due;
                if (Volatile.Read(ref inFlight) >= maxInFlight)
                {
                    // bounded: the server is not keeping up; count it rather than queue without limit
                    latencyTicks[i] = -1;
                    AddError(errors, "not sent: in-flight cap reached");
                    pending[i] = Task.CompletedTask;
                    continue;
                }
                Interlocked.Increment(ref inFlight);
                pending[i] = SendAsync(client, targets[i % targets.Length], due, i, latencyTicks, errors, () => Interlocked.Decrement(ref inFlight));
            }
            if (next >= total) break;
            long nextDue = start + (long)(next * ticksPerRequest);
            long waitTicks = nextDue - Stopwatch.GetTimestamp();
            // sleep rather than spin: the generator shares a small machine with the server; a timer that wakes
            // late only makes the measured latency larger (it is taken from the due time), never smaller
            if (waitTicks > 0)
                await Task.Delay(TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, waitTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
        }
        long lastSend = Stopwatch.GetTimestamp();
        await Task.WhenAll(pending);
        long end = Stopwatch.GetTimestamp();
        return new PhaseResult(total, latencyTicks, sendLagTicks, errors, lastSend - start, end - start);
    }

    private static async Task SendAsync(HttpClient client, Uri uri, long due, int i, long[] latencyTicks, Dictionary<string, int> errors, Action done)
    {
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseContentRead);
            long t = Stopwatch.GetTimestamp();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                latencyTicks[i] = t - due;
            }
            else
            {
                latencyTicks[i] = -1;
                AddError(errors, $"HTTP {(int)response.StatusCode}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            latencyTicks[i] = -1;
            AddError(errors, e is TaskCanceledException ? "timeout" : e.GetType().Name + ": " + e.Message);
        }
        finally
        {
            done();
        }
    }

    private static void AddError(Dictionary<string, int> errors, string kind)
    {
        lock (errors)
            errors[kind] = errors.GetValueOrDefault(kind) + 1;
    }

    /// <summary>One phase's counts and latency distribution.</summary>
    private sealed record PhaseResult(int Sent, long[] LatencyTicks, long[] SendLagTicks, Dictionary<string, int> ErrorKinds, long SendSpanTicks, long TotalTicks)
    {
        public int Errors
        {
            get
            {
                int n = 0;
                foreach (long l in LatencyTicks) if (l < 0) n++;
                return n;
            }
        }

        public int Ok => Sent - Errors;

        public void Print(int targetRate)
        {
            var ok = new List<long>(Sent);
            foreach (long l in LatencyTicks) if (l >= 0) ok.Add(l);
            ok.Sort();
            var lag = (long[])SendLagTicks.Clone();
            Array.Sort(lag);
            double sendSeconds = Ticks(SendSpanTicks) / 1000.0;
            double totalSeconds = Ticks(TotalTicks) / 1000.0;
            // N requests due at 0, 1/rate, ..., (N-1)/rate span (N-1)/rate seconds
            double achieved = Sent > 1 && sendSeconds > 0 ? (Sent - 1) / sendSeconds : 0;
            var ci = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(ci, $"target rate {targetRate:N0} req/s; sent {Sent:N0} in {sendSeconds:F2} s = {achieved:N1} req/s achieved; all answered after {totalSeconds:F2} s"));
            Console.WriteLine(string.Create(ci, $"ok {Ok:N0}, errors {Errors:N0}"));
            foreach (var (kind, count) in ErrorKinds.OrderByDescending(e => e.Value))
                Console.WriteLine($"  {count:N0} × {kind}");
            if (ok.Count > 0)
                Console.WriteLine(string.Create(ci, $"latency from scheduled send (ms): p50 {Ticks(P(ok, 0.50)):F2}  p90 {Ticks(P(ok, 0.90)):F2}  p99 {Ticks(P(ok, 0.99)):F2}  p99.9 {Ticks(P(ok, 0.999)):F2}  max {Ticks(ok[^1]):F2}"));
            Console.WriteLine(string.Create(ci, $"generator send lag (ms): p50 {Ticks(P(lag, 0.50)):F2}  p99 {Ticks(P(lag, 0.99)):F2}  max {Ticks(lag[^1]):F2}"));
        }

        // nearest-rank percentile
        private static long P(IReadOnlyList<long> sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

        private static double Ticks(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>Parsed command line; rejects non-loopback targets and unbounded runs.</summary>
    internal sealed record Options(Uri BaseUrl, string Key, int Rate, int DurationSeconds, string[] Ids, int Connections, int TimeoutMs, int WarmupSeconds)
    {
        public static Options Parse(string[] args)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                    throw new ArgumentException($"expected --name value, got '{args[i]}'");
                map[args[i][2..]] = args[++i];
            }
            string Get(string name) => map.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
            int Int(string name, int fallback, int min, int max)
            {
                if (!map.TryGetValue(name, out var v)) return fallback;
                if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
                    throw new ArgumentException($"--{name} must be an integer in [{min}, {max}]");
                return n;
            }

            var url = new Uri(Get("url").TrimEnd('/') + "/", UriKind.Absolute);
            if (url.Scheme is not ("http" or "https"))
                throw new ArgumentException("--url must be http or https");
            if (!IsLoopback(url))
                throw new ArgumentException($"refusing to load {url.Host}: only loopback addresses (127.0.0.0/8, ::1, localhost) are allowed");

            string[] ids;
            if (map.TryGetValue("ids", out var list))
                ids = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            else if (map.TryGetValue("accounts", out var file))
                ids = File.ReadLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
            else
                throw new ArgumentException("give --ids or --accounts FILE (one account id per line)");
            if (ids.Length == 0) throw new ArgumentException("no account ids");

            return new Options(url, Get("key"), Int("rate", 1000, 1, MaxRate), Int("duration", 30, 1, MaxDurationSeconds), ids,
                Int("connections", 64, 1, 1024), Int("timeout-ms", 2000, 1, 60_000), Int("warmup", 2, 0, 60));
        }

        internal static bool IsLoopback(Uri url) =>
            url.IsLoopback && (url.HostNameType != UriHostNameType.Dns || string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            || IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }
}
