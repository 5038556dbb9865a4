using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RoutingCore;

/// <summary>
/// The default counter: a fast, allocation-free rule that never counts fewer tokens than <c>o200k_base</c> (GPT-4o,
/// GPT-5) on a measured corpus of 1,485 real texts — code in eleven languages, JSON, Markdown, English prose, chat turns
/// and prose in fifteen scripts — and fewer than <c>cl100k_base</c> on under 1% of them, while over-counting English
/// prose by about 1.25× and code by 1.12–1.35× at the median (spec/estimation.md, R-EST-11).
/// </summary>
/// <remarks>
/// <para>It weighs what it is given, the JSON-escaped UTF-8 of a string, in 1/64 token. ASCII: each byte by its class
/// (letter, upper-case, digit, space, line break, punctuation), a space or punctuation mark after another one (runs
/// merge) at a lower weight, letters the tokenizers merge least (<c>j z</c>, <c>h k</c>, <c>b g v</c>) at higher ones;
/// plus a weight for every alphanumeric run that starts (a word; lower after a space, which BPE merges into it), for
/// every change between lower-case, upper-case and digits inside a run, for every byte deeper than 8 into a run, and
/// for the letter patterns that real words rarely have (a rare letter deep in a run or after another rare letter, a
/// third consonant in a row): what separates hashes, identifiers and foreign names from common words. Non-ASCII
/// characters by script (Latin, Greek, Cyrillic, Hebrew, Arabic, extended Arabic, Indic, Thai, Georgian, kana, Hangul,
/// CJK, rare CJK, punctuation, emoji, other). The weights were fitted by two linear programs on the corpus
/// (<c>tools/token-accuracy/fit.py</c>) with a 2% margin over <c>o200k_base</c> and bounds that keep every
/// character within what a tokenizer can do.</para>
/// <para>ASCII runs go 64 bytes at a time: with AVX-512 VBMI by table lookups (each byte's class and weight, the class
/// of the byte before it, the pair's weight, summed by <c>vpsadbw</c>), otherwise by two <see cref="Vector256"/>
/// compares per class, mask arithmetic and population counts; the last partial block is the run's last 64 bytes with
/// the counted ones masked out. Other text goes character by character. Every path counts exactly as the scalar rule
/// (the tests compare them; CI runs them with AVX-512 and with hardware intrinsics switched off).</para>
/// </remarks>
public sealed class HeuristicTokenCounter : ITokenCounter
{
    /// <summary>The shared instance.</summary>
    public static HeuristicTokenCounter Instance { get; } = new();

    // Weights in 1/64 token, from tools/token-accuracy/fit.py on tests/RoutingCore.Tests/TestData/token-corpus.json,
    // tools/token-accuracy/extended-corpus.json and token-adversarial.json.
    internal const int Letter = 0, Upper = 2, Tier1 = 64, Tier2 = 30, Tier3 = 9, Digit = 64;
    internal const int Space = 34, SpaceRun = 5, LineBreak = 0, Punctuation = 64, PunctuationRun = 6;
    internal const int Word = 21, WordAfterSpace = 35, Transition = 32, Deep = 9, RareInside = 21, RarePair = 48, ConsonantRun = 15;
    internal const int Latin2 = 128, Greek = 69, Cyrillic = 45, Hebrew = 76, Arabic = 51, ArabicExtended = 95, Other2 = 32;
    internal const int Devanagari = 82, Bengali = 90, Indic = 192, Thai = 70, Georgian = 132, Kana = 64, Hangul = 73, Cjk = 125, CjkRare = 192;
    internal const int Punctuation3 = 64, Other3 = 64, Emoji = 128, Four = 256;

    /// <summary>An alphanumeric byte with at least this many alphanumeric bytes before it in its run is "deep" (hashes, keys, encoded data).</summary>
    internal const int DeepAfter = 8;
    /// <summary>A rare letter with at least this many alphanumeric bytes before it in its run is "inside" a word.</summary>
    internal const int InsideAfter = 3;

