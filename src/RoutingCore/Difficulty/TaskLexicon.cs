using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace RoutingCore.Difficulty;

/// <summary>What a cue word says about the request (spec R-DIFF-2).</summary>
internal enum CueKind : byte
{
    /// <summary>Asks for reasoning-heavy work: prove, derive, design, implement, optimise, diagnose, analyse, compare.</summary>
    Demand = 1,
    /// <summary>Asks for light work: greet, thank, translate, rewrite, summarise, list, name, define, spell.</summary>
    Light = 2,
    /// <summary>States an explicit constraint: must, should, without, guarantee, ensure, exactly.</summary>
    Constraint = 3,
}

/// <summary>
/// The task lexicon (spec R-DIFF-2): word stems that name what a request asks for, in English, French, Spanish,
/// German, Russian, Chinese and Japanese, in three kinds (<see cref="CueKind"/>). Words of alphabetic scripts of at
/// least four bytes match a stem by prefix after lowercasing (a stem marked <c>$</c> matches the whole word only); Chinese and Japanese stems match
/// at any character, since those scripts do not separate words. Built once; looking up allocates nothing.
/// </summary>
internal static class TaskLexicon
{
    // Stems by kind. Alphabetic stems are lowercase; keep each at least four bytes long unless it ends with '$'.
    private static readonly string[] s_demand =
    [
        // English
        "prove$", "proves$", "proved$", "proven$", "proving", "proof", "derive", "derivation", "design", "architect", "implement", "optimi", "diagnos", "analy",
        "compar", "evaluat", "debug", "refactor", "algorithm", "complexity", "tradeoff", "justify", "rigorous",
        "theorem", "lemma", "invariant", "concurren", "distributed", "scalab", "consisten", "latency", "throughput",
        "critique", "assess", "formali", "simulat", "vulnerab", "threat", "migrat", "benchmark", "asymptotic",
        "deadlock", "fault", "schedul", "bottleneck", "strateg", "integral", "differential",
        "eigen", "converge", "probabilit", "statistic", "regression", "hypothes",
        // French
        "démontr", "preuve", "prouve", "dérive", "dériv", "concev", "conception", "implément", "optimis", "diagnost",
        "analys", "évalu", "débog", "algorithm", "complexit", "justifi", "théorème", "architectur", "distribué",
        "cohéren", "stratégi", "intégrale", "probabilit", "goulot",
        // Spanish
        "demuestr", "demostr", "deriva", "diseñ", "implementa", "optimiz", "diagnostic", "analiz", "evalú", "evalua",
        "depura", "algoritm", "complejidad", "justific", "teorema", "arquitectur", "distribuid", "coheren",
        "estrategi", "integral", "probabilidad", "concurrencia", "escalab",
        // German
        "beweis", "herleit", "entwirf", "entwerf", "entwurf", "entwickl", "implementier", "optimier", "diagnos",
        "analysier", "vergleich", "bewert", "debugg", "algorithm", "komplexität", "begründ", "architektur",
        "verteilt", "konsisten", "strategi", "nebenläufig", "skalier", "wahrscheinlichkeit",
        // Russian
        "докаж", "доказ", "вывед", "вывест", "спроектир", "проектир", "разработ", "реализ", "оптимиз", "диагност",
        "проанализ", "анализ", "сравн", "оцени", "отлад", "алгоритм", "сложност", "обосн", "теорем", "архитектур",
        "распредел", "согласован", "стратеги", "вероятност", "масштабир", "интеграл",
        // Chinese
        "证明", "推导", "设计", "实现", "优化", "诊断", "分析", "比较", "评估", "调试", "算法", "复杂度", "论证", "定理",
        "架构", "分布式", "一致性", "并发", "策略", "概率", "积分", "权衡",
        // Japanese
        "証明", "導出", "設計", "実装", "最適化", "診断", "比較", "評価", "デバッグ", "アルゴリズム", "計算量", "論証",
        "アーキテクチャ", "分散", "整合性", "並行", "戦略", "確率", "積分", "トレードオフ",
    ];

    private static readonly string[] s_light =
    [
        // English
        "hello", "thanks", "thank", "translat", "rewrite", "rephrase", "paraphras", "summar", "list$",
        "name$", "capital", "spell", "synonym", "define", "definition", "meaning", "convert", "typo", "grammar",
        "shorter", "polite", "joke", "greet", "recipe", "birthday", "weather", "remind",
        // French
        "bonjour", "salut", "merci", "tradui", "traduc", "réécri", "reformul", "résum", "liste$", "capitale",
        "orthograph", "synonyme", "défini", "poli$", "polie", "blague", "anniversaire", "recette",
        // Spanish
        "hola", "gracias", "traduc", "tradu", "reescrib", "reformula", "resum", "lista$", "enumera", "capital",
        "sinónim", "defin", "convierte", "corrige", "chiste", "cumpleaños", "receta",
        // German
        "hallo", "danke", "übersetz", "umschreib", "umformulier", "zusammenfass", "liste$", "nenne", "hauptstadt",
        "rechtschreib", "synonym", "definier", "konvertier", "korrigier", "höflich", "witz", "geburtstag", "rezept",
        // Russian
        "привет", "здравств", "спасиб", "перевед", "перевод", "перепиш", "перефраз", "кратко", "перечисл", "список",
        "столиц", "синоним", "определени", "исправ", "вежлив", "шутк", "поздрав", "рецепт",
        // Chinese
        "你好", "谢谢", "翻译", "改写", "重写", "总结", "摘要", "列出", "首都", "同义词", "定义", "纠正", "礼貌", "笑话",
        "生日", "食谱",
        // Japanese
        "こんにちは", "ありがとう", "翻訳", "書き直", "言い換え", "要約", "挙げ", "首都", "類義語", "定義", "丁寧",
        "冗談", "誕生日", "レシピ", "おはよう",
    ];

