using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>
    /// An object in a date-partitioned folder but not under a valid date path in that folder's style: no date at
    /// all, a date that does not exist (2024/13/45), unpadded (2024/1/5), Hive spelling in a YYYY/MM/DD folder, or a
    /// path that stops before the last level. Anything below a valid date leaf is the producer's business.
    /// </summary>
    internal sealed class PartitionViolationRule : IObjectRule
    {
        public DriftCategory Category => DriftCategory.PartitionViolation;

        [MethodImpl(HotPath.Optimized)]
        public DriftFinding? Check(ObjectPlacement placement, FindingFactory findings)
        {
            var folder = placement.Folder;
            if (folder.Partition == PartitionGranularity.None || !placement.FolderTakesFiles) return null;
            if (ValidInKey(placement, folder)) return null;
            var problem = Problem(folder, placement.DatePath, out string? corrected);
            if (problem == null) return null;
            string expected = PartitionLevels.Describe(folder.PartitionStyle, folder.Partition);
            string target = findings.Describe(folder.Key + (corrected ?? expected + "/") + placement.FileName);
            return findings.Finding(Category, placement.Solution, placement.Object.Key, $"{expected}/ under {folder.Key}", problem,
                $"Move it to {target}{(corrected == null ? " with its real date" : "")} (Repair-MlLayout never moves data).", false, folder: folder.Key);
        }

        /// <summary>
        /// The usual case read straight from the key: every level there, ASCII digits of the right width (after
        /// year=/month=/day= in Hive style), a real date. True only when <see cref="Problem"/> would find nothing; any
        /// doubt goes to <see cref="Problem"/>, which has the words for what is wrong.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        private static bool ValidInKey(ObjectPlacement placement, FolderNode folder)
        {
            var key = placement.Object.KeySpan;
            int at = placement.DateStart, end = placement.NameStart;
            bool hive = folder.PartitionStyle == PartitionStyle.Hive;
            int levels = folder.Partition == PartitionGranularity.Daily ? 3 : 2;
            int year = 0, month = 0;
            for (int level = 0; level < levels; level++)
            {
                if (hive)
                {
                    string prefix = level == 0 ? "year=" : level == 1 ? "month=" : "day=";
                    if (at + prefix.Length > key.Length || !key.Slice(at, prefix.Length).SequenceEqual(prefix.AsSpan())) return false;
                    at += prefix.Length;
                }
                int width = level == 0 ? 4 : 2, value = 0;
                if (at + width >= end || key[at + width] != '/') return false;
                for (int i = at; i < at + width; i++)
                {
                    int digit = key[i] - '0';
                    if (digit < 0 || digit > 9) return false;
                    value = value * 10 + digit;
                }
                at += width + 1;
                if (level == 0) { if (value < 1900 || value > 2999) return false; year = value; }
                else if (level == 1) { if (value < 1 || value > 12) return false; month = value; }
                else if (value < 1 || value > System.DateTime.DaysInMonth(year, month)) return false;
            }
            return true;
        }

        /// <summary>The date path spelled right from <paramref name="level"/> on, when every level can be read; else null.</summary>
        private static string? Corrected(FolderNode folder, IReadOnlyList<string> path, int level, int levels)
        {
            var parts = path.Take(level).ToList();
            for (int i = level; parts.Count < levels && i < path.Count; i++)
            {
                var fix = PartitionLevels.Correct(Padded(path[i]), folder.PartitionStyle, parts.Count);
                parts.AddRange((fix ?? path[i]).TrimEnd('/').Split('/')); // a whole date (2024-01-05) gives all three levels
            }
            if (parts.Count < levels) return null;
            parts = parts.Take(levels).ToList();
            int year = 0, month = 0;
            for (int i = 0; i < levels; i++)
            {
                if (PartitionLevels.Check(i, parts[i], folder.PartitionStyle, year, month) != null) return null;
                if (i == 0) year = PartitionLevels.Value(parts[i]); else if (i == 1) month = PartitionLevels.Value(parts[i]);
            }
            return string.Concat(parts.Select(p => p + "/"));
        }

        /// <summary>An unpadded month or day ("5", "day=5") with its leading zero, so 2024/1/5/ can be spelled 2024/01/05/.</summary>
        private static string Padded(string level)
        {
            int eq = level.IndexOf('=') + 1;
            string digits = level.Substring(eq);
            return digits.Length == 1 && char.IsDigit(digits[0]) ? level.Substring(0, eq) + "0" + digits : level;
        }

        /// <summary>Why the date path is not valid, or null; <paramref name="corrected"/> is the right spelling when one can be read.</summary>
        internal static string? Problem(FolderNode folder, IReadOnlyList<string> path, out string? corrected)
        {
            corrected = null;
            int levels = folder.Partition == PartitionGranularity.Daily ? 3 : 2;
            if (path.Count == 0) return "no date path";
            int year = 0, month = 0;
            for (int level = 0; level < levels && level < path.Count; level++)
            {
                var problem = PartitionLevels.Check(level, path[level], folder.PartitionStyle, year, month);
                if (problem != null)
                {
                    corrected = Corrected(folder, path, level, levels);
                    return problem;
                }
                int value = PartitionLevels.Value(path[level]);
                if (level == 0) year = value; else if (level == 1) month = value;
            }
            if (path.Count < levels)
                return $"'{string.Join("/", path)}/' stops before the {(path.Count == 1 ? "month" : "day")} level";
            return null;
        }
    }
}
