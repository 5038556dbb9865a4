using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RoutingCore.Difficulty;

/// <summary>The task lexicon's pass (spec R-DIFF-2): which words of the text say what is asked.</summary>
internal partial struct TextTally
{
    /// <summary>The task lexicon reads this many bytes at the start of a text and this many at its end (spec R-DIFF-2).</summary>
    internal const int CueHead = 1024, CueTail = 512;

    /// <summary>
    /// Counts the task lexicon's cue words in the first <see cref="CueHead"/> and the last <see cref="CueTail"/> bytes
    /// of <paramref name="utf8"/>: what a request asks for is said in its instructions, which open or close it, not in
    /// the data pasted between them, and the bound keeps the pass short on long texts. The tail window opens at the
    /// first ASCII non-letter or three-byte lead at or after its start, so it never reads a word from its middle.
    /// </summary>
    private void Cues(ReadOnlySpan<byte> utf8, int maxVectorBits)
    {
        if (utf8.Length <= CueHead + CueTail)
        {
            CuesIn(utf8, maxVectorBits);
            return;
        }
        CuesIn(utf8[..CueHead], maxVectorBits);
        int from = utf8.Length - CueTail;
        while (from < utf8.Length && !OpensTail(utf8[from])) from++;
        CuesIn(utf8[from..], maxVectorBits);
    }

    private static bool OpensTail(byte b) => b < 0x80 ? (uint)((b | 0x20) - 'a') >= 26 : (b & 0xF0) == 0xE0;

