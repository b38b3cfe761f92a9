using NetDetect.Core.Data;
using NetDetect.Core.Simulation;

namespace NetDetect.Core.Tests.Simulation;

/// <summary>The simulated data behaves as the model says: hard negatives are hard, operations look like operations.</summary>
public class SimulationBehaviourTests(SimulatedDataFixture f) : IClassFixture<SimulatedDataFixture>
{
    private HashSet<int> Group(string name) => f.Accounts(f.Truth.HardNegatives.Single(g => g.Name == name).MemberIds);
    private OperationTruth Op(string difficulty) => f.Truth.Operations.Single(o => o.Difficulty == difficulty);

    [Fact]
    public void A_plain_60s_co_repost_network_flags_news_and_fan_accounts_until_popularity_is_accounted_for()
    {
        var pairs = CoRepostCounter.Pairs(f.Data, 60);
        var negatives = Group("news-burst");
        negatives.UnionWith(Group("fan-community"));
        var easy = f.Accounts(Op("easy").MemberIds);

        // plain: an account is flagged when it co-reposted at least 3 posts with one other account
        var plain = CoRepostCounter.Flagged(pairs, w => w.Plain >= 3);
        int plainNegatives = negatives.Count(plain.Contains);
        Assert.True(plainNegatives >= 0.4 * negatives.Count, $"plain flags {plainNegatives} of {negatives.Count} news/fan accounts");
        Assert.True(plainNegatives > easy.Count(plain.Contains), "the genuine crowd outnumbers the operation among the flagged");

        // popularity-aware: each co-reposted post counts 1 / (reposters - 1), so a post everyone reposts says little
        var shared = CoRepostCounter.Flagged(pairs, w => w.Share >= 0.5);
        int sharedNegatives = negatives.Count(shared.Contains);
        Assert.True(sharedNegatives <= 0.05 * negatives.Count, $"popularity-aware still flags {sharedNegatives} of {negatives.Count}");
        Assert.True(easy.Count(shared.Contains) >= 0.6 * easy.Count, $"easy operation recall {easy.Count(shared.Contains)} of {easy.Count}");
        // the plain idf weighting alone does not rescue the fans: they co-repost too often
        var idf = CoRepostCounter.Flagged(pairs, w => w.Idf >= 15);
        Assert.True(Group("fan-community").Count(idf.Contains) >= 0.5 * Group("fan-community").Count);
    }

    [Fact]
    public void Careful_operations_are_harder_to_catch_than_sloppy_ones()
    {
        var pairs = CoRepostCounter.Pairs(f.Data, 60);
        var shared = CoRepostCounter.Flagged(pairs, w => w.Share >= 0.5);
        var easy = f.Accounts(Op("easy").MemberIds);
        var hard = f.Accounts(Op("hard").MemberIds);
        double easyRecall = easy.Count(shared.Contains) / (double)easy.Count;
        double hardRecall = hard.Count(shared.Contains) / (double)hard.Count;
        Assert.True(hardRecall < easyRecall - 0.2, $"easy {easyRecall:P0} vs hard {hardRecall:P0}");
    }

    [Fact]
    public void The_sloppy_operation_posts_in_beijing_office_hours_with_a_lunch_dip_and_quiet_weekends()
    {
        var members = f.Accounts(Op("easy").MemberIds);
        var p = f.Data.Posts;
        var hours = new int[24];
        int office = 0, total = 0, organicOffice = 0, organicTotal = 0, weekday = 0, weekend = 0;
        var start = f.Truth.Start;
        int weekdays = 0, weekendDays = 0;
        for (var d = start; d < f.Truth.End; d = d.AddDays(1))
        {
            if (d.AddHours(8).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) weekendDays++;
            else weekdays++;
        }
        for (int j = 0; j < p.Count; j++)
        {
            var local = Time.ToDateTime(p.CreatedAt[j]).AddHours(8);
            bool isWeekend = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            bool inOffice = !isWeekend && local.Hour is >= 9 and < 18;
            if (members.Contains(p.Account[j]))
            {
                total++;
                hours[local.Hour]++;
                if (inOffice) office++;
                if (isWeekend) weekend++;
                else weekday++;
            }
            else if (!f.Data.Accounts.IsOperation(p.Account[j]))
            {
                organicTotal++;
                if (inOffice) organicOffice++;
            }
        }
        double share = office / (double)total, organicShare = organicOffice / (double)organicTotal;
        Assert.True(share > 0.6 && share > organicShare + 0.25, $"office-hours share {share:P0} vs organic {organicShare:P0}");
        Assert.True(hours[13] < hours[12] && hours[13] < hours[14], $"lunch dip: 12h {hours[12]}, 13h {hours[13]}, 14h {hours[14]}");
        Assert.True(weekend / (double)weekendDays < 0.6 * weekday / weekdays, "weekends are quiet");
    }