    // Letter flags, indexed by (b | 0x20) - 0x60 (1..26 for a..z; 0 for every other ASCII byte below 0x80 that maps
    // into 0..31). The sets are fit.py's TIER1, TIER2, TIER3, RARE and VOWELS.
    private const byte T1 = 1, T2 = 2, T3 = 4, Rare = 8, Vowel = 16;
    private static ReadOnlySpan<byte> LetterFlags =>
    [
        0,
        Vowel, T3 | Rare, 0, 0, Vowel, Rare, T3 | Rare, T2, Vowel, T1 | Rare, T2 | Rare, 0, 0,   // a..m
        0, Vowel, Rare, Rare, 0, 0, 0, Vowel, T3 | Rare, Rare, Rare, 0, T1 | Rare,              // n..z
        0, 0, 0, 0, 0,
    ];

    /// <inheritdoc/>
    public long CountTokens(ReadOnlySpan<byte> utf8Text)
    {
        if (utf8Text.IsEmpty) return 0;
        long units = 0;
        int i = 0;
        while (i < utf8Text.Length)
        {
            int run = utf8Text[i..].IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            int end = run < 0 ? utf8Text.Length : i + run;
            if (end > i) units += AsciiRun(utf8Text[i..end]);
            if (run < 0) break;
            i = end;
            // Non-ASCII characters until the next ASCII byte.
            while (i < utf8Text.Length && utf8Text[i] >= 0x80)
            {
                int b0 = utf8Text[i];
                if (b0 >= 0xF0)
                {
                    // U+10000..U+1FFFF (F0 90..9F): emoji and pictographs; the planes above: CJK extensions and the rest.
                    units += b0 == 0xF0 && i + 1 < utf8Text.Length && utf8Text[i + 1] < 0xA0 ? Emoji : Four;
                    i += 4;
                }
                else if (b0 >= 0xE0 && i + 2 < utf8Text.Length)
                {
                    int cp = ((b0 & 0x0F) << 12) | ((utf8Text[i + 1] & 0x3F) << 6) | (utf8Text[i + 2] & 0x3F);
                    units += cp switch
                    {
                        >= 0x900 and < 0x980 => Devanagari,
                        >= 0x980 and < 0xA00 => Bengali,
                        >= 0xA00 and < 0xE00 => Indic,
                        >= 0xE00 and < 0xF00 => Thai,
                        (>= 0x10A0 and < 0x1100) or (>= 0x1C90 and < 0x1CC0) or (>= 0x2D00 and < 0x2D30) => Georgian,
                        >= 0x3040 and < 0x3100 => Kana,
                        >= 0xAC00 and < 0xD7B0 => Hangul,
                        >= 0x4E00 and < 0xA000 => Cjk,
                        (>= 0x2E80 and < 0x2FE0) or (>= 0x3400 and < 0x4DC0) => CjkRare,
                        (>= 0x2000 and < 0x2070) or (>= 0x3000 and < 0x3040) or (>= 0xFF00 and < 0xFFF0) => Punctuation3,
                        _ => Other3,
                    };
                    i += 3;
                }
                else if (b0 >= 0xC0 && i + 1 < utf8Text.Length)
                {
                    int cp = ((b0 & 0x1F) << 6) | (utf8Text[i + 1] & 0x3F);
                    units += cp switch
                    {
                        < 0x300 => Latin2,
                        >= 0x370 and < 0x400 => Greek,
                        >= 0x400 and < 0x530 => Cyrillic,
                        >= 0x590 and < 0x600 => Hebrew,
                        >= 0x600 and < 0x660 => Arabic,
                        >= 0x660 and < 0x700 => ArabicExtended,
                        _ => Other2,
                    };
                    i += 2;
                }
                else
                {
                    units += Other3; // a stray byte (callers pass valid UTF-8): priced, never free
                    i++;
                }
            }
        }
        return (units + 63) / 64;
    }