    /// <summary>
    /// One window. Words of alphabetic scripts are maximal runs of ASCII letters and two-byte characters (a lead byte
    /// C2–DF and the byte after it); each run is looked up once, at its first byte. Every three-byte character
    /// (lead E0–EF) with at least six bytes from it to the window's end is looked up too: Chinese and Japanese stems
    /// match at any character. 64 bytes at a time with masks, or byte by byte (the scalar rule tests compare).
    /// </summary>
    private void CuesIn(ReadOnlySpan<byte> text, int maxVectorBits)
    {
        int i = 0, n = text.Length;
        bool v512 = maxVectorBits >= 512 && Vector512.IsHardwareAccelerated;
        if ((v512 || (maxVectorBits >= 256 && Vector256.IsHardwareAccelerated)) && n >= 64)
        {
            ref byte start = ref MemoryMarshal.GetReference(text);
            ulong prevWord = 0, prevLead2 = 0;
            var filter = TaskLexicon.Filter;
            for (; i + 64 <= n; i += 64)
            {
                ulong letter, lead2, lead3;
                if (v512) Masks512(Vector512.LoadUnsafe(ref start, (nuint)i), out letter, out lead2, out lead3);
                else
                {
                    // Two 32-byte halves make the same 64-bit masks.
                    Masks256(Vector256.LoadUnsafe(ref start, (nuint)i), out uint l0, out uint a0, out uint b0);
                    Masks256(Vector256.LoadUnsafe(ref start, (nuint)(i + 32)), out uint l1, out uint a1, out uint b1);
                    letter = l0 | (ulong)l1 << 32; lead2 = a0 | (ulong)a1 << 32; lead3 = b0 | (ulong)b1 << 32;
                }
                ulong word = letter | lead2 | (lead2 << 1) | prevLead2;
                ulong starts = word & ~((word << 1) | prevWord);
                prevWord = word >> 63;
                prevLead2 = lead2 >> 63;
                // Only words of four bytes or more can hold a stem: a start whose next three bytes are in the word (or
                // that sits in the block's last three bytes, whose word may go on in the next block).
                starts &= (word >> 1) & (word >> 2) & (word >> 3) | 0xE000_0000_0000_0000UL;
                for (; starts != 0; starts &= starts - 1)
                {
                    int at = i + BitOperations.TrailingZeroCount(starts);
                    if (at + 4 <= n)
                    {
                        uint raw = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, at));
                        // The key the lexicon files stems under: the first four bytes lowercased — ASCII letters by
                        // setting bit 5, a word opening with two two-byte letters (Cyrillic, accented Latin) by Lower.
                        uint key;
                        if ((raw & 0x80808080u) == 0) key = raw | 0x20202020u;
                        else if ((raw & 0xC0E0C0E0u) == 0x80C080C0u)
                        {
                            Lower((byte)raw, (byte)(raw >> 8), out byte a0, out byte a1);
                            Lower((byte)(raw >> 16), (byte)(raw >> 24), out byte b0, out byte b1);
                            key = (uint)(a0 | a1 << 8 | b0 << 16 | b1 << 24);
                        }
                        else key = 0; // mixed: looked up in full below
                        // Most words: no stem files under their first four bytes, nothing to look up.
                        if (key != 0 && !TaskLexicon.MayStartWith(filter, key)) continue;
                    }
                    LookUp(text, at);
                }
                for (; lead3 != 0; lead3 &= lead3 - 1)
                {
                    int at = i + BitOperations.TrailingZeroCount(lead3);
                    if (at + 5 >= n) continue;
                    // No stem starts with this character's bytes and the next one's lead: nothing to look up.
                    if (!TaskLexicon.MayStartWith(filter, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, at)))) continue;
                    Count(TaskLexicon.Match(text.Slice(at, Math.Min(24, n - at)), wholeWord: false));
                }
            }
            if (i < n)
            {
                // The rest byte by byte, knowing whether the byte before it belongs to a word.
                ScalarFrom(text, i, prevWord != 0 ? WordState.InWord : WordState.Outside, prevLead2 != 0);
            }
            return;
        }
        ScalarFrom(text, 0, WordState.Outside, false);
    }

    /// <summary>ASCII letters, two-byte leads (C2–DF) and three-byte leads (E0–EF) of one 64-byte block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Masks512(Vector512<byte> v, out ulong letter, out ulong lead2, out ulong lead3)
    {
        letter = Vector512.LessThan((v | Vector512.Create((byte)0x20)).AsSByte() + Vector512.Create((sbyte)(128 - 'a')), Vector512.Create((sbyte)(-128 + 26))).ExtractMostSignificantBits();
        lead2 = lead3 = 0;
        if (v.ExtractMostSignificantBits() == 0) return;
        lead2 = Vector512.LessThan(v.AsSByte() + Vector512.Create(unchecked((sbyte)(128 - 0xC2))), Vector512.Create((sbyte)(-128 + 30))).ExtractMostSignificantBits();
        lead3 = Vector512.Equals(v & Vector512.Create((byte)0xF0), Vector512.Create((byte)0xE0)).ExtractMostSignificantBits();
    }

    /// <summary>As <see cref="Masks512"/> for 32 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Masks256(Vector256<byte> v, out uint letter, out uint lead2, out uint lead3)
    {
        letter = Vector256.LessThan((v | Vector256.Create((byte)0x20)).AsSByte() + Vector256.Create((sbyte)(128 - 'a')), Vector256.Create((sbyte)(-128 + 26))).ExtractMostSignificantBits();
        lead2 = lead3 = 0;
        if (v.ExtractMostSignificantBits() == 0) return;
        lead2 = Vector256.LessThan(v.AsSByte() + Vector256.Create(unchecked((sbyte)(128 - 0xC2))), Vector256.Create((sbyte)(-128 + 30))).ExtractMostSignificantBits();
        lead3 = Vector256.Equals(v & Vector256.Create((byte)0xF0), Vector256.Create((byte)0xE0)).ExtractMostSignificantBits();
    }

    private enum WordState : byte { Outside, InWord }

    /// <summary>The scalar rule from <paramref name="i"/>: the same word starts and character positions as the vector pass.</summary>
    private void ScalarFrom(ReadOnlySpan<byte> text, int i, WordState state, bool afterLead2)
    {
        int n = text.Length;
        for (; i < n; i++)
        {
            byte b = text[i];
            bool lead2 = b is >= 0xC2 and <= 0xDF;
            bool inWord = afterLead2 || lead2 || (uint)((b | 0x20) - 'a') < 26;
            if (inWord && state == WordState.Outside) WordAt(text, i, TaskLexicon.Filter);
            if ((b & 0xF0) == 0xE0 && i + 5 < n) Count(TaskLexicon.Match(text.Slice(i, Math.Min(24, n - i)), wholeWord: false));
            state = inWord ? WordState.InWord : WordState.Outside;
            afterLead2 = lead2;
        }
    }

    /// <summary>Looks up the word starting at <paramref name="at"/>: ASCII words by their first four bytes first, the rest lowercased.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WordAt(ReadOnlySpan<byte> text, int at, ulong[] filter)
    {
        if (at + 4 <= text.Length)
        {
            // Fast path: four ASCII letters, lowercased, are the key the lexicon files its stems under.
            uint raw = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref MemoryMarshal.GetReference(text), at));
            if ((raw & 0x80808080u) == 0)
            {
                uint lower = raw | 0x20202020u;
                // Bytes that are letters, as the top bit of each byte: (byte - 'a') < 26 for every byte at once.
                uint notLetter = ((lower - 0x61616161u) | (0x7A7A7A7Au - lower)) & 0x80808080u;
                // No stem is shorter than four bytes: a shorter ASCII word holds none.
                if (notLetter != 0 || !TaskLexicon.MayStartWith(filter, lower)) return;
            }
        }
        LookUp(text, at);
    }

    /// <summary>The whole word at <paramref name="at"/>, lowercased (ASCII, Latin-1, Cyrillic), looked up in the lexicon.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LookUp(ReadOnlySpan<byte> text, int at)
    {
        int n = text.Length;
        Span<byte> word = stackalloc byte[32];
        int length = 0, i = at;
        bool whole = true;
        while (i < n)
        {
            byte b = text[i];
            if (b is >= 0xC2 and <= 0xDF)
            {
                byte next = i + 1 < n ? text[i + 1] : (byte)0;
                if (length + 2 <= word.Length)
                {
                    Lower(b, next, out word[length], out word[length + 1]);
                    length += 2;
                }
                else whole = false;
                i += 2;
            }
            else if ((uint)((b | 0x20) - 'a') < 26)
            {
                if (length < word.Length) word[length++] = (byte)(b | 0x20);
                else whole = false;
                i++;
            }
            else break;
        }
        if (length >= 2) Count(TaskLexicon.Match(word[..length], whole));
    }

    /// <summary>Lowercases a two-byte letter: Latin-1 (U+00C0–U+00DE) and Cyrillic (U+0400–U+042F).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lower(byte lead, byte next, out byte a, out byte b)
    {
        a = lead; b = next;
        if (lead == 0xC3 && next is >= 0x80 and <= 0x9E && next != 0x97) b = (byte)(next + 0x20);
        else if (lead == 0xD0)
        {
            if (next is >= 0x90 and <= 0x9F) b = (byte)(next + 0x20);                  // А–П → а–п
            else if (next is >= 0xA0 and <= 0xAF) { a = 0xD1; b = (byte)(next - 0x20); } // Р–Я → р–я
            else if (next is >= 0x80 and <= 0x8F) { a = 0xD1; b = (byte)(next + 0x10); } // Ѐ–Џ → ѐ–џ
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Count(CueKind kind)
    {
        switch (kind)
        {
            case CueKind.Demand: DemandCues++; break;
            case CueKind.Light: LightCues++; break;
            case CueKind.Constraint: ConstraintCues++; break;
        }
    }
}