    [Fact]
    public void Operations_repost_each_other_and_state_media_within_minutes()
    {
        var p = f.Data.Posts;
        var timeOf = new Dictionary<string, long>();
        for (int j = 0; j < p.Count; j++) timeOf[p.Ids[j]] = p.CreatedAt[j];
        var stateMedia = f.Accounts(f.Truth.StateMedia.MemberIds);
        var easy = f.Accounts(Op("easy").MemberIds);
        var opDelays = new List<double>();
        var organicDelays = new List<double>();
        int ofStateMedia = 0, ofMembers = 0;
        for (int j = 0; j < p.Count; j++)
        {
            int target = p.RepostOfPost[j];
            if (target < 0 || !timeOf.TryGetValue(p.PostRefs[target], out long t0)) continue;
            double delay = (p.CreatedAt[j] - t0) / (double)Time.MicrosPerSecond;
            int author = p.Account[j];
            string targetAuthor = p.AccountRefs[p.RepostOfAccount[j]];
            int targetIndex = f.Data.Accounts.Ids.IndexOf(targetAuthor);
            if (easy.Contains(author) && (easy.Contains(targetIndex) || stateMedia.Contains(targetIndex)))
            {
                opDelays.Add(delay);
                if (stateMedia.Contains(targetIndex)) ofStateMedia++;
                else ofMembers++;
            }
            else if (!f.Data.Accounts.IsOperation(author)) organicDelays.Add(delay);
        }
        opDelays.Sort();
        organicDelays.Sort();
        double opMedian = opDelays[opDelays.Count / 2], organicMedian = organicDelays[organicDelays.Count / 2];
        Assert.True(opMedian < 180, $"operation repost delay median {opMedian:F0} s");
        Assert.True(organicMedian > 5 * opMedian, $"organic median {organicMedian:F0} s");
        Assert.True(ofStateMedia > 50 && ofMembers > 50, $"state media {ofStateMedia}, members {ofMembers}");
        Assert.All(opDelays, d => Assert.True(d > 0));
    }

    [Fact]
    public void Operation_texts_are_templated_near_duplicates_from_a_handful_of_clients()
    {
        var op = Op("easy");
        var members = f.Accounts(op.MemberIds);
        var p = f.Data.Posts;
        var opSkeletons = new List<string>();
        var organicTexts = new List<string>();
        var clients = new HashSet<string>();
        for (int j = 0; j < p.Count; j++)
        {
            if (p.RepostOfPost[j] >= 0 || p.ReplyToPost[j] >= 0) continue;
            string text = new(p.Text.GetSpan(j));
            if (members.Contains(p.Account[j]))
            {
                if (p.Client[j] >= 0) clients.Add(p.Clients[p.Client[j]]);
                if (p.Language[j] >= 0 && p.Languages[p.Language[j]] != "zh-cn") continue;
                // a template's skeleton: the text without its hashtags and links
                opSkeletons.Add(string.Join(' ', text.Split(' ').Where(w => !w.StartsWith('#') && !w.StartsWith("http", StringComparison.Ordinal))));
            }
            else if (!f.Data.Accounts.IsOperation(p.Account[j]) && organicTexts.Count < 20_000) organicTexts.Add(text);
        }
        // near-duplicates: almost every operation text has a close twin among a few hundred others; organic texts do not
        double opSimilarity = MeanNearestJaccard(opSkeletons), organicSimilarity = MeanNearestJaccard(organicTexts);
        Assert.True(opSkeletons.Count > 300);
        Assert.True(opSimilarity > 0.6 && organicSimilarity < 0.45, $"nearest trigram Jaccard: operation {opSimilarity:F2}, organic {organicSimilarity:F2}");
        Assert.Subset(op.Clients.ToHashSet(), clients);
        Assert.True(clients.Count <= 3);
    }