    /// <summary>An ASCII run (preceded by nothing or by a non-ASCII character, so the byte before it is of no class).</summary>
    private static long AsciiRun(ReadOnlySpan<byte> s)
    {
        if (!Vector256.IsHardwareAccelerated || s.Length < Block)
        {
            long total = 0;
            var state = default(ScalarState);
            for (int j = 0; j < s.Length; j++) total += Scalar(s[j], ref state);
            return total;
        }
        if (Vector512.IsHardwareAccelerated && Avx512Vbmi.IsSupported) return AsciiRunByTables(s);
        // Per 64 bytes: class masks from vector compares and the letter flags from table lookups, then the context
        // features from the masks shifted by one byte or more, the previous block's bits shifted in. The last, partial
        // block is the run's last 64 bytes with the ones already counted shifted out (skip).
        ref byte start = ref MemoryMarshal.GetReference(s);
        ulong pa = 0, pl = 0, pu = 0, pd = 0, psp = 0, pp = 0, pr = 0, pc = 0;
        long units = 0;
        int offset = 0, skip = 0;
        while (true)
        {
            // Every byte's own weight (its class, its letter tier), then what its neighbours add or take away.
            units += Masks(ref start, offset, skip, out ulong l, out ulong u, out ulong d, out ulong sp, out ulong nl, out ulong rare, out ulong vowel);
            l >>= skip; u >>= skip; d >>= skip; sp >>= skip; nl >>= skip; rare >>= skip; vowel >>= skip;
            ulong letters = l | u, a = letters | d, p = ~(a | sp | nl) & (~0UL >> skip), cons = letters & ~vowel;
            rare &= letters;
            ulong spB = sp << 1 | psp >> 63, aB = a << 1 | pa >> 63, wordStart = a & ~aB;
            units += BitOperations.PopCount(sp & spB) * (SpaceRun - Space) + BitOperations.PopCount(p & (p << 1 | pp >> 63)) * (PunctuationRun - Punctuation)
                + BitOperations.PopCount(wordStart & ~spB) * Word + BitOperations.PopCount(wordStart & spB) * WordAfterSpace;
            ulong same = (l & (l << 1 | pl >> 63)) | (u & (u << 1 | pu >> 63)) | (d & (d << 1 | pd >> 63));
            units += BitOperations.PopCount(a & aB & ~same) * Transition + BitOperations.PopCount(rare & (rare << 1 | pr >> 63)) * RarePair
                + RunUnits(a, pa, rare, cons, pc);
            pa = a; pl = l; pu = u; pd = d; psp = sp; pp = p; pr = rare; pc = cons;
            if (!NextBlock(ref offset, ref skip, s.Length)) return units;
        }
    }

    /// <summary>Steps to the next 64-byte block of a run of <paramref name="length"/> bytes (at least 64): the last,
    /// partial one is the run's last 64 bytes, of which the first <paramref name="skip"/> were counted before.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NextBlock(ref int offset, ref int skip, int length)
    {
        offset += Block;
        if (offset <= length - Block) return true;
        if (skip != 0 || offset == length) return false;
        skip = offset - (length - Block);
        offset = length - Block;
        return true;
    }

    /// <summary>What depth and consonant runs add to a block, from the alphanumeric, rare-letter and consonant masks
    /// (and the previous block's alphanumeric and consonant masks, whose top bits shift in).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long RunUnits(ulong a, ulong pa, ulong rare, ulong cons, ulong pc)
    {
        // Depth: a bit survives when it and the 3 (or 8) before it are set (runs of 2, 4, 8 by doubling).
        ulong r1 = a & (a << 1 | pa >> 63), p1 = pa & pa << 1;
        ulong r2 = r1 & (r1 << 2 | p1 >> 62), p2 = p1 & p1 << 2;
        ulong deep = r2 & (r2 << 4 | p2 >> 60) & (a << DeepAfter | pa >> (64 - DeepAfter));
        return BitOperations.PopCount(deep) * Deep + BitOperations.PopCount(rare & r2) * RareInside
            + BitOperations.PopCount(cons & (cons << 1 | pc >> 63) & (cons << 2 | pc >> 62)) * ConsonantRun;
    }

    private const int Block = 64;