    private static readonly string[] s_constraint =
    [
        // English
        "must", "should", "without", "ensure", "guarantee", "constrain", "require", "exactly", "handle", "within",
        "assume",
        // French
        "doit", "doivent", "sans$", "garanti", "exige", "contrainte", "assure", "exactement", "gérer",
        // Spanish
        "debe", "garantiz", "requisit", "restricci", "asegur", "exactamente", "maneja",
        // German
        "muss", "müssen", "soll", "ohne$", "garantier", "anforderung", "einschränk", "sicherstell", "genau$",
        "behandel", "höchstens", "mindestens",
        // Russian
        "должен", "должн", "без$", "гарантир", "требовани", "огранич", "обеспеч", "ровно", "обрабатыва",
        // Chinese
        "必须", "不能", "不得", "保证", "要求", "限制", "确保", "恰好", "至少", "最多",
        // Japanese
        "必ず", "必要", "なければ", "保証", "要件", "制約", "以内", "確保", "少なくとも",
    ];

    private readonly record struct Stem(byte[] Bytes, CueKind Kind, bool Exact);

    // A 65,536-bit filter over the four-byte keys of every stem, and the stems by key in an open-addressed table
    // (linear probing; no stem's key is 0, which marks an empty slot): all a lookup reads on the hot path.
    private const int TableSize = 4096;
    private static readonly (ulong[] Filter, uint[] Keys, Stem[][] Stems) s_table = Build();
    private static readonly ulong[] s_filter = s_table.Filter;

    private static (ulong[], uint[], Stem[][]) Build()
    {
        var filter = new ulong[1024];
        var lists = new Dictionary<uint, List<Stem>>();
        foreach (var (words, kind) in new[] { (s_demand, CueKind.Demand), (s_light, CueKind.Light), (s_constraint, CueKind.Constraint) })
        {
            foreach (var word in words)
            {
                bool exact = word.EndsWith('$');
                var bytes = Encoding.UTF8.GetBytes(exact ? word[..^1] : word);
                // Words shorter than four bytes are never looked up (the pass skips them), so no stem may be.
                if (bytes.Length < 4) throw new InvalidOperationException($"Stem '{word}' is shorter than four bytes.");
                uint key = Key(bytes);
                if (!lists.TryGetValue(key, out var list)) lists[key] = list = [];
                if (!list.Exists(s => s.Bytes.AsSpan().SequenceEqual(bytes))) list.Add(new Stem(bytes, kind, exact));
                int bit = Bit(key);
                filter[bit >> 6] |= 1UL << bit;
            }
        }
        var keys = new uint[TableSize];
        var stems = new Stem[TableSize][];
        foreach (var (key, list) in lists)
        {
            int slot = Bit(key) & (TableSize - 1);
            while (keys[slot] != 0) slot = (slot + 1) & (TableSize - 1);
            keys[slot] = key;
            stems[slot] = [.. list.OrderByDescending(s => s.Bytes.Length)]; // longer stems first: the most specific decides
        }
        return (filter, keys, stems);
    }

    private static uint Key(ReadOnlySpan<byte> bytes)
    {
        Span<byte> four = stackalloc byte[4];
        four.Clear();
        bytes[..Math.Min(4, bytes.Length)].CopyTo(four);
        return BinaryPrimitives.ReadUInt32LittleEndian(four);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bit(uint key) => (int)((key * 0x9E3779B1u) >> 16);

    /// <summary>The 65,536-bit filter over the stems' four-byte keys (<see cref="MayStartWith(ulong[], uint)"/>).</summary>
    public static ulong[] Filter => s_filter;

    /// <summary>Whether some stem may start with the four-byte key, by <paramref name="filter"/> (a caller's local copy of <see cref="Filter"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool MayStartWith(ulong[] filter, uint key)
    {
        int bit = Bit(key);
        return (filter[bit >> 6] & (1UL << bit)) != 0;
    }

    /// <summary>
    /// The kind of cue <paramref name="word"/> is (lowercased bytes of one alphabetic word, or the text from a Chinese
    /// or Japanese character on), or 0. <paramref name="wholeWord"/> is false for the latter: there the stem only has
    /// to start the text.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static CueKind Match(ReadOnlySpan<byte> word, bool wholeWord)
    {
        uint key = Key4(word);
        int bit = Bit(key);
        if ((s_filter[bit >> 6] & (1UL << bit)) == 0) return 0;
        return Lookup(key, word, wholeWord);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Key4(ReadOnlySpan<byte> word) => word.Length >= 4
        ? BinaryPrimitives.ReadUInt32LittleEndian(word)
        : word.Length switch { 3 => (uint)(word[0] | word[1] << 8 | word[2] << 16), 2 => (uint)(word[0] | word[1] << 8), 1 => word[0], _ => 0 };

    private static CueKind Lookup(uint key, ReadOnlySpan<byte> word, bool wholeWord)
    {
        var (_, keys, stems) = s_table;
        for (int slot = Bit(key) & (TableSize - 1); ; slot = (slot + 1) & (TableSize - 1))
        {
            uint k = keys[slot];
            if (k == key) return Lookup(stems[slot], word, wholeWord);
            if (k == 0) return 0;
        }
    }

    private static CueKind Lookup(Stem[] stems, ReadOnlySpan<byte> word, bool wholeWord)
    {
        foreach (var stem in stems)
        {
            if (stem.Exact ? wholeWord && word.SequenceEqual(stem.Bytes) : word.StartsWith(stem.Bytes)) return stem.Kind;
        }
        return 0;
    }
}
