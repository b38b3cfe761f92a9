using System.Globalization;
using NetDetect.Core.Data;

namespace NetDetect.Core.Simulation;

/// <summary>What an account is in the simulation (the label is <c>organic</c> for everything but operation members).</summary>
internal enum AccountKind : byte
{
    Organic,
    StateMedia,
    ScheduleBot,
    Operation,
}

/// <summary>How an operation got an account: created in a burst, created on a scattered day, or bought and repurposed.</summary>
internal enum MemberOrigin : byte
{
    Scattered,
    Burst,
    Repurposed,
}

/// <summary>An operation member's job, after the IRA's hand-coded categories (NewsFeed, HashtagGamer, the trolls).</summary>
internal enum MemberRole : byte
{
    Amplifier,
    Hashtag,
    Feed,
}

/// <summary>One topical community of the organic background.</summary>
internal sealed class Community
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    public required CommunityArchetype Archetype { get; init; }
    public required string[] Hashtags { get; init; }
    public required string[] Domains { get; init; }
    public int[] Members { get; set; } = [];
    /// <summary>Pool posts of this community and their cumulative popularity.</summary>
    public int[] Pool { get; set; } = [];
    public double[] PoolCumulative { get; set; } = [];
    /// <summary>Cumulative local-hour weights (organic diurnal profile).</summary>
    public required double[] HourCumulative { get; init; }
}

/// <summary>One state-backed operation: its members and how it behaves.</summary>
internal sealed class Operation
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    public required double Care { get; init; }
    public required int[] Members { get; init; }
    public required MemberRole[] Roles { get; init; }
    public required MemberOrigin[] Origins { get; init; }
    /// <summary>Repurposed members switch language and topic at this time (micros); others: long.MinValue.</summary>
    public required long[] SwitchAt { get; init; }
    /// <summary>Posts per day of each member.</summary>
    public required double[] Rate { get; init; }
    public required double[] RetweetShare { get; init; }
    public required string[] Clients { get; init; }
    public required string[] Hashtags { get; init; }
    public required string[] Domains { get; init; }
    public required string[] Media { get; init; }
    /// <summary>Indexes (into <see cref="SimulationWorld.StateMediaAccounts"/>) of the outlets this operation amplifies.</summary>
    public required int[] StateMedia { get; init; }
    public required double[] DayCumulative { get; init; }
    public required double[] HourCumulative { get; init; }
    public required int Actions { get; init; }
    public required double SubsetMean { get; init; }
    public required double StateMediaShare { get; init; }
    public required double FillerShare { get; init; }
    public required double DelayMedianSeconds { get; init; }
    public required double DelaySigma { get; init; }
    public required double[] LeadCumulative { get; init; }
    public required double[] ReposterCumulative { get; init; }
    /// <summary>Posts per day each member posts alone (templated originals), outside the actions.</summary>
    public required double[] SoloRate { get; init; }
    public required int[] BurstDaysBefore { get; init; }
}

/// <summary>A group of genuine accounts that looks coordinated (written to the truth file, label stays organic).</summary>
internal sealed class HardNegativeGroup
{
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public required int[] Members { get; init; }
    /// <summary>The account the group reacts to (news outlet, idol, organisation), or -1.</summary>
    public int Focus { get; init; } = -1;
    public string Description { get; init; } = "";
}

/// <summary>
/// Everything the simulation decides before posts are generated: accounts and their profiles, communities, the pool
/// of popular posts, operations and hard-negative groups. Built single-threaded from the seed, read-only afterwards.
/// </summary>
internal sealed class SimulationWorld
{
    public const double OrganicRetweetShare = 0.35;
    public const double OrganicReplyShare = 0.08;
    public const double OrganicWeekendFactor = 0.9;
    public const double StateMediaPostsPerDay = 36;
    public const int StateMediaCount = 4;
    public const long Day = 86_400L * Time.MicrosPerSecond;
    public const long Hour = 3_600L * Time.MicrosPerSecond;
    /// <summary>Office hours of an operation, local time (UTC+8): 09:00 to 18:00.</summary>
    public const int OfficeStartHour = 9, OfficeEndHour = 18;

    public SimulationOptions Options { get; }
    public ulong Seed { get; }
    public int Days { get; }
    public long StartMicros { get; }
    public long EndMicros { get; }
    public int N { get; }

    public string[] AccountId { get; }
    public string[] ScreenName { get; }
    public AccountKind[] Kind { get; }
    public int[] CommunityOf { get; }
    public double[] Activity { get; }
    public long[] CreatedAt { get; }
    public long[] Followers { get; }
    public long[] Following { get; }
    public string[] Language { get; }
    public string[] Client { get; }
    public string[] Client2 { get; }
    public int[] OperationOf { get; }
    public string[] Label { get; }

