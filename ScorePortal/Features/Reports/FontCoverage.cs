using System.Buffers.Binary;

namespace ScorePortal.Features.Reports;

/// <summary>
/// Which code points a TrueType font has a glyph for, read from its cmap table once. The fallback chain asks this
/// per character, so it is a plain bit set (139 KB per font) rather than a search through cmap segments.
/// </summary>
public sealed class FontCoverage
{
    private const int CodePointCount = 0x110000;
    private readonly ulong[] _bits = new ulong[CodePointCount / 64];

    private FontCoverage()
    {
    }

    public bool Has(int codePoint) =>
        (uint)codePoint < CodePointCount && (_bits[codePoint >> 6] & (1UL << (codePoint & 63))) != 0;

    private void Add(int codePoint)
    {
        if ((uint)codePoint < CodePointCount) _bits[codePoint >> 6] |= 1UL << (codePoint & 63);
    }

    /// <summary>
    /// Reads only the table directory and the cmap table (BabelStone Han is 51 MB; its cmap is a small part).
    /// Prefers the full-repertoire subtable (format 12, needed for Extension B and beyond) over the BMP one (format 4).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a TrueType font with a usable cmap.</exception>
    public static FontCoverage Read(string path)
    {
        using var file = File.OpenRead(path);
        if (file.Length < 12) throw new InvalidDataException($"{path} is not a TrueType (glyf) font.");
        var header = ReadExactly(file, 0, 12);
        var tag = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (tag is not (0x00010000 or 0x74727565)) // 1.0 or "true": glyf outlines; "OTTO" and "ttcf" are refused
            throw new InvalidDataException($"{path} is not a TrueType (glyf) font.");
        int tableCount = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(4));
        var directory = ReadExactly(file, 12, tableCount * 16);
        for (var i = 0; i < tableCount; i++)
        {
            var entry = directory.AsSpan(i * 16, 16);
            if (!entry[..4].SequenceEqual("cmap"u8)) continue;
            var offset = BinaryPrimitives.ReadUInt32BigEndian(entry[8..]);
            var length = BinaryPrimitives.ReadUInt32BigEndian(entry[12..]);
            if (length > 64 * 1024 * 1024) break;
            return FromCmap(ReadExactly(file, offset, (int)length), path);
        }
        throw new InvalidDataException($"{path} has no cmap table.");
    }

    private static FontCoverage FromCmap(byte[] cmap, string path)
    {
        var span = cmap.AsSpan();
        int count = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        int format12 = -1, format4 = -1;
        for (var i = 0; i < count; i++)
        {
            var record = span.Slice(4 + i * 8, 8);
            var platform = BinaryPrimitives.ReadUInt16BigEndian(record);
            var encoding = BinaryPrimitives.ReadUInt16BigEndian(record[2..]);
            var offset = (int)BinaryPrimitives.ReadUInt32BigEndian(record[4..]);
            var format = BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
            var unicode = platform == 0 || (platform == 3 && encoding is 1 or 10);
            if (!unicode) continue;
            if (format == 12 && format12 < 0) format12 = offset;
            if (format == 4 && format4 < 0) format4 = offset;
        }
        var coverage = new FontCoverage();
        if (format12 >= 0) coverage.AddFormat12(span[format12..]);
        else if (format4 >= 0) coverage.AddFormat4(span[format4..]);
        else throw new InvalidDataException($"{path} has no Unicode cmap subtable (format 4 or 12).");
        return coverage;
    }

    private void AddFormat12(ReadOnlySpan<byte> table)
    {
        var groups = BinaryPrimitives.ReadUInt32BigEndian(table[12..]);
        for (var g = 0; g < groups; g++)
        {
            var group = table.Slice(16 + g * 12, 12);
            var start = BinaryPrimitives.ReadUInt32BigEndian(group);
            var end = Math.Min(BinaryPrimitives.ReadUInt32BigEndian(group[4..]), CodePointCount - 1);
            var startGlyph = BinaryPrimitives.ReadUInt32BigEndian(group[8..]);
            for (var c = start; c <= end; c++)
                if (startGlyph + (c - start) != 0) Add((int)c);
        }
    }

    /// <summary>Format 4 segments may map some of their code points to glyph 0 (missing), so each is resolved.</summary>
    private void AddFormat4(ReadOnlySpan<byte> table)
    {
        var segments = BinaryPrimitives.ReadUInt16BigEndian(table[6..]) / 2;
        var endCodes = 14;
        var startCodes = endCodes + segments * 2 + 2;
        var deltas = startCodes + segments * 2;
        var rangeOffsets = deltas + segments * 2;
        for (var s = 0; s < segments; s++)
        {
            int end = BinaryPrimitives.ReadUInt16BigEndian(table[(endCodes + s * 2)..]);
            int start = BinaryPrimitives.ReadUInt16BigEndian(table[(startCodes + s * 2)..]);
            var delta = BinaryPrimitives.ReadInt16BigEndian(table[(deltas + s * 2)..]);
            int rangeOffset = BinaryPrimitives.ReadUInt16BigEndian(table[(rangeOffsets + s * 2)..]);
            for (var c = start; c <= end && c != 0xFFFF; c++)
            {
                int glyph;
                if (rangeOffset == 0) glyph = (c + delta) & 0xFFFF;
                else
                {
                    var at = rangeOffsets + s * 2 + rangeOffset + (c - start) * 2;
                    if (at + 2 > table.Length) continue;
                    glyph = BinaryPrimitives.ReadUInt16BigEndian(table[at..]);
                    if (glyph != 0) glyph = (glyph + delta) & 0xFFFF;
                }
                if (glyph != 0) Add(c);
            }
        }
    }

    private static byte[] ReadExactly(FileStream file, long offset, int count)
    {
        var buffer = new byte[count];
        file.Position = offset;
        file.ReadExactly(buffer);
        return buffer;
    }
}
