using System.Globalization;
using NetDetect.Core.Data;

namespace NetDetect.Core.Simulation;

/// <summary>The kinds of independent work units the posts are generated in.</summary>
internal enum PartitionKind : byte
{
    Pool,
    OrganicBlock,
    StateMedia,
    NewsBurst,
    ActivistDay,
    FanDay,
    ScheduleBot,
    Organisation,
    OperationActions,
    OperationMembers,
}

/// <summary>
/// One unit of generation: its posts depend only on the seed and the partition's position in the list, so the
/// files come out byte-identical whatever the thread count.
/// </summary>
internal readonly record struct SimulationPartition(int Index, PartitionKind Kind, int A, int B, string Group);

/// <summary>Generates the posts of one partition into a column batch.</summary>
internal sealed class PartitionGenerator
{
    public const int PoolBlock = 20_000;
    public const int OrganicBlock = 2_048;
    public const int ActionBlock = 256;
    public const int MemberBlock = 256;

    private readonly SimulationWorld _w;
    private readonly CharBuilder _sb = new();
    private readonly ulong _idKey;
    private PostColumns _out = null!;
    private SimRandom _rng;
    private ulong _rawBase;
    private int _seq;
    private int[] _stamp = [];

    /// <summary>Where this partition's texts and ids live; released once its posts are written.</summary>
    public CharArena Arena { get; } = new();

    public PartitionGenerator(SimulationWorld world)
    {
        _w = world;
        _idKey = world.Seed * 0x9E3779B97F4A7C15UL + 0x5DEECE66DUL;
    }

    /// <summary>The ordered list of partitions for a world.</summary>
    public static List<SimulationPartition> Plan(SimulationWorld w)
    {
        var list = new List<SimulationPartition>();
        void Add(PartitionKind k, int a, int b, string g) => list.Add(new SimulationPartition(list.Count, k, a, b, g));
        for (int p = 0; p * PoolBlock < w.PoolSize; p++) Add(PartitionKind.Pool, p, 0, "organic");
        for (int s = 0; s < SimulationWorld.StateMediaCount; s++) Add(PartitionKind.StateMedia, s, 0, "state_media");
        if (w.Options.HardNegatives)
        {
            for (int e = 0; e < w.NewsBursts; e++) Add(PartitionKind.NewsBurst, e, 0, "news-burst");
            for (int d = 0; d < w.Days; d++) Add(PartitionKind.ActivistDay, d, 0, "hk-grassroots");
            for (int d = 0; d < w.Days; d++) Add(PartitionKind.FanDay, d, 0, "fan-community");
            for (int b = 0; b < w.ScheduleBots.Length; b++) Add(PartitionKind.ScheduleBot, b, 0, "schedule-bots");
            Add(PartitionKind.Organisation, 0, 0, "organisation-staff");
        }
        foreach (var op in w.Operations)
        {
            for (int a = 0; a * ActionBlock < op.Actions; a++) Add(PartitionKind.OperationActions, op.Index, a, op.Name);
            for (int m = 0; m * MemberBlock < op.Members.Length; m++) Add(PartitionKind.OperationMembers, op.Index, m, op.Name);
        }
        // the organic blocks last and interleaved with nothing: they are most of the posts
        for (int b = 0; b * OrganicBlock < w.N; b++) Add(PartitionKind.OrganicBlock, b, 0, "organic");
        return list;
    }

    public void Generate(SimulationPartition p, PostColumns output)
    {
        _out = output;
        _rng = new SimRandom(_w.Seed, Streams.Partition, (ulong)p.Index);
        _rawBase = (ulong)(p.Index + 16) << 40;
        _seq = 0;
        switch (p.Kind)
        {
            case PartitionKind.Pool: Pool(p.A); break;
            case PartitionKind.OrganicBlock: Organic(p.A); break;
            case PartitionKind.StateMedia: StateMedia(p.A); break;
            case PartitionKind.NewsBurst: NewsBurst(); break;
            case PartitionKind.ActivistDay: ActivistDay(p.A); break;
            case PartitionKind.FanDay: FanDay(p.A); break;
            case PartitionKind.ScheduleBot: ScheduleBot(p.A); break;
            case PartitionKind.Organisation: Organisation(); break;
            case PartitionKind.OperationActions: OperationActions(_w.Operations[p.A], p.B); break;
            case PartitionKind.OperationMembers: OperationMembers(_w.Operations[p.A], p.B); break;
        }
    }

