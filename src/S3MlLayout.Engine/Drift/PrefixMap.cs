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
        private readonly Dictionary<int, List<(string Prefix, T Value)>> _byHash = new Dictionary<int, List<(string, T)>>();

        public int Count { get; private set; }

        public void Add(string prefix, T value)
        {
            int hash = Extend(Seed, prefix, 0, prefix.Length);
            if (!_byHash.TryGetValue(hash, out var list)) _byHash[hash] = list = new List<(string, T)>(1);
            list.Add((prefix, value));
            Count++;
        }

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

        /// <summary>The value of the prefix key[0..length), given its hash (from <see cref="Extend(int, string, int, int)"/>); null when not declared.</summary>
        public T? Find(string key, int length, int hash) => Find(key.AsSpan(), length, hash);

        [MethodImpl(HotPath.Optimized)]
        public T? Find(ReadOnlySpan<char> key, int length, int hash)
        {
            if (!_byHash.TryGetValue(hash, out var list)) return null;
            var wanted = key.Slice(0, length);
            for (int i = 0; i < list.Count; i++)
                if (list[i].Prefix.AsSpan().SequenceEqual(wanted)) return list[i].Value;
            return null;
        }

        /// <summary>The value of the shortest declared prefix of <paramref name="key"/> (ending at a '/'); null when none.</summary>
        public T? FindFirst(string key) => FindFirst(key.AsSpan());

        [MethodImpl(HotPath.Optimized)]
        public T? FindFirst(ReadOnlySpan<char> key)
        {
            int hash = Seed, done = 0;
            for (int slash = key.IndexOf('/'); slash >= 0; slash = IndexOfSlash(key, slash + 1))
            {
                hash = Extend(hash, key, done, slash + 1);
                done = slash + 1;
                var found = Find(key, done, hash);
                if (found != null) return found;
            }
            return null;
        }

        /// <summary>The next '/' at or after <paramref name="from"/>, -1 when none (string.IndexOf(char, int) for a span).</summary>
        internal static int IndexOfSlash(ReadOnlySpan<char> key, int from)
        {
            int found = key.Slice(from).IndexOf('/');
            return found < 0 ? -1 : from + found;
        }
    }
}
