using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace S3MlLayout.Engine.Drift
{
    /// <summary>
    /// Declared prefixes (keys ending in '/') looked up by the leading part of an object key without cutting it out:
    /// the hash is extended one character at a time as a key is walked '/' by '/', so placing an object costs one
    /// pass over its key and allocates nothing (a dictionary of substrings would allocate one string per level, per
    /// object, at millions of objects).
    /// </summary>
    internal sealed class PrefixMap<T> where T : class
    {
        // Open addressing, at most a quarter full: a lookup (several per object) is one slot read and, on a hit, one
        // comparison; most misses stop at the first empty slot. A prefix added twice is found as first added.
        private int[] _hashes = new int[16];
        private string?[] _prefixes = new string?[16];
        private T?[] _values = new T?[16];

        public int Count { get; private set; }

        public void Add(string prefix, T value)
        {
            if ((Count + 1) * 4 > _prefixes.Length) Grow();
            Insert(PrefixMap.Extend(PrefixMap.Seed, prefix, 0, prefix.Length), prefix, value);
            Count++;
        }

        private void Insert(int hash, string prefix, T value)
        {
            int mask = _prefixes.Length - 1;
            int i = Slot(hash, mask);
            while (_prefixes[i] != null) i = (i + 1) & mask;
            _hashes[i] = hash; _prefixes[i] = prefix; _values[i] = value;
        }

        private void Grow()
        {
            var (hashes, prefixes, values) = (_hashes, _prefixes, _values);
            _hashes = new int[hashes.Length * 2]; _prefixes = new string?[prefixes.Length * 2]; _values = new T?[values.Length * 2];
            // In slot order from each run's start, so a prefix added twice keeps its order along the probe.
            for (int i = 0; i < prefixes.Length; i++)
                if (prefixes[i] != null) Insert(hashes[i], prefixes[i]!, values[i]!);
        }

        private static int Slot(int hash, int mask) => (int)((uint)(hash * -1640531535) >> 7) & mask;

        /// <summary>The value of the prefix key[0..length), given its hash (from <see cref="PrefixMap.Extend(int, string, int, int)"/>); null when not declared.</summary>
        public T? Find(string key, int length, int hash) => Find(key.AsSpan(), length, hash);

        [MethodImpl(HotPath.Optimized)]
        public T? Find(ReadOnlySpan<char> key, int length, int hash)
        {
            var prefixes = _prefixes;
            int mask = prefixes.Length - 1;
            for (int i = Slot(hash, mask); ; i = (i + 1) & mask)
            {
                var prefix = prefixes[i];
                if (prefix == null) return null;
                if (_hashes[i] == hash && prefix.Length == length && prefix.AsSpan().SequenceEqual(key.Slice(0, length))) return _values[i];
            }
        }

        /// <summary>The value of the shortest declared prefix of <paramref name="key"/> (ending at a '/'); null when none.</summary>
        public T? FindFirst(string key) => FindFirst(key.AsSpan());

        [MethodImpl(HotPath.Optimized)]
        public T? FindFirst(ReadOnlySpan<char> key)
        {
            int hash = PrefixMap.Seed, done = 0;
            for (int slash = key.IndexOf('/'); slash >= 0; slash = PrefixMap.IndexOfSlash(key, slash + 1))
            {
                hash = PrefixMap.Extend(hash, key, done, slash + 1);
                done = slash + 1;
                var found = Find(key, done, hash);
                if (found != null) return found;
            }
            return null;
        }
    }

    /// <summary>The hash <see cref="PrefixMap{T}"/> files prefixes under, extended a key's part at a time, and the slash walk over a key.</summary>
    internal static class PrefixMap
    {
        public const int Seed = 17;

        /// <summary>The hash of <paramref name="hash"/>'s prefix followed by key[from..to).</summary>
        public static int Extend(int hash, string key, int from, int to) => Extend(hash, key.AsSpan(), from, to);

        /// <summary>As <see cref="Extend(int, string, int, int)"/>, over a key that is not a string (a reused record's chars).</summary>
        [MethodImpl(HotPath.Optimized)]
        public static int Extend(int hash, ReadOnlySpan<char> key, int from, int to)
        {
            unchecked
            {
                for (int i = from; i < to; i++) hash = hash * 31 + key[i];
            }
            return hash;
        }

        /// <summary>The next '/' at or after <paramref name="from"/>, -1 when none (string.IndexOf(char, int) for a span).</summary>
        internal static int IndexOfSlash(ReadOnlySpan<char> key, int from)
        {
            int found = key.Slice(from).IndexOf('/');
            return found < 0 ? -1 : from + found;
        }
    }
}