    /// <summary>Mean over sampled texts of the best character-trigram Jaccard similarity with other sampled texts.</summary>
    private static double MeanNearestJaccard(List<string> texts)
    {
        static HashSet<string> Grams(string t)
        {
            var g = new HashSet<string>();
            for (int i = 0; i + 3 <= t.Length; i++) g.Add(t.Substring(i, 3));
            return g;
        }
        var rng = new Random(3);
        var sample = Enumerable.Range(0, 300).Select(_ => Grams(texts[rng.Next(texts.Count)])).ToArray();
        double sum = 0;
        for (int a = 0; a < 100; a++)
        {
            double best = 0;
            for (int b = 100; b < sample.Length; b++)
            {
                int inter = sample[a].Count(sample[b].Contains);
                int union = sample[a].Count + sample[b].Count - inter;
                if (union > 0) best = Math.Max(best, inter / (double)union);
            }
            sum += best;
        }
        return sum / 100;
    }

    [Fact]
    public void Bought_accounts_switch_language_abruptly()
    {
        var p = f.Data.Posts;
        var a = f.Data.Accounts;
        int switched = 0;
        foreach (var op in f.Truth.Operations)
        foreach (int i in f.Accounts(op.MemberIds))
        {
            string lang = new(a.Language.GetSpan(i));
            if (lang.StartsWith("zh", StringComparison.Ordinal)) continue;
            long lastOwn = long.MinValue, firstZh = long.MaxValue;
            for (int j = 0; j < p.Count; j++)
            {
                if (p.Account[j] != i || p.Language[j] < 0) continue;
                string pl = p.Languages[p.Language[j]];
                if (pl == "zh-cn") firstZh = Math.Min(firstZh, p.CreatedAt[j]);
                else if (p.RepostOfPost[j] < 0) lastOwn = Math.Max(lastOwn, p.CreatedAt[j]);
            }
            if (lastOwn == long.MinValue || firstZh == long.MaxValue) continue;
            Assert.True(lastOwn < firstZh, $"account {a.Ids[i]} wrote {lang} after its first zh-cn post");
            switched++;
        }
        Assert.True(switched >= 3, $"{switched} bought accounts seen switching");
    }

    [Fact]
    public void Hard_negative_news_bursts_are_reposted_by_crowds_within_minutes()
    {
        var news = f.Truth.HardNegatives.Single(g => g.Kind == "news_burst");
        var p = f.Data.Posts;
        var perTarget = new Dictionary<int, List<long>>();
        int outlet = f.Data.Accounts.Ids.IndexOf(news.FocusId!);
        for (int j = 0; j < p.Count; j++)
        {
            if (p.RepostOfPost[j] < 0 || f.Data.Accounts.Ids.IndexOf(p.AccountRefs[p.RepostOfAccount[j]]) != outlet) continue;
            if (!perTarget.TryGetValue(p.RepostOfPost[j], out var list)) perTarget[p.RepostOfPost[j]] = list = [];
            list.Add(p.CreatedAt[j]);
        }
        Assert.True(perTarget.Count >= 2);
        foreach (var times in perTarget.Values)
        {
            times.Sort();
            long first = times[0];
            int withinFiveMinutes = times.Count(t => t - first <= 5 * 60 * Time.MicrosPerSecond);
            Assert.True(withinFiveMinutes >= 0.5 * news.MemberIds.Count * 0.5, $"{withinFiveMinutes} of {times.Count} within 5 min");
        }
    }
}
