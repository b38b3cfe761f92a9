namespace NetDetect.Core.Simulation;

/// <summary>A kind of topical community: its language, time zone, words, hashtags and link domains.</summary>
internal sealed record CommunityArchetype(
    string Name, string Language, int UtcOffsetMinutes, string[] Words, string[] Hashtags, string[] Domains);

/// <summary>Word lists, hashtags, domains and templates the simulator writes text from (all invented, no real accounts).</summary>
internal static class Vocabulary
{
    public static readonly CommunityArchetype[] Archetypes =
    [
        new("us-politics", "en", -300, ["vote", "senate", "debate", "policy", "governor", "ballot", "economy", "taxes", "rally", "campaign", "poll", "healthcare", "congress", "bill", "jobs"],
            ["vote", "debate", "senate", "politics", "election", "healthcare", "taxes", "economy"], ["capitolwire.com", "dailyledger.com", "pollwatch.org", "civicnotes.net"]),
        new("uk-football", "en", 0, ["match", "goal", "keeper", "derby", "transfer", "pitch", "league", "manager", "fans", "penalty", "striker", "fixture", "kickoff", "table"],
            ["matchday", "football", "derby", "transfers", "goal", "premier", "ucl"], ["footytimes.co.uk", "terracetalk.com", "goalline.net"]),
        new("de-news", "de", 60, ["Regierung", "Wahl", "Bahn", "Klima", "Bundestag", "Umfrage", "Energie", "Miete", "Schule", "Verkehr", "Stadt", "heute", "Bericht"],
            ["btw", "klima", "bahn", "energie", "berlin", "miete"], ["tagesblick.de", "stadtecho.de", "nordpost.de"]),
        new("jp-anime", "ja", 540, ["アニメ", "新作", "声優", "放送", "原作", "映画", "キャラ", "最終回", "配信", "イベント", "作画", "感想"],
            ["アニメ", "新作アニメ", "声優", "今期アニメ", "anime"], ["animedb.jp", "seiyuu-news.jp", "otakuhub.jp"]),
        new("br-music", "pt", -180, ["show", "música", "álbum", "turnê", "samba", "festival", "clipe", "ingresso", "palco", "novo", "hoje", "lançamento"],
            ["musica", "show", "samba", "festival", "lancamento"], ["palcoaberto.com.br", "somdobrasil.com.br", "ritmos.net"]),
        new("ru-tech", "ru", 180, ["смартфон", "обновление", "релиз", "код", "стартап", "сервер", "данные", "приложение", "нейросеть", "тест", "новинка", "железо"],
            ["технологии", "стартап", "android", "ai", "релиз"], ["techvesti.ru", "kodklub.ru", "gadgetpro.ru"]),
        new("hk-local", "zh-tw", 480, ["香港", "地鐵", "天氣", "茶餐廳", "巴士", "新聞", "今日", "周末", "銅鑼灣", "旺角", "市民", "政府", "街坊", "行山"],
            ["香港", "hongkong", "hk", "周末", "天氣"], ["hkdailyweb.hk", "pearlnews.hk", "harbourpost.hk"]),
        new("cn-diaspora", "zh-cn", 480, ["留学", "家乡", "美食", "春节", "视频", "生活", "工作", "城市", "朋友", "旅行", "手机", "电影", "新闻"],
            ["留学生", "美食", "生活", "旅行", "中国"], ["huaren-life.com", "dragonpost.net", "xiangqin.org"]),
        new("in-cricket", "en", 330, ["innings", "wicket", "over", "century", "bowler", "test", "series", "captain", "stadium", "six", "spin", "toss", "squad"],
            ["cricket", "teamindia", "ipl", "testcricket", "wicket"], ["cricbuzzer.in", "crease.in", "boundaryline.com"]),
        new("us-tech", "en", -480, ["startup", "launch", "funding", "chip", "cloud", "app", "beta", "release", "AI", "open source", "devs", "update", "product"],
            ["tech", "startup", "ai", "opensource", "devlife", "cloud"], ["bytewire.com", "launchlog.io", "stackdaily.dev"]),
        new("mx-news", "es", -360, ["gobierno", "ciudad", "lluvia", "partido", "noticias", "hoy", "mercado", "escuela", "tráfico", "fútbol", "precio", "alcalde"],
            ["noticias", "cdmx", "futbol", "clima", "mexico"], ["diariocentral.mx", "vozdelvalle.mx", "cronica-hoy.com"]),
        new("kr-pop", "ko", 540, ["컴백", "앨범", "뮤비", "무대", "팬", "콘서트", "음원", "차트", "티저", "응원", "라이브", "신곡"],
            ["kpop", "컴백", "뮤비", "음원", "차트"], ["kpopnow.kr", "stagepick.kr", "idolwave.com"]),
    ];

    /// <summary>Posting apps and their share in the organic background (assumed mix, typical of 2019-era archives).</summary>
    public static readonly (string Client, double Weight)[] OrganicClients =
    [
        ("Twitter for iPhone", 0.38), ("Twitter for Android", 0.34), ("Twitter Web App", 0.14), ("Twitter Web Client", 0.05),
        ("TweetDeck", 0.03), ("Twitter for iPad", 0.03), ("Hootsuite Inc.", 0.015), ("IFTTT", 0.015),
    ];

    public static readonly string[] FillerWords = ["the", "and", "so", "really", "today", "just", "new", "now", "this", "that", "we", "you", "great", "more", "again", "!", "?", "lol", "wow", "ok"];

