using NetDetect.Core.Simulation;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Simulation;

/// <summary>Re-derives every fitted constant in <see cref="Calibrated"/> from the real files it came from.</summary>
public class SimulatorCalibrationTests
{
    private static void Close(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(actual[i])), $"index {i}: constant {expected[i]} vs data {actual[i]}");
    }

    [Fact]
    public void Takedown_profile_constants_match_the_china_082019_users_file()
    {
        var f = SimulatorCalibration.ReadTakedownUsers(SharedData.File("china-2019", "china_082019_1_users_csv_hashed.csv"));
        Assert.Equal(Calibrated.TakedownAccounts, f.Accounts);
        Assert.Equal(Calibrated.TakedownZeroFollowers, f.ZeroFollowers);
        Assert.Equal(Calibrated.TakedownOverTenThousandFollowers, f.OverTenThousandFollowers);
        foreach (var (lang, n) in Calibrated.TakedownLanguages) Assert.Equal(n, f.Languages[lang]);
        Assert.Equal(f.Languages.Count, Calibrated.TakedownLanguages.Length);
        Close(Calibrated.TakedownFollowerQuantiles, f.FollowerQuantiles, 0);
        Close(Calibrated.TakedownFollowingQuantiles, f.FollowingQuantiles, 0);
        Close(Calibrated.TakedownNonBurstAgeDaysQuantiles, f.NonBurstAgeDaysQuantiles, 0);
        Assert.Equal(Calibrated.TakedownCreationBursts.Length, f.CreationBursts.Count);
        for (int i = 0; i < f.CreationBursts.Count; i++)
        {
            Assert.Equal(Calibrated.TakedownCreationBursts[i].Accounts, f.CreationBursts[i].Accounts);
            Assert.Equal(Calibrated.TakedownCreationBursts[i].DaysBefore, SimulatorCalibration.TakedownReference.DayNumber - f.CreationBursts[i].Day.DayNumber);
        }
    }

    [Fact]
    public void Behaviour_constants_match_the_ira_2016_tweets()
    {
        var f = SimulatorCalibration.ReadOperationTweets(SharedData.File("ira-2016", "ira_tweets_2016-09-01_to_2016-11-30.csv.gz"), SharedData.File("ira-2016", "authors.csv"));
        Assert.Equal(326_980, f.Tweets);
        Assert.Equal(598, f.Accounts);
        Assert.Equal(Calibrated.IraRetweetShare, f.RetweetShare, 4);
        Assert.Equal(Calibrated.IraQuoteShare, f.QuoteShare, 4);
        Assert.Equal(Calibrated.IraSameMinuteGapShare, f.SameMinuteGapShare, 4);
        Close(Calibrated.IraHourShareUtc, f.HourShareUtc, 5e-5);
        Close(Calibrated.IraWeekdayShare, f.WeekdayShare, 5e-5);
        Close(Calibrated.IraPostsPerDayQuantiles, f.PostsPerDayQuantiles, 5e-4);
        Close(Calibrated.IraPositiveGapSecondsQuantiles, f.PositiveGapSecondsQuantiles, 0);
        foreach (var (cat, accounts, tweets, rt) in Calibrated.IraCategories)
        {
            Assert.Equal(accounts, f.Categories[cat].Accounts);
            Assert.Equal(tweets, f.Categories[cat].Tweets);
            Assert.Equal(rt, f.Categories[cat].RetweetShare, 3);
        }
    }

    [Fact]
    public void Organic_constants_match_the_german_elections_posts()
    {
        var f = SimulatorCalibration.ReadOrganicLongFormat(SharedData.File("coortweet", "german_elections.csv"));
        Assert.Equal(218_971, f.Posts);
        Close(Calibrated.OrganicHourShareUtc, f.HourShareUtc, 5e-5);
        Close(Calibrated.OrganicPostsPerAccountQuantiles, f.PostsPerAccountQuantiles, 0);
    }

    [Fact]
    public void The_ira_office_profile_has_a_lunch_dip_and_quiet_weekends()
    {
        // the facts the operation schedule relies on, read from the constants in operator local time
        var local = Calibrated.LocalProfile(Calibrated.IraHourShareUtc, Calibrated.IraOperatorUtcOffsetHours);
        Assert.True(local[13] < local[12] && local[13] < local[14], "13:00 local is a dip");
        double weekday = 0, weekend = Calibrated.IraWeekdayShare[5] + Calibrated.IraWeekdayShare[6];
        for (int d = 0; d < 5; d++) weekday += Calibrated.IraWeekdayShare[d];
        Assert.True(weekend / 2 < 0.75 * weekday / 5);
    }
}