    // ---- ids ----

    private ReadOnlyMemory<char> Id(ulong raw) => Arena.AddNumber(Hash.Permute63(_idKey, raw));
    private ReadOnlyMemory<char> NextId() => Id(_rawBase | (uint)_seq++);
    private ReadOnlyMemory<char> PoolId(int k) => Id((1UL << 40) | (uint)k);
    private ReadOnlyMemory<char> StateMediaId(int s, int j) => Id((2UL << 40) | ((ulong)s << 32) | (uint)j);

    private int Emit(ReadOnlyMemory<char> id, int author, long t, in PostContent c)
    {
        var o = _out;
        // whole seconds, as the platform reports them
        int i = o.Add(id, _w.AccountId[author].AsMemory(), t - t % Time.MicrosPerSecond);
        o.Text[i] = c.Text;
        o.Language[i] = c.Language;
        o.Client[i] = (_rng.Chance(0.2) ? _w.Client2[author] : _w.Client[author]).AsMemory();
        if (!c.Tag1.IsEmpty)
        {
            if (c.Tag2.IsEmpty) o.Hashtags.Set(i, c.Tag1);
            else o.Hashtags.Set(i, c.Tag1, c.Tag2);
        }
        if (!c.Url.IsEmpty)
        {
            o.Urls.Set(i, c.Url);
            o.Domains.Set(i, c.Domain);
        }
        if (!c.Mention.IsEmpty) o.Mentions.Set(i, c.Mention);
        if (!c.Media.IsEmpty) o.Media.Set(i, c.Media);
        return i;
    }

    private void Repost(int author, long t, ReadOnlyMemory<char> originalId, int originalAuthor, in PostContent original)
    {
        var c = original;
        string name = _w.ScreenName[originalAuthor];
        c.Text = Arena.Add(_sb.Clear().Append("RT @").Append(name).Append(": ").Append(original.Text.Span).Span);
        c.Mention = name.AsMemory();
        int i = Emit(NextId(), author, t, c);
        _out.RepostOfPostId[i] = originalId;
        _out.RepostOfAccountId[i] = _w.AccountId[originalAuthor].AsMemory();
    }

    // ---- organic background ----

    private void Pool(int block)
    {
        int end = Math.Min(_w.PoolSize, (block + 1) * PoolBlock);
        for (int k = block * PoolBlock; k < end; k++) Emit(PoolId(k), _w.PoolAuthor[k], _w.PoolTime[k], _w.PoolContent[k]);
    }

    private void Organic(int block)
    {
        int end = Math.Min(_w.N, (block + 1) * OrganicBlock);
        for (int i = block * OrganicBlock; i < end; i++)
        {
            if (_w.Kind[i] != AccountKind.Organic) continue;
            int n = _rng.Poisson(_w.Activity[i] * _w.OrganicScale);
            var c = _w.Communities[_w.CommunityOf[i]];
            for (int k = 0; k < n; k++) OrganicPost(i, c, _w.Language[i], _w.StartMicros, _w.EndMicros);
        }
    }

    /// <summary>One organic-looking post by <paramref name="author"/> in community <paramref name="c"/>, written in <paramref name="language"/>, timed in [from, to).</summary>
    private void OrganicPost(int author, Community c, string language, long from, long to)
    {
        double u = _rng.NextDouble();
        if (u < SimulationWorld.OrganicRetweetShare + SimulationWorld.OrganicReplyShare && c.Pool.Length > 0)
        {
            // retweet cascades: popular pool posts collect most retweets, mostly from their own community
            int k = _rng.Chance(0.85) ? c.Pool[_rng.FromCumulative(c.PoolCumulative, c.Pool.Length)] : _rng.FromCumulative(_w.PoolGlobalCumulative, _w.PoolSize);
            long t = _w.PoolTime[k] + (long)(_rng.LogNormal(20 * 60, 1.5) * Time.MicrosPerSecond) + Time.MicrosPerSecond;
            int origAuthor = _w.PoolAuthor[k];
            if (t >= from && t < to && origAuthor != author)
            {
                if (u < SimulationWorld.OrganicRetweetShare) Repost(author, t, PoolId(k), origAuthor, _w.PoolContent[k]);
                else
                {
                    var reply = TextMaker.Organic(ref _rng, _sb, Arena, c, language, null);
                    reply.Text = Arena.Add(_sb.Clear().Append('@').Append(_w.ScreenName[origAuthor]).Append(' ').Append(reply.Text.Span).Span);
                    reply.Mention = _w.ScreenName[origAuthor].AsMemory();
                    int i = Emit(NextId(), author, t, reply);
                    _out.ReplyToPostId[i] = PoolId(k);
                    _out.ReplyToAccountId[i] = _w.AccountId[origAuthor].AsMemory();
                }
                return;
            }
        }
        long time = TimeIn(c, from, to);
        string? mention = c.Members.Length > 0 ? _w.ScreenName[c.Members[_rng.Next(c.Members.Length)]] : null;
        Emit(NextId(), author, time, TextMaker.Organic(ref _rng, _sb, Arena, c, language, mention));
    }

