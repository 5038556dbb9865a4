using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RoutingCore.Difficulty;

/// <summary>
/// Counts of what a difficulty estimate reads in text, added up over the spans the scanner visits (spec R-DIFF-2).
/// Every count is of the decoded text (JSON escapes undone), so a body's spelling never changes them.
/// </summary>
internal partial struct TextTally
{
    /// <summary>Characters (UTF-8 bytes that are not continuation bytes).</summary>
    public long Chars;
    /// <summary>ASCII digits.</summary>
    public long Digits;
    /// <summary>Arithmetic and comparison operators: <c>= + * / ^ &lt; &gt; %</c>.</summary>
    public long Operators;
    /// <summary>Marks of program text: <c>{ } ; _</c> and backticks (code fences, inline code).</summary>
    public long CodeMarks;
    /// <summary>
    /// Marks of mathematics in any script: backslashes (LaTeX commands), dollar signs (math delimiters), the Unicode
    /// Mathematical Operators block U+2200–U+22FF (√ ∑ ∫ ≤ ≠ ∞ …), and × ÷ ±.
    /// </summary>
    public long MathMarks;
    /// <summary>Question marks: ASCII <c>?</c>, full-width <c>？</c> (U+FF1F) and Arabic <c>؟</c> (U+061F).</summary>
    public long Questions;
    /// <summary>Line breaks.</summary>
    public long LineBreaks;
    /// <summary>Lines that open an enumerated or bulleted item: a digit followed by <c>.</c> or <c>)</c>, or <c>-</c>/<c>*</c> followed by a space.</summary>
    public long Steps;
    /// <summary>Characters outside ASCII.</summary>
    public long NonAscii;
    /// <summary>
    /// Wide characters: the three-byte ones from U+3000 to U+DFFF (CJK punctuation, kana, ideographs, Hangul), each of
    /// which carries about as much text as three Latin letters (spec R-DIFF-3 sizes them so).
    /// </summary>
    public long Wide;
    /// <summary>Words of the task lexicon that ask for reasoning-heavy work (<see cref="CueKind.Demand"/>).</summary>
    public long DemandCues;
    /// <summary>Words of the task lexicon that ask for light work (<see cref="CueKind.Light"/>).</summary>
    public long LightCues;
    /// <summary>Words of the task lexicon that state a constraint (<see cref="CueKind.Constraint"/>).</summary>
    public long ConstraintCues;

    public void Add(in TextTally other)
    {
        Chars += other.Chars; Digits += other.Digits; Operators += other.Operators; CodeMarks += other.CodeMarks;
        MathMarks += other.MathMarks; Questions += other.Questions; LineBreaks += other.LineBreaks; Steps += other.Steps;
        NonAscii += other.NonAscii; Wide += other.Wide; DemandCues += other.DemandCues; LightCues += other.LightCues; ConstraintCues += other.ConstraintCues;
    }

    /// <summary>
    /// Adds the counts of <paramref name="utf8"/> (decoded text; its start counts as the start of a line). One pass:
    /// 64 bytes at a time with <see cref="Vector512"/> compares (or 32 with <see cref="Vector256"/>), masks and
    /// population counts — blocks without a non-ASCII byte skip the non-ASCII masks — then a scalar tail that
    /// applies the same rules.
    /// </summary>
    public void Accumulate(ReadOnlySpan<byte> utf8) => Accumulate(utf8, maxVectorBits: 512);