    /// <summary>Bit j of each mask: byte <paramref name="i"/> + j is lower-case, upper-case, a digit, a space, a line
    /// break, a rare letter, a vowel (two Vector256 halves). Returns the weights of the block's own bytes from
    /// <paramref name="skip"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Masks(ref byte start, int i, int skip, out ulong lower, out ulong upper, out ulong digit,
        out ulong space, out ulong lineBreak, out ulong rare, out ulong vowel)
    {
        ulong live = ~0UL << skip;
        long units = Masks256(ref start, i, (uint)live, out uint l0, out uint u0, out uint d0, out uint s0, out uint n0, out uint r0, out uint v0)
            + Masks256(ref start, i + 32, (uint)(live >> 32), out uint l1, out uint u1, out uint d1, out uint s1, out uint n1, out uint r1, out uint v1);
        lower = (ulong)l1 << 32 | l0;
        upper = (ulong)u1 << 32 | u0;
        digit = (ulong)d1 << 32 | d0;
        space = (ulong)s1 << 32 | s0;
        lineBreak = (ulong)n1 << 32 | n0;
        rare = (ulong)r1 << 32 | r0;
        vowel = (ulong)v1 << 32 | v0;
        ulong punctuation = ~(lower | upper | digit | space | lineBreak) & live;
        return units + BitOperations.PopCount((lower | upper) & live) * Letter + BitOperations.PopCount(upper & live) * Upper
            + BitOperations.PopCount(digit & live) * Digit + BitOperations.PopCount(space & live) * Space
            + BitOperations.PopCount(lineBreak & live) * LineBreak + BitOperations.PopCount(punctuation) * Punctuation;
    }

    /// <summary>Half a block; returns the letter-tier weights of its live bytes.</summary>
    private static long Masks256(ref byte start, int i, uint live, out uint lower, out uint upper, out uint digit, out uint space, out uint lineBreak,
        out uint rare, out uint vowel)
    {
        var v = Vector256.LoadUnsafe(ref start, (nuint)i).AsSByte();
        lower = Vector256.LessThan(v + Vector256.Create((sbyte)(128 - 'a')), Vector256.Create((sbyte)(-128 + 26))).ExtractMostSignificantBits();
        upper = Vector256.LessThan(v + Vector256.Create((sbyte)(128 - 'A')), Vector256.Create((sbyte)(-128 + 26))).ExtractMostSignificantBits();
        digit = Vector256.LessThan(v + Vector256.Create((sbyte)(128 - '0')), Vector256.Create((sbyte)(-128 + 10))).ExtractMostSignificantBits();
        space = Vector256.Equals(v, Vector256.Create((sbyte)' ')).ExtractMostSignificantBits();
        lineBreak = (Vector256.Equals(v, Vector256.Create((sbyte)'\n')) | Vector256.Equals(v, Vector256.Create((sbyte)'\r'))
            | Vector256.Equals(v, Vector256.Create((sbyte)'\t'))).ExtractMostSignificantBits();
        // (b | 0x20) - 0x60 is 1..26 for letters and outside the 32-entry table (or on one of its zero entries) otherwise.
        var index = (v.AsByte() | Vector256.Create((byte)0x20)) - Vector256.Create((byte)0x60);
        var flags = Vector256.Shuffle(Vector256.Create(LetterFlags), index);
        rare = Vector256.Equals(flags & Vector256.Create(Rare), Vector256.Create(Rare)).ExtractMostSignificantBits();
        vowel = Vector256.Equals(flags & Vector256.Create(Vowel), Vector256.Create(Vowel)).ExtractMostSignificantBits();
        return BitOperations.PopCount(Vector256.Equals(flags & Vector256.Create(T1), Vector256.Create(T1)).ExtractMostSignificantBits() & live) * Tier1
            + BitOperations.PopCount(Vector256.Equals(flags & Vector256.Create(T2), Vector256.Create(T2)).ExtractMostSignificantBits() & live) * Tier2
            + BitOperations.PopCount(Vector256.Equals(flags & Vector256.Create(T3), Vector256.Create(T3)).ExtractMostSignificantBits() & live) * Tier3;
    }

    /// <summary>
    /// The ASCII run with AVX-512 VBMI: per 64 bytes, table lookups give every byte its class (with the rare and
    /// consonant flags) and its own weight, and the class of the byte before it; a 64-entry table indexed by the pair of
    /// classes gives what the pair adds (a word start, after a space or not; a change of case or to digits; a space or a
    /// punctuation mark, alone or after another; two rare letters). Both are summed by vpsadbw. Depth and consonant runs
    /// come from masks as in the other path. The last, partial block is the run's last 64 bytes, the counted ones masked.
    /// </summary>
    private static long AsciiRunByTables(ReadOnlySpan<byte> s)
    {
        ref byte start = ref MemoryMarshal.GetReference(s);
        var previous = Vector512.Create((byte)'\n'); // the byte before the run is of no class, which prices like a line break
        var sums = Vector512<ulong>.Zero;
        ulong pa = 0, pc = 0;
        long units = 0;
        int offset = 0, skip = 0;
        while (true)
        {
            var b = Vector512.LoadUnsafe(ref start, (nuint)offset);
            var before = Avx512Vbmi.PermuteVar64x8x2(previous, PreviousIndex, b);
            var code = Avx512Vbmi.PermuteVar64x8x2(ClassLow, b, ClassHigh);
            // vpermb reads the low six bits: the class of the byte before times eight, plus this byte's class.
            var pair = Avx512Vbmi.PermuteVar64x8(PairWeights, Avx512Vbmi.PermuteVar64x8x2(BeforeLow, before, BeforeHigh) | code);
            var own = Avx512Vbmi.PermuteVar64x8x2(OwnLow, b, OwnHigh);
            var weights = (own + pair) & Vector512.GreaterThanOrEqual(Iota, Vector512.Create((byte)skip));
            sums += Avx512BW.SumAbsoluteDifferences(weights, Vector512<byte>.Zero).AsUInt64();
            ulong a = Vector512.LessThan(code & Vector512.Create((byte)7), Vector512.Create((byte)ClassSpace)).ExtractMostSignificantBits() >> skip;
            ulong cons = code.ExtractMostSignificantBits() >> skip;
            ulong rare = (code + code).ExtractMostSignificantBits() >> skip;
            units += RunUnits(a, pa, rare, cons, pc);
            pa = a; pc = cons; previous = b;
            if (!NextBlock(ref offset, ref skip, s.Length)) return units + (long)Vector512.Sum(sums);
        }
    }

    // Classes of the table path: 0 lower, 1 rare lower, 2 upper, 3 rare upper, 4 digit, 5 space, 6 line break (and the
    // byte before a run), 7 punctuation.
    private const int ClassSpace = 5;

    private static int TableClass(int b) => Class((byte)b) switch
    {
        1 => (Flags((byte)b) & Rare) != 0 ? 1 : 0,
        2 => (Flags((byte)b) & Rare) != 0 ? 3 : 2,
        3 => 4,
        4 => 5,
        5 => 6,
        _ => 7,
    };

    /// <summary>What a byte of class <paramref name="cls"/> adds after one of class <paramref name="before"/>.</summary>
    private static byte PairWeight(int before, int cls)
    {
        static int Group(int c) => c >> 1; // lower, upper, digit (4 → 2); not alphanumeric from 5 on
        if (cls == 5) return (byte)(before == 5 ? SpaceRun : Space);
        if (cls == 7) return (byte)(before == 7 ? PunctuationRun : Punctuation);
        if (cls == 6) return 0;
        int units = before >= 5 ? (before == 5 ? WordAfterSpace : Word) : Group(before) != Group(cls) ? Transition : 0;
        if (cls is 1 or 3 && before is 1 or 3) units += RarePair;
        return (byte)units;
    }

    // The tables of the table path, each indexed by a byte (0..127, in two halves) or by a pair of classes:
    // the byte's class with the consonant flag in bit 7 and the rare flag in bit 6; eight times the class; the byte's own
    // weight (letters, digits, line breaks: spaces and punctuation are priced by the pair); the pair's weight.
    private static readonly Vector512<byte> ClassLow = Table64(j => Code(j)), ClassHigh = Table64(j => Code(64 + j));
    private static readonly Vector512<byte> BeforeLow = Table64(j => (byte)(TableClass(j) * 8)), BeforeHigh = Table64(j => (byte)(TableClass(64 + j) * 8));
    private static readonly Vector512<byte> OwnLow = Table64(j => (byte)OwnWeight(j)), OwnHigh = Table64(j => (byte)OwnWeight(64 + j));
    private static readonly Vector512<byte> PairWeights = Table64(j => PairWeight(j >> 3, j & 7));
    private static readonly Vector512<byte> PreviousIndex = Table64(j => (byte)(63 + j));
    private static readonly Vector512<byte> Iota = Table64(j => (byte)j);

    private static byte Code(int b) => (byte)(TableClass(b) | (IsLetter((byte)b) && (Flags((byte)b) & Vowel) == 0 ? 0x80 : 0)
        | ((Flags((byte)b) & Rare) != 0 ? 0x40 : 0));

    /// <summary>A byte's own weight, before its neighbours: a letter's (upper-case, tier), a digit's, a line break's;
    /// spaces and punctuation are priced by the byte before them (0 here).</summary>
    private static int OwnWeight(int b)
    {
        int cls = Class((byte)b), f = Flags((byte)b);
        return cls switch
        {
            1 or 2 => Letter + (cls == 2 ? Upper : 0) + ((f & T1) != 0 ? Tier1 : (f & T2) != 0 ? Tier2 : (f & T3) != 0 ? Tier3 : 0),
            3 => Digit,
            5 => LineBreak,
            _ => 0,
        };
    }

    private static Vector512<byte> Table64(Func<int, byte> entry)
    {
        Span<byte> table = stackalloc byte[64];
        for (int j = 0; j < 64; j++) table[j] = entry(j);
        return Vector512.Create((ReadOnlySpan<byte>)table);
    }

    // Byte classes of the scalar path: 0 none (before a run), 1 lower, 2 upper, 3 digit, 4 space, 5 line break, 6 punctuation.
    private static int Class(byte b) => (uint)(b - 'a') < 26 ? 1 : (uint)(b - 'A') < 26 ? 2 : (uint)(b - '0') < 10 ? 3
        : b == ' ' ? 4 : b is (byte)'\n' or (byte)'\r' or (byte)'\t' ? 5 : 6;

    private static int Flags(byte b) => (uint)((b | 0x20) - 'a') < 26 ? LetterFlags[(b | 0x20) - 0x60] : 0;

    /// <summary>What the scalar path carries from one byte to the next.</summary>
    private struct ScalarState
    {
        public int Prev;        // class of the previous byte (0 before the run)
        public int Depth;       // alphanumeric bytes before this one in its run
        public bool RareBefore; // the previous byte is a rare letter
        public int Consonants;  // consonants directly before this byte (counted up to 2)
    }

    private static bool IsLetter(byte b) => (uint)((b | 0x20) - 'a') < 26;

    private static int Scalar(byte b, ref ScalarState state)
    {
        int cls = Class(b);
        int units;
        bool rare = false, consonant = false;
        if (cls <= 3)
        {
            units = OwnWeight(b);
            if (cls != 3)
            {
                int flags = Flags(b);
                rare = (flags & Rare) != 0;
                consonant = (flags & Vowel) == 0;
                if (rare && state.Depth >= InsideAfter) units += RareInside;
                if (rare && state.RareBefore) units += RarePair;
                if (consonant && state.Consonants >= 2) units += ConsonantRun;
            }
            if (state.Prev is 0 or > 3) units += state.Prev == 4 ? WordAfterSpace : Word;
            else if (state.Prev != cls) units += Transition;
            if (state.Depth >= DeepAfter) units += Deep;
            state.Depth++;
        }
        else
        {
            units = cls == 4 ? (state.Prev == 4 ? SpaceRun : Space) : cls == 5 ? LineBreak : state.Prev == 6 ? PunctuationRun : Punctuation;
            state.Depth = 0;
        }
        state.RareBefore = rare;
        state.Consonants = consonant ? Math.Min(state.Consonants + 1, 2) : 0;
        state.Prev = cls;
        return units;
    }
}
