using System;
using System.Collections.Generic;
using System.Linq;

namespace S3MlLayout.Engine.Naming
{
    /// <summary>
    /// "Did you mean" for every kind of name the module checks (regions on the command line and in tenant files, keys
    /// of tenant and template files): the candidates closest by edit distance, so one typo gets one answer everywhere.
    /// </summary>
    internal static class Spelling
    {
        /// <summary>
        /// Up to <paramref name="take"/> candidates within <paramref name="limit"/> edits of <paramref name="typed"/>
        /// (case ignored; a transposition counts once), closest first; ties keep the candidates' order.
        /// </summary>
        public static IReadOnlyList<string> Closest(string typed, IEnumerable<string> candidates, int limit, int take)
        {
            string folded = typed.Trim().ToLowerInvariant();
            return candidates.Select((c, i) => (Candidate: c, Index: i, Distance: EditDistance(folded, c.ToLowerInvariant())))
                .Where(c => c.Distance <= limit).OrderBy(c => c.Distance).ThenBy(c => c.Index)
                .Select(c => c.Candidate).Take(take).ToArray();
        }

        /// <summary>The one key a misspelt key most likely meant: same letters in another case, or at most a third of its length in edits (at most 3).</summary>
        public static string? ClosestKey(string typed, IEnumerable<string> keys) =>
            Closest(typed, keys, Math.Min(3, Math.Max(1, typed.Length / 3)), 1).FirstOrDefault();

        /// <summary>Optimal string alignment distance (Damerau-Levenshtein restricted to adjacent transpositions).</summary>
        internal static int EditDistance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
            for (int j = 0; j <= b.Length; j++) d[0, j] = j;
            for (int i = 1; i <= a.Length; i++)
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            return d[a.Length, b.Length];
        }
    }
}
