using System.Collections.Concurrent;
using System.Globalization;

namespace NetDetect.Core.Simulation;

/// <summary>
/// Large pooled char blocks that post texts and ids are written into, so millions of posts cost a few big buffers
/// instead of millions of strings the garbage collector would have to copy while they wait to be written.
/// </summary>
internal sealed class CharArena
{
    private const int BlockSize = 1 << 18;
    private static readonly ConcurrentBag<char[]> Pool = [];
    private readonly List<char[]> _blocks = [];
    private char[] _current = [];
    private int _position;

    public ReadOnlyMemory<char> Add(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return "".AsMemory(); // an empty slice of a string: empty, not null (see TextValue)
        if (_position + text.Length > _current.Length) NewBlock(text.Length);
        text.CopyTo(_current.AsSpan(_position));
        var slice = new ReadOnlyMemory<char>(_current, _position, text.Length);
        _position += text.Length;
        return slice;
    }

    public ReadOnlyMemory<char> AddNumber(ulong value)
    {
        if (_position + 20 > _current.Length) NewBlock(20);
        value.TryFormat(_current.AsSpan(_position), out int written, default, CultureInfo.InvariantCulture);
        var slice = new ReadOnlyMemory<char>(_current, _position, written);
        _position += written;
        return slice;
    }

    /// <summary>Gives the blocks back to the pool; every slice handed out becomes invalid.</summary>
    public void Release()
    {
        foreach (var b in _blocks) if (b.Length == BlockSize && Pool.Count < 512) Pool.Add(b);
        _blocks.Clear();
        _current = [];
        _position = 0;
    }

    private void NewBlock(int atLeast)
    {
        char[]? block = null;
        if (atLeast > BlockSize) block = new char[atLeast];
        else if (!Pool.TryTake(out block)) block = new char[BlockSize];
        _blocks.Add(block);
        _current = block;
        _position = 0;
    }
}

/// <summary>A reusable text builder that hands its content out as a span (no string made).</summary>
internal sealed class CharBuilder
{
    private char[] _buffer = new char[512];

    public int Length { get; private set; }

    public ReadOnlySpan<char> Span => _buffer.AsSpan(0, Length);

    public CharBuilder Clear()
    {
        Length = 0;
        return this;
    }

    public CharBuilder Append(char c)
    {
        Ensure(1);
        _buffer[Length++] = c;
        return this;
    }

    public CharBuilder Append(string s) => Append(s.AsSpan());

    public CharBuilder Append(ReadOnlySpan<char> s)
    {
        Ensure(s.Length);
        s.CopyTo(_buffer.AsSpan(Length));
        Length += s.Length;
        return this;
    }

    public CharBuilder Append(long value)
    {
        Ensure(20);
        value.TryFormat(_buffer.AsSpan(Length), out int written, default, CultureInfo.InvariantCulture);
        Length += written;
        return this;
    }

    public CharBuilder AppendHex(ulong value)
    {
        Ensure(16);
        value.TryFormat(_buffer.AsSpan(Length), out int written, "x16", CultureInfo.InvariantCulture);
        Length += written;
        return this;
    }

    /// <summary>Appends a template with <c>{0}</c>, <c>{1}</c>, <c>{2}</c> slots.</summary>
    public CharBuilder AppendTemplate(string template, ReadOnlySpan<char> a0, ReadOnlySpan<char> a1, ReadOnlySpan<char> a2)
    {
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c == '{' && i + 2 < template.Length && template[i + 2] == '}' && template[i + 1] is >= '0' and <= '2')
            {
                Append(template[i + 1] switch { '0' => a0, '1' => a1, _ => a2 });
                i += 2;
            }
            else Append(c);
        }
        return this;
    }

    private void Ensure(int more)
    {
        if (Length + more > _buffer.Length) Array.Resize(ref _buffer, Math.Max(Length + more, _buffer.Length * 2));
    }
}
