using System.Collections;

namespace Darkstar.Core.Time;

/// <summary>A contiguous run of slots: <see cref="Count"/> slots from slot index <see cref="FirstIndex"/>.</summary>
public readonly record struct SlotRange : IReadOnlyList<DateTimeOffset>
{
    public SlotRange(long firstIndex, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        FirstIndex = firstIndex;
        Count = count;
    }

    public long FirstIndex { get; }

    public int Count { get; }

    /// <summary>The index one past the last slot.</summary>
    public long EndIndex => FirstIndex + Count;

    /// <summary>The UTC start of the first slot.</summary>
    public DateTimeOffset Start => SlotGrid.StartOf(FirstIndex);

    /// <summary>The UTC end of the last slot (exclusive).</summary>
    public DateTimeOffset End => SlotGrid.StartOf(EndIndex);

    public DateTimeOffset this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"The range has {Count} slots.");
            }

            return SlotGrid.StartOf(FirstIndex + index);
        }
    }

    /// <summary>Builds the range of slots that start in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public static SlotRange Between(DateTimeOffset start, DateTimeOffset end)
    {
        var first = SlotGrid.IndexOf(SlotGrid.Ceiling(start));
        var last = SlotGrid.IndexOf(SlotGrid.Ceiling(end));
        return new SlotRange(first, checked((int)Math.Max(last - first, 0)));
    }

    public bool Contains(DateTimeOffset instant)
    {
        var index = SlotGrid.IndexOf(instant);
        return index >= FirstIndex && index < EndIndex;
    }

    /// <summary>The position within this range of the slot containing <paramref name="instant"/>, or -1.</summary>
    public int PositionOf(DateTimeOffset instant)
    {
        var index = SlotGrid.IndexOf(instant);
        return index >= FirstIndex && index < EndIndex ? (int)(index - FirstIndex) : -1;
    }

    public IEnumerator<DateTimeOffset> GetEnumerator()
    {
        for (var i = FirstIndex; i < EndIndex; i++)
        {
            yield return SlotGrid.StartOf(i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        $"{Count} slots from {Start:yyyy-MM-ddTHH:mm:ssZ} to {End:yyyy-MM-ddTHH:mm:ssZ}";
}
