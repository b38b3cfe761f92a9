using NetDetect.Core.Simulation;

namespace NetDetect.Core.Tests.Simulation;

/// <summary>Operation account profiles follow the calibrated takedown facts (checked on a large world, no files written).</summary>
public class SimulationWorldTests
{
    private static readonly SimulationWorld World = new(new SimulationOptions { Accounts = 60_000, Posts = 600_000, Operations = 3, OperationShare = 0.1, Seed = 5 });

    private static IEnumerable<int> Members() => World.Operations.SelectMany(o => o.Members);

    [Fact]
    public void Follower_counts_follow_the_takedown_users_file()
    {
        var members = Members().ToArray();
        double zero = members.Count(i => World.Followers[i] == 0) / (double)members.Length;
        double large = members.Count(i => World.Followers[i] > 10_000) / (double)members.Length;
        Assert.InRange(zero, Calibrated.TakedownZeroFollowers / 744.0 - 0.04, Calibrated.TakedownZeroFollowers / 744.0 + 0.04);
        Assert.InRange(large, Calibrated.TakedownOverTenThousandFollowers / 744.0 - 0.04, Calibrated.TakedownOverTenThousandFollowers / 744.0 + 0.04);
        // organic followers grow with account age
        var organic = Enumerable.Range(0, World.N).Where(i => World.Kind[i] == AccountKind.Organic).ToArray();
        long cut = World.StartMicros - 5L * 365 * SimulationWorld.Day;
        double Median(IEnumerable<long> xs) { var s = xs.Order().ToArray(); return s[s.Length / 2]; }
        Assert.True(Median(organic.Where(i => World.CreatedAt[i] < cut).Select(i => World.Followers[i])) > 1.5 * Median(organic.Where(i => World.CreatedAt[i] >= cut).Select(i => World.Followers[i])));
    }

    [Fact]
    public void Languages_and_creation_bursts_follow_the_takedown_users_file()
    {
        var members = Members().ToArray();
        double zh = members.Count(i => World.Language[i] == "zh-cn") / (double)members.Length;
        double ru = members.Count(i => World.Language[i] == "ru") / (double)members.Length;
        Assert.InRange(zh, 582 / 744.0 - 0.04, 582 / 744.0 + 0.04);
        Assert.InRange(ru, 36 / 744.0 - 0.02, 36 / 744.0 + 0.02);
        // a member created on one of its operation's burst days: 313 of 744 in the takedown
        int inBurst = 0;
        foreach (var op in World.Operations)
        {
            var days = op.BurstDaysBefore.Select(d => World.StartMicros / SimulationWorld.Day - d).ToHashSet();
            inBurst += op.Members.Count(i => days.Contains(Math.DivRem(World.CreatedAt[i], SimulationWorld.Day).Quotient));
        }
        Assert.InRange(inBurst / (double)members.Length, 313 / 744.0 - 0.05, 313 / 744.0 + 0.05);
        Assert.All(World.Operations, o => Assert.Contains(MemberOrigin.Repurposed, o.Origins));
    }

    [Fact]
    public void Member_activity_and_roles_follow_the_ira_tweets()
    {
        var op = World.Operations[0];
        double scale = (1 - 0.6 * op.Care) * World.SpecialScale;
        var perDay = op.Rate.Select(r => r / scale).Order().ToArray();
        double median = perDay[perDay.Length / 2];
        Assert.InRange(median, 1.5, 3.2); // IRA median 2.22 posts per account per day
        double feed = op.Roles.Count(r => r == MemberRole.Feed) / (double)op.Roles.Length;
        Assert.InRange(feed, 33 / 598.0 - 0.03, 33 / 598.0 + 0.03);
    }
}