    private long TimeIn(Community c, long from, long to)
    {
        for (int attempt = 0; attempt < 40; attempt++)
        {
            long t = _w.OrganicTime(ref _rng, c);
            if (t >= from && t < to) return t;
        }
        return from + (long)(_rng.NextDouble() * (to - from));
    }

    // ---- state media ----

    private void StateMedia(int s)
    {
        int author = _w.StateMediaAccounts[s];
        for (int j = 0; j < _w.StateMediaPostsEach; j++) Emit(StateMediaId(s, j), author, _w.StateMediaTime(s, j), StateMediaContent(s, j));
    }

    private PostContent StateMediaContent(int s, int j)
    {
        var r = new SimRandom(_w.Seed, Streams.StateMediaContent, ((ulong)s << 32) | (uint)j);
        string headline = Vocabulary.StateMediaHeadlines[r.Next(Vocabulary.StateMediaHeadlines.Length)];
        string place = r.Chance(0.5) ? "Hong Kong" : "香港";
        string domain = Vocabulary.StateMedia[s].Domain;
        bool english = headline.StartsWith("Commentary", StringComparison.Ordinal) || headline.StartsWith("Officials", StringComparison.Ordinal) || headline.StartsWith("Experts", StringComparison.Ordinal);
        var url = Arena.Add(TextMaker.AppendUrl(_sb.Clear(), domain, j).Span);
        return new PostContent
        {
            Text = Arena.Add(_sb.Clear().AppendTemplate(headline, place, "", "").Append(' ').Append(url.Span).Span),
            Language = (english ? "en" : "zh-cn").AsMemory(),
            Url = url,
            Domain = domain.AsMemory(),
        };
    }

    // ---- hard negatives ----

    private void NewsBurst()
    {
        var g = Group("news_burst");
        int outlet = g.Focus;
        long t0 = _w.StartMicros + (long)(_rng.NextDouble() * (_w.EndMicros - _w.StartMicros - 3 * SimulationWorld.Hour));
        string city = Vocabulary.Cities[_rng.Next(Vocabulary.Cities.Length)];
        string url = TextMaker.Url("breakingwire.com", _rng.Next(1_000_000));
        var content = new PostContent
        {
            Text = T(string.Format(CultureInfo.InvariantCulture, Vocabulary.NewsHeadlines[_rng.Next(Vocabulary.NewsHeadlines.Length)], city) + " " + url),
            Language = "en".AsMemory(), Url = T(url), Domain = "breakingwire.com".AsMemory(),
        };
        var id = NextId();
        Emit(id, outlet, t0, content);
        foreach (int m in g.Members)
        {
            if (!_rng.Chance(_w.NewsParticipation)) continue;
            // most of the audience reacts within a couple of minutes, the rest over the next hours
            double delay = _rng.Chance(0.65) ? 5 + _rng.Exponential(100) : _rng.LogNormal(15 * 60, 1.0);
            long t = t0 + (long)(delay * Time.MicrosPerSecond);
            if (t < _w.EndMicros) Repost(m, t, id, outlet, content);
        }
    }