    public Community[] Communities { get; }
    public Operation[] Operations { get; }
    public List<HardNegativeGroup> HardNegatives { get; } = [];
    public int[] StateMediaAccounts { get; }
    public int[] ScheduleBots { get; private set; } = [];

    // pool of popular originals that the background retweets
    public int PoolSize { get; }
    public int[] PoolAuthor { get; }
    public long[] PoolTime { get; }
    public double[] PoolGlobalCumulative { get; }
    public int[] PoolCommunity { get; }
    public PostContent[] PoolContent { get; }

    /// <summary>Organic posts per unit of activity weight.</summary>
    public double OrganicScale { get; }
    /// <summary>Multiplier on every special group's activity, below 1 only when the posts asked for are few for the accounts.</summary>
    public double SpecialScale { get; }
    public double[] OrganicHourLocal { get; }
    public int NewsBursts { get; private set; }
    public double ActivistPostsPerDay { get; private set; } = 1.0;
    public double IdolPostsPerDay { get; private set; } = 3.0;
    public double NewsParticipation { get; private set; } = 0.7;
    public long StateMediaInterval { get; }
    public int StateMediaPostsEach { get; }

    public SimulationWorld(SimulationOptions options)
    {
        options.Validate();
        Options = options;
        Seed = options.Seed;
        Days = options.Days;
        StartMicros = Time.FromDateTime(options.Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        EndMicros = StartMicros + Days * Day;
        N = options.Accounts;
        var rng = new SimRandom(Seed, Streams.World, 0);

        OrganicHourLocal = Calibrated.LocalProfile(Calibrated.OrganicHourShareUtc, Calibrated.OrganicUtcOffsetHours);

        // communities: every archetype, more copies of each as the dataset grows, sizes Zipf-like
        int replicas = Math.Max(1, N / 100_000);
        var arch = Vocabulary.Archetypes;
        Communities = new Community[arch.Length * replicas];
        var communityWeight = new double[Communities.Length];
        for (int c = 0; c < Communities.Length; c++)
        {
            var a = arch[c % arch.Length];
            int r = c / arch.Length;
            string suffix = replicas > 1 ? "-" + (r + 1).ToString(CultureInfo.InvariantCulture) : "";
            var tags = new string[a.Hashtags.Length];
            for (int k = 0; k < tags.Length; k++) tags[k] = r == 0 ? a.Hashtags[k] : a.Hashtags[k] + (r + 1).ToString(CultureInfo.InvariantCulture);
            var domains = new string[a.Domains.Length];
            for (int k = 0; k < domains.Length; k++) domains[k] = r == 0 ? a.Domains[k] : (r + 1).ToString(CultureInfo.InvariantCulture) + a.Domains[k];
            Communities[c] = new Community
            {
                Index = c, Name = a.Name + suffix, Archetype = a, Hashtags = tags, Domains = domains,
                HourCumulative = Cumulative(OrganicHourLocal),
            };
            communityWeight[c] = 1.0 / Math.Pow(1 + (c % arch.Length + r * 0.5), 0.6);
        }
        var communityCum = Cumulative(communityWeight);

        AccountId = new string[N];
        ScreenName = new string[N];
        Kind = new AccountKind[N];
        CommunityOf = new int[N];
        Activity = new double[N];
        CreatedAt = new long[N];
        Followers = new long[N];
        Following = new long[N];
        Language = new string[N];
        Client = new string[N];
        Client2 = new string[N];
        OperationOf = new int[N];
        Label = new string[N];
        Array.Fill(OperationOf, -1);
        Array.Fill(Label, "organic");

        // a seeded permutation decides who is what, so row order and ids reveal nothing
        var perm = new int[N];
        for (int i = 0; i < N; i++) perm[i] = i;
        for (int i = N - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        int next = 0;

        var clientCum = new double[Vocabulary.OrganicClients.Length];
        double acc = 0;
        for (int k = 0; k < clientCum.Length; k++) clientCum[k] = acc += Vocabulary.OrganicClients[k].Weight;

        // organic profiles for everyone first (each account from its own keyed generator, so in parallel);
        // special accounts overwrite theirs below
        Parallel.For(0, N, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, i =>
        {
            var ar = new SimRandom(Seed, Streams.Account, (ulong)i);
            AccountId[i] = Hash.Permute63(Seed * 0x2545F4914F6CDD1DUL + 1, (ulong)i).ToString(CultureInfo.InvariantCulture);
            int c = ar.FromCumulative(communityCum, communityCum.Length);
            CommunityOf[i] = c;
            Activity[i] = ar.FromQuantiles(Calibrated.OrganicPostsPerAccountQuantiles);
            // organic ages: uniform between 30 days and 12 years (assumption; no public organic profile file here)
            double ageDays = 30 + ar.NextDouble() * (12 * 365 - 30);
            CreatedAt[i] = StartMicros - (long)(ageDays * Day);
            // followers grow with age and activity: log-normal around 40 * years^0.8 * activity^0.5 (assumption)
            double median = 40 * Math.Pow(ageDays / 365, 0.8) * Math.Sqrt(Activity[i]);
            Followers[i] = (long)ar.LogNormal(median, 1.3);
            Following[i] = (long)ar.LogNormal(150, 1.0);
            var a = Communities[c].Archetype;
            Language[i] = ar.Chance(0.9) ? a.Language : "en";
            Client[i] = Vocabulary.OrganicClients[ar.FromCumulative(clientCum, clientCum.Length)].Client;
            Client2[i] = ar.Chance(0.2) ? Vocabulary.OrganicClients[ar.FromCumulative(clientCum, clientCum.Length)].Client : Client[i];
            ScreenName[i] = OrganicName(ref ar);
        });

        // special-group scale: keep special groups at most about half of the posts asked for
        double opMembers = Math.Round(options.OperationShare * N);
        double meanIraRate = MeanOfQuantiles(Calibrated.IraPostsPerDayQuantiles);
        double special = opMembers * meanIraRate * Days
            + StateMediaCount * StateMediaPostsPerDay * Days
            + (options.HardNegatives ? HardNegativeEstimate() : 0);
        SpecialScale = Math.Min(1.0, 0.5 * options.Posts / Math.Max(1, special));

        // state media outlets (organic label: the outlets are real media, amplified by the operation)
        StateMediaAccounts = new int[StateMediaCount];
        StateMediaPostsEach = Math.Max(1, (int)Math.Round(StateMediaPostsPerDay * SpecialScale * Days));
        StateMediaInterval = (EndMicros - StartMicros) / StateMediaPostsEach;
        for (int s = 0; s < StateMediaCount; s++)
        {
            int i = perm[next++];
            StateMediaAccounts[s] = i;
            Kind[i] = AccountKind.StateMedia;
            ScreenName[i] = Vocabulary.StateMedia[s].ScreenName;
            Language[i] = "zh-cn";
            Client[i] = Client2[i] = "Twitter Web Client";
            CreatedAt[i] = StartMicros - (long)((2500 + 300 * s) * Day);
            Followers[i] = 300_000 + 150_000 * s;
            Following[i] = 50 + 10 * s;
        }

        Operations = BuildOperations(ref rng, perm, ref next);

        // communities' member lists (organic accounts only)
        var counts = new int[Communities.Length];
        for (int i = 0; i < N; i++) if (Kind[i] == AccountKind.Organic) counts[CommunityOf[i]]++;
        var lists = new int[Communities.Length][];
        for (int c = 0; c < lists.Length; c++) lists[c] = new int[counts[c]];
        Array.Clear(counts);
        for (int i = 0; i < N; i++) if (Kind[i] == AccountKind.Organic) lists[CommunityOf[i]][counts[CommunityOf[i]]++] = i;
        for (int c = 0; c < lists.Length; c++) Communities[c].Members = lists[c];

        if (options.HardNegatives) BuildHardNegatives(ref rng, perm, ref next);

        // the pool of popular originals, authored by active organic accounts
        PoolSize = (int)Math.Clamp(options.Posts / 150, 50, 150_000);
        PoolAuthor = new int[PoolSize];
        PoolTime = new long[PoolSize];
        PoolCommunity = new int[PoolSize];
        PoolContent = new PostContent[PoolSize];
        var sb = new CharBuilder();
        var arena = new CharArena();
        var popularity = new double[PoolSize];
        var poolByCommunity = new List<int>[Communities.Length];
        for (int c = 0; c < poolByCommunity.Length; c++) poolByCommunity[c] = [];
        for (int k = 0; k < PoolSize; k++)
        {
            var pr = new SimRandom(Seed, Streams.Pool, (ulong)k);
            int c;
            do c = pr.FromCumulative(communityCum, communityCum.Length); while (Communities[c].Members.Length == 0);
            var members = Communities[c].Members;
            int author = members[pr.Next(members.Length)];
            for (int t = 0; t < 3; t++)
            {
                int other = members[pr.Next(members.Length)];
                if (Activity[other] > Activity[author]) author = other;
            }
            PoolAuthor[k] = author;
            PoolTime[k] = OrganicTime(ref pr, Communities[c]);
            popularity[k] = Math.Pow(1 - pr.NextDouble(), -1 / 1.2); // Pareto(1.2): a few posts get most retweets
            poolByCommunity[c].Add(k);
            PoolCommunity[k] = c;
            PoolContent[k] = TextMaker.Organic(ref pr, sb, arena, Communities[c], Language[author], null);
        }
        PoolGlobalCumulative = Cumulative(popularity);
        for (int c = 0; c < Communities.Length; c++)
        {
            var ids = poolByCommunity[c].ToArray();
            var w = new double[ids.Length];
            for (int k = 0; k < ids.Length; k++) w[k] = popularity[ids[k]];
            Communities[c].Pool = ids;
            Communities[c].PoolCumulative = Cumulative(w);
        }

        // organic background fills what the special groups leave of the posts asked for
        double specialExpected = PoolSize + StateMediaCount * (double)StateMediaPostsEach + ExpectedOperationPosts() + (options.HardNegatives ? HardNegativeEstimate() * SpecialScale : 0);
        double organicBudget = Math.Max(options.Posts * 0.2, options.Posts - specialExpected);
        double weight = 0;
        for (int i = 0; i < N; i++) if (Kind[i] == AccountKind.Organic) weight += Activity[i];
        OrganicScale = organicBudget / Math.Max(1, weight);
    }

    private double HardNegativeEstimate()
    {
        double news = NewsAudienceSize() * 0.7 * Math.Max(2, Days / 4);
        double activists = ActivistSize() * 1.0 * 5 * Days;
        double fans = FanSize() * (0.5 * 3 + 0.3) * Days;
        double bots = BotCount() * 8.0 * Days;
        double org = (Days / 3.0) * (1 + 0.6 * OrganisationSize());
        return news + activists + fans + bots + org;
    }

    private int NewsAudienceSize() => Math.Clamp((int)(0.03 * N), 40, 30_000);
    private int ActivistSize() => Math.Clamp((int)(0.005 * N), 20, 5_000);
    private int FanSize() => Math.Clamp((int)(0.02 * N), 40, 20_000);
    private int BotCount() => Math.Clamp(N / 2000, 3, 60);
    private int OrganisationSize() => Math.Clamp((int)(0.002 * N), 8, 300);

    private double ExpectedOperationPosts()
    {
        double total = 0;
        foreach (var op in Operations)
            for (int m = 0; m < op.Members.Length; m++) total += op.Rate[m] * Days;
        return total;
    }

    private Operation[] BuildOperations(ref SimRandom rng, int[] perm, ref int next)
    {
        int k = Options.Operations;
        var ops = new Operation[k];
        if (k == 0) return ops;
        var care = Options.CareLevels();
        int total = (int)Math.Round(Options.OperationShare * N);
        var w = new double[k];
        double sum = 0;
        for (int o = 0; o < k; o++) sum += w[o] = 0.6 + 0.8 * rng.NextDouble();

        // calibrated profile tables
        double zhTotal = 0, allLang = 0;
        var langCum = new double[Calibrated.TakedownLanguages.Length];
        for (int l = 0; l < langCum.Length; l++)
        {
            var (lang, n) = Calibrated.TakedownLanguages[l];
            allLang += n;
            langCum[l] = allLang;
            if (lang.StartsWith("zh", StringComparison.Ordinal)) zhTotal += n;
        }
        double burstTotal = 0;
        var burstCum = new double[Calibrated.TakedownCreationBursts.Length];
        for (int b = 0; b < burstCum.Length; b++) burstCum[b] = burstTotal += Calibrated.TakedownCreationBursts[b].Accounts;
        // the bursts are native-language accounts made in bulk: P(burst | zh) = burst accounts / zh accounts
        double burstGivenZh = Math.Min(1, burstTotal / zhTotal);

        // roles and their retweet shares from the IRA categories
        double feedAcc = 0, tagAcc = 0, allAcc = 0, ampTweets = 0, ampRt = 0;
        double feedRt = 0, tagRt = 0;
        foreach (var (cat, accounts, tweets, rt) in Calibrated.IraCategories)
        {
            allAcc += accounts;
            if (cat == "NewsFeed") { feedAcc += accounts; feedRt = rt; }
            else if (cat == "HashtagGamer") { tagAcc += accounts; tagRt = rt; }
            else { ampTweets += tweets; ampRt += rt * tweets; }
        }
        double ampRtShare = ampRt / ampTweets;

        var officeLocal = Calibrated.LocalProfile(Calibrated.IraHourShareUtc, Calibrated.IraOperatorUtcOffsetHours);
        double weekdayShare = 0;
        for (int d = 0; d < 5; d++) weekdayShare += Calibrated.IraWeekdayShare[d];
        double weekendRatio = (1 - weekdayShare) / 2 / (weekdayShare / 5);

        int offset = next;
        for (int o = 0; o < k; o++)
        {
            int size = o == k - 1 ? total - (next - offset) : Math.Max(3, (int)Math.Round(total * w[o] / sum));
            size = Math.Max(3, size);
            double c = care[o];
            var members = new int[size];
            var roles = new MemberRole[size];
            var origins = new MemberOrigin[size];
            var switchAt = new long[size];
            var rate = new double[size];
            var rts = new double[size];
            int shiftDays = o * 41 + rng.Next(30); // each operation has its own creation days
            var burstDays = new int[Calibrated.TakedownCreationBursts.Length];
            for (int b = 0; b < burstDays.Length; b++) burstDays[b] = Calibrated.TakedownCreationBursts[b].DaysBefore + shiftDays;
            int nClients = 2 + (int)Math.Round(3 * c);
            string[] clientChoices = ["Twitter Web Client", "Twitter for Android", "TweetDeck", "Twitter for iPhone", "Twitter Lite", "Twitter Web App"];
            var clients = new string[nClients];
            for (int q = 0; q < nClients; q++) clients[q] = clientChoices[(q + o) % clientChoices.Length];
            double intensity = (1 - 0.6 * c) * SpecialScale;
            for (int m = 0; m < size; m++)
            {
                int i = perm[next++];
                members[m] = i;
                var ar = new SimRandom(Seed, Streams.Member, (ulong)i);
                Kind[i] = AccountKind.Operation;
                OperationOf[i] = o;
                string lang = Calibrated.TakedownLanguages[ar.FromCumulative(langCum, langCum.Length)].Language;
                Language[i] = lang;
                bool zh = lang.StartsWith("zh", StringComparison.Ordinal);
                origins[m] = !zh ? MemberOrigin.Repurposed : ar.Chance(burstGivenZh) ? MemberOrigin.Burst : MemberOrigin.Scattered;
                if (origins[m] == MemberOrigin.Burst)
                {
                    int b = ar.FromCumulative(burstCum, burstCum.Length);
                    // created in working hours of the operator's day (UTC+8)
                    CreatedAt[i] = StartMicros - burstDays[b] * Day + (long)((1 + ar.NextDouble() * 9) * Hour);
                    ScreenName[i] = Vocabulary.BulkStems[ar.Next(Vocabulary.BulkStems.Length)] + ar.Next(100_000_000).ToString("D8", CultureInfo.InvariantCulture);
                }
                else
                {
                    double age = ar.FromQuantiles(Calibrated.TakedownNonBurstAgeDaysQuantiles);
                    CreatedAt[i] = StartMicros - (long)(age * Day);
                    ScreenName[i] = OrganicName(ref ar);
                }
                switchAt[m] = origins[m] == MemberOrigin.Repurposed ? StartMicros + (long)((0.1 + 0.4 * ar.NextDouble()) * Days * Day) : long.MinValue;
                Followers[i] = (long)Math.Round(ar.FromQuantiles(Calibrated.TakedownFollowerQuantiles));
                Following[i] = (long)Math.Round(ar.FromQuantiles(Calibrated.TakedownFollowingQuantiles));
                double u = ar.NextDouble() * allAcc;
                roles[m] = u < feedAcc ? MemberRole.Feed : u < feedAcc + tagAcc ? MemberRole.Hashtag : MemberRole.Amplifier;
                rts[m] = roles[m] switch { MemberRole.Feed => feedRt, MemberRole.Hashtag => tagRt, _ => ampRtShare };
                rate[m] = ar.FromQuantiles(Calibrated.IraPostsPerDayQuantiles) * intensity;
                Client[i] = clients[ar.Next(nClients)];
                Client2[i] = clients[ar.Next(nClients)];
                Label[i] = OperationName(o);
                // repurposed accounts keep their old community for the posts before the switch
                if (origins[m] == MemberOrigin.Repurposed) CommunityOf[i] = CommunityForLanguage(lang, ref ar, CommunityOf[i]);
            }

            // schedule: office hours 09:00-18:00 in the operator's zone (UTC+8). Inside them the hour weights are the IRA's own
            // (in Moscow time: start at 10, lunch dip at 13, late-afternoon peak), sharpened for sloppy operations; outside
            // them the IRA's round-the-clock weights are damped for sloppy operations and kept for careful ones, which also
            // blend in organic hours.
            double gamma = 1 + 3 * (1 - c);
            double offFactor = 0.05 + 0.95 * c;
            var hours = new double[24];
            double hsum = 0, osum = 0;
            for (int h = 0; h < 24; h++)
            {
                bool office = h is >= OfficeStartHour and < OfficeEndHour;
                hours[h] = office ? Math.Pow(officeLocal[h] / officeLocal[OfficeStartHour + 1], gamma) * officeLocal[OfficeStartHour + 1] : officeLocal[h] * offFactor;
                hsum += hours[h];
                osum += OrganicHourLocal[h];
            }
            for (int h = 0; h < 24; h++) hours[h] = (1 - c) * hours[h] / hsum + c * OrganicHourLocal[h] / osum;
            // local days run from StartMicros - 8 h; one extra day covers the spill-over
            var days = new double[Days + 1];
            double weekend = (1 - c) * weekendRatio * (0.3 + 0.7 * c) + c * OrganicWeekendFactor;
            for (int d = 0; d <= Days; d++)
            {
                var date = Options.Start.AddDays(d);
                bool isWeekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
                double f = isWeekend ? weekend : 1;
                // public holidays are quieter still than weekends, the more so the sloppier the operation
                if (Holidays.IsPrcPublicHoliday(date)) f = weekend * (0.2 + 0.8 * c);
                days[d] = f;
            }

            double coordShare = 1 - 0.6 * c;
            double reposts = 0, originals = 0;
            var leadW = new double[size];
            var reposterW = new double[size];
            for (int m = 0; m < size; m++)
            {
                reposts += rate[m] * Days * coordShare * rts[m];
                originals += rate[m] * Days * coordShare * (1 - rts[m]);
                leadW[m] = rate[m] * (1 - rts[m]) * (roles[m] == MemberRole.Amplifier ? 0.3 : 1);
                reposterW[m] = rate[m] * rts[m];
            }
            double subset = Math.Clamp(size * (0.25 - 0.21 * c), 2, 60);
            int actions = Math.Max(1, (int)Math.Round(reposts / subset));
            double smShare = 0.4;
            double leadOriginals = actions * (1 - smShare);
            double soloFactor = Math.Max(0, originals - leadOriginals) / Math.Max(1e-9, originals);
            var solo = new double[size];
            for (int m = 0; m < size; m++) solo[m] = rate[m] * coordShare * (1 - rts[m]) * soloFactor;

            var opTags = Pick(ref rng, Vocabulary.OperationHashtags, 6);
            var farms = Pick(ref rng, Vocabulary.OperationDomains, 2);
            var sm = new[] { o % StateMediaCount, (o + 1) % StateMediaCount };
            var media = new string[20];
            for (int q = 0; q < media.Length; q++) media[q] = "ph" + Hash.Permute63(Seed + (ulong)o * 7919, (ulong)q).ToString("x16", CultureInfo.InvariantCulture);
            ops[o] = new Operation
            {
                Index = o, Name = OperationName(o), Care = c, Members = members, Roles = roles, Origins = origins, SwitchAt = switchAt,
                Rate = rate, RetweetShare = rts, Clients = clients, Hashtags = opTags,
                Domains = [Vocabulary.StateMedia[sm[0]].Domain, Vocabulary.StateMedia[sm[1]].Domain, .. farms],
                Media = media, StateMedia = sm, DayCumulative = Cumulative(days), HourCumulative = Cumulative(hours), Actions = actions,
                SubsetMean = subset, StateMediaShare = smShare, FillerShare = 1 - coordShare,
                DelayMedianSeconds = Math.Exp(Math.Log(40) + c * (Math.Log(1200) - Math.Log(40))), DelaySigma = 0.6 + 0.8 * c,
                LeadCumulative = Cumulative(leadW), ReposterCumulative = Cumulative(reposterW), SoloRate = solo, BurstDaysBefore = burstDays,
            };
        }
        return ops;
    }

    private void BuildHardNegatives(ref SimRandom rng, int[] perm, ref int next)
    {
        double s = SpecialScale;
        NewsParticipation = 0.7;
        ActivistPostsPerDay = 1.0 * s;
        IdolPostsPerDay = 3.0 * s;
        NewsBursts = Math.Max(2, (int)Math.Round(Days / 4.0 * s));

        // schedule bots: their own accounts, taken from the permutation like the other special accounts
        int nb = BotCount();
        ScheduleBots = new int[nb];
        for (int b = 0; b < nb; b++)
        {
            int i = perm[next++];
            ScheduleBots[b] = i;
            Kind[i] = AccountKind.ScheduleBot;
            bool weather = b % 2 == 0;
            ScreenName[i] = (weather ? "wx_" : "news_") + Vocabulary.Cities[b % Vocabulary.Cities.Length].ToLowerInvariant() + (b / Vocabulary.Cities.Length > 0 ? (b / Vocabulary.Cities.Length).ToString(CultureInfo.InvariantCulture) : "");
            Client[i] = Client2[i] = weather ? "IFTTT" : "dlvr.it";
            Language[i] = "en";
        }
        RemoveFromCommunities(ScheduleBots);
        HardNegatives.Add(new HardNegativeGroup { Name = "schedule-bots", Kind = "schedule_bot", Members = ScheduleBots, Description = "weather and headline bots posting on fixed schedules, each on its own" });

        // news outlets and the audience that reposts their breaking news within minutes
        var organic = new List<int>(N);
        for (int i = 0; i < N; i++) if (Kind[i] == AccountKind.Organic) organic.Add(i);
        var outlet = organic[rng.Next(organic.Count)];
        var audience = SampleDistinct(ref rng, organic, NewsAudienceSize(), [outlet]);
        Followers[outlet] = 2_000_000;
        ScreenName[outlet] = "BreakingWire";
        HardNegatives.Add(new HardNegativeGroup { Name = "news-burst", Kind = "news_burst", Members = audience, Focus = outlet, Description = "accounts that repost a news outlet's breaking news within minutes" });

        // grassroots activists: Hong Kong accounts pushing shared hashtags all day
        var hk = new List<int>();
        foreach (var c in Communities) if (c.Archetype.Name == "hk-local") hk.AddRange(c.Members);
        if (hk.Count < ActivistSize()) hk = organic;
        var activists = SampleDistinct(ref rng, hk, ActivistSize(), [outlet]);
        HardNegatives.Add(new HardNegativeGroup { Name = "hk-grassroots", Kind = "activist", Members = activists, Description = "protesters pushing shared hashtags and retweeting each other, evenings and weekends included" });

        // a fan community mass-retweeting an idol
        var kr = new List<int>();
        foreach (var c in Communities) if (c.Archetype.Name == "kr-pop") kr.AddRange(c.Members);
        if (kr.Count < FanSize() + 1) kr = organic;
        int idol = kr[rng.Next(kr.Count)];
        Followers[idol] = 5_000_000;
        ScreenName[idol] = "starlight_official";
        var fans = SampleDistinct(ref rng, kr, FanSize(), [idol, outlet]);
        HardNegatives.Add(new HardNegativeGroup { Name = "fan-community", Kind = "fan", Members = fans, Focus = idol, Description = "fans retweeting every post of their idol within minutes" });

        // one organisation's staff sharing its press links
        int official = organic[rng.Next(organic.Count)];
        ScreenName[official] = Vocabulary.OrganisationNames[(int)(Seed % (ulong)Vocabulary.OrganisationNames.Length)].Replace(" ", "", StringComparison.Ordinal);
        var staff = SampleDistinct(ref rng, organic, OrganisationSize(), [official, outlet, idol]);
        HardNegatives.Add(new HardNegativeGroup { Name = "organisation-staff", Kind = "organisation", Members = staff, Focus = official, Description = "employees sharing their organisation's press-release links" });
    }

    private void RemoveFromCommunities(int[] accounts)
    {
        var set = new HashSet<int>(accounts);
        foreach (var c in Communities)
        {
            var keep = new List<int>(c.Members.Length);
            foreach (var m in c.Members) if (!set.Contains(m)) keep.Add(m);
            c.Members = keep.ToArray();
        }
    }

    private static int[] SampleDistinct(ref SimRandom rng, List<int> from, int count, int[] exclude)
    {
        count = Math.Min(count, from.Count - exclude.Length);
        var chosen = new HashSet<int>(exclude);
        var result = new int[count];
        int n = 0;
        while (n < count)
        {
            int a = from[rng.Next(from.Count)];
            if (chosen.Add(a)) result[n++] = a;
        }
        Array.Sort(result);
        return result;
    }

    private int CommunityForLanguage(string lang, ref SimRandom rng, int fallback)
    {
        string l = lang.StartsWith("en", StringComparison.Ordinal) ? "en" : lang;
        var matches = new List<int>();
        foreach (var c in Communities) if (c.Archetype.Language == l) matches.Add(c.Index);
        return matches.Count == 0 ? fallback : matches[rng.Next(matches.Count)];
    }

    public static string OperationName(int o) => "operation_" + (o + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>A local time in the community's zone, from the organic diurnal profile with quieter weekends.</summary>
    public long OrganicTime(ref SimRandom rng, Community c) => LocalTime(ref rng, c.HourCumulative, c.Archetype.UtcOffsetMinutes, OrganicWeekendFactor);

    public long LocalTime(ref SimRandom rng, double[] hourCumulative, int utcOffsetMinutes, double weekendFactor)
    {
        long offset = utcOffsetMinutes * Time.MicrosPerMinute;
        for (int attempt = 0; ; attempt++)
        {
            int d = rng.Next(Days + 1) - (utcOffsetMinutes > 0 ? 0 : 1);
            var date = Options.Start.AddDays(d);
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday && !rng.Chance(weekendFactor)) continue;
            int h = rng.FromCumulative(hourCumulative, 24);
            long t = StartMicros + d * Day + h * Hour + (long)(rng.NextDouble() * Hour) - offset;
            if (t >= StartMicros && t < EndMicros) return t;
            if (attempt > 50) return StartMicros + (long)(rng.NextDouble() * (EndMicros - StartMicros));
        }
    }

    /// <summary>A time on the operation's office schedule (UTC+8 local days, weekday/holiday weights).</summary>
    public long OperationTime(ref SimRandom rng, Operation op)
    {
        long offset = 8 * Hour;
        for (int attempt = 0; ; attempt++)
        {
            int d = rng.FromCumulative(op.DayCumulative, op.DayCumulative.Length);
            int h = rng.FromCumulative(op.HourCumulative, 24);
            long t = StartMicros + d * Day + h * Hour + (long)(rng.NextDouble() * Hour) - offset;
            if (t >= StartMicros && t < EndMicros) return t;
            if (attempt > 50) return StartMicros + (long)(rng.NextDouble() * (EndMicros - StartMicros));
        }
    }

    /// <summary>Time of state-media post <paramref name="j"/> of outlet <paramref name="s"/>: evenly spaced with jitter.</summary>
    public long StateMediaTime(int s, int j)
    {
        double jitter = (Hash.Mix(Seed, (ulong)s, (ulong)j) >> 11) * (1.0 / (1UL << 53));
        return StartMicros + (long)((j + 0.2 + 0.6 * jitter) * StateMediaInterval);
    }

    private static string OrganicName(ref SimRandom rng)
    {
        string first = Vocabulary.FirstNames[rng.Next(Vocabulary.FirstNames.Length)];
        string last = Vocabulary.LastParts[rng.Next(Vocabulary.LastParts.Length)];
        return rng.Next(3) switch
        {
            0 => first + "_" + last,
            1 => first + last + rng.Next(100).ToString(CultureInfo.InvariantCulture),
            _ => first + "." + last + rng.Next(10_000).ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string[] Pick(ref SimRandom rng, string[] from, int count)
    {
        var copy = (string[])from.Clone();
        for (int i = copy.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy[..Math.Min(count, copy.Length)];
    }

    public static double[] Cumulative(double[] weights)
    {
        var c = new double[weights.Length];
        double acc = 0;
        for (int i = 0; i < weights.Length; i++) c[i] = acc += weights[i];
        return c;
    }

    private static double MeanOfQuantiles(double[] q)
    {
        // mean of the log-linear interpolated distribution, by midpoint sampling
        var rng = new SimRandom(0, 0, 0);
        double sum = 0;
        for (int i = 0; i < 4000; i++) sum += rng.FromQuantiles(q);
        return sum / 4000;
    }
}

/// <summary>Stream ids that key the seeded generators, one per kind of decision.</summary>
internal static class Streams
{
    public const ulong World = 1, Account = 2, Member = 3, Pool = 4, Partition = 5, StateMediaContent = 6;
}

/// <summary>PRC public holidays (State Council notices), when an operator's office is quiet.</summary>
internal static class Holidays
{
    private static readonly (DateOnly From, DateOnly To)[] Prc =
    [
        (new(2018, 12, 30), new(2019, 1, 1)), (new(2019, 2, 4), new(2019, 2, 10)), (new(2019, 4, 5), new(2019, 4, 7)),
        (new(2019, 5, 1), new(2019, 5, 4)), (new(2019, 6, 7), new(2019, 6, 9)), (new(2019, 9, 13), new(2019, 9, 15)),
        (new(2019, 10, 1), new(2019, 10, 7)), (new(2020, 1, 1), new(2020, 1, 1)), (new(2020, 1, 24), new(2020, 2, 2)),
        (new(2020, 4, 4), new(2020, 4, 6)), (new(2020, 5, 1), new(2020, 5, 5)), (new(2020, 6, 25), new(2020, 6, 27)),
        (new(2020, 10, 1), new(2020, 10, 8)),
    ];

    public static bool IsPrcPublicHoliday(DateOnly date)
    {
        foreach (var (from, to) in Prc) if (date >= from && date <= to) return true;
        return false;
    }
}
