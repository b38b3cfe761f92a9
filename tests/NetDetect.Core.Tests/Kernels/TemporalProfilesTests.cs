using NetDetect.Core.Data;
using NetDetect.Core.Kernels;

namespace NetDetect.Core.Tests.Kernels;

public class TemporalProfilesTests
{
    private static long At(int y, int mo, int d, int h, int mi, int s = 0) => Time.FromDateTime(new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc));

    [Fact]
    public void BinOf_KnownTimes()
    {
        var week = TemporalBinning.HourOfWeek();
        Assert.Equal(0, week.BinOf(At(2024, 1, 1, 0, 0)));          // a Monday midnight
        Assert.Equal(3 * 24, week.BinOf(0));                           // the epoch was a Thursday
        Assert.Equal(2 * 24 + 23, week.BinOf(At(1969, 12, 31, 23, 30))); // before the epoch: Wednesday 23h
        Assert.Equal(167, week.BinOf(At(2024, 1, 7, 23, 59)));        // Sunday 23:59
        Assert.Equal(1, TemporalBinning.HourOfWeek(utcOffsetMinutes: 180).BinOf(At(2023, 12, 31, 22, 0))); // Mon 01:00 in UTC+3
        Assert.Equal(167, TemporalBinning.HourOfWeek(utcOffsetMinutes: -60).BinOf(At(2024, 1, 1, 0, 30)));
        var half = TemporalBinning.HalfHourOfDay();
        Assert.Equal(48, half.Bins);
        Assert.Equal(2 * 13 + 1, half.BinOf(At(2020, 6, 6, 13, 45)));
        Assert.Throws<ArgumentException>(() => new TemporalBinning { Period = ProfilePeriod.Day, BinMinutes = 7 }.Validate());
    }

    [Fact]
    public void Histograms_MatchDateTimeReference_ForRandomTimesAndOffsets()
    {
        var rng = new Random(1);
        const int n = 5000, accounts = 37;
        var account = new int[n];
        var time = new long[n];
        for (int p = 0; p < n; p++)
        {
            account[p] = rng.Next(accounts);
            time[p] = rng.NextInt64(Time.FromDateTime(new DateTime(1900, 1, 2)), Time.FromDateTime(new DateTime(2200, 1, 1)));
        }
        time[7] = Time.Null;
        foreach (var binning in new[] { TemporalBinning.HourOfWeek(), TemporalBinning.HourOfWeek(330), TemporalBinning.HalfHourOfDay(-420),
                     new TemporalBinning { Period = ProfilePeriod.Week, BinMinutes = 15, UtcOffsetMinutes = 60 } })
        {
            var h = TemporalProfiles.Histograms(account, time, accounts, binning);
            var want = new float[accounts * binning.Bins];
            for (int p = 0; p < n; p++)
            {
                if (time[p] == Time.Null) continue;
                var local = Time.ToDateTime(time[p]).AddMinutes(binning.UtcOffsetMinutes);
                int minuteOfPeriod = local.Hour * 60 + local.Minute + (binning.Period == ProfilePeriod.Week ? ((int)local.DayOfWeek + 6) % 7 * 1440 : 0);
                want[account[p] * binning.Bins + minuteOfPeriod / binning.BinMinutes]++;
            }
            Assert.Equal(want, h);
            Assert.Equal(n - 1, h.Sum());
        }
    }

    [Fact]
    public void Statistics_ClockworkPoissonAndBurstyAccounts()
    {
        var rng = new Random(2);
        var account = new List<int>();
        var time = new List<long>();
        long t0 = At(2024, 3, 1, 0, 0);
        // account 0: one post every 10 minutes, clockwork
        for (int i = 0; i < 200; i++) { account.Add(0); time.Add(t0 + i * 10 * Time.MicrosPerMinute); }
        // account 1: Poisson process, exponential gaps with mean 1 h
        long t = t0;
        for (int i = 0; i < 20000; i++) { t += (long)(-Math.Log(1 - rng.NextDouble()) * 3600 * Time.MicrosPerSecond); account.Add(1); time.Add(t); }
        // account 2: bursts of 20 posts a second apart, once a day
        for (int day = 0; day < 50; day++)
            for (int i = 0; i < 20; i++) { account.Add(2); time.Add(t0 + day * 86_400 * Time.MicrosPerSecond + i * Time.MicrosPerSecond); }
        // account 3: two posts; account 4: none
        account.Add(3); time.Add(t0); account.Add(3); time.Add(t0 + 5);
        // shuffle: the statistics must not depend on input order
        var idx = Enumerable.Range(0, account.Count).OrderBy(_ => rng.Next()).ToArray();
        var s = TemporalProfiles.Statistics(idx.Select(i => account[i]).ToArray(), idx.Select(i => time[i]).ToArray(), 5);

        Assert.Equal([200, 20000, 1000, 2, 0], s.PostCount);
        Assert.Equal(-1f, s.Burstiness[0]);
        Assert.Equal(1f, s.TopIntervalShare[0]);
        Assert.Equal(600f, s.MedianIntervalSeconds[0]);
        Assert.Equal(0f, s.IntervalCv[0]);
        Assert.True(float.IsNaN(s.Memory[0])); // constant gaps: correlation undefined
        Assert.Equal(0f, s.IntervalEntropy[0]);
        Assert.InRange(s.Burstiness[1], -0.03f, 0.03f);
        Assert.InRange(s.IntervalCv[1], 0.95f, 1.05f);
        Assert.InRange(s.Memory[1], -0.03f, 0.03f);
        Assert.InRange(s.ActiveBinFraction[1], 0.99f, 1f);
        Assert.InRange(s.BinEntropy[1], 0.99f, 1f);
        Assert.True(s.Burstiness[2] > 0.6f);
        Assert.Equal(950f / 999, s.TopIntervalShare[2], 1e-6f); // 950 of the 999 gaps are one second
        Assert.Equal(7f / 168, s.ActiveBinFraction[2], 1e-6f); // midnight on each day of the week
        Assert.True(float.IsNaN(s.Burstiness[3])); // one interval is not enough
        Assert.Equal(0f, s.BinEntropy[3]);
        Assert.True(float.IsNaN(s.BinEntropy[4]));
        Assert.Equal(0f, s.ActiveBinFraction[4]);
    }

    [Fact]
    public void Statistics_MatchPlainFormulas_AndThreadCounts()
    {
        var rng = new Random(3);
        const int n = 3000, accounts = 60;
        var account = Enumerable.Range(0, n).Select(_ => rng.Next(accounts)).ToArray();
        var time = Enumerable.Range(0, n).Select(_ => rng.NextInt64(0, 1_000_000) * Time.MicrosPerSecond).ToArray();
        var s1 = TemporalProfiles.Statistics(account, time, accounts, maxDegreeOfParallelism: 1);
        var s2 = TemporalProfiles.Statistics(account, time, accounts, maxDegreeOfParallelism: 2);
        Assert.Equal(s1.Burstiness, s2.Burstiness);
        Assert.Equal(s1.Memory, s2.Memory);
        for (int a = 0; a < accounts; a++)
        {
            var ts = Enumerable.Range(0, n).Where(p => account[p] == a).Select(p => time[p]).Order().ToArray();
            var gaps = ts.Zip(ts.Skip(1), (x, y) => (y - x) / 1e6).ToArray();
            double mu = gaps.Average(), sd = Math.Sqrt(gaps.Select(g => (g - mu) * (g - mu)).Average());
            Assert.Equal((float)((sd - mu) / (sd + mu)), s1.Burstiness[a], 1e-6f);
            Assert.Equal((float)(sd / mu), s1.IntervalCv[a], 1e-5f);
        }
    }
}