    private void ActivistDay(int d)
    {
        var g = Group("activist");
        var members = g.Members;
        var date = _w.Options.Start.AddDays(d);
        double rate = _w.ActivistPostsPerDay * (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1.5 : 1);
        var hours = SimulationWorld.Cumulative(_w.OrganicHourLocal);
        foreach (int m in members)
        {
            int n = _rng.Poisson(rate);
            for (int k = 0; k < n; k++)
            {
                long t = LocalDayTime(d, hours, 8 * 60);
                if (t < _w.StartMicros || t >= _w.EndMicros) continue;
                string place = Vocabulary.ActivistPlaces[_rng.Next(Vocabulary.ActivistPlaces.Length)];
                string t1 = Vocabulary.ActivistHashtags[_rng.Next(Vocabulary.ActivistHashtags.Length)];
                string t2 = Vocabulary.ActivistHashtags[_rng.Next(Vocabulary.ActivistHashtags.Length)];
                string text = string.Format(CultureInfo.InvariantCulture, Vocabulary.ActivistTemplates[_rng.Next(Vocabulary.ActivistTemplates.Length)], place, "#" + t1) + (t1 == t2 ? "" : " #" + t2);
                var content = new PostContent { Text = T(text), Language = "zh-tw".AsMemory(), Tag1 = t1.AsMemory(), Tag2 = t1 == t2 ? default : t2.AsMemory() };
                if (_rng.Chance(0.2)) content.Media = TextMaker.Picture(ref _rng, _sb.Clear(), Arena);
                var id = NextId();
                Emit(id, m, t, content);
                int rts = _rng.Poisson(4);
                for (int r = 0; r < rts; r++)
                {
                    int other = members[_rng.Next(members.Length)];
                    long tr = t + (long)(_rng.LogNormal(8 * 60, 1.2) * Time.MicrosPerSecond);
                    if (other != m && tr < _w.EndMicros) Repost(other, tr, id, m, content);
                }
            }
        }
    }

    private void FanDay(int d)
    {
        var g = Group("fan");
        var hours = SimulationWorld.Cumulative(_w.OrganicHourLocal);
        int posts = _rng.Poisson(_w.IdolPostsPerDay);
        for (int k = 0; k < posts; k++)
        {
            long t = LocalDayTime(d, hours, 9 * 60);
            if (t < _w.StartMicros || t >= _w.EndMicros) continue;
            var content = new PostContent
            {
                Text = T(Vocabulary.IdolPosts[_rng.Next(Vocabulary.IdolPosts.Length)] + " #STARLIGHT"),
                Language = "ko".AsMemory(), Tag1 = "STARLIGHT".AsMemory(),
                Media = TextMaker.Picture(ref _rng, _sb.Clear(), Arena),
            };
            var id = NextId();
            Emit(id, g.Focus, t, content);
            foreach (int m in g.Members)
            {
                if (!_rng.Chance(0.5)) continue;
                double delay = _rng.Chance(0.8) ? 3 + _rng.Exponential(80) : _rng.LogNormal(30 * 60, 1.0);
                long tr = t + (long)(delay * Time.MicrosPerSecond);
                if (tr < _w.EndMicros) Repost(m, tr, id, g.Focus, content);
            }
        }
        foreach (int m in g.Members)
        {
            if (!_rng.Chance(0.3)) continue;
            long t = LocalDayTime(d, hours, 9 * 60);
            if (t < _w.StartMicros || t >= _w.EndMicros) continue;
            string text = string.Format(CultureInfo.InvariantCulture, Vocabulary.FanTemplates[_rng.Next(Vocabulary.FanTemplates.Length)], "@" + _w.ScreenName[g.Focus], "STARLIGHT", "StreamSTARLIGHT");
            Emit(NextId(), m, t, new PostContent { Text = T(text), Language = "ko".AsMemory(), Tag1 = "STARLIGHT".AsMemory(), Tag2 = "StreamSTARLIGHT".AsMemory(), Mention = _w.ScreenName[g.Focus].AsMemory() });
        }
    }

