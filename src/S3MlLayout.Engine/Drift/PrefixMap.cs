using System;
using System.Collections.Generic;

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
        public static int Extend(int hash, string key, int from, int to)
        {
            unchecked
            {
                for (int i = from; i < to; i++) hash = hash * 31 + key[i];
            }
            return hash;
        }

        /// <summary>The value of the prefix key[0..length), given its hash (from <see cref="Extend"/>); null when not declared.</summary>
        public T? Find(string key, int length, int hash)
        {
            if (!_byHash.TryGetValue(hash, out var list)) return null;
            foreach (var (prefix, value) in list)
                if (prefix.Length == length && string.CompareOrdinal(prefix, 0, key, 0, length) == 0) return value;
            return null;
        }

        /// <summary>The value of the shortest declared prefix of <paramref name="key"/> (ending at a '/'); null when none.</summary>
        public T? FindFirst(string key)
        {
            int hash = Seed, done = 0;
            for (int slash = key.IndexOf('/'); slash >= 0; slash = key.IndexOf('/', slash + 1))
            {
                hash = Extend(hash, key, done, slash + 1);
                done = slash + 1;
                var found = Find(key, done, hash);
                if (found != null) return found;
            }
            return null;
        }
    }
}