    public static readonly string[] FirstNames = ["alex", "sam", "lee", "jo", "chris", "mia", "lin", "wei", "ana", "yuki", "raj", "ivan", "olga", "tom", "kim", "max", "eva", "li", "noah", "ella", "chen", "mei", "ravi", "paulo"];

    public static readonly string[] LastParts = ["smith", "wong", "tan", "kumar", "silva", "ito", "petrov", "muller", "garcia", "park", "liu", "zhang", "brown", "lopez", "sato", "novak"];

    /// <summary>Pinyin-like stems for accounts an operation creates in bulk (name + 8 digits, as in the takedown's ids).</summary>
    public static readonly string[] BulkStems = ["zhang", "wang", "liying", "chenxi", "haoran", "yutong", "jiahui", "zihan", "xinyi", "junjie", "mengqi", "shuang", "tianyu", "wenjing"];

    // ---- operations: Chinese-language templates discrediting protests; slots {0} {1} {2} ----

    public static readonly string[] OperationTemplates =
    [
        "{0}的暴力行为必须停止，{1}需要和平与稳定 {2}",
        "看清{0}的真面目！他们破坏{1}的繁荣 {2}",
        "{1}市民厌倦了{0}，支持警察依法执法 {2}",
        "外国势力在背后操纵{0}，{1}人民不会答应 {2}",
        "{0}堵路打人，{1}的经济受到严重伤害 {2}",
        "我们支持{1}警察！{0}不代表香港 {2}",
        "{0}是一小撮人，{1}的大多数人要安宁 {2}",
        "请大家转发：{0}的谎言被揭穿了，{1}要真相 {2}",
    ];

    public static readonly string[] OperationTargets = ["暴徒", "示威者", "乱港分子", "黑衣人", "反对派", "激进分子"];
    public static readonly string[] OperationPlaces = ["香港", "港岛", "九龙", "新界", "东方之珠", "我们的城市"];
    public static readonly string[] OperationTails = ["", "！", "！！", "。", " 😡", " 👍", "…", " 转发"];

    /// <summary>Hashtag stems an operation draws its waves from.</summary>
    public static readonly string[] OperationHashtags = ["香港", "HongKong", "守护香港", "止暴制乱", "StandWithHKPolice", "反暴力", "HK", "香港警察", "真相", "反港独", "爱港", "和平"];

    /// <summary>Invented content-farm domains an operation links to besides state media.</summary>
    public static readonly string[] OperationDomains = ["hk-truth.net", "peaceharbour.org", "realhk-news.com", "orientvoice.net", "hkfacts.info", "lionrock-daily.com"];

    /// <summary>Invented state-media outlets (screen name, domain); real operations amplify their state's media.</summary>
    public static readonly (string ScreenName, string Domain)[] StateMedia =
    [
        ("CapitalDailyCN", "capital-daily.cn"), ("GlobalVoiceTV", "globalvoice-tv.cn"), ("PearlRiverNews", "pearlriver-news.cn"), ("EastWindWire", "eastwind-wire.cn"),
    ];

    public static readonly string[] StateMediaHeadlines =
    [
        "{0}：社会秩序逐步恢复，市民生活回归正常", "Commentary: violence has no place in {0}", "{0}各界人士呼吁停止暴力",
        "Officials in {0} pledge support for law enforcement", "{0}经济数据显示稳定增长", "Experts: foreign interference in {0} must stop",
    ];

    // ---- hard negatives ----

    public static readonly string[] NewsHeadlines =
    [
        "BREAKING: strong earthquake reported near {0}", "BREAKING: major fire at {0} central station", "JUST IN: {0} airport suspends all flights",
        "BREAKING: explosion heard in downtown {0}", "URGENT: evacuation ordered in {0} after flood warning", "BREAKING: power outage hits all of {0}",
    ];

    public static readonly string[] Cities = ["Lisbon", "Osaka", "Denver", "Manila", "Lagos", "Toronto", "Chennai", "Valencia", "Perth", "Busan", "Lyon", "Quito"];

    public static readonly string[] ActivistTemplates =
    [
        "今日{0}見！{1} 齊上齊落", "{1} 五大訴求 缺一不可 {0}", "大家記得帶水同口罩 {0} {1}", "{0} 現場好多人 {1} 加油", "{1} 我哋唔會放棄 {0}",
    ];

    public static readonly string[] ActivistHashtags = ["antiELAB", "StandWithHongKong", "五大訴求", "HongKongProtests", "光復香港", "FreedomHK"];
    public static readonly string[] ActivistPlaces = ["維園", "金鐘", "旺角", "沙田", "灣仔", "太古"];

    public static readonly string[] FanTemplates = ["{0} 오늘도 최고야 💜 #{1}", "Stream the new MV! {0} #{1}", "{0} 사랑해요 #{1} #{2}", "we love you {0} 💜 #{1}"];
    public static readonly string[] IdolPosts = ["오늘 무대 고마웠어요 💜", "new teaser at 6pm KST", "컴백 D-3!", "thank you for 10M views", "라이브 곧 시작해요", "behind the scenes 📸"];

    public static readonly string[] WeatherConditions = ["sunny", "cloudy", "light rain", "showers", "clear", "fog", "windy", "thunderstorms"];

    public static readonly string[] OrganisationNames = ["Helios Energy", "Northbank Group", "Aurora Health", "Meridian Labs"];
}