    private void ScheduleBot(int b)
    {
        int bot = _w.ScheduleBots[b];
        bool weather = b % 2 == 0;
        int[] periods = [60, 120, 180, 360];
        double period = periods[b % periods.Length] / Math.Max(0.05, _w.SpecialScale);
        int minute = _rng.Chance(0.7) ? 0 : _rng.Next(60);
        string city = Vocabulary.Cities[b % Vocabulary.Cities.Length];
        string domain = city.ToLowerInvariant() + "-today.com";
        long step = (long)(period * Time.MicrosPerMinute);
        int n = 0;
        for (long t = _w.StartMicros + minute * Time.MicrosPerMinute; t < _w.EndMicros; t += step, n++)
        {
            long at = t + (long)(_rng.NextDouble() * 20 * Time.MicrosPerSecond);
            PostContent content;
            if (weather)
            {
                var hour = Time.ToDateTime(at).Hour;
                content = new PostContent
                {
                    Text = T(string.Format(CultureInfo.InvariantCulture, "{0} weather {1:00}:00 UTC: {2}, {3}°C #weather", city, hour, Vocabulary.WeatherConditions[_rng.Next(Vocabulary.WeatherConditions.Length)], 5 + _rng.Next(25))),
                    Language = "en".AsMemory(), Tag1 = "weather".AsMemory(),
                };
            }
            else
            {
                string url = TextMaker.Url(domain, n);
                var words = Vocabulary.Archetypes[b % Vocabulary.Archetypes.Length].Words;
                content = new PostContent
                {
                    Text = T("Top story: " + words[_rng.Next(words.Length)] + " " + words[_rng.Next(words.Length)] + " " + url),
                    Language = "en".AsMemory(), Url = T(url), Domain = domain.AsMemory(),
                };
            }
            Emit(NextId(), bot, at, content);
        }
    }

    private void Organisation()
    {
        var g = Group("organisation");
        string org = _w.ScreenName[g.Focus];
        string domain = org.ToLowerInvariant() + ".com";
        string[] staffLines = ["Proud of the team! {0}", "Big news from {1} {0}", "Read our latest: {0}", "{1} announcement 👇 {0}", "Great work everyone {0}"];
        int releases = Math.Max(1, _w.Days / 3);
        for (int r = 0; r < releases; r++)
        {
            // press releases go out on weekday mornings, UTC
            long t0 = _w.StartMicros + (r * 3L) * SimulationWorld.Day + (long)((8 + _rng.NextDouble() * 3) * SimulationWorld.Hour);
            string url = "https://" + domain + "/press/" + (r + 1).ToString(CultureInfo.InvariantCulture);
            var link = T(url);
            Emit(NextId(), g.Focus, t0, new PostContent { Text = T(org + " announces " + Vocabulary.Archetypes[9].Words[_rng.Next(13)] + " news " + url), Language = "en".AsMemory(), Url = link, Domain = domain.AsMemory() });
            foreach (int m in g.Members)
            {
                if (!_rng.Chance(0.6)) continue;
                long t = t0 + (long)(_rng.LogNormal(40 * 60, 1.0) * Time.MicrosPerSecond);
                if (t >= _w.EndMicros) continue;
                string text = string.Format(CultureInfo.InvariantCulture, staffLines[_rng.Next(staffLines.Length)], url, org);
                Emit(NextId(), m, t, new PostContent { Text = T(text), Language = "en".AsMemory(), Url = link, Domain = domain.AsMemory() });
            }
        }
    }

    private ReadOnlyMemory<char> T(string text) => Arena.Add(text);

    private long LocalDayTime(int d, double[] hourCumulative, int utcOffsetMinutes)
    {
        int h = _rng.FromCumulative(hourCumulative, 24);
        return _w.StartMicros + d * SimulationWorld.Day + h * SimulationWorld.Hour + (long)(_rng.NextDouble() * SimulationWorld.Hour) - utcOffsetMinutes * Time.MicrosPerMinute;
    }

    private HardNegativeGroup Group(string kind)
    {
        foreach (var g in _w.HardNegatives) if (g.Kind == kind) return g;
        throw new InvalidOperationException("no hard-negative group of kind " + kind);
    }

    // ---- operations ----

