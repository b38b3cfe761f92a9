namespace NetDetect.Core.Simulation;

/// <summary>
/// Constants the simulator fitted on real public files with <see cref="SimulatorCalibration"/>; the test
/// <c>SimulatorCalibrationTests</c> re-derives every one from the files and fails if they drift.
/// </summary>
/// <remarks>
/// Quantile tables hold the 0, 5, ..., 100 % quantiles (nearest rank below). Provenance per block:
/// <list type="bullet">
/// <item>TAKEDOWN: <c>shared/data/china-2019/china_082019_1_users_csv_hashed.csv</c>, Twitter's August 2019 release
/// against the Hong Kong protests, 744 accounts.</item>
/// <item>IRA: <c>shared/data/ira-2016/ira_tweets_2016-09-01_to_2016-11-30.csv.gz</c> (326,980 tweets, 598 accounts, 91 days)
/// and <c>authors.csv</c> (hand-coded categories, Clemson University).</item>
/// <item>ORGANIC: <c>shared/data/coortweet/german_elections.csv</c> (218,971 mostly organic posts by 58,317 accounts,
/// Germany, Aug–Sep 2021, CEST = UTC+2).</item>
/// </list>
/// </remarks>
public static class Calibrated
{
    // ---- TAKEDOWN (account profiles of the operation) ----

    /// <summary>TAKEDOWN: accounts in the users file.</summary>
    public const int TakedownAccounts = 744;

    /// <summary>TAKEDOWN: account_language counts (case-folded): zh-cn 582, en 104, ru 36, zh-tw 10, es 8, en-gb 3, ja 1.</summary>
    public static readonly (string Language, int Accounts)[] TakedownLanguages =
        [("zh-cn", 582), ("en", 104), ("ru", 36), ("zh-tw", 10), ("es", 8), ("en-gb", 3), ("ja", 1)];

    /// <summary>TAKEDOWN: 273 of 744 accounts have 0 followers.</summary>
    public const int TakedownZeroFollowers = 273;

    /// <summary>TAKEDOWN: 214 of 744 accounts have more than 10,000 followers (bought, once-popular accounts).</summary>
    public const int TakedownOverTenThousandFollowers = 214;

    /// <summary>TAKEDOWN: follower_count quantiles.</summary>
    public static readonly double[] TakedownFollowerQuantiles =
        [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 6, 18, 272, 12315, 13484, 17562, 24071, 45610, 170155];

    /// <summary>TAKEDOWN: following_count quantiles.</summary>
    public static readonly double[] TakedownFollowingQuantiles =
        [0, 0, 0, 0, 3, 7, 14, 21, 26, 32, 36, 39, 44, 49, 59, 74, 111, 250, 2084, 11720, 31752];

    /// <summary>
    /// TAKEDOWN: creation days with at least 10 accounts, as (days before the 2019-08-19 announcement, accounts):
    /// 2017-08-30 119, 2017-08-18 97, 2016-06-27 30, 2017-08-19 13, 2018-07-13 12, 2017-10-08 11, 2019-02-27 11,
    /// 2013-03-29 10, 2017-10-28 10. Together 313 of 744 accounts (42 %) were created on these 9 days.
    /// </summary>
    public static readonly (int DaysBefore, int Accounts)[] TakedownCreationBursts =
        [(719, 119), (731, 97), (1148, 30), (730, 13), (402, 12), (680, 11), (173, 11), (2334, 10), (660, 10)];

    /// <summary>TAKEDOWN: quantiles of account age in days before 2019-08-19 for accounts created outside the bursts.</summary>
    public static readonly double[] TakedownNonBurstAgeDaysQuantiles =
        [104, 202, 298, 508, 647, 653, 659, 670, 677, 695, 732, 923, 1129, 1321, 1489, 2078, 2348, 2691, 3087, 3532, 4112];

    // ---- IRA (behaviour of an operation's accounts) ----

    /// <summary>IRA: share of tweets that are retweets (retweet = 1): 239,434 of 326,980.</summary>
    public const double IraRetweetShare = 0.7323;

    /// <summary>IRA: share of tweets that are quotes (post_type Q).</summary>
    public const double IraQuoteShare = 0.0070;

