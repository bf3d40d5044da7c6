using System.Collections;
using System.Runtime.CompilerServices;

namespace Darkstar.Core.Options;

/// <summary>
/// A list option's items (e.g. <c>flexible_loads</c>), equal to another list of equal items in the same order, so that two
/// options records with the same lists are equal as records are. Written as a collection expression: <c>[a, b]</c>.
/// </summary>
[CollectionBuilder(typeof(OptionList), nameof(OptionList.Create))]
public sealed class OptionList<T> : IReadOnlyList<T>, IEquatable<OptionList<T>>
{
    private readonly T[] _items;

    internal OptionList(T[] items)
    {
        _items = items;
    }

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(OptionList<T>? other) => other is not null && _items.SequenceEqual(other._items);

    public override bool Equals(object? obj) => obj is OptionList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }
}

/// <summary>Builds an <see cref="OptionList{T}"/> from a collection expression.</summary>
public static class OptionList
{
    public static OptionList<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());

    public static OptionList<T> From<T>(IEnumerable<T> items) => Create<T>([.. items]);
}