    /// <summary>As <see cref="Accumulate(ReadOnlySpan{byte})"/> with vectors of at most <paramref name="maxVectorBits"/> (512, 256, or 0 for the scalar rule alone: tests compare them).</summary>
    internal void Accumulate(ReadOnlySpan<byte> utf8, int maxVectorBits)
    {
        Cues(utf8, maxVectorBits);
        int i = 0;
        // Whether the next block's first byte opens a line (the previous block ended with a line break).
        bool atLineStart = true;
        if (maxVectorBits >= 512 && Vector512.IsHardwareAccelerated && utf8.Length >= 65)
        {
            ref byte start = ref MemoryMarshal.GetReference(utf8);
            int last = utf8.Length - 65; // each block peeks at the byte after it
            for (; i <= last; i += 64)
            {
                var v = Vector512.LoadUnsafe(ref start, (nuint)i);
                Unsafe.SkipInit(out BlockMasks<ulong> m); // the non-ASCII masks are read only when set
                m.High = v.ExtractMostSignificantBits();
                Ascii512(v, ref m);
                if (m.High != 0) NonAscii512(v, ref m);
                Block(ref m, utf8, i, ref atLineStart);
            }
        }
        else if (maxVectorBits >= 256 && Vector256.IsHardwareAccelerated && utf8.Length >= 33)
        {
            ref byte start = ref MemoryMarshal.GetReference(utf8);
            int last = utf8.Length - 33;
            for (; i <= last; i += 32)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                Unsafe.SkipInit(out BlockMasks<uint> m);
                m.High = v.ExtractMostSignificantBits();
                Ascii256(v, ref m);
                if (m.High != 0) NonAscii256(v, ref m);
                Block(ref m, utf8, i, ref atLineStart);
            }
        }
        for (; i < utf8.Length; i++)
        {
            byte b = utf8[i];
            if ((b & 0xC0) != 0x80) Chars++;
            if (b >= 0xC0) NonAscii++;
            if (b is >= 0xE3 and <= 0xED) Wide++;
            bool lineStart = i == 0 || utf8[i - 1] == '\n';
            byte next = i + 1 < utf8.Length ? utf8[i + 1] : (byte)0;
            switch (b)
            {
                case >= (byte)'0' and <= (byte)'9':
                    Digits++;
                    if (lineStart && next is (byte)'.' or (byte)')') Steps++;
                    break;
                case (byte)'<' or (byte)'=' or (byte)'>' or (byte)'*' or (byte)'+' or (byte)'/' or (byte)'^' or (byte)'%':
                    Operators++;
                    if (b == '*' && lineStart && next == ' ') Steps++;
                    break;
                case (byte)'{' or (byte)'}' or (byte)';' or (byte)'_' or (byte)'`': CodeMarks++; break;
                case (byte)'\\' or (byte)'$': MathMarks++; break;
                case (byte)'?': Questions++; break;
                case (byte)'\n': LineBreaks++; break;
                case (byte)'-':
                    if (lineStart && next == ' ') Steps++;
                    break;
                case 0x9F:
                    if (i >= 1 && utf8[i - 1] == 0xD8) Questions++;
                    else if (i >= 2 && utf8[i - 1] == 0xBC && utf8[i - 2] == 0xEF) Questions++;
                    break;
                case >= 0x88 and <= 0x8B:
                    if (i >= 1 && utf8[i - 1] == 0xE2) MathMarks++;
                    break;
                case 0xB1:
                    if (i >= 1 && utf8[i - 1] == 0xC2) MathMarks++;
                    break;
                case 0x97 or 0xB7:
                    if (i >= 1 && utf8[i - 1] == 0xC3) MathMarks++;
                    break;
            }
        }
    }

    /// <summary>One block's class masks (bit j = byte j of the block); the non-ASCII ones are zero for an ASCII block.</summary>
    private struct BlockMasks<T> where T : unmanaged
    {
        public T High, Digit, Ops, Code, Math, Question, Nl, Dot, Space, Bullet;
        public T Cont, B9F, BBC, BD8, BEF, BE2, B88, BC2, BC3, BB1, B97, Wide;
    }

    /// <summary>Counts one block from its masks, with the bytes around it for the patterns that cross its edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Block<T>(ref BlockMasks<T> m, ReadOnlySpan<byte> utf8, int i, ref bool atLineStart)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int width = Unsafe.SizeOf<T>() * 8;
        T one = T.One, top = T.One << (width - 1);
        T lineStart = m.Nl << 1 | (atLineStart ? one : T.Zero);
        byte next = utf8[i + width];
        T followedByDot = m.Dot >> 1 | (next is (byte)'.' or (byte)')' ? top : T.Zero);
        T followedBySpace = m.Space >> 1 | (next == ' ' ? top : T.Zero);
        T math = m.Math;
        long questions = long.CreateTruncating(T.PopCount(m.Question));
        if (m.High != T.Zero)
        {
            byte prevByte = i > 0 ? utf8[i - 1] : (byte)0;
            byte prev2 = i > 1 ? utf8[i - 2] : (byte)0;
            // U+FF1F is EF BC 9F; U+061F is D8 9F: a 0x9F byte after D8, or after BC after EF.
            T afterD8 = m.BD8 << 1 | (prevByte == 0xD8 ? one : T.Zero);
            T afterBc = m.BBC << 1 | (prevByte == 0xBC ? one : T.Zero);
            T afterEf2 = m.BEF << 2 | (prevByte == 0xEF ? one << 1 : T.Zero) | (prev2 == 0xEF ? one : T.Zero);
            // U+2200–U+22FF is E2 88..8B xx (counted at the second byte); ± is C2 B1, × C3 97, ÷ C3 B7.
            T afterE2 = m.BE2 << 1 | (prevByte == 0xE2 ? one : T.Zero);
            T afterC2 = m.BC2 << 1 | (prevByte == 0xC2 ? one : T.Zero);
            T afterC3 = m.BC3 << 1 | (prevByte == 0xC3 ? one : T.Zero);
            math |= (m.B88 & afterE2) | (m.BB1 & afterC2) | (m.B97 & afterC3);
            questions += long.CreateTruncating(T.PopCount(m.B9F & (afterD8 | (afterBc & afterEf2))));
            Chars += width - long.CreateTruncating(T.PopCount(m.Cont));
            NonAscii += long.CreateTruncating(T.PopCount(m.High & ~m.Cont));
            Wide += long.CreateTruncating(T.PopCount(m.Wide));
        }
        else
        {
            Chars += width;
        }
        Digits += long.CreateTruncating(T.PopCount(m.Digit));
        Operators += long.CreateTruncating(T.PopCount(m.Ops));
        CodeMarks += long.CreateTruncating(T.PopCount(m.Code));
        MathMarks += long.CreateTruncating(T.PopCount(math));
        LineBreaks += long.CreateTruncating(T.PopCount(m.Nl));
        Questions += questions;
        Steps += long.CreateTruncating(T.PopCount(lineStart & ((m.Digit & followedByDot) | (m.Bullet & followedBySpace))));
        atLineStart = (m.Nl & top) != T.Zero;
    }

    // Range checks with one signed compare each: adding 128 - first maps the range onto the lowest signed values.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Ascii512(Vector512<byte> v, ref BlockMasks<ulong> m)
    {
        var s = v.AsSByte();
        m.Digit = Vector512.LessThan(s + Vector512.Create((sbyte)(128 - '0')), Vector512.Create((sbyte)(-128 + 10))).ExtractMostSignificantBits();
        m.Ops = (Vector512.LessThan(s + Vector512.Create((sbyte)(128 - '<')), Vector512.Create((sbyte)(-128 + 3))).AsByte()   // < = >
            | Vector512.LessThan(s + Vector512.Create((sbyte)(128 - '*')), Vector512.Create((sbyte)(-128 + 2))).AsByte()         // * +
            | Vector512.Equals(v, Vector512.Create((byte)'/')) | Vector512.Equals(v, Vector512.Create((byte)'^'))
            | Vector512.Equals(v, Vector512.Create((byte)'%'))).ExtractMostSignificantBits();
        m.Code = (Vector512.Equals(v, Vector512.Create((byte)'{')) | Vector512.Equals(v, Vector512.Create((byte)'}'))
            | Vector512.Equals(v, Vector512.Create((byte)';')) | Vector512.Equals(v, Vector512.Create((byte)'_'))
            | Vector512.Equals(v, Vector512.Create((byte)'`'))).ExtractMostSignificantBits();
        m.Math = (Vector512.Equals(v, Vector512.Create((byte)'\\')) | Vector512.Equals(v, Vector512.Create((byte)'$'))).ExtractMostSignificantBits();
        m.Question = Vector512.Equals(v, Vector512.Create((byte)'?')).ExtractMostSignificantBits();
        m.Nl = Vector512.Equals(v, Vector512.Create((byte)'\n')).ExtractMostSignificantBits();
        m.Dot = (Vector512.Equals(v, Vector512.Create((byte)'.')) | Vector512.Equals(v, Vector512.Create((byte)')'))).ExtractMostSignificantBits();
        m.Space = Vector512.Equals(v, Vector512.Create((byte)' ')).ExtractMostSignificantBits();
        m.Bullet = (Vector512.Equals(v, Vector512.Create((byte)'-')) | Vector512.Equals(v, Vector512.Create((byte)'*'))).ExtractMostSignificantBits();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NonAscii512(Vector512<byte> v, ref BlockMasks<ulong> m)
    {
        var s = v.AsSByte();
        m.Cont = Vector512.LessThan(s, Vector512.Create((sbyte)-64)).ExtractMostSignificantBits(); // 0x80..0xBF
        m.B9F = Vector512.Equals(v, Vector512.Create((byte)0x9F)).ExtractMostSignificantBits();
        m.BBC = Vector512.Equals(v, Vector512.Create((byte)0xBC)).ExtractMostSignificantBits();
        m.BD8 = Vector512.Equals(v, Vector512.Create((byte)0xD8)).ExtractMostSignificantBits();
        m.BEF = Vector512.Equals(v, Vector512.Create((byte)0xEF)).ExtractMostSignificantBits();
        m.BE2 = Vector512.Equals(v, Vector512.Create((byte)0xE2)).ExtractMostSignificantBits();
        m.B88 = Vector512.LessThan(s + Vector512.Create(unchecked((sbyte)(128 - 0x88))), Vector512.Create((sbyte)(-128 + 4))).ExtractMostSignificantBits();
        m.BC2 = Vector512.Equals(v, Vector512.Create((byte)0xC2)).ExtractMostSignificantBits();
        m.BC3 = Vector512.Equals(v, Vector512.Create((byte)0xC3)).ExtractMostSignificantBits();
        m.BB1 = Vector512.Equals(v, Vector512.Create((byte)0xB1)).ExtractMostSignificantBits();
        m.B97 = (Vector512.Equals(v, Vector512.Create((byte)0x97)) | Vector512.Equals(v, Vector512.Create((byte)0xB7))).ExtractMostSignificantBits();
        m.Wide = Vector512.LessThan(s + Vector512.Create(unchecked((sbyte)(128 - 0xE3))), Vector512.Create((sbyte)(-128 + 11))).ExtractMostSignificantBits();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Ascii256(Vector256<byte> v, ref BlockMasks<uint> m)
    {
        var s = v.AsSByte();
        m.Digit = Vector256.LessThan(s + Vector256.Create((sbyte)(128 - '0')), Vector256.Create((sbyte)(-128 + 10))).ExtractMostSignificantBits();
        m.Ops = (Vector256.LessThan(s + Vector256.Create((sbyte)(128 - '<')), Vector256.Create((sbyte)(-128 + 3))).AsByte()
            | Vector256.LessThan(s + Vector256.Create((sbyte)(128 - '*')), Vector256.Create((sbyte)(-128 + 2))).AsByte()
            | Vector256.Equals(v, Vector256.Create((byte)'/')) | Vector256.Equals(v, Vector256.Create((byte)'^'))
            | Vector256.Equals(v, Vector256.Create((byte)'%'))).ExtractMostSignificantBits();
        m.Code = (Vector256.Equals(v, Vector256.Create((byte)'{')) | Vector256.Equals(v, Vector256.Create((byte)'}'))
            | Vector256.Equals(v, Vector256.Create((byte)';')) | Vector256.Equals(v, Vector256.Create((byte)'_'))
            | Vector256.Equals(v, Vector256.Create((byte)'`'))).ExtractMostSignificantBits();
        m.Math = (Vector256.Equals(v, Vector256.Create((byte)'\\')) | Vector256.Equals(v, Vector256.Create((byte)'$'))).ExtractMostSignificantBits();
        m.Question = Vector256.Equals(v, Vector256.Create((byte)'?')).ExtractMostSignificantBits();
        m.Nl = Vector256.Equals(v, Vector256.Create((byte)'\n')).ExtractMostSignificantBits();
        m.Dot = (Vector256.Equals(v, Vector256.Create((byte)'.')) | Vector256.Equals(v, Vector256.Create((byte)')'))).ExtractMostSignificantBits();
        m.Space = Vector256.Equals(v, Vector256.Create((byte)' ')).ExtractMostSignificantBits();
        m.Bullet = (Vector256.Equals(v, Vector256.Create((byte)'-')) | Vector256.Equals(v, Vector256.Create((byte)'*'))).ExtractMostSignificantBits();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NonAscii256(Vector256<byte> v, ref BlockMasks<uint> m)
    {
        var s = v.AsSByte();
        m.Cont = Vector256.LessThan(s, Vector256.Create((sbyte)-64)).ExtractMostSignificantBits();
        m.B9F = Vector256.Equals(v, Vector256.Create((byte)0x9F)).ExtractMostSignificantBits();
        m.BBC = Vector256.Equals(v, Vector256.Create((byte)0xBC)).ExtractMostSignificantBits();
        m.BD8 = Vector256.Equals(v, Vector256.Create((byte)0xD8)).ExtractMostSignificantBits();
        m.BEF = Vector256.Equals(v, Vector256.Create((byte)0xEF)).ExtractMostSignificantBits();
        m.BE2 = Vector256.Equals(v, Vector256.Create((byte)0xE2)).ExtractMostSignificantBits();
        m.B88 = Vector256.LessThan(s + Vector256.Create(unchecked((sbyte)(128 - 0x88))), Vector256.Create((sbyte)(-128 + 4))).ExtractMostSignificantBits();
        m.BC2 = Vector256.Equals(v, Vector256.Create((byte)0xC2)).ExtractMostSignificantBits();
        m.BC3 = Vector256.Equals(v, Vector256.Create((byte)0xC3)).ExtractMostSignificantBits();
        m.BB1 = Vector256.Equals(v, Vector256.Create((byte)0xB1)).ExtractMostSignificantBits();
        m.B97 = (Vector256.Equals(v, Vector256.Create((byte)0x97)) | Vector256.Equals(v, Vector256.Create((byte)0xB7))).ExtractMostSignificantBits();
        m.Wide = Vector256.LessThan(s + Vector256.Create(unchecked((sbyte)(128 - 0xE3))), Vector256.Create((sbyte)(-128 + 11))).ExtractMostSignificantBits();
    }
}