    private void OperationActions(Operation op, int block)
    {
        int size = op.Members.Length;
        if (_stamp.Length < size) _stamp = new int[size];
        Array.Fill(_stamp, -1, 0, size);
        int end = Math.Min(op.Actions, (block + 1) * ActionBlock);
        for (int a = block * ActionBlock; a < end; a++)
        {
            long t = _w.OperationTime(ref _rng, op);
            ReadOnlyMemory<char> targetId;
            int targetAuthor;
            PostContent target;
            int lead = -1;
            if (_rng.Chance(op.StateMediaShare))
            {
                // amplify the state-media post published just before
                int s = op.StateMedia[_rng.Next(op.StateMedia.Length)];
                int j = (int)Math.Clamp((t - _w.StartMicros) / _w.StateMediaInterval, 0, _w.StateMediaPostsEach - 1);
                t = _w.StateMediaTime(s, j);
                targetId = StateMediaId(s, j);
                targetAuthor = _w.StateMediaAccounts[s];
                target = StateMediaContent(s, j);
            }
            else
            {
                for (int attempt = 0; attempt < 8; attempt++)
                {
                    lead = _rng.FromCumulative(op.LeadCumulative, size);
                    if (t >= op.SwitchAt[lead]) break;
                    lead = -1;
                }
                if (lead < 0) continue;
                targetAuthor = op.Members[lead];
                int day = (int)((t - _w.StartMicros) / SimulationWorld.Day);
                target = TextMaker.Operation(ref _rng, _sb, Arena, op, day, _rng.Chance(op.Roles[lead] == MemberRole.Feed ? 0.9 : 0.3), _rng.Chance(0.25 * (1 - op.Care)));
                targetId = NextId();
                Emit(targetId, targetAuthor, t, target);
                _stamp[lead] = a;
            }
            // a rotating subset of members reposts within minutes
            int k = Math.Min(size - 1, Math.Max(1, _rng.Poisson(op.SubsetMean)));
            for (int r = 0, tries = 0; r < k && tries < 4 * k; tries++)
            {
                int m = _rng.FromCumulative(op.ReposterCumulative, size);
                if (_stamp[m] == a) continue;
                _stamp[m] = a;
                r++;
                long tr = t + (long)(Math.Max(1, _rng.LogNormal(op.DelayMedianSeconds, op.DelaySigma)) * Time.MicrosPerSecond);
                if (tr >= _w.EndMicros || tr < op.SwitchAt[m]) continue;
                Repost(op.Members[m], tr, targetId, targetAuthor, target);
            }
        }
    }

    private void OperationMembers(Operation op, int block)
    {
        int end = Math.Min(op.Members.Length, (block + 1) * MemberBlock);
        Community? cover = null;
        foreach (var c in _w.Communities) if (c.Archetype.Name == "cn-diaspora") { cover = c; break; }
        cover ??= _w.Communities[0];
        for (int m = block * MemberBlock; m < end; m++)
        {
            int i = op.Members[m];
            long from = Math.Max(_w.StartMicros, op.SwitchAt[m]);
            double activeDays = (_w.EndMicros - from) / (double)SimulationWorld.Day;
            // before the switch a bought account still posts as its old self: another language, another topic
            if (op.SwitchAt[m] > _w.StartMicros)
            {
                var old = _w.Communities[_w.CommunityOf[i]];
                int before = _rng.Poisson(Math.Max(0.5, op.Rate[m]) * (op.SwitchAt[m] - _w.StartMicros) / SimulationWorld.Day * 0.5);
                for (int k = 0; k < before; k++) OrganicPost(i, old, _w.Language[i], _w.StartMicros, op.SwitchAt[m]);
            }
            // templated originals, in batches: the IRA posted about half its tweets in the same minute as the previous one
            int solo = _rng.Poisson(op.SoloRate[m] * activeDays);
            for (int k = 0; k < solo;)
            {
                long t = _w.OperationTime(ref _rng, op);
                if (t < from) continue;
                do
                {
                    int day = (int)((t - _w.StartMicros) / SimulationWorld.Day);
                    var content = TextMaker.Operation(ref _rng, _sb, Arena, op, day, _rng.Chance(op.Roles[m] == MemberRole.Feed ? 0.9 : 0.2), _rng.Chance(0.15 * (1 - op.Care)));
                    Emit(NextId(), i, t, content);
                    k++;
                    t += (long)(_rng.NextDouble() * 59 * Time.MicrosPerSecond);
                } while (k < solo && t < _w.EndMicros && _rng.Chance(Calibrated.IraSameMinuteGapShare));
            }
            // careful operations hide among organic-looking filler
            int filler = _rng.Poisson(op.Rate[m] * activeDays * op.FillerShare);
            for (int k = 0; k < filler; k++) OrganicPost(i, cover, "zh-cn", from, _w.EndMicros);
        }
    }
}
