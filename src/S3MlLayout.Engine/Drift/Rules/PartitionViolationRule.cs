using System.Collections.Generic;
using System.Linq;
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

        public DriftFinding? Check(ObjectPlacement placement, FindingFactory findings)
        {
            var folder = placement.Folder;
            if (folder.Partition == PartitionGranularity.None || !placement.FolderTakesFiles) return null;
            var problem = Problem(folder, placement.DatePath, out string? corrected);
            if (problem == null) return null;
            string expected = PartitionLevels.Describe(folder.PartitionStyle, folder.Partition);
            string target = findings.Describe(folder.Key + (corrected ?? expected + "/") + placement.FileName);
            return findings.Finding(Category, placement.Solution, placement.Object.Key, $"{expected}/ under {folder.Key}", problem,
                $"Move it to {target}{(corrected == null ? " with its real date" : "")} (Repair-MlLayout never moves data).", false, folder: folder.Key);
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
                    var fix = PartitionLevels.Correct(path[level], folder.PartitionStyle, level);
                    if (fix != null && fix != path[level] + "/")
                    {
                        // The levels before, the corrected one(s), and the levels after it still needed.
                        var parts = path.Take(level).Concat(fix.TrimEnd('/').Split('/')).ToList();
                        parts.AddRange(path.Skip(level + 1).Take(levels - parts.Count));
                        corrected = parts.Count >= levels ? string.Concat(parts.Take(levels).Select(p => p + "/")) : null;
                    }
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