    /// <summary>IRA: share of an account's consecutive posts published in the same minute (batch posting).</summary>
    public const double IraSameMinuteGapShare = 0.4703;

    /// <summary>IRA: tweet share per UTC hour 0..23 (the operator sat in St Petersburg, UTC+3).</summary>
    public static readonly double[] IraHourShareUtc =
    [
        0.0328, 0.0336, 0.0306, 0.0291, 0.0241, 0.0240, 0.0241, 0.0355, 0.0425, 0.0413, 0.0361, 0.0397,
        0.0451, 0.0525, 0.0786, 0.0851, 0.0596, 0.0470, 0.0461, 0.0416, 0.0404, 0.0426, 0.0334, 0.0349,
    ];

    /// <summary>IRA: UTC offset of the operator's office, used to turn <see cref="IraHourShareUtc"/> into a local-time office profile.</summary>
    public const int IraOperatorUtcOffsetHours = 3;

    /// <summary>IRA: tweet share per weekday Monday..Sunday.</summary>
    public static readonly double[] IraWeekdayShare = [0.1870, 0.1275, 0.1663, 0.1665, 0.1378, 0.1061, 0.1087];

    /// <summary>IRA: quantiles of posts per account per day over the 91 observed days.</summary>
    public static readonly double[] IraPostsPerDayQuantiles =
        [0.011, 0.022, 0.033, 0.055, 0.088, 0.176, 0.286, 0.516, 0.989, 1.549, 2.220, 3.769, 5.736, 7.088, 8.066, 9.297, 11.165, 12.473, 14.440, 20.352, 104.758];

    /// <summary>IRA: quantiles (seconds) of an account's gaps between consecutive posts that are not in the same minute.</summary>
    public static readonly double[] IraPositiveGapSecondsQuantiles =
        [60, 60, 60, 60, 180, 360, 600, 1080, 1680, 2340, 3480, 3780, 5220, 6660, 7320, 10260, 11640, 15360, 21780, 48720, 6651720];

    /// <summary>
    /// IRA: accounts active in the tweets file per hand-coded category, their tweets and retweet share. The simulator's
    /// operation roles follow them: <c>feed</c> = NewsFeed, <c>hashtag</c> = HashtagGamer, <c>amplifier</c> = the rest.
    /// </summary>
    public static readonly (string Category, int Accounts, int Tweets, double RetweetShare)[] IraCategories =
    [
        ("NonEnglish", 326, 92345, 0.700), ("LeftTroll", 120, 86482, 0.934), ("RightTroll", 69, 65611, 0.849),
        ("HashtagGamer", 48, 48891, 0.782), ("NewsFeed", 33, 33626, 0.003), ("Unknown", 1, 5, 0.400), ("Fearmonger", 1, 20, 0.000),
    ];

    // ---- ORGANIC (background) ----

    /// <summary>ORGANIC: post share per UTC hour 0..23 (German accounts, local time CEST = UTC+2).</summary>
    public static readonly double[] OrganicHourShareUtc =
    [
        0.0061, 0.0051, 0.0095, 0.0208, 0.0335, 0.0423, 0.0472, 0.0531, 0.0605, 0.0642, 0.0622, 0.0618,
        0.0609, 0.0554, 0.0567, 0.0545, 0.0603, 0.0828, 0.0535, 0.0390, 0.0280, 0.0194, 0.0141, 0.0091,
    ];

    /// <summary>ORGANIC: UTC offset of <see cref="OrganicHourShareUtc"/>'s accounts.</summary>
    public const int OrganicUtcOffsetHours = 2;

    /// <summary>ORGANIC: quantiles of posts per account (heavy tail: median 1, 95 % 12, max 638).</summary>
    public static readonly double[] OrganicPostsPerAccountQuantiles =
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 5, 7, 12, 638];

    /// <summary>Local-time hour profile (sums to 1) derived from a UTC profile observed at a known offset.</summary>
    public static double[] LocalProfile(double[] utcShares, int offsetHours)
    {
        var local = new double[24];
        for (int h = 0; h < 24; h++) local[h] = utcShares[((h - offsetHours) % 24 + 24) % 24];
        double sum = 0;
        for (int h = 0; h < 24; h++) sum += local[h];
        for (int h = 0; h < 24; h++) local[h] /= sum;
        return local;
    }
}
