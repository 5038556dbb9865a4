using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RoutingCore.Difficulty;

/// <summary>
/// Counts of what a difficulty estimate reads in text, added up over the spans the scanner visits (spec R-DIFF-2).
/// Every count is of the decoded text (JSON escapes undone), so a body's spelling never changes them.
/// </summary>
internal struct TextTally
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

    public void Add(in TextTally other)
    {
        Chars += other.Chars; Digits += other.Digits; Operators += other.Operators; CodeMarks += other.CodeMarks;
        MathMarks += other.MathMarks; Questions += other.Questions; LineBreaks += other.LineBreaks; Steps += other.Steps;
        NonAscii += other.NonAscii;
    }

    /// <summary>
    /// Adds the counts of <paramref name="utf8"/> (decoded text; its start counts as the start of a line). One pass:
    /// 32 bytes at a time with <see cref="Vector256"/> compares, masks and population counts, then a scalar tail that
    /// applies the same rules.
    /// </summary>
    public void Accumulate(ReadOnlySpan<byte> utf8) => Accumulate(utf8, vectorized: true);

    /// <summary>As <see cref="Accumulate(ReadOnlySpan{byte})"/>; <paramref name="vectorized"/> false runs the scalar rule alone (tests compare the two).</summary>
    internal void Accumulate(ReadOnlySpan<byte> utf8, bool vectorized)
    {
        int i = 0;
        // Whether the next block's first byte opens a line (the previous block ended with a line break).
        bool atLineStart = true;
        if (vectorized && Vector256.IsHardwareAccelerated && utf8.Length >= 33)
        {
            ref byte start = ref MemoryMarshal.GetReference(utf8);
            int last = utf8.Length - 33; // each block peeks at the byte after it
            for (; i <= last; i += 32)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                var s = v.AsSByte();
                uint cont = Vector256.LessThan(s, Vector256.Create((sbyte)-64)).ExtractMostSignificantBits(); // 0x80..0xBF
                uint high = Vector256.LessThan(s, Vector256.Create((sbyte)0)).ExtractMostSignificantBits();  // >= 0x80
                uint lead = high & ~cont;
                uint digit = Vector256.LessThan(s + Vector256.Create((sbyte)(128 - '0')), Vector256.Create((sbyte)(-128 + 10))).ExtractMostSignificantBits();
                uint ops = (Vector256.LessThan(s + Vector256.Create((sbyte)(128 - '<')), Vector256.Create((sbyte)(-128 + 3))).AsByte()   // < = >
                    | Vector256.LessThan(s + Vector256.Create((sbyte)(128 - '*')), Vector256.Create((sbyte)(-128 + 2))).AsByte()         // * +
                    | Vector256.Equals(v, Vector256.Create((byte)'/')) | Vector256.Equals(v, Vector256.Create((byte)'^'))
                    | Vector256.Equals(v, Vector256.Create((byte)'%'))).ExtractMostSignificantBits();
                uint code = (Vector256.Equals(v, Vector256.Create((byte)'{')) | Vector256.Equals(v, Vector256.Create((byte)'}'))
                    | Vector256.Equals(v, Vector256.Create((byte)';')) | Vector256.Equals(v, Vector256.Create((byte)'_'))
                    | Vector256.Equals(v, Vector256.Create((byte)'`'))).ExtractMostSignificantBits();
                uint math = (Vector256.Equals(v, Vector256.Create((byte)'\\')) | Vector256.Equals(v, Vector256.Create((byte)'$'))).ExtractMostSignificantBits();
                uint question = Vector256.Equals(v, Vector256.Create((byte)'?')).ExtractMostSignificantBits();
                uint nl = Vector256.Equals(v, Vector256.Create((byte)'\n')).ExtractMostSignificantBits();
                uint b9f = Vector256.Equals(v, Vector256.Create((byte)0x9F)).ExtractMostSignificantBits();
                uint bbc = Vector256.Equals(v, Vector256.Create((byte)0xBC)).ExtractMostSignificantBits();
                uint bd8 = Vector256.Equals(v, Vector256.Create((byte)0xD8)).ExtractMostSignificantBits();
                uint bef = Vector256.Equals(v, Vector256.Create((byte)0xEF)).ExtractMostSignificantBits();
                uint dot = (Vector256.Equals(v, Vector256.Create((byte)'.')) | Vector256.Equals(v, Vector256.Create((byte)')'))).ExtractMostSignificantBits();
                uint be2 = Vector256.Equals(v, Vector256.Create((byte)0xE2)).ExtractMostSignificantBits();
                uint b88 = Vector256.LessThan(s + Vector256.Create(unchecked((sbyte)(128 - 0x88))), Vector256.Create((sbyte)(-128 + 4))).ExtractMostSignificantBits();
                uint bc2 = Vector256.Equals(v, Vector256.Create((byte)0xC2)).ExtractMostSignificantBits();
                uint bc3 = Vector256.Equals(v, Vector256.Create((byte)0xC3)).ExtractMostSignificantBits();
                uint bb1 = Vector256.Equals(v, Vector256.Create((byte)0xB1)).ExtractMostSignificantBits();
                uint b97 = (Vector256.Equals(v, Vector256.Create((byte)0x97)) | Vector256.Equals(v, Vector256.Create((byte)0xB7))).ExtractMostSignificantBits();
                uint sp = Vector256.Equals(v, Vector256.Create((byte)' ')).ExtractMostSignificantBits();
                uint bullet = (Vector256.Equals(v, Vector256.Create((byte)'-')) | Vector256.Equals(v, Vector256.Create((byte)'*'))).ExtractMostSignificantBits();

                byte prevByte = i > 0 ? utf8[i - 1] : (byte)0;
                byte prev2 = i > 1 ? utf8[i - 2] : (byte)0;
                uint next = utf8[i + 32];
                uint lineStart = nl << 1 | (atLineStart ? 1u : 0u);
                uint followedByDot = dot >> 1 | (next is '.' or ')' ? 1u << 31 : 0);
                uint followedBySpace = sp >> 1 | (next == ' ' ? 1u << 31 : 0);
                // U+FF1F is EF BC 9F; U+061F is D8 9F: a 0x9F byte after D8, or after BC after EF.
                uint afterD8 = bd8 << 1 | (prevByte == 0xD8 ? 1u : 0);
                uint afterBc = bbc << 1 | (prevByte == 0xBC ? 1u : 0);
                uint afterEf2 = bef << 2 | (prevByte == 0xEF ? 2u : 0) | (prev2 == 0xEF ? 1u : 0);
                // U+2200–U+22FF is E2 88..8B xx (counted at the second byte); ± is C2 B1, × C3 97, ÷ C3 B7.
                uint afterE2 = be2 << 1 | (prevByte == 0xE2 ? 1u : 0);
                uint afterC2 = bc2 << 1 | (prevByte == 0xC2 ? 1u : 0);
                uint afterC3 = bc3 << 1 | (prevByte == 0xC3 ? 1u : 0);
                math |= (b88 & afterE2) | (bb1 & afterC2) | (b97 & afterC3);

                Chars += 32 - BitOperations.PopCount(cont);
                NonAscii += BitOperations.PopCount(lead);
                Digits += BitOperations.PopCount(digit);
                Operators += BitOperations.PopCount(ops);
                CodeMarks += BitOperations.PopCount(code);
                MathMarks += BitOperations.PopCount(math);
                LineBreaks += BitOperations.PopCount(nl);
                Questions += BitOperations.PopCount(question) + BitOperations.PopCount(b9f & (afterD8 | (afterBc & afterEf2)));
                Steps += BitOperations.PopCount(lineStart & ((digit & followedByDot) | (bullet & followedBySpace)));
                atLineStart = (nl >> 31) != 0;
            }
        }
        for (; i < utf8.Length; i++)
        {
            byte b = utf8[i];
            if ((b & 0xC0) != 0x80) Chars++;
            if (b >= 0xC0) NonAscii++;
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
}
